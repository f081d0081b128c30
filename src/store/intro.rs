//! Introductions read from email, recorded as referrals in one transaction: the people
//! matched like any import (email first, then the usual rules) or created, each mail
//! recorded once by its Message-ID, and replies in an introduction's thread skipped.

use std::collections::HashMap;

use chrono::NaiveDate;
use rusqlite::{OptionalExtension, Transaction, params};

use super::contact_writes::{Origin, create_tx};
use super::import::{Matcher, merge_into};
use super::{Result, Store};
use crate::domain::contact::NewContact;
use crate::domain::referral::Quality;

/// Who introduced whom in one mail, before the people are matched.
#[derive(Debug, Clone, PartialEq)]
pub enum IntroPeople {
    /// `by` introduced `person` to me.
    Received { by: NewContact, person: NewContact },
    /// I introduced `person` to `recipient`.
    Given {
        person: NewContact,
        recipient: NewContact,
    },
}

/// One introduction to record.
#[derive(Debug, Clone, PartialEq)]
pub struct IntroRecord {
    /// 1-based position in the file, and how reports name the mail.
    pub number: usize,
    pub label: String,
    pub message_id: String,
    pub date: NaiveDate,
    /// The subject, kept as the referral's note.
    pub note: Option<String>,
    /// The Message-IDs before this mail in its thread.
    pub thread: Vec<String>,
    pub is_reply: bool,
    pub people: IntroPeople,
}

/// One introduction recorded (or, in a dry run, that would be).
#[derive(Debug, Clone, PartialEq)]
pub struct RecordedIntro {
    pub number: usize,
    pub message_id: String,
    pub date: NaiveDate,
    /// `None` in a dry run (nothing was written).
    pub referral_id: Option<i64>,
    /// `None` when it was me.
    pub referrer: Option<String>,
    pub person: String,
    /// `None` when it was me.
    pub recipient: Option<String>,
    pub note: Option<String>,
}

/// What an email import did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct IntroReport {
    pub recorded: Vec<RecordedIntro>,
    /// Contacts created for people not yet in the book.
    pub created: Vec<String>,
    /// Contacts that gained an address from the mail.
    pub updated: Vec<String>,
    /// (mail number, reason)
    pub skipped: Vec<(usize, String)>,
}

