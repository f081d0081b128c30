//! What can happen to the terminal interface: user actions (bindable from `[keys]`)
//! and the internal results the runtime feeds back (`#[serde(skip)]`).
//!
//! May import `keymap::Key`, `serde` and the app's own data.

use std::sync::Arc;

use serde::Deserialize;

use super::data::Data;
use crate::keymap::Key;

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Quit,
    Help,
    NextPane,
    PrevPane,
    GoToday,
    GoContacts,
    GoReferrals,
    GoAsk,
    GoInsights,
    Up,
    Down,
    Left,
    Right,
    PageUp,
    PageDown,
    Top,
    Bottom,
    OpenContact,
    Done,
    Snooze,
    Review,
    Skip,
    ExitReview,
    /// Today: the day's bounded review, or everything due (the waiting too).
    ShowAll,
    /// Today: the snoozed items, to see and end them.
    Snoozes,
    /// Today: let a stale item go (it is not offered again until something new happens).
    LetGo,
    /// Say your ideal referral in your own words (saved to the config file).
    IdealReferral,
    /// Undo the most recent change (repeatable, newest first).
    Undo,
    /// The command line: a `ties` command typed in, run on this book.
    CommandLine,
    Filter,
    ClearFilter,
    AddContact,
    EditContact,
    LogInteraction,
    RecordReferral,
    ArchiveContact,
    /// Contacts: show the archived contacts instead of the active ones (and back).
    ShowArchived,
    /// Contacts: merge another contact into the selected one.
    MergeContact,
    /// Scroll the contact's timeline towards older entries.
    TimelineOlder,
    /// Scroll the contact's timeline back towards the newest entry.
    TimelineNewer,
    Pipeline,
    Chains,
    StatusForward,
    StatusBack,
    MarkLost,
    /// Referrals: the referral went quiet.
    MarkDormant,
    Thank,
    Inform,
    /// Referrals: import introductions from a mail file (a path typed in), shown
    /// before they are recorded.
    ImportMail,
    RecordAsk,
    /// A key typed into a form, the filter, a picker or the help overlay.
    #[serde(skip)]
    Input(Key),
    /// A reload begins: the data is let go (the view keeps its selections by id) so
    /// that the fresh book never sits beside the old one.
    #[serde(skip)]
    Unload,
    /// Fresh data after a change by another process (everything reloaded).
    #[serde(skip)]
    Loaded(Arc<Data>),
    /// What performing an effect came to, as facts; the app words it.
    #[serde(skip)]
    Outcome(super::outcome::Outcome),
    /// A message the app worded before a reload, said once the book is read again.
    #[serde(skip)]
    Say(String),
    /// What importing a mail file would record, to confirm.
    #[serde(skip)]
    MailPreview(Arc<MailPreview>),
    /// A contact read whole, for the detail and the edit form.
    #[serde(skip)]
    ContactRead(Arc<super::contacts::Record>),
    /// A left click on what the last frame drew there.
    #[serde(skip)]
    Click(super::Hit),
    /// The mouse wheel, over what the last frame drew there.
    #[serde(skip)]
    Wheel {
        hit: Option<super::Hit>,
        down: bool,
    },
}

/// Lines of output to read in an overlay.
#[derive(Debug, Clone, PartialEq)]
pub struct Output {
    pub title: String,
    pub lines: Vec<String>,
}

/// What importing a mail file would record (a dry run), in words.
#[derive(Debug, Clone, PartialEq)]
pub struct MailPreview {
    /// The file, as the runtime resolved it.
    pub path: String,
    /// A summary line, then one line per introduction, new contact, note and skip.
    pub lines: Vec<String>,
    /// How many introductions a real import would record.
    pub recordable: usize,
}

