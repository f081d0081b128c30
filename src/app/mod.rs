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
mod referrals;
mod today;

use std::sync::Arc;

use chrono::NaiveDate;

pub use action::{Action, BINDABLE, MailPreview, Output};
pub use command::{CommandLine, CommandName};
pub use contacts::ContactsState;
pub use data::{AskCard, COLUMNS, ChainLine, ContactRow, Data, SnoozedRow};
pub use detail::Detail;
pub use effect::{Effect, PersonRef, Write};
pub use field::TextField;
use filter::narrows;
pub use filter::{Haystacks, filter};
pub use form::{Form, FormField, FormKind, Input, Pick, Picked};
pub use mouse::{Hit, HitMap};
pub use referrals::{ReferralsState, selected_referral};
pub use today::{DoneOption, TodayState};

use crate::config::Config;
use crate::keymap::{Bindable, Key, KeyCode, Keymap, Mode};

/// Snooze choices offered by `s`, in days.
pub const SNOOZE_DAYS: [u32; 4] = [1, 3, 7, 30];
/// Rows moved by page up / down.
const PAGE: usize = 10;

#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::VariantArray, strum::IntoStaticStr)]
pub enum Pane {
    Today,
    Contacts,
    Referrals,
    Ask,
    Insights,
}

impl Pane {
    pub const ALL: &'static [Pane] = <Pane as strum::VariantArray>::VARIANTS;

    /// The tab's title: the variant's name.
    pub fn title(self) -> &'static str {
        self.into()
    }
}

/// What sits on top of the pane and takes the keys.
#[derive(Debug, Clone, PartialEq)]
pub enum Overlay {
    /// Every key binding: scrolls, filters as you type after `/`, stays open until Esc
    /// or `?`.
    Help {
        filter: TextField,
        /// Typing goes into the filter.
        typing: bool,
        /// Lines scrolled past.
        scroll: usize,
    },
    Form(Form),
    /// Snooze a review item: key, what it is, the highlighted choice.
    Snooze {
        key: String,
        label: String,
        index: usize,
    },
    /// How to do a review item: the ways (the first on Enter), the highlighted one.
    Done {
        key: String,
        label: String,
        options: Vec<today::DoneOption>,
        index: usize,
    },
    /// Your ideal referral, in your own words.
    IdealReferral(TextField),
    /// The snoozed items, soonest back first; Enter ends the highlighted snooze.
    Snoozes {
        index: usize,
    },
    /// "Reopen #3?": a write that undoes a decision waits for `y`.
    Confirm {
        question: String,
        detail: String,
        write: Box<Write>,
        done: String,
    },
    /// Quit the demo? Its changes go with it.
    ConfirmQuit,
    /// "Archive X?": no single-key destruction.
    ConfirmArchive {
        id: i64,
        name: String,
    },
    /// "Bring X back?"
    ConfirmUnarchive {
        id: i64,
        name: String,
    },
    /// A contact being added looks like one already in the book: add anyway (y), or
    /// open the one there (o).
    Duplicate {
        existing: i64,
        name: String,
        why: String,
        write: Box<Write>,
        done: String,
        /// The form, given back to change it.
        form: Box<Form>,
    },
    /// The path of a mail file to import introductions from.
    ImportPath(TextField),
    /// What importing it would record; Enter records it.
    ImportPreview {
        preview: Arc<MailPreview>,
        scroll: usize,
    },
    /// The command line, drawn in the status bar.
    Command(CommandLine),
    /// A command's output.
    Output {
        output: Arc<Output>,
        scroll: usize,
    },
}

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
    pub quit: bool,
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
            quit: false,
            read_only: false,
            demo: false,
            history: Vec::new(),
            commands: Vec::new(),
            hits: std::cell::RefCell::new(HitMap::default()),
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
        self.contacts.detail = id.and_then(|id| Detail::build(&self.data, id, &self.config));
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

fn clamp(i: usize, len: usize) -> usize {
    i.min(len.saturating_sub(1))
}

/// Moves a selection within `len` rows, PgUp/PgDn by `page` rows (the list's height on
/// screen); false when the action is not a movement.
fn step(sel: &mut usize, len: usize, action: &Action, page: usize) -> bool {
    let page = page.max(1);
    let last = len.saturating_sub(1);
    *sel = match action {
        Action::Up => sel.saturating_sub(1),
        Action::Down => (*sel + 1).min(last),
        Action::PageUp => sel.saturating_sub(page),
        Action::PageDown => (*sel + page).min(last),
        Action::Top => 0,
        Action::Bottom => last,
        _ => return false,
    };
    true
}

