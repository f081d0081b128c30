//! The Contacts room: the list, its fuzzy filter, the selection and the detail, and
//! what its keys do (filter, add, edit, log, record a referral, archive). Mirrors
//! `ui/contacts.rs`.
//!
//! Pure: may import `domain` and the app's own modules.

use chrono::NaiveDate;

use super::effect::{Effect, Write};
use super::filter::Fuzzy;
use super::form::Form;
use super::{Action, App, Overlay, step};
use super::{Detail, TextField};

/// One contact read whole, for the detail and the edit form: what the book's lists
/// leave out (title, how met, notes, labels, urls and addresses) and its whole history
/// with the notes.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    pub id: i64,
    /// `None` when it is gone from the file.
    pub contact: Option<crate::domain::contact::Contact>,
    pub history: Vec<crate::domain::interaction::Interaction>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct ContactsState {
    pub filter: TextField,
    /// The filter field has the keys.
    pub filtering: bool,
    /// Indices into `Data::rows` that pass the filter, best match first.
    pub visible: Vec<usize>,
    pub selected: usize,
    pub detail: Option<Detail>,
    /// How many of the newest timeline entries are scrolled past (0: newest on top).
    pub timeline_offset: usize,
    /// The detail's contact read whole ([`Effect::ReadContact`]); `None` after the
    /// data changed.
    pub record: Option<std::sync::Arc<Record>>,
    /// The matcher and its buffers, kept between keystrokes.
    pub(super) fuzzy: Fuzzy,
    /// The archived contacts are shown instead of the active ones.
    pub archived: bool,
    /// The active contact selected when the archived view opened.
    pub back_to: Option<i64>,
}

pub(super) fn action(app: &mut App, action: Action, today: NaiveDate) -> Vec<Effect> {
    let selected = app.selected_contact().map(|r| (r.id, r.name.clone()));
    match action {
        Action::Filter => app.contacts.filtering = true,
        Action::ClearFilter => {
            if !app.contacts.filter.value.is_empty() {
                app.contacts.filter = super::TextField::default();
                app.refilter(selected.map(|s| s.0));
            }
        }
        Action::AddContact => app.overlay = Some(Overlay::Form(Form::add_contact())),
        Action::EditContact => {
            // The form edits the contact as read whole, not the book's cut of it.
            let whole = app.contacts.record.as_ref().and_then(|r| {
                r.contact
                    .as_ref()
                    .filter(|c| Some(c.id) == selected.as_ref().map(|s| s.0))
            });
            match (whole, &selected) {
                (Some(c), _) => app.overlay = Some(Overlay::Form(Form::edit_contact(c))),
                (None, Some(_)) => app.warn("This contact could not be read whole: press e again."),
                (None, None) => {}
            }
        }
        Action::LogInteraction => {
            if let Some((id, name)) = selected {
                app.overlay = Some(Overlay::Form(Form::log(id, &name, today)));
            }
        }
        Action::RecordReferral => {
            let form = Form::referral(&app.data, selected.map(|s| s.0), today);
            app.overlay = Some(Overlay::Form(form));
        }
        Action::ArchiveContact => {
            if let Some((id, name)) = selected {
                app.overlay = Some(if app.contacts.archived {
                    Overlay::ConfirmUnarchive { id, name }
                } else {
                    Overlay::ConfirmArchive { id, name }
                });
            }
        }
        Action::ShowArchived => {
            // Back from the archived view, the contact that was selected is again.
            let back_to = app.contacts.back_to.take();
            if !app.contacts.archived {
                app.contacts.back_to = selected.as_ref().map(|s| s.0);
            }
            app.contacts.archived = !app.contacts.archived;
            app.contacts.timeline_offset = 0;
            app.refilter(if app.contacts.archived { None } else { back_to });
            let n = app.contact_rows().len();
            app.say(if app.contacts.archived {
                format!("Archived contacts ({n}): A brings one back · H shows the others")
            } else {
                "Active contacts.".to_string()
            });
        }
        Action::MergeContact => {
            if app.contacts.archived {
                app.warn("Bring the contact back first (A): merge works on active contacts.");
            } else if let Some((id, name)) = selected {
                app.overlay = Some(Overlay::Form(Form::merge(id, &name, &app.data)));
            }
        }
        Action::TimelineOlder => {
            let len = app.contacts.detail.as_ref().map_or(0, |d| d.timeline.len());
            app.contacts.timeline_offset =
                (app.contacts.timeline_offset + timeline_step(app)).min(len.saturating_sub(1));
        }
        Action::TimelineNewer => {
            app.contacts.timeline_offset = app
                .contacts
                .timeline_offset
                .saturating_sub(timeline_step(app));
        }
        other => {
            let page = app.page();
            if step(
                &mut app.contacts.selected,
                app.contacts.visible.len(),
                &other,
                page,
            ) {
                app.refresh_detail(false);
            }
        }
    }
    Vec::new()
}

/// A contact in the book that `new` likely duplicates: the same name (case ignored),
/// or an email or phone it already has. Archived contacts count too. Returns the id, the
/// name and why, in words.
pub(super) fn likely_duplicate(
    data: &super::Data,
    new: &crate::domain::contact::NewContact,
) -> Option<(i64, String, String)> {
    let name = new.name.trim().to_lowercase();
    for c in &data.book.contacts {
        if c.name.trim().to_lowercase() == name {
            let archived = if c.archived_on.is_some() {
                " (archived)"
            } else {
                ""
            };
            return Some((c.id, c.name.clone(), format!("the same name{archived}")));
        }
    }
    field_elsewhere(data, None, &new.fields)
}

/// Another contact than `except` holding one of `fields` (an email or a phone, as
/// [`crate::domain::contact::same_contact_field`] compares them): its id, name and why.
pub(super) fn field_elsewhere(
    data: &super::Data,
    except: Option<i64>,
    fields: &[crate::domain::contact::Field],
) -> Option<(i64, String, String)> {
    use crate::domain::contact::same_contact_field;
    for c in data.book.contacts.iter().filter(|c| Some(c.id) != except) {
        let archived = if c.archived_on.is_some() {
            " (archived)"
        } else {
            ""
        };
        for f in fields {
            let same = c
                .fields
                .iter()
                .any(|g| g.kind == f.kind && same_contact_field(f.kind, &f.value, &g.value));
            if same {
                return Some((
                    c.id,
                    c.name.clone(),
                    format!("the same {} {}{archived}", f.kind.as_str(), f.value),
                ));
            }
        }
    }
    None
}

/// A form's write, or first the question it needs: a likely duplicate (a contact being
/// added, or an edit giving one another's email or phone), a merge (it removes one).
pub(super) fn submitted(app: &mut App, write: Write, done: String, form: Form) -> Vec<Effect> {
    // Someone you already have: the same name, email or phone as a contact being added,
    // or another contact's email or phone given in an edit.
    let duplicate = match &write {
        Write::AddContact(c) => likely_duplicate(&app.data, c),
        Write::UpdateContact(id, p) => {
            let fields: Vec<_> = p
                .add_fields
                .iter()
                .chain(p.replace_fields.iter().map(|(_, f)| f))
                .cloned()
                .collect();
            field_elsewhere(&app.data, Some(*id), &fields)
        }
        _ => None,
    };
    if let Some((existing, name, why)) = duplicate {
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
    if let Write::Merge { keep, other } = &write {
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
    vec![Effect::Write { write, done }]
}

/// How far J and K move the timeline: the entries the last frame showed whole (five
/// before the first frame).
fn timeline_step(app: &App) -> usize {
    match app.hits.borrow().timeline_page {
        0 => 5,
        n => n,
    }
}
