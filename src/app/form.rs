//! The small forms of the interface: add / edit a contact, log an interaction, record a
//! referral, and the value or reason a status change needs. Fields validate as you
//! type (with the domain's own validation); `Enter` turns a valid form into a
//! [`Write`], `Esc` drops it without writing anything.
//!
//! Pure: may import `domain`, `keymap::Key` and the app's data.

use chrono::NaiveDate;

use super::data::Data;
use super::effect::{PersonRef, Write};
use super::field::TextField;
use super::filter::best_names;
use crate::domain::contact::{
    Circle, Contact, ContactPatch, Field, FieldKind, NewContact, normalize_tag, optional_text,
    same_tag, validate_cadence, validate_email, validate_name, validate_phone,
};
use crate::domain::date::parse_past_date;
use crate::domain::interaction::{InteractionKind, NewInteraction, validate_amount};
use crate::domain::referral::{
    NewReferral, Quality, Referral, Side, Status, StatusChange, validate_change,
};
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
    /// shown in a field after the fixed ones (`EXISTING_FROM` on), to change or clear.
    pub existing: Vec<Field>,
}

/// Where the edit form's existing fields start (after the ten fixed ones).
const EXISTING_FROM: usize = 10;

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
    pub fn add_contact() -> Form {
        let circles = words(Circle::ALL);
        let other = Circle::ALL
            .iter()
            .position(|c| *c == Circle::Other)
            .unwrap_or(0);
        Form {
            kind: FormKind::AddContact,
            title: "Add a contact".into(),
            fields: vec![
                text("name", ""),
                text("company", ""),
                text("title", ""),
                choice("circle", circles, other),
                text("tags", ""),
                text("email", ""),
                text("phone", ""),
                text("how met", ""),
                text("notes", ""),
                text("cadence (days)", ""),
            ],
            focus: 0,
            existing: Vec::new(),
        }
    }

    pub fn edit_contact(c: &Contact) -> Form {
        let circle = Circle::ALL.iter().position(|x| *x == c.circle).unwrap_or(0);
        // Each existing email, phone, url and address to change (edit it) or remove
        // (clear it); a birthday has its own command.
        let existing: Vec<Field> = c
            .fields
            .iter()
            .filter(|f| {
                matches!(
                    f.kind,
                    FieldKind::Email | FieldKind::Phone | FieldKind::Url | FieldKind::Address
                )
            })
            .cloned()
            .collect();
        let opt = |s: &Option<String>| s.clone().unwrap_or_default();
        Form {
            kind: FormKind::EditContact(c.id),
            title: if existing.is_empty() {
                format!("Edit {}", c.name)
            } else {
                format!(
                    "Edit {} · its emails and phones are below: clear one to remove it",
                    c.name
                )
            },
            fields: vec![
                text("name", c.name.clone()),
                text("company", opt(&c.company)),
                text("title", opt(&c.title)),
                choice("circle", words(Circle::ALL), circle),
                text("tags", c.tags.join(", ")),
                text("add email", ""),
                text("add phone", ""),
                text("how met", opt(&c.how_met)),
                text("notes", opt(&c.notes)),
                text(
                    "cadence (days)",
                    c.cadence_days.map(|d| d.to_string()).unwrap_or_default(),
                ),
            ]
            .into_iter()
            .chain(
                existing
                    .iter()
                    .map(|f| text(f.kind.as_str(), f.value.clone())),
            )
            .collect(),
            focus: 0,
            existing,
        }
    }

    pub fn log(contact_id: i64, name: &str, today: NaiveDate) -> Form {
        Form {
            kind: FormKind::Log(contact_id),
            title: format!("Log an interaction with {name}"),
            fields: vec![
                choice("kind", words(InteractionKind::ALL), 1),
                text("date", today.format("%Y-%m-%d").to_string()),
                text("label", ""),
                text("note", ""),
            ],
            focus: 0,
            existing: Vec::new(),
        }
    }

    pub fn referral(data: &Data, counterpart: Option<i64>, today: NaiveDate) -> Form {
        let pick = |allow_new, initial| FormField {
            label: "",
            input: Input::Person(Pick::new(allow_new, data, initial)),
            error: None,
            touched: false,
        };
        Form {
            kind: FormKind::Referral,
            title: "Record a referral".into(),
            fields: vec![
                FormField {
                    label: "person",
                    ..pick(true, None)
                },
                choice(
                    "direction",
                    vec!["referred to me by".into(), "referred by me to".into()],
                    0,
                ),
                FormField {
                    label: "by / to",
                    ..pick(false, counterpart)
                },
                choice("quality", words(Quality::ALL), 0),
                text("date", today.format("%Y-%m-%d").to_string()),
                text("note", ""),
            ],
            focus: 0,
            existing: Vec::new(),
        }
    }

    /// Merge another contact into `keep`: pick the other with the typeahead.
    pub fn merge(keep: i64, name: &str, data: &Data) -> Form {
        Form {
            kind: FormKind::Merge(keep),
            title: format!("Merge into {name}"),
            fields: vec![FormField {
                label: "the other",
                input: Input::Person(Pick {
                    exclude: Some(keep),
                    ..Pick::new(false, data, None)
                }),
                error: None,
                touched: false,
            }],
            focus: 0,
            existing: Vec::new(),
        }
    }

    pub fn status(r: &Referral, to: Status, describe: &str) -> Form {
        let (title, label) = if to == Status::Won {
            (format!("Won: {describe}"), "value")
        } else {
            (format!("Lost: {describe}"), "reason")
        };
        Form {
            kind: FormKind::Status {
                referral_id: r.id,
                to,
            },
            title,
            // Winning again offers what it was won for before it was reopened.
            fields: vec![text(
                label,
                match to {
                    Status::Won => r
                        .won_value
                        .map(|v| {
                            if v.fract() == 0.0 {
                                format!("{v:.0}")
                            } else {
                                format!("{v}")
                            }
                        })
                        .unwrap_or_default(),
                    _ => String::new(),
                },
            )],
            focus: 0,
            existing: Vec::new(),
        }
    }

    fn text_of(&self, i: usize) -> &str {
        match self.fields.get(i).map(|f| &f.input) {
            Some(Input::Text(t)) => t.trimmed(),
            _ => "",
        }
    }

    fn choice_of(&self, i: usize) -> usize {
        match self.fields.get(i).map(|f| &f.input) {
            Some(Input::Choice { index, .. }) => *index,
            _ => 0,
        }
    }

    fn picked(&self, i: usize) -> Option<Picked> {
        match self.fields.get(i).map(|f| &f.input) {
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
                    Err(()) => {
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
    fn check(&mut self, data: &Data, today: NaiveDate) -> Result<(Write, String), ()> {
        for f in &mut self.fields {
            f.error = None;
        }
        let result = match self.kind {
            FormKind::AddContact | FormKind::EditContact(_) => self.check_contact(data),
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
                Err(())
            }
        }
    }

    fn check_merge(&self, keep: i64, data: &Data) -> Result<(Write, String), (usize, String)> {
        let Some(Picked::Existing(other, other_name)) = self.picked(0) else {
            return Err((
                0,
                "type the name of the contact to merge in, and pick it".into(),
            ));
        };
        if other == keep {
            return Err((0, "that is this contact; pick the other one".into()));
        }
        let keep_name = data.name(keep).to_string();
        Ok((
            Write::Merge { keep, other },
            format!("Merged {other_name} into {keep_name}."),
        ))
    }

    fn check_contact(&self, data: &Data) -> Result<(Write, String), (usize, String)> {
        let e = |i: usize| move |err: crate::domain::DomainError| (i, err.to_string());
        let name = validate_name(self.text_of(0)).map_err(e(0))?;
        let circle = Circle::ALL
            .get(self.choice_of(3))
            .copied()
            .unwrap_or(Circle::Other);
        let tags: Vec<String> = self
            .text_of(4)
            .split(',')
            .filter(|t| !t.trim().is_empty())
            .map(normalize_tag)
            .collect::<Result<_, _>>()
            .map_err(e(4))?;
        let mut fields = Vec::new();
        if !self.text_of(5).is_empty() {
            fields.push(Field {
                kind: FieldKind::Email,
                label: None,
                value: validate_email(self.text_of(5)).map_err(e(5))?,
            });
        }
        if !self.text_of(6).is_empty() {
            fields.push(Field {
                kind: FieldKind::Phone,
                label: None,
                value: validate_phone(self.text_of(6)).map_err(e(6))?,
            });
        }
        let cadence = match self.text_of(9) {
            "" => None,
            s => {
                let d: u32 = s
                    .parse()
                    .map_err(|_| (9, "give a whole number of days, e.g. 30".to_string()))?;
                Some(validate_cadence(d).map_err(e(9))?)
            }
        };
        match self.kind {
            FormKind::EditContact(id) => {
                let Some(c) = data.book.contact(id) else {
                    return Err((0, "this contact no longer exists".into()));
                };
                let text = |i: usize, old: &Option<String>| {
                    let new = optional_text(self.text_of(i));
                    (new != *old).then_some(new)
                };
                let patch = ContactPatch {
                    name: (name != c.name).then(|| name.clone()),
                    company: text(1, &c.company),
                    title: text(2, &c.title),
                    circle: (circle != c.circle).then_some(circle),
                    how_met: text(7, &c.how_met),
                    notes: text(8, &c.notes),
                    cadence_days: (cadence != c.cadence_days).then_some(cadence),
                    // A tag retyped in another case is an add: the store keeps the
                    // new spelling.
                    add_tags: tags
                        .iter()
                        .filter(|t| !c.tags.contains(t))
                        .cloned()
                        .collect(),
                    remove_tags: c
                        .tags
                        .iter()
                        .filter(|t| !tags.iter().any(|n| same_tag(n, t)))
                        .cloned()
                        .collect(),
                    add_fields: fields,
                    remove_fields: Vec::new(),
                    ..ContactPatch::default()
                };
                let mut patch = patch;
                for (k, old) in self.existing.iter().enumerate() {
                    let i = EXISTING_FROM + k;
                    let typed = self.text_of(i);
                    if typed == old.value {
                        continue;
                    }
                    patch.remove_fields.push(old.value.clone());
                    if typed.is_empty() {
                        continue;
                    }
                    let value = match old.kind {
                        FieldKind::Email => validate_email(typed).map_err(e(i))?,
                        FieldKind::Phone => validate_phone(typed).map_err(e(i))?,
                        _ => typed.to_string(),
                    };
                    patch.add_fields.push(Field {
                        kind: old.kind,
                        label: old.label.clone(),
                        value,
                    });
                }
                if patch == ContactPatch::default() {
                    return Err((0, "nothing changed; edit a field or press Esc".into()));
                }
                Ok((Write::UpdateContact(id, patch), format!("Updated {name}.")))
            }
            _ => {
                let new = NewContact {
                    name: name.clone(),
                    company: optional_text(self.text_of(1)),
                    title: optional_text(self.text_of(2)),
                    circle: Some(circle),
                    tags,
                    fields,
                    how_met: optional_text(self.text_of(7)),
                    notes: optional_text(self.text_of(8)),
                    cadence_days: cadence,
                    ..NewContact::default()
                };
                Ok((Write::AddContact(new), format!("Added {name}.")))
            }
        }
    }

    fn check_log(
        &self,
        id: i64,
        data: &Data,
        today: NaiveDate,
    ) -> Result<(Write, String), (usize, String)> {
        let kind = InteractionKind::ALL
            .get(self.choice_of(0))
            .copied()
            .unwrap_or(InteractionKind::Call);
        let on = parse_past_date(self.text_of(1), today).map_err(|e| (1, e.to_string()))?;
        let mut i = NewInteraction::new(id, on, kind);
        i.label = optional_text(self.text_of(2));
        i.note = optional_text(self.text_of(3));
        let i = i.validated(today).map_err(|e| (0, e.to_string()))?;
        let done = format!("Logged a {kind} with {} on {on}.", data.name(id));
        Ok((Write::Interaction(i), done))
    }

    fn check_referral(&self, today: NaiveDate) -> Result<(Write, String), (usize, String)> {
        let person = self
            .picked(0)
            .ok_or_else(|| (0, "type the referred person's name".to_string()))?;
        let Some(Picked::Existing(other, other_name)) = self.picked(2) else {
            return Err((
                2,
                "pick the contact who referred them, or whom you referred them to".into(),
            ));
        };
        let received = self.choice_of(1) == 0;
        let side = if received {
            Side::ReceivedFrom(other)
        } else {
            Side::GivenTo(other)
        };
        let quality = Quality::ALL
            .get(self.choice_of(3))
            .copied()
            .unwrap_or(Quality::NameOnly);
        let on = parse_past_date(self.text_of(4), today).map_err(|e| (4, e.to_string()))?;
        let (person, person_name) = match person {
            Picked::Existing(id, n) => (PersonRef::Existing(id), n),
            Picked::New(n) => {
                let name = validate_name(&n).map_err(|e| (0, e.to_string()))?;
                let circle = if received {
                    Circle::Prospect
                } else {
                    Circle::Other
                };
                (
                    PersonRef::New(NewContact {
                        name: name.clone(),
                        circle: Some(circle),
                        ..NewContact::default()
                    }),
                    name,
                )
            }
        };
        let referral = NewReferral {
            side,
            person_id: match person {
                PersonRef::Existing(id) => id,
                PersonRef::New(_) => 0,
            },
            quality,
            referred_on: on,
            note: optional_text(self.text_of(5)),
        }
        .validated(today)
        .map_err(|e| (0, e.to_string()))?;
        let done = if received {
            format!("Recorded: {person_name} referred by {other_name}. Thank them (Referrals, t).")
        } else {
            format!("Recorded: {person_name} referred to {other_name}.")
        };
        Ok((Write::Referral { person, referral }, done))
    }

    fn check_status(
        &self,
        id: i64,
        to: Status,
        data: &Data,
        today: NaiveDate,
    ) -> Result<(Write, String), (usize, String)> {
        let Some(r) = data.referral(id) else {
            return Err((0, "this referral no longer exists".into()));
        };
        let raw = self.text_of(0);
        let (value, reason) = if to == Status::Won {
            let v: f64 = raw.replace([',', '$'], "").parse().map_err(|_| {
                (
                    0,
                    "give the value as a number, e.g. 12500 (0 if none)".to_string(),
                )
            })?;
            (
                Some(validate_amount(v).map_err(|e| (0, e.to_string()))?),
                None,
            )
        } else {
            if raw.is_empty() {
                return Err((
                    0,
                    "say why it ended, e.g. \"went with a cheaper quote\"".into(),
                ));
            }
            (None, Some(raw.to_string()))
        };
        let change = StatusChange {
            to,
            on: today,
            value,
            reason,
            reopen: r.status.is_closed(),
        };
        validate_change(r, &change, today).map_err(|e| (0, e.to_string()))?;
        let done = format!("#{id} {} is now {}.", data.describe(r), to.phrase());
        Ok((Write::ChangeStatus(id, change), done))
    }
}
