//! The terminal interface as a pure state machine: [`App`] holds what is on screen,
//! [`update`] applies an [`Action`] and returns [`Effect`]s as data for the runtime to
//! perform. No store, no terminal, no clock: `today` arrives as an argument.
//!
//! One room per pane, mirroring `ui/`: `today`, `contacts`, `referrals` and `ask`
//! each hold their pane's state and handle its keys; this file keeps [`App`], [`update`]
//! and what is shared (overlays, forms, the data every pane reads).
//!
//! May import `domain`, `config`, `keymap`, `text`.

mod action;
mod ask;
mod command;
mod contacts;
mod data;
mod detail;
mod effect;
mod field;
mod filter;
mod form;
mod mouse;
mod outcome;
mod overlay;
mod pane;
mod referrals;
mod settle;
mod today;

use std::sync::Arc;

use chrono::NaiveDate;

pub use action::{Action, BINDABLE, MailPreview, Output};
pub use command::{CommandLine, CommandName};
pub use contacts::{ContactsState, Record};
pub use data::{AskCard, COLUMNS, ChainLine, ContactRow, Data, SnoozedRow};
pub use detail::Detail;
pub use effect::{Effect, PersonRef, Write};
pub use field::TextField;
use filter::narrows;
pub use filter::{Haystacks, filter};
pub use form::{Form, FormField, FormKind, Input, Pick, Picked};
pub use mouse::{Hit, HitMap};
pub use outcome::{Doing, Outcome};
pub use overlay::Overlay;
use overlay::input;
pub use pane::Pane;
use pane::{clamp, pane_action, step, write};
pub use referrals::{ReferralsState, selected_referral};
use settle::{Anchor, settle};
pub use today::{DoneOption, TodayState};

use crate::config::Config;
use crate::keymap::{Bindable, Key, KeyCode, Keymap, Mode};

/// Snooze choices offered by `s`, in days.
pub const SNOOZE_DAYS: [u32; 4] = [1, 3, 7, 30];
/// Rows moved by page up / down.
const PAGE: usize = 10;

#[derive(Debug, Clone, PartialEq)]
pub struct Message {
    pub text: String,
    pub error: bool,
}

pub struct App {
    pub keymap: Keymap<Action>,
    pub config: Config,
    pub color: bool,
    pub pane: Pane,
    pub data: Arc<Data>,
    pub today: TodayState,
    pub contacts: ContactsState,
    pub referrals: ReferralsState,
    pub ask: usize,
    /// The Insights pane: the selected referrer.
    pub insights: usize,
    pub overlay: Option<Overlay>,
    pub message: Option<Message>,
    /// The book was opened read-only (its file or folder is not writable): shown in the
    /// tab bar, and every write fails with a message saying so.
    pub read_only: bool,
    /// A throwaway demo book (`ties --demo`): quitting asks first.
    pub demo: bool,
    /// The command line's history, oldest first.
    pub history: Vec<String>,
    /// The commands the command line completes (from the CLI's definitions).
    pub commands: Vec<CommandName>,
    /// What the last frame drew where, for the mouse (written while drawing).
    pub hits: std::cell::RefCell<HitMap>,
    /// The selections by id while a reload reads the book again (the old data is let
    /// go first, so a reload never holds two books): [`Action::Unload`] sets it,
    /// [`Action::Loaded`] follows it.
    anchor: Option<Anchor>,
}

impl App {
    pub fn new(data: Arc<Data>, config: Config, keymap: Keymap<Action>, color: bool) -> App {
        let mut app = App {
            keymap,
            config,
            color,
            pane: Pane::Today,
            data,
            today: TodayState::default(),
            contacts: ContactsState::default(),
            referrals: ReferralsState::default(),
            ask: 0,
            insights: 0,
            overlay: None,
            message: None,
            read_only: false,
            demo: false,
            history: Vec::new(),
            commands: Vec::new(),
            hits: std::cell::RefCell::new(HitMap::default()),
            anchor: None,
        };
        app.refilter(None);
        app
    }

    /// The keymap mode in effect.
    pub fn mode(&self) -> Mode {
        match self.pane {
            Pane::Today if self.today.review.is_some() => Mode::Review,
            Pane::Today => Mode::Today,
            Pane::Contacts => Mode::Contacts,
            Pane::Referrals => Mode::Referrals,
            Pane::Ask => Mode::Ask,
            Pane::Insights => Mode::Insights,
        }
    }

