//! The interface's writes performed against the store, each reading back only the rows
//! it changed; and the mail import behind Referrals → `I`.

use anyhow::Result;

use super::Session;
use crate::app::{PersonRef, Write};
use crate::domain::book::Change;
use crate::domain::contact::Shape;
use crate::store::{ReferralPerson, Store};

impl Session {
    /// Reads the mail file at `path` and imports its introductions (or, `dry_run`,
    /// works out what it would record): the report in words, how many introductions it
    /// records and how many contacts it creates.
    pub(super) fn mail_import(
        &mut self,
        path: &std::path::Path,
        dry_run: bool,
    ) -> Result<(Vec<String>, usize, usize)> {
        let config = &self.app.config;
        let bytes = crate::intake::read_input(path, config.import.max_bytes)?;
        let plan = crate::intake::plan_mail(&bytes, &config.me, self.today)
            .map_err(|e| anyhow::anyhow!(e.message(&path.display().to_string())))?;
        let report = self
            .store
            .import_intros(&plan.records, self.today, dry_run)?;
        let report = crate::intake::finish(report, &plan);
        let (recorded, created) = (report.recorded.len(), report.created.len());
        Ok((
            crate::intake::describe(&report, &plan, dry_run),
            recorded,
            created,
        ))
    }

    /// Performs a write, then reads back the rows it changed (not the whole book).
    pub(super) fn write(&mut self, write: Write) -> Result<Vec<Change>> {
        let today = self.today;
        let s = &mut self.store;
        let contact = |s: &Store, id: i64| -> Result<Change> {
            // Cut as the interface's load cuts every contact.
            s.contact(id)?
                .map(|c| Change::Contact(c.to_shape(Shape::Lists)))
                .ok_or_else(|| anyhow::anyhow!("contact #{id} is gone"))
        };
        let referral = |s: &Store, id: i64| -> Result<Change> {
            s.referral(id)?
                .map(Change::Referral)
                .ok_or_else(|| anyhow::anyhow!("referral #{id} is gone"))
        };
        Ok(match write {
            Write::AddContact(c) => {
                let id = s.insert_contact(&c, today)?;
                vec![contact(s, id)?]
            }
            Write::UpdateContact(id, patch) => {
                s.update_contact(id, &patch)?;
                vec![contact(s, id)?]
            }
            Write::Archive(id, on) => {
                s.set_archived(id, Some(on))?;
                vec![contact(s, id)?]
            }
            Write::Unarchive(id) => {
                s.set_archived(id, None)?;
                vec![contact(s, id)?]
            }
            // Handled in `perform` (a merge removes a contact: the book is read again).
            Write::Merge { .. } => Vec::new(),
            Write::Interaction(i) => {
                s.insert_interaction(&i)?;
                vec![Change::Interactions(
                    i.contact_id,
                    s.lean_history_of(i.contact_id)?,
                )]
            }
            Write::Referral {
                person,
                referral: r,
            } => {
                let new_person = matches!(person, PersonRef::New(_));
                let person = match person {
                    PersonRef::Existing(id) => ReferralPerson::Existing(id),
                    PersonRef::New(c) => ReferralPerson::New(c),
                };
                let (person_id, id) = s.insert_referral_for(&person, &r, today)?;
                let mut out = Vec::new();
                if new_person {
                    out.push(contact(s, person_id)?);
                }
                out.push(referral(s, id)?);
                out
            }
            Write::ChangeStatus(id, change) => {
                let touched = s.change_status(id, &change)?;
                let mut out = vec![referral(s, id)?];
                if let Some(person) = touched {
                    out.push(Change::Interactions(person, s.lean_history_of(person)?));
                }
                out
            }
            Write::Snooze { key, until } => {
                s.set_snooze(&key, until)?;
                vec![Change::Snooze(key, until)]
            }
            Write::Done {
                key,
                interaction: i,
            } => {
                s.insert_done(&key, today, &i)?;
                vec![
                    Change::Interactions(i.contact_id, s.lean_history_of(i.contact_id)?),
                    Change::Done(key, today),
                ]
            }
            Write::Unsnooze(key) => {
                s.delete_snooze(&key)?;
                vec![Change::Unsnooze(key)]
            }
            Write::LetGo { key, due } => {
                s.set_let_go(&key, due)?;
                vec![Change::Unsnooze(key.clone()), Change::LetGo(key, due)]
            }
        })
    }
}
