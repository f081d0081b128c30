//! The contact forms: add, edit (with the contact's existing emails, phones, urls and
//! addresses after the named fields), and merge another contact into one.

use super::{
    Data, Form, FormField, FormKind, Input, Invalid, Pick, Picked, Slot, Write, choice, invalid,
    text, words,
};
use crate::domain::contact::{
    Circle, Contact, ContactPatch, Field, FieldKind, NewContact, normalize_tag, optional_text,
    same_tag, validate_birthday, validate_cadence, validate_email, validate_name, validate_phone,
};

/// The contact's birthday as stored (the first birthday field).
fn birthday_of(c: &Contact) -> Option<String> {
    c.fields
        .iter()
        .find(|f| f.kind == FieldKind::Birthday)
        .map(|f| f.value.clone())
}

/// The birthday as the edit form shows it: as typed (`--04-12`, stored for a birthday
/// without a year, shows as `04-12`).
fn shown_birthday(c: &Contact) -> String {
    birthday_of(c)
        .map(|b| b.trim_start_matches("--").to_string())
        .unwrap_or_default()
}

slots! {
    /// The add and edit forms' fields.
    ContactField {
        Name,
        Company,
        Title,
        Circle,
        Tags,
        Email,
        Phone,
        Url,
        Birthday,
        HowMet,
        Notes,
        Cadence,
    }
}

/// The edit form's `k`-th existing field (of [`Form::existing`]), after the named ones.
#[derive(Debug, Clone, Copy)]
struct Existing(usize);

impl Slot for Existing {
    fn at(self) -> usize {
        ContactField::ALL.len() + self.0
    }
}

slots! {
    /// The merge form's one field.
    MergeField {
        Other,
    }
}

/// The contact form's fields, in [`ContactField`] order: `value` gives each one.
fn contact_fields(
    edit: bool,
    circle: usize,
    mut value: impl FnMut(ContactField) -> String,
) -> Vec<FormField> {
    ContactField::ALL
        .iter()
        .map(|&f| match f {
            ContactField::Name => text("name", value(f)),
            ContactField::Company => text("company", value(f)),
            ContactField::Title => text("title", value(f)),
            ContactField::Circle => choice("circle", words(Circle::ALL), circle),
            ContactField::Tags => text("tags", value(f)),
            ContactField::Email => text(if edit { "add email" } else { "email" }, value(f)),
            ContactField::Phone => text(if edit { "add phone" } else { "phone" }, value(f)),
            ContactField::Url => text(if edit { "add url" } else { "url" }, value(f)),
            ContactField::Birthday => text("birthday", value(f)),
            ContactField::HowMet => text("how met", value(f)),
            ContactField::Notes => text("notes", value(f)),
            ContactField::Cadence => text("cadence (days)", value(f)),
        })
        .collect()
}