    /// Turns a key into an action: typed into the overlay or filter when one is open,
    /// else through the keymap. `Ctrl-C` always quits.
    pub fn key_action(&self, key: Key) -> Option<Action> {
        if key == Key::ctrl('c') {
            return Some(Action::Quit);
        }
        if self.overlay.is_some() || self.contacts.filtering && self.pane == Pane::Contacts {
            return Some(Action::Input(key));
        }
        self.keymap.lookup(self.mode(), key)
    }

    /// A page of the list on screen, as the last frame drew it (10 before any frame).
    pub fn page(&self) -> usize {
        match self.hits.borrow().page {
            0 => PAGE,
            n => n,
        }
    }

    /// The rows the Contacts list shows: the active contacts, or the archived ones.
    pub fn contact_rows(&self) -> &[ContactRow] {
        if self.contacts.archived {
            &self.data.archived
        } else {
            &self.data.rows
        }
    }

    /// The contact under the cursor in the Contacts list.
    pub fn selected_contact(&self) -> Option<&ContactRow> {
        self.contacts
            .visible
            .get(self.contacts.selected)
            .and_then(|&i| self.contact_rows().get(i))
    }

    /// Re-applies the filter over every row (after a reload or a cleared filter),
    /// keeping `keep` selected if visible.
    fn refilter(&mut self, keep: Option<i64>) {
        let c = &mut self.contacts;
        c.fuzzy.filter(
            haystacks_of(&self.data, c.archived),
            &c.filter.value,
            None,
            &mut c.visible,
        );
        if let Some(id) = keep {
            if let Some(pos) = self
                .contacts
                .visible
                .iter()
                .position(|&i| self.contact_rows()[i].id == id)
            {
                self.contacts.selected = pos;
            }
        } else {
            self.contacts.selected = 0;
        }
        self.contacts.selected = clamp(self.contacts.selected, self.contacts.visible.len());
        self.refresh_detail(true);
    }

    /// Applies the filter after the user edited it from `before`: only the rows
    /// `before` matched are tried when that is enough, and the detail is rebuilt only
    /// when the top row is another contact (the data has not changed).
    fn retype(&mut self, before: &str) {
        let c = &mut self.contacts;
        // Narrow from everything the shorter query matched, scattered matches too: a
        // longer word may have no row that holds it as typed.
        let previous = c.fuzzy.matched().to_vec();
        let within = narrows(before, &c.filter.value).then_some(previous.as_slice());
        c.fuzzy.filter(
            haystacks_of(&self.data, c.archived),
            &c.filter.value,
            within,
            &mut c.visible,
        );
        c.selected = 0;
        self.refresh_detail(false);
    }

    pub(super) fn refresh_detail(&mut self, force: bool) {
        let id = self.selected_contact().map(|r| r.id);
        let same = self.contacts.detail.as_ref().map(|d| d.id) == id;
        if !force && same {
            return;
        }
        if !same {
            self.contacts.timeline_offset = 0;
        }
        let record = self.contacts.record.as_deref().filter(|r| Some(r.id) == id);
        self.contacts.detail =
            id.and_then(|id| Detail::build(&self.data, id, &self.config, record));
    }

    /// Shows `id` in the Contacts pane (clearing a filter that hides it).
    fn open_contact(&mut self, id: i64) {
        self.pane = Pane::Contacts;
        self.today.review = None;
        if !self
            .contacts
            .visible
            .iter()
            .any(|&i| self.contact_rows()[i].id == id)
        {
            self.contacts.filter = TextField::default();
        }
        self.refilter(Some(id));
    }

    /// The key of the review item on screen (selected, or the card in review mode).
    fn today_key(&self) -> Option<String> {
        let pos = self.today.review.unwrap_or(self.today.selected);
        self.today_items().get(pos).map(|i| i.key.clone())
    }

    /// After new data, stays on the item with `key` wherever it moved; when it is gone
    /// (done), the position stays, on the item that was after it.
    fn follow_item(&mut self, key: Option<String>) {
        let Some(key) = key else { return };
        if let Some(p) = self.today_items().iter().position(|i| i.key == key) {
            self.today.selected = p;
            if self.today.review.is_some() {
                self.today.review = Some(p);
            }
        }
    }

    fn say(&mut self, text: impl Into<String>) {
        self.message = Some(Message {
            text: text.into(),
            error: false,
        });
    }

    pub fn warn(&mut self, text: impl Into<String>) {
        self.message = Some(Message {
            text: text.into(),
            error: true,
        });
    }
}

fn haystacks_of(data: &Data, archived: bool) -> &Haystacks {
    if archived {
        &data.archived_haystacks
    } else {
        &data.haystacks
    }
}