/// Every bindable action, in the order help and hints list them: each pane's own main
/// actions first, so a narrow status bar keeps those.
pub const BINDABLE: &[Action] = &[
    Action::Done,
    Action::Snooze,
    Action::Review,
    Action::Skip,
    Action::ExitReview,
    Action::LetGo,
    Action::ShowAll,
    Action::Snoozes,
    Action::IdealReferral,
    Action::Filter,
    Action::ClearFilter,
    Action::LogInteraction,
    Action::AddContact,
    Action::EditContact,
    Action::RecordReferral,
    Action::ArchiveContact,
    Action::ShowArchived,
    Action::MergeContact,
    Action::TimelineOlder,
    Action::TimelineNewer,
    Action::StatusForward,
    Action::StatusBack,
    Action::MarkLost,
    Action::Thank,
    Action::Inform,
    Action::MarkDormant,
    Action::ImportMail,
    Action::Pipeline,
    Action::Chains,
    Action::RecordAsk,
    Action::OpenContact,
    Action::Left,
    Action::Right,
    Action::Up,
    Action::Down,
    Action::PageUp,
    Action::PageDown,
    Action::Top,
    Action::Bottom,
    Action::GoToday,
    Action::GoContacts,
    Action::GoReferrals,
    Action::GoAsk,
    Action::GoInsights,
    Action::NextPane,
    Action::PrevPane,
    Action::Undo,
    Action::CommandLine,
    Action::Help,
    Action::Quit,
];

impl crate::keymap::Bindable for Action {
    /// False for the internal results, which no key may be bound to.
    fn is_bindable(&self) -> bool {
        !matches!(
            self,
            Action::Input(_)
                | Action::Unload
                | Action::Loaded(_)
                | Action::Outcome(_)
                | Action::Say(_)
                | Action::MailPreview(_)
                | Action::ContactRead(_)
                | Action::Click(_)
                | Action::Wheel { .. }
        )
    }
}

impl Action {
    /// A few words for the help overlay and the status bar.
    pub fn description(&self) -> &'static str {
        match self {
            Action::Quit => "quit",
            Action::Help => "help",
            Action::NextPane => "next pane",
            Action::PrevPane => "previous pane",
            Action::GoToday => "Today",
            Action::GoContacts => "Contacts",
            Action::GoReferrals => "Referrals",
            Action::GoAsk => "Ask",
            Action::GoInsights => "Insights",
            Action::Up => "up",
            Action::Down => "down",
            Action::Left => "left column",
            Action::Right => "right column",
            Action::PageUp => "page up",
            Action::PageDown => "page down",
            Action::Top => "first",
            Action::Bottom => "last",
            Action::OpenContact => "open contact",
            Action::Done => "done",
            Action::Snooze => "snooze",
            Action::Review => "review",
            Action::Skip => "skip",
            Action::ExitReview => "leave review",
            Action::ShowAll => "all / today",
            Action::Snoozes => "snoozed",
            Action::LetGo => "let go",
            Action::IdealReferral => "ideal referral",
            Action::Undo => "undo",
            Action::CommandLine => "command",
            Action::Filter => "filter",
            Action::ClearFilter => "clear filter",
            Action::AddContact => "add",
            Action::EditContact => "edit",
            Action::LogInteraction => "log",
            Action::RecordReferral => "referral",
            Action::ArchiveContact => "archive",
            Action::ShowArchived => "archived",
            Action::MergeContact => "merge",
            Action::TimelineOlder => "older timeline",
            Action::TimelineNewer => "newer timeline",
            Action::Pipeline => "pipeline",
            Action::Chains => "chains",
            Action::StatusForward => "status forward",
            Action::StatusBack => "status back",
            Action::MarkLost => "lost",
            Action::MarkDormant => "dormant",
            Action::Thank => "thank",
            Action::Inform => "inform",
            Action::RecordAsk => "record ask",
            Action::ImportMail => "import mail",
            Action::Input(_)
            | Action::Unload
            | Action::Loaded(_)
            | Action::Outcome(_)
            | Action::Say(_)
            | Action::MailPreview(_)
            | Action::ContactRead(_)
            | Action::Click(_)
            | Action::Wheel { .. } => "",
        }
    }

    /// Navigation keys are listed in help but left out of the status bar.
    pub fn is_navigation(&self) -> bool {
        matches!(
            self,
            Action::Up
                | Action::Down
                | Action::PageUp
                | Action::PageDown
                | Action::Top
                | Action::Bottom
                | Action::NextPane
                | Action::PrevPane
                | Action::GoToday
                | Action::GoContacts
                | Action::GoReferrals
                | Action::GoAsk
                | Action::GoInsights
        )
    }
}