impl Store {
    /// Records the introductions in one transaction (rolled back when `dry_run`).
    pub fn import_intros(
        &mut self,
        intros: &[IntroRecord],
        today: NaiveDate,
        dry_run: bool,
    ) -> Result<IntroReport> {
        let tx = self.begin_write()?;
        let mut report = IntroReport::default();
        let mut m = Matcher::load(&tx)?;
        // Message-ID → how to name the referral it made: "referral #12" when it was
        // already in the book, "the introduction in message 3" when it is from this file.
        let mut known: HashMap<String, String> = {
            let mut stmt =
                tx.prepare("SELECT message_id, id FROM referrals WHERE message_id IS NOT NULL")?;
            stmt.query_map([], |r| {
                Ok((r.get(0)?, format!("referral #{}", r.get::<_, i64>(1)?)))
            })?
            .collect::<rusqlite::Result<_>>()?
        };
        for r in intros {
            if let Some(was) = known.get(&r.message_id) {
                report
                    .skipped
                    .push((r.number, format!("{}: already imported, as {was}", r.label)));
                continue;
            }
            if let Some(was) = r.thread.iter().find_map(|t| known.get(t)) {
                report.skipped.push((
                    r.number,
                    format!("{}: a reply in the thread of {was}", r.label),
                ));
                continue;
            }
            let (a, b) = match &r.people {
                IntroPeople::Received { by, person } => (by, person),
                IntroPeople::Given { person, recipient } => (person, recipient),
            };
            // A reply between two people already introduced is that introduction's
            // thread, whichever way round it goes.
            if r.is_reply
                && let (Some(x), Some(y)) = (m.find(a), m.find(b))
                && let Some(id) = referral_between(&tx, x, y)?
            {
                report.skipped.push((
                    r.number,
                    format!(
                        "{}: a reply between {} and {}, whose introduction is already referral #{id}",
                        r.label, a.name, b.name
                    ),
                ));
                continue;
            }
            let how_met = match &r.people {
                IntroPeople::Received { by, .. } => {
                    Some(format!("introduced by {} by email on {}", by.name, r.date))
                }
                IntroPeople::Given { .. } => None,
            };
            let a_id = resolve(&tx, &mut m, a, None, today, &mut report)?;
            let b_id = resolve(&tx, &mut m, b, how_met, today, &mut report)?;
            if a_id == b_id {
                report.skipped.push((
                    r.number,
                    format!(
                        "{}: {} and {} are the same contact, so nobody was introduced",
                        r.label, a.name, b.name
                    ),
                ));
                continue;
            }
            let (referrer, person, recipient) = match &r.people {
                IntroPeople::Received { .. } => (Some(a_id), b_id, None),
                IntroPeople::Given { .. } => (None, a_id, Some(b_id)),
            };
            // Named after the mail: the same introduction imported on two machines is
            // one referral when they sync (its Message-ID is unique in either book).
            tx.execute(
                "INSERT INTO referrals (referrer_id, person_id, recipient_id, quality, status, referred_on, note, message_id, uid)
                 VALUES (?1, ?2, ?3, ?4, 'new', ?5, ?6, ?7, ?8)",
                params![referrer, person, recipient, Quality::EmailIntro.as_str(), r.date, r.note, r.message_id,
                    super::sync::name_uid(&["intro", &r.message_id])],
            )?;
            let id = tx.last_insert_rowid();
            tx.execute(
                "INSERT INTO referral_events (referral_id, status, occurred_on, uid) VALUES (?1, 'new', ?2, ?3)",
                params![id, r.date, super::sync::name_uid(&["intro event", &r.message_id])],
            )?;
            known.insert(
                r.message_id.clone(),
                format!("the introduction in message {}", r.number),
            );
            let name = |id: i64| -> Result<String> {
                Ok(
                    tx.query_row("SELECT name FROM contacts WHERE id = ?1", [id], |row| {
                        row.get(0)
                    })?,
                )
            };
            report.recorded.push(RecordedIntro {
                number: r.number,
                message_id: r.message_id.clone(),
                date: r.date,
                referral_id: (!dry_run).then_some(id),
                referrer: referrer.map(name).transpose()?,
                person: name(person)?,
                recipient: recipient.map(name).transpose()?,
                note: r.note.clone(),
            });
        }
        if dry_run {
            tx.rollback()?;
        } else {
            tx.commit()?;
        }
        Ok(report)
    }
}

/// A referral between two contacts, either way round and on either side.
fn referral_between(tx: &Transaction<'_>, x: i64, y: i64) -> Result<Option<i64>> {
    Ok(tx
        .query_row(
            "SELECT id FROM referrals
             WHERE (person_id = ?1 AND (referrer_id = ?2 OR recipient_id = ?2))
                OR (person_id = ?2 AND (referrer_id = ?1 OR recipient_id = ?1))
             ORDER BY id LIMIT 1",
            params![x, y],
            |r| r.get(0),
        )
        .optional()?)
}

/// The contact a mailbox is: matched (gaining the address when matched by name), or
/// created.
fn resolve(
    tx: &Transaction<'_>,
    m: &mut Matcher,
    r: &NewContact,
    how_met: Option<String>,
    today: NaiveDate,
    report: &mut IntroReport,
) -> Result<i64> {
    if let Some(id) = m.find(r) {
        if merge_into(tx, id, r)? {
            let name: String =
                tx.query_row("SELECT name FROM contacts WHERE id = ?1", [id], |row| {
                    row.get(0)
                })?;
            if !report.updated.contains(&name) {
                report.updated.push(name);
            }
        }
        for f in &r.fields {
            m.add_field(id, f.kind.as_str(), &f.value);
        }
        return Ok(id);
    }
    let new = NewContact {
        how_met,
        ..r.clone()
    };
    let (id, uid) = create_tx(tx, &new, Origin::Today(today))?;
    m.add(id, &uid, &r.name, &r.fields);
    report.created.push(r.name.clone());
    Ok(id)
}