/// Applies `action` to `app`; returns what the runtime must do.
pub fn update(app: &mut App, action: Action, today: NaiveDate) -> Vec<Effect> {
    let mut effects = handle(app, action, today);
    effects.extend(wanted(app));
    effects
}

/// What the app needs read that it does not hold, whatever happened last: the
/// detail and the edit form show what the book's lists leave out (a contact's notes,
/// its history's notes), so the contact is read whole when the detail shows another
/// one or the data changed. The runtime also asks at start.
pub fn wanted(app: &App) -> Option<Effect> {
    let id = app.contacts.detail.as_ref().map(|d| d.id)?;
    (app.contacts.record.as_ref().map(|r| r.id) != Some(id)).then_some(Effect::ReadContact(id))
}

fn handle(app: &mut App, action: Action, today: NaiveDate) -> Vec<Effect> {
    if action.is_bindable() || matches!(action, Action::Input(_)) {
        app.message = None;
    }
    match action {
        Action::Quit if app.demo && app.overlay.is_none() => {
            app.overlay = Some(Overlay::ConfirmQuit);
            Vec::new()
        }
        Action::Quit => vec![Effect::Quit],
        Action::Unload => {
            // Only the first of two unloads knows where the view was.
            if app.anchor.is_none() {
                app.anchor = Some(Anchor::of(app));
            }
            let empty = Data::build(Default::default(), &app.config, app.data.today);
            app.data = Arc::new(empty);
            app.contacts.record = None;
            Vec::new()
        }
        Action::Loaded(data) => {
            let anchor = app.anchor.take().unwrap_or_else(|| Anchor::of(app));
            app.data = data;
            settle(app, anchor);
            Vec::new()
        }
        Action::Outcome(outcome) => outcome::report(app, outcome),
        Action::Say(text) => {
            app.say(text);
            Vec::new()
        }
        Action::Click(hit) => {
            if app.overlay.is_some() {
                return Vec::new();
            }
            match mouse::click(app, hit) {
                Some(then) => handle(app, then, today),
                None => Vec::new(),
            }
        }
        Action::Wheel { hit, down } => {
            if app.overlay.is_some() {
                // The wheel scrolls what is open (help, a preview, an output).
                let code = if down { KeyCode::Down } else { KeyCode::Up };
                return input(app, Key::plain(code), today);
            }
            handle(app, mouse::wheel(hit, down), today)
        }
        Action::CommandLine => {
            app.overlay = Some(Overlay::Command(CommandLine::default()));
            Vec::new()
        }
        Action::ContactRead(record) => {
            if app.contacts.detail.as_ref().map(|d| d.id) == Some(record.id) {
                app.contacts.record = Some(record);
                app.refresh_detail(true);
            }
            Vec::new()
        }
        Action::MailPreview(preview) => {
            app.overlay = Some(Overlay::ImportPreview { preview, scroll: 0 });
            Vec::new()
        }
        Action::IdealReferral => {
            // The example of the default configuration is not the user's words: start empty.
            let example = Config::defaults().map(|c| c.ask.ideal_referral).ok();
            let own = &app.config.ask.ideal_referral;
            let start = if example.as_ref() == Some(own) {
                String::new()
            } else {
                own.clone()
            };
            app.overlay = Some(Overlay::IdealReferral(TextField::new(start)));
            Vec::new()
        }
        Action::Input(key) => input(app, key, today),
        Action::Help => {
            app.overlay = Some(Overlay::Help {
                filter: TextField::default(),
                typing: false,
                scroll: 0,
            });
            Vec::new()
        }
        Action::Undo => {
            if app.read_only {
                app.warn("This book is read-only: there is nothing to undo here.");
                Vec::new()
            } else {
                vec![Effect::Undo]
            }
        }
        Action::NextPane | Action::PrevPane => {
            let i = Pane::ALL.iter().position(|p| *p == app.pane).unwrap_or(0);
            let n = Pane::ALL.len();
            let j = if action == Action::NextPane {
                (i + 1) % n
            } else {
                (i + n - 1) % n
            };
            app.pane = Pane::ALL[j];
            app.today.review = None;
            Vec::new()
        }
        Action::GoToday
        | Action::GoContacts
        | Action::GoReferrals
        | Action::GoAsk
        | Action::GoInsights => {
            app.pane = match action {
                Action::GoToday => Pane::Today,
                Action::GoContacts => Pane::Contacts,
                Action::GoReferrals => Pane::Referrals,
                Action::GoInsights => Pane::Insights,
                _ => Pane::Ask,
            };
            app.today.review = None;
            Vec::new()
        }
        other => pane_action(app, other, today),
    }
}
