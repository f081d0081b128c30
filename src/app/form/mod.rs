//! The small forms of the interface: add / edit a contact, log an interaction, record a
//! referral, and the value or reason a status change needs. Fields validate as you
//! type (with the domain's own validation); `Enter` turns a valid form into a
//! [`Write`], `Esc` drops it without writing anything.
//!
//! Each form names its fields with an enum, in the order they show (`contact`, `log`,
//! `referral`): a field is built and read by its name, never by a position.
//! This module holds what every form shares: the inputs, the typeahead, keys and checks.
//!
//! Pure: may import `domain`, `keymap::Key` and the app's data.

use chrono::NaiveDate;

use super::data::Data;
use super::effect::Write;
use super::field::TextField;
use super::filter::best_names;
use crate::domain::contact::Field;
use crate::domain::referral::Status;
use crate::keymap::{Key, KeyCode};

/// How many typeahead matches a person field offers.
const MATCHES: usize = 5;

#[derive(Debug, Clone, PartialEq)]
pub enum Input {
    Text(TextField),
    Choice { options: Vec<String>, index: usize },
    Person(Pick),
}

/// A typeahead over existing contacts, optionally offering a new contact by the typed name.
#[derive(Debug, Clone, PartialEq)]
pub struct Pick {
    pub text: TextField,
    pub matches: Vec<(i64, String)>,
    /// Index into [`Pick::options`].
    pub index: usize,
    pub allow_new: bool,
    /// A contact never offered (the one a merge keeps).
    pub exclude: Option<i64>,
}

/// What a person field resolves to.
#[derive(Debug, Clone, PartialEq)]
pub enum Picked {
    Existing(i64, String),
    New(String),
}

impl Pick {
    fn new(allow_new: bool, data: &Data, initial: Option<i64>) -> Pick {
        let mut p = Pick {
            text: TextField::new(
                initial
                    .map(|id| data.name(id).to_string())
                    .unwrap_or_default(),
            ),
            matches: Vec::new(),
            index: 0,
            allow_new,
            exclude: None,
        };
        p.refresh(data);
        if let Some(id) = initial {
            p.index = p.matches.iter().position(|(m, _)| *m == id).unwrap_or(0);
        }
        p
    }

    fn refresh(&mut self, data: &Data) {
        self.matches = best_names(&data.rows, &self.text.value, MATCHES + 1);
        if let Some(x) = self.exclude {
            self.matches.retain(|(id, _)| *id != x);
        }
        self.matches.truncate(MATCHES);
        self.index = 0;
    }

    /// The choices: the matches, then "new contact" when allowed and no name is exact.
    pub fn options(&self) -> Vec<Picked> {
        let mut out: Vec<Picked> = self
            .matches
            .iter()
            .map(|(id, n)| Picked::Existing(*id, n.clone()))
            .collect();
        let typed = self.text.trimmed();
        let exact = self
            .matches
            .iter()
            .any(|(_, n)| n.eq_ignore_ascii_case(typed));
        if self.allow_new && !typed.is_empty() && !exact {
            out.push(Picked::New(typed.to_string()));
        }
        out
    }