impl Form {
    pub fn add_contact() -> Form {
        let other = Circle::ALL
            .iter()
            .position(|c| *c == Circle::Other)
            .unwrap_or(0);
        Form {
            kind: FormKind::AddContact,
            title: "Add a contact".into(),
            fields: contact_fields(false, other, |_| String::new()),
            focus: 0,
            existing: Vec::new(),
            original: None,
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
        let mut fields = contact_fields(true, circle, |f| match f {
            ContactField::Name => c.name.clone(),
            ContactField::Company => opt(&c.company),
            ContactField::Title => opt(&c.title),
            ContactField::Tags => c.tags.join(", "),
            ContactField::HowMet => opt(&c.how_met),
            ContactField::Notes => opt(&c.notes),
            ContactField::Cadence => c.cadence_days.map(|d| d.to_string()).unwrap_or_default(),
            ContactField::Birthday => shown_birthday(c),
            ContactField::Circle
            | ContactField::Email
            | ContactField::Phone
            | ContactField::Url => String::new(),
        });
        fields.extend(
            existing
                .iter()
                .map(|f| text(f.kind.as_str(), f.value.clone())),
        );
        Form {
            kind: FormKind::EditContact(c.id),
            title: if existing.is_empty() {
                format!("Edit {}", c.name)
            } else {
                format!("Edit {} · clear a field below to remove it", c.name)
            },
            fields,
            focus: 0,
            existing,
            original: Some(Box::new(c.clone())),
        }
    }

    /// Merge another contact into `keep`: pick the other with the typeahead.
    pub fn merge(keep: i64, name: &str, data: &Data) -> Form {
        Form {
            kind: FormKind::Merge(keep),
            title: format!("Merge into {name}"),
            fields: MergeField::ALL
                .iter()
                .map(|f| match f {
                    MergeField::Other => FormField {
                        label: "the other",
                        input: Input::Person(Pick {
                            exclude: Some(keep),
                            ..Pick::new(false, data, None)
                        }),
                        error: None,
                        touched: false,
                    },
                })
                .collect(),
            focus: 0,
            existing: Vec::new(),
            original: None,
        }
    }

    pub(super) fn check_merge(&self, keep: i64, data: &Data) -> Result<(Write, String), Invalid> {
        let Some(Picked::Existing(other, other_name)) = self.picked(MergeField::Other) else {
            return Err(invalid(
                MergeField::Other,
                "type the name of the contact to merge in, and pick it",
            ));
        };
        if other == keep {
            return Err(invalid(
                MergeField::Other,
                "that is this contact; pick the other one",
            ));
        }
        let keep_name = data.name(keep).to_string();
        Ok((
            Write::Merge { keep, other },
            format!("Merged {other_name} into {keep_name}."),
        ))
    }

    pub(super) fn check_contact(&self) -> Result<(Write, String), Invalid> {
        use ContactField as F;
        let e = |f: F| move |err: crate::domain::DomainError| invalid(f, err.to_string());
        let name = validate_name(self.text_of(F::Name)).map_err(e(F::Name))?;
        let circle = Circle::ALL
            .get(self.choice_of(F::Circle))
            .copied()
            .unwrap_or(Circle::Other);
        let tags: Vec<String> = self
            .text_of(F::Tags)
            .split(',')
            .filter(|t| !t.trim().is_empty())
            .map(normalize_tag)
            .collect::<Result<_, _>>()
            .map_err(e(F::Tags))?;
        let mut fields = Vec::new();
        if !self.text_of(F::Email).is_empty() {
            fields.push(Field {
                kind: FieldKind::Email,
                label: None,
                value: validate_email(self.text_of(F::Email)).map_err(e(F::Email))?,
            });
        }
        if !self.text_of(F::Phone).is_empty() {
            fields.push(Field {
                kind: FieldKind::Phone,
                label: None,
                value: validate_phone(self.text_of(F::Phone)).map_err(e(F::Phone))?,
            });
        }
        if let Some(url) = optional_text(self.text_of(F::Url)) {
            fields.push(Field {
                kind: FieldKind::Url,
                label: None,
                value: url,
            });
        }
        let unchanged_birthday = self
            .original
            .as_deref()
            .is_some_and(|c| self.text_of(F::Birthday).trim() == shown_birthday(c));
        let birthday = match self.text_of(F::Birthday).trim() {
            "" => None,
            _ if unchanged_birthday => None,
            b => Some(validate_birthday(b).map_err(e(F::Birthday))?),
        };
        let cadence = match self.text_of(F::Cadence) {
            "" => None,
            s => {
                let d: u32 = s
                    .parse()
                    .map_err(|_| invalid(F::Cadence, "give a whole number of days, e.g. 30"))?;
                Some(validate_cadence(d).map_err(e(F::Cadence))?)
            }
        };
        match self.kind {
            FormKind::EditContact(id) => {
                let Some(c) = self.original.as_deref().filter(|c| c.id == id) else {
                    return Err(invalid(F::Name, "this contact no longer exists"));
                };
                let text = |f: F, old: &Option<String>| {
                    let new = optional_text(self.text_of(f));
                    (new != *old).then_some(new)
                };
                let mut patch = ContactPatch {
                    name: (name != c.name).then(|| name.clone()),
                    company: text(F::Company, &c.company),
                    title: text(F::Title, &c.title),
                    circle: (circle != c.circle).then_some(circle),
                    how_met: text(F::HowMet, &c.how_met),
                    notes: text(F::Notes, &c.notes),
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
                // A birthday changed replaces the old one; cleared, it goes. Left as
                // shown, it stays, even in a form an import kept that `validate_birthday`
                // would not take.
                let old_birthday = birthday_of(c);
                if !unchanged_birthday && birthday != old_birthday {
                    patch.remove_fields.extend(old_birthday);
                    patch.add_fields.extend(birthday.map(|value| Field {
                        kind: FieldKind::Birthday,
                        label: None,
                        value,
                    }));
                }
                for (k, old) in self.existing.iter().enumerate() {
                    let slot = Existing(k);
                    let typed = self.text_of(slot);
                    if typed == old.value {
                        continue;
                    }
                    if typed.is_empty() {
                        patch.remove_fields.push(old.value.clone());
                        continue;
                    }
                    let bad = |err: crate::domain::DomainError| invalid(slot, err.to_string());
                    let value = match old.kind {
                        FieldKind::Email => validate_email(typed).map_err(bad)?,
                        FieldKind::Phone => validate_phone(typed).map_err(bad)?,
                        _ => typed.to_string(),
                    };
                    // Changed where it stands: the first email stays the first.
                    patch.replace_fields.push((
                        old.value.clone(),
                        Field {
                            kind: old.kind,
                            label: old.label.clone(),
                            value,
                        },
                    ));
                }
                if patch == ContactPatch::default() {
                    return Err((super::UNCHANGED, "nothing changed".into()));
                }
                Ok((Write::UpdateContact(id, patch), format!("Updated {name}.")))
            }
            _ => {
                fields.extend(birthday.map(|value| Field {
                    kind: FieldKind::Birthday,
                    label: None,
                    value,
                }));
                let new = NewContact {
                    name: name.clone(),
                    company: optional_text(self.text_of(F::Company)),
                    title: optional_text(self.text_of(F::Title)),
                    circle: Some(circle),
                    tags,
                    fields,
                    how_met: optional_text(self.text_of(F::HowMet)),
                    notes: optional_text(self.text_of(F::Notes)),
                    cadence_days: cadence,
                    ..NewContact::default()
                };
                Ok((Write::AddContact(new), format!("Added {name}.")))
            }
        }
    }
}