/// After new data: the filter, the selections and review mode follow it.
fn data_changed(app: &mut App, keep: Option<i64>) {
    app.refilter(keep);
    let len = app.today_items().len();
    app.today.selected = clamp(app.today.selected, len);
    if let Some(pos) = app.today.review {
        if pos >= len {
            app.today.review = None;
            let waiting = app.data.agenda.len() - app.data.agenda_today;
            if waiting > 0 && !app.today.all {
                app.say(format!(
                    "Review finished. {waiting} more wait for another day (w shows them)."
                ));
            } else {
                app.say("Review finished: nothing left in today's queue.");
            }
        }
    }
    referrals::clamp_referrals(app);
    app.ask = clamp(app.ask, app.data.ask_now.len() + app.data.waiting.len());
    app.insights = clamp(app.insights, app.data.stats.by_referrer.len());
}

/// Applies `action` to `app`; returns what the runtime must do.
pub fn update(app: &mut App, action: Action, today: NaiveDate) -> Vec<Effect> {
    if action.is_bindable() || matches!(action, Action::Input(_)) {
        app.message = None;
    }
    match action {
        Action::Quit if app.demo && app.overlay.is_none() => {
            app.overlay = Some(Overlay::ConfirmQuit);
            Vec::new()
        }
        Action::Quit => {
            app.quit = true;
            vec![Effect::Quit]
        }
        Action::Loaded(data) => {
            let keep = app.selected_contact().map(|r| r.id);
            let item = app.today_key();
            let card = selected_referral(app).map(|r| r.id);
            app.data = data;
            data_changed(app, keep);
            app.follow_item(item);
            referrals::follow(app, card);
            Vec::new()
        }
        Action::Changed(changes) => {
            let keep = app.selected_contact().map(|r| r.id);
            let item = app.today_key();
            let card = selected_referral(app).map(|r| r.id);
            // The runtime holds no other reference: this updates in place, no copy.
            Arc::make_mut(&mut app.data).update(changes, &app.config);
            data_changed(app, keep);
            app.follow_item(item);
            referrals::follow(app, card);
            Vec::new()
        }

        Action::Saved(text) => {
            // A review in progress keeps its message ("3 of 11") in the pane itself.
            app.say(text);
            Vec::new()
        }
        Action::Failed(text) => {
            app.warn(text);
            Vec::new()
        }
        Action::IdealReferralSaved(text) => {
            app.config.ask.ideal_referral = text;
            // The scripts say it: the ask cards are built again.
            Arc::make_mut(&mut app.data).update(Vec::new(), &app.config);
            app.say("Saved your ideal referral to your config file.");
            Vec::new()
        }
        Action::Click(hit) => {
            if app.overlay.is_some() {
                return Vec::new();
            }
            match mouse::click(app, hit) {
                Some(then) => update(app, then, today),
                None => Vec::new(),
            }
        }
        Action::Wheel { hit, down } => {
            if app.overlay.is_some() {
                // The wheel scrolls what is open (help, a preview, an output).
                let code = if down { KeyCode::Down } else { KeyCode::Up };
                return input(app, Key::plain(code), today);
            }
            update(app, mouse::wheel(hit, down), today)
        }
        Action::CommandLine => {
            app.overlay = Some(Overlay::Command(CommandLine::default()));
            Vec::new()
        }
        Action::Output(output) => {
            app.overlay = Some(Overlay::Output { output, scroll: 0 });
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

/// A key for the open overlay or the filter field.
fn input(app: &mut App, key: Key, today: NaiveDate) -> Vec<Effect> {
    let Some(overlay) = app.overlay.take() else {
        if app.contacts.filtering {
            match key.code {
                KeyCode::Enter | KeyCode::Down => app.contacts.filtering = false,
                KeyCode::Esc => {
                    app.contacts.filtering = false;
                    app.contacts.filter = TextField::default();
                    let keep = app.selected_contact().map(|r| r.id);
                    app.refilter(keep);
                }
                _ => {
                    let before = app.contacts.filter.value.clone();
                    if app.contacts.filter.edit(key) {
                        app.retype(&before);
                    }
                }
            }
        }
        return Vec::new();
    };
    match overlay {
        Overlay::Help {
            mut filter,
            mut typing,
            mut scroll,
        } => {
            match key.code {
                KeyCode::Esc if typing => {
                    typing = false;
                    filter = TextField::default();
                }
                KeyCode::Esc | KeyCode::Char('?') if !typing => return Vec::new(),
                KeyCode::Char('q') if !typing => return Vec::new(),
                KeyCode::Enter if typing => typing = false,
                KeyCode::Char('/') if !typing => {
                    typing = true;
                    scroll = 0;
                }
                KeyCode::Up => scroll = scroll.saturating_sub(1),
                KeyCode::Down => scroll += 1,
                KeyCode::Char('k') if !typing => scroll = scroll.saturating_sub(1),
                KeyCode::Char('j') if !typing => scroll += 1,
                KeyCode::PageUp => scroll = scroll.saturating_sub(PAGE),
                KeyCode::PageDown => scroll += PAGE,
                KeyCode::Home => scroll = 0,
                _ if typing => scroll = if filter.edit(key) { 0 } else { scroll },
                _ => {}
            }
            app.overlay = Some(Overlay::Help {
                filter,
                typing,
                scroll,
            });
            Vec::new()
        }
        Overlay::Form(mut form) => match form.key(key, &app.data, today) {
            form::Outcome::Stay => {
                app.overlay = Some(Overlay::Form(form));
                Vec::new()
            }
            form::Outcome::Cancel => {
                app.say("Cancelled: nothing was saved.");
                Vec::new()
            }
            form::Outcome::Submit(write, done) => submitted(app, write, done, form),
        },
        Overlay::Snooze {
            key: item,
            label,
            mut index,
        } => {
            let pick = match key.code {
                KeyCode::Esc => {
                    app.say("Not snoozed.");
                    return Vec::new();
                }
                KeyCode::Left | KeyCode::Up | KeyCode::BackTab => {
                    index = index.saturating_sub(1);
                    None
                }
                KeyCode::Right | KeyCode::Down | KeyCode::Tab => {
                    index = (index + 1).min(SNOOZE_DAYS.len() - 1);
                    None
                }
                KeyCode::Enter => Some(SNOOZE_DAYS[index]),
                KeyCode::Char('1') => Some(1),
                KeyCode::Char('3') => Some(3),
                KeyCode::Char('7') | KeyCode::Char('w') => Some(7),
                KeyCode::Char('m') | KeyCode::Char('0') => Some(30),
                _ => None,
            };
            match pick {
                Some(days) => {
                    let until = crate::domain::agenda::snooze_until(today, days);
                    vec![Effect::Write {
                        write: Write::Snooze { key: item, until },
                        done: format!("Snoozed until {until}: {label}."),
                    }]
                }
                None => {
                    app.overlay = Some(Overlay::Snooze {
                        key: item,
                        label,
                        index,
                    });
                    Vec::new()
                }
            }
        }
        Overlay::Done {
            key: item,
            label,
            options,
            mut index,
        } => {
            let pick = match key.code {
                KeyCode::Esc => {
                    app.say("Not done: nothing was recorded.");
                    return Vec::new();
                }
                KeyCode::Left | KeyCode::Up | KeyCode::BackTab => {
                    index = index.saturating_sub(1);
                    None
                }
                KeyCode::Right | KeyCode::Down | KeyCode::Tab => {
                    index = (index + 1).min(options.len().saturating_sub(1));
                    None
                }
                KeyCode::Enter => Some(index),
                KeyCode::Char(c) => c
                    .to_digit(10)
                    .and_then(|d| (d as usize).checked_sub(1))
                    .filter(|&d| d < options.len()),
                _ => None,
            };
            match pick {
                Some(i) => today::do_item(app, &item, &options[i].choices, today),
                None => {
                    app.overlay = Some(Overlay::Done {
                        key: item,
                        label,
                        options,
                        index,
                    });
                    Vec::new()
                }
            }
        }
        Overlay::IdealReferral(mut field) => match key.code {
            KeyCode::Esc => {
                app.say("Not saved.");
                Vec::new()
            }
            KeyCode::Enter => match crate::config::clean_ideal_referral(&field.value) {
                Some(text) => vec![Effect::SaveIdealReferral(text)],
                None => {
                    app.warn(
                        "Say who you would like to meet in a few words (up to 200 characters).",
                    );
                    app.overlay = Some(Overlay::IdealReferral(field));
                    Vec::new()
                }
            },
            _ => {
                field.edit(key);
                app.overlay = Some(Overlay::IdealReferral(field));
                Vec::new()
            }
        },
        Overlay::Snoozes { mut index } => {
            let rows = app.data.snoozed(today);
            match key.code {
                KeyCode::Up | KeyCode::Char('k') => index = index.saturating_sub(1),
                KeyCode::Down | KeyCode::Char('j') => {
                    index = (index + 1).min(rows.len().saturating_sub(1));
                }
                KeyCode::Enter | KeyCode::Char('u') => {
                    if let Some(row) = rows.get(index) {
                        let mut what = row.what.clone();
                        if let Some(first) = what.get(..1) {
                            what = first.to_uppercase() + &what[1..];
                        }
                        let done = format!("{what} is back in the review.");
                        return write(Write::Unsnooze(row.key.clone()), done);
                    }
                }
                _ => return Vec::new(),
            }
            app.overlay = Some(Overlay::Snoozes { index });
            Vec::new()
        }
        Overlay::ConfirmQuit => match key.code {
            KeyCode::Char('y') | KeyCode::Char('Y') | KeyCode::Char('q') => {
                app.quit = true;
                vec![Effect::Quit]
            }
            _ => {
                app.say("Still in the demo.");
                Vec::new()
            }
        },
        Overlay::Confirm { write, done, .. } => match key.code {
            KeyCode::Char('y') | KeyCode::Char('Y') => vec![Effect::Write {
                write: *write,
                done,
            }],
            _ => {
                app.say("Nothing changed.");
                Vec::new()
            }
        },
        Overlay::ImportPath(mut field) => match key.code {
            KeyCode::Esc => {
                app.say("Nothing imported.");
                Vec::new()
            }
            KeyCode::Enter if field.value.trim().is_empty() => {
                app.warn("Type the path of an .eml or mbox file, or Esc to cancel.");
                app.overlay = Some(Overlay::ImportPath(field));
                Vec::new()
            }
            KeyCode::Enter => {
                // The prompt stays until the preview replaces it: a wrong path is fixed
                // in place.
                let path = field.value.trim().to_string();
                app.overlay = Some(Overlay::ImportPath(field));
                vec![Effect::PreviewMail(path)]
            }
            _ => {
                field.edit(key);
                app.overlay = Some(Overlay::ImportPath(field));
                Vec::new()
            }
        },
        Overlay::Command(mut line) => {
            let names: Vec<&str> = app.data.rows.iter().map(|r| r.name.as_str()).collect();
            match line.key(key, &app.history, &app.commands, &names) {
                command::LineKey::Editing => {}
                command::LineKey::NoMatch => app.warn("Nothing to complete there."),
                command::LineKey::Cancel => return Vec::new(),
                command::LineKey::Run(l) if l.is_empty() => return Vec::new(),
                command::LineKey::Run(l) => {
                    command::remember(&mut app.history, &l);
                    return vec![Effect::RunLine(l)];
                }
            }
            app.overlay = Some(Overlay::Command(line));
            Vec::new()
        }
        Overlay::Output { output, mut scroll } => {
            let last = output.lines.len().saturating_sub(1);
            match key.code {
                KeyCode::Up | KeyCode::Char('k') => scroll = scroll.saturating_sub(1),
                KeyCode::Down | KeyCode::Char('j') => scroll = (scroll + 1).min(last),
                KeyCode::PageUp => scroll = scroll.saturating_sub(PAGE),
                KeyCode::PageDown => scroll = (scroll + PAGE).min(last),
                KeyCode::Home => scroll = 0,
                KeyCode::End => scroll = last,
                _ => return Vec::new(),
            }
            app.overlay = Some(Overlay::Output { output, scroll });
            Vec::new()
        }
        Overlay::ImportPreview {
            preview,
            mut scroll,
        } => {
            let last = preview.lines.len().saturating_sub(1);
            match key.code {
                KeyCode::Enter | KeyCode::Char('y') | KeyCode::Char('Y')
                    if preview.recordable > 0 =>
                {
                    return vec![Effect::ImportMail(preview.path.clone())];
                }
                KeyCode::Up | KeyCode::Char('k') => scroll = scroll.saturating_sub(1),
                KeyCode::Down | KeyCode::Char('j') => scroll = (scroll + 1).min(last),
                KeyCode::PageUp => scroll = scroll.saturating_sub(PAGE),
                KeyCode::PageDown => scroll = (scroll + PAGE).min(last),
                _ => {
                    app.say(if preview.recordable > 0 {
                        "Nothing imported."
                    } else {
                        "Nothing to record from that file."
                    });
                    return Vec::new();
                }
            }
            app.overlay = Some(Overlay::ImportPreview { preview, scroll });
            Vec::new()
        }
        Overlay::ConfirmUnarchive { id, name } => match key.code {
            KeyCode::Char('y') | KeyCode::Char('Y') => vec![Effect::Write {
                write: Write::Unarchive(id),
                done: format!("{name} is back among your contacts."),
            }],
            _ => {
                app.say("Still archived.");
                Vec::new()
            }
        },
        Overlay::Duplicate {
            existing,
            write,
            done,
            form,
            ..
        } => match key.code {
            KeyCode::Char('y') | KeyCode::Char('Y') => vec![Effect::Write {
                write: *write,
                done,
            }],
            KeyCode::Char('o') | KeyCode::Char('O') => {
                app.contacts.archived = app
                    .data
                    .book
                    .contact(existing)
                    .is_some_and(|c| c.archived_on.is_some());
                app.refilter(None);
                app.open_contact(existing);
                app.say("Not added: here is the one you have.");
                Vec::new()
            }
            KeyCode::Esc => {
                app.say("Not added.");
                Vec::new()
            }
            _ => {
                app.overlay = Some(Overlay::Form(*form));
                app.say("Change what you typed, or Esc to cancel.");
                Vec::new()
            }
        },
        Overlay::ConfirmArchive { id, name } => match key.code {
            KeyCode::Char('y') | KeyCode::Char('Y') => vec![Effect::Write {
                write: Write::Archive(id, today),
                done: format!("Archived {name}. H shows the archived; A there brings them back."),
            }],
            _ => {
                app.say("Not archived.");
                Vec::new()
            }
        },
    }
}

/// A form's write, or first the question it needs: a likely duplicate of a contact
/// being added, a merge (it removes a contact).
fn submitted(app: &mut App, write: Write, done: String, form: Form) -> Vec<Effect> {
    match &write {
        Write::AddContact(c) => {
            if let Some((existing, name, why)) = contacts::likely_duplicate(&app.data, c) {
                app.overlay = Some(Overlay::Duplicate {
                    existing,
                    name,
                    why,
                    write: Box::new(write),
                    done,
                    form: Box::new(form),
                });
                return Vec::new();
            }
        }
        Write::Merge { keep, other } => {
            let (keep_name, other_name) = (app.data.name(*keep), app.data.name(*other));
            app.overlay = Some(Overlay::Confirm {
                question: format!("Merge {other_name} into {keep_name}?"),
                detail: format!(
                    "Everything of {other_name} moves to {keep_name}, and {other_name} is removed; z undoes it."
                ),
                write: Box::new(write),
                done,
            });
            return Vec::new();
        }
        _ => {}
    }
    vec![Effect::Write { write, done }]
}

/// What a key does in the pane on screen: each room handles its own.
pub(super) fn pane_action(app: &mut App, action: Action, today: NaiveDate) -> Vec<Effect> {
    match app.pane {
        Pane::Today => today::action(app, action, today),
        Pane::Contacts => contacts::action(app, action, today),
        Pane::Referrals => referrals::action(app, action, today),
        Pane::Ask => ask::action(app, action, today),
        Pane::Insights => {
            match action {
                Action::OpenContact => {
                    if let Some(r) = app.data.stats.by_referrer.get(app.insights) {
                        let id = r.id;
                        app.open_contact(id);
                    }
                }
                other => {
                    let page = app.page();
                    step(
                        &mut app.insights,
                        app.data.stats.by_referrer.len(),
                        &other,
                        page,
                    );
                }
            }
            Vec::new()
        }
    }
}

/// A write, with the message the status bar shows once it is saved.
pub(super) fn write(write: Write, done: String) -> Vec<Effect> {
    vec![Effect::Write { write, done }]
}