    pub fn picked(&self) -> Option<Picked> {
        self.options().into_iter().nth(self.index)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct FormField {
    pub label: &'static str,
    pub input: Input,
    pub error: Option<String>,
    /// Errors show once the field was edited or a save was tried.
    pub touched: bool,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum FormKind {
    AddContact,
    EditContact(i64),
    Log(i64),
    Referral,
    Status {
        referral_id: i64,
        to: Status,
    },
    /// Merge the contact picked into this one (kept).
    Merge(i64),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Form {
    pub kind: FormKind,
    pub title: String,
    pub fields: Vec<FormField>,
    pub focus: usize,
    /// The edit form: a contact's existing emails, phones, urls and addresses, each
    /// shown in a field after the named ones (`contact::Existing`), to change or clear.
    pub existing: Vec<Field>,
    /// The edit form: the contact as it was read whole when the form opened; the edit
    /// is what the form changed of it.
    pub original: Option<Box<crate::domain::contact::Contact>>,
}

/// A form's field by name: each form's enum of fields, in the order they show.
trait Slot: Copy {
    /// Where the field sits in [`Form::fields`].
    fn at(self) -> usize;
}

/// The names of a form's fields, in the order they show.
macro_rules! slots {
    ($(#[$meta:meta])* $name:ident { $($variant:ident),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub(super) enum $name { $($variant),+ }

        impl $name {
            /// Every field, in the order the form shows them.
            pub(super) const ALL: &'static [$name] = &[$($name::$variant),+];
        }

        impl super::Slot for $name {
            fn at(self) -> usize {
                self as usize
            }
        }
    };
}

mod contact;
mod log;
mod referral;

/// A field that failed its check, and why.
type Invalid = (usize, String);

/// Not a field: the form would write nothing (an edit that changes nothing).
const UNCHANGED: usize = usize::MAX;

fn invalid(slot: impl Slot, why: impl Into<String>) -> Invalid {
    (slot.at(), why.into())
}

/// What a key did to a form.
#[allow(clippy::large_enum_variant)]
pub enum Outcome {
    Stay,
    Cancel,
    Submit(Write, String),
}

fn text(label: &'static str, value: impl Into<String>) -> FormField {
    FormField {
        label,
        input: Input::Text(TextField::new(value)),
        error: None,
        touched: false,
    }
}

fn choice(label: &'static str, options: Vec<String>, index: usize) -> FormField {
    FormField {
        label,
        input: Input::Choice { options, index },
        error: None,
        touched: false,
    }
}

fn words<T: std::fmt::Display>(all: &[T]) -> Vec<String> {
    all.iter()
        .map(|x| x.to_string().replace('_', " "))
        .collect()
}

impl Form {
    fn text_of(&self, slot: impl Slot) -> &str {
        match self.fields.get(slot.at()).map(|f| &f.input) {
            Some(Input::Text(t)) => t.trimmed(),
            _ => "",
        }
    }

    fn choice_of(&self, slot: impl Slot) -> usize {
        match self.fields.get(slot.at()).map(|f| &f.input) {
            Some(Input::Choice { index, .. }) => *index,
            _ => 0,
        }
    }

    fn picked(&self, slot: impl Slot) -> Option<Picked> {
        match self.fields.get(slot.at()).map(|f| &f.input) {
            Some(Input::Person(p)) => p.picked(),
            _ => None,
        }
    }

    /// Handles one key: editing, moving between fields, saving or cancelling.
    pub fn key(&mut self, key: Key, data: &Data, today: NaiveDate) -> Outcome {
        let n = self.fields.len();
        match key.code {
            KeyCode::Esc => return Outcome::Cancel,
            KeyCode::Enter => {
                for f in &mut self.fields {
                    f.touched = true;
                }
                let result = self.check(data, today);
                match result {
                    Ok((write, done)) => return Outcome::Submit(write, done),
                    // Saving an edit that changes nothing just closes it.
                    Err(UNCHANGED) => return Outcome::Cancel,
                    Err(_) => {
                        if let Some(i) = self.fields.iter().position(|f| f.error.is_some()) {
                            self.focus = i;
                        }
                        return Outcome::Stay;
                    }
                }
            }
            KeyCode::Tab => self.focus = (self.focus + 1) % n,
            KeyCode::BackTab => self.focus = (self.focus + n - 1) % n,
            _ => {
                let Some(field) = self.fields.get_mut(self.focus) else {
                    return Outcome::Stay;
                };
                match &mut field.input {
                    Input::Text(t) => {
                        if t.edit(key) {
                            field.touched = true;
                        } else if key.code == KeyCode::Down {
                            self.focus = (self.focus + 1) % n;
                        } else if key.code == KeyCode::Up {
                            self.focus = (self.focus + n - 1) % n;
                        }
                    }
                    Input::Choice { options, index } => match key.code {
                        KeyCode::Right | KeyCode::Char(' ') => {
                            *index = (*index + 1) % options.len().max(1);
                        }
                        KeyCode::Left => {
                            *index = (*index + options.len().max(1) - 1) % options.len().max(1);
                        }
                        KeyCode::Down => self.focus = (self.focus + 1) % n,
                        KeyCode::Up => self.focus = (self.focus + n - 1) % n,
                        KeyCode::Char(c) => {
                            // Jump to the next option starting with the typed letter.
                            let len = options.len();
                            if let Some(j) = (1..=len)
                                .map(|k| (*index + k) % len)
                                .find(|&j| options[j].starts_with(c.to_ascii_lowercase()))
                            {
                                *index = j;
                            }
                        }
                        _ => {}
                    },
                    Input::Person(p) => match key.code {
                        KeyCode::Down => {
                            let len = p.options().len();
                            if len > 0 {
                                p.index = (p.index + 1) % len;
                            }
                        }
                        KeyCode::Up => {
                            let len = p.options().len();
                            if len > 0 {
                                p.index = (p.index + len - 1) % len;
                            }
                        }
                        _ => {
                            if p.text.edit(key) {
                                p.refresh(data);
                                field.touched = true;
                            }
                        }
                    },
                }
            }
        }
        let _ = self.check(data, today);
        Outcome::Stay
    }

    /// Validates every field (setting its error) and builds the write when all are fine.
    fn check(&mut self, data: &Data, today: NaiveDate) -> Result<(Write, String), usize> {
        for f in &mut self.fields {
            f.error = None;
        }
        let result = match self.kind {
            FormKind::AddContact | FormKind::EditContact(_) => self.check_contact(),
            FormKind::Log(id) => self.check_log(id, data, today),
            FormKind::Referral => self.check_referral(today),
            FormKind::Status { referral_id, to } => self.check_status(referral_id, to, data, today),
            FormKind::Merge(keep) => self.check_merge(keep, data),
        };
        match result {
            Ok(w) => Ok(w),
            Err((i, msg)) => {
                if let Some(f) = self.fields.get_mut(i) {
                    f.error = Some(msg);
                }
                Err(i)
            }
        }
    }
}
