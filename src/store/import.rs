//! Imports, all-or-nothing: contacts matched by UID, then email, then phone, then exact
//! full name, and merged field by field (never duplicated). The whole JSON document, in
//! and out, is `store::document`.
//!
//! A dry run performs the same work inside a transaction and rolls it back, so what it
//! reports is exactly what a real run would do.

use std::collections::HashMap;

use chrono::NaiveDate;
use rusqlite::{Transaction, params};

use super::contact_writes::{Origin, create_tx};
use super::{Result, Store};
use crate::domain::contact::{Field, FieldKind, NewContact, phone_key};
use crate::domain::referral::Quality;

/// What an import did (or, in a dry run, would do).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ImportReport {
    pub created: Vec<String>,
    pub updated: Vec<String>,
    pub unchanged: usize,
    /// (record number, reason)
    pub skipped: Vec<(usize, String)>,
    pub referrals_created: usize,
    pub interactions_created: usize,
}

/// In-memory indexes of existing contacts for matching, kept current during an import.
pub(super) struct Matcher {
    uid: HashMap<String, i64>,
    email: HashMap<String, i64>,
    phone: HashMap<String, i64>,
    name: HashMap<String, Vec<i64>>,
}

impl Matcher {
    pub(super) fn load(tx: &Transaction<'_>) -> Result<Matcher> {
        let mut m = Matcher {
            uid: HashMap::new(),
            email: HashMap::new(),
            phone: HashMap::new(),
            name: HashMap::new(),
        };
        let mut stmt = tx.prepare("SELECT id, uid, name FROM contacts ORDER BY id")?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let id: i64 = r.get(0)?;
            m.uid.insert(r.get(1)?, id);
            m.name
                .entry(r.get::<_, String>(2)?.to_lowercase())
                .or_default()
                .push(id);
        }
        let mut stmt = tx.prepare("SELECT contact_id, kind, value FROM contact_fields WHERE kind IN ('email', 'phone') ORDER BY id")?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let id: i64 = r.get(0)?;
            let kind: String = r.get(1)?;
            let value: String = r.get(2)?;
            m.add_field(id, &kind, &value);
        }
        Ok(m)
    }

    pub(super) fn add_field(&mut self, id: i64, kind: &str, value: &str) {
        match kind {
            "email" => {
                self.email.entry(value.to_lowercase()).or_insert(id);
            }
            "phone" => {
                if let Some(k) = phone_key(value) {
                    self.phone.entry(k).or_insert(id);
                }
            }
            _ => {}
        }
    }

    pub(super) fn add(&mut self, id: i64, uid: &str, name: &str, fields: &[Field]) {
        self.uid.insert(uid.to_string(), id);
        self.name.entry(name.to_lowercase()).or_default().push(id);
        for f in fields {
            self.add_field(id, f.kind.as_str(), &f.value);
        }
    }

    /// UID first, then any email, then any phone, then a unique exact full name.
    pub(super) fn find(&self, r: &NewContact) -> Option<i64> {
        if let Some(id) = r.uid.as_ref().and_then(|u| self.uid.get(u)) {
            return Some(*id);
        }
        for f in &r.fields {
            let hit = match f.kind {
                FieldKind::Email => self.email.get(&f.value.to_lowercase()),
                FieldKind::Phone => phone_key(&f.value).and_then(|k| self.phone.get(&k)),
                _ => None,
            };
            if let Some(id) = hit {
                return Some(*id);
            }
        }
        match self.name.get(&r.name.to_lowercase()).map(Vec::as_slice) {
            Some([id]) => Some(*id),
            _ => None,
        }
    }
}

impl Store {
    /// Imports contacts from a file in one transaction (rolled back when `dry_run`).
    /// "Referred by" names become received referrals (quality `name_only`) when the
    /// referrer is in the database or the same file.
    ///
    /// `progress(done, total)` is called every few hundred records and at the end.
    pub fn import_contacts(
        &mut self,
        records: &[NewContact],
        today: NaiveDate,
        dry_run: bool,
        progress: &mut dyn FnMut(usize, usize),
    ) -> Result<ImportReport> {
        let tx = self.begin_write()?;
        let mut report = ImportReport::default();
        let mut m = Matcher::load(&tx)?;
        let mut ids = Vec::with_capacity(records.len());
        for (n, r) in records.iter().enumerate() {
            if n % 500 == 0 {
                progress(n, records.len());
            }
            let id = match m.find(r) {
                Some(id) => {
                    if merge_into(&tx, id, r)? {
                        report.updated.push(r.name.clone());
                    } else {
                        report.unchanged += 1;
                    }
                    for f in &r.fields {
                        m.add_field(id, f.kind.as_str(), &f.value);
                    }
                    id
                }
                None => {
                    let (id, uid) = create_tx(&tx, r, Origin::Today(today))?;
                    m.add(id, &uid, &r.name, &r.fields);
                    report.created.push(r.name.clone());
                    id
                }
            };
            ids.push(id);
        }
        for (n, r) in records.iter().enumerate() {
            let Some(by) = r
                .referred_by
                .as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
            else {
                continue;
            };
            // A vCard RELATED may point at another card by UID instead of naming it.
            if let Some(id) = by
                .strip_prefix("urn:uuid:")
                .and_then(|u| m.uid.get(u).or_else(|| m.uid.get(by)))
            {
                let id = *id;
                if id != ids[n] {
                    report.referrals_created += insert_received_referral(&tx, id, ids[n], today)?;
                }
                continue;
            }
            let referrer = match m.name.get(&by.to_lowercase()).map(Vec::as_slice) {
                Some([id]) => *id,
                Some(_) => {
                    report.skipped.push((n + 1, format!("\"{by}\", who referred {}, matches several contacts; record it with `ties refer`", r.name)));
                    continue;
                }
                None => {
                    report.skipped.push((n + 1, format!("\"{by}\", who referred {}, is not a contact; add them, then import again", r.name)));
                    continue;
                }
            };
            if referrer != ids[n] {
                report.referrals_created += insert_received_referral(&tx, referrer, ids[n], today)?;
            }
        }
        progress(records.len(), records.len());
        if dry_run {
            tx.rollback()?;
        } else {
            super::contacts::compact_search(&tx, report.created.len() + report.updated.len())?;
            tx.commit()?;
        }
        Ok(report)
    }

    /// Unknown vCard properties kept per contact (only contacts that have some).
    pub fn vcard_extras(&self) -> Result<HashMap<i64, String>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT id, vcard_extra FROM contacts WHERE vcard_extra IS NOT NULL")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

/// Records "`referrer` referred `person` to me" (quality `name_only`) unless one exists.
/// Returns how many were created (0 or 1).
pub(super) fn insert_received_referral(
    tx: &Transaction<'_>,
    referrer: i64,
    person: i64,
    today: NaiveDate,
) -> Result<usize> {
    let exists: bool = tx.query_row(
        "SELECT count(*) FROM referrals WHERE referrer_id = ?1 AND person_id = ?2",
        params![referrer, person],
        |row| row.get(0),
    )?;
    if exists {
        return Ok(0);
    }
    tx.prepare_cached("INSERT INTO referrals (referrer_id, person_id, quality, status, referred_on, uid) VALUES (?1, ?2, ?3, 'new', ?4, lower(hex(randomblob(12))))")?.execute(params![referrer, person, Quality::NameOnly.as_str(), today])?;
    let rid = tx.last_insert_rowid();
    tx.prepare_cached("INSERT INTO referral_events (referral_id, status, occurred_on, uid) VALUES (?1, 'new', ?2, lower(hex(randomblob(12))))")?.execute(params![rid, today])?;
    Ok(1)
}

/// Fills empty details of contact `id` from `r` and adds missing tags and fields.
/// Returns whether anything changed. Existing values are never overwritten.
pub(super) fn merge_into(tx: &Transaction<'_>, id: i64, r: &NewContact) -> Result<bool> {
    let mut changed = 0;
    for (col, v) in [
        ("company", &r.company),
        ("title", &r.title),
        ("how_met", &r.how_met),
        ("notes", &r.notes),
        ("vcard_extra", &r.vcard_extra),
    ] {
        if let Some(v) = v {
            changed += tx
                .prepare_cached(&format!(
                    "UPDATE contacts SET {col} = ?1 WHERE id = ?2 AND {col} IS NULL"
                ))?
                .execute(params![v, id])?;
        }
    }
    for t in &r.tags {
        changed += tx
            .prepare_cached("INSERT OR IGNORE INTO tags (contact_id, tag) VALUES (?1, ?2)")?
            .execute(params![id, t])?;
    }
    changed += super::contact_writes::add_fields_tx(tx, id, &r.fields)?;
    Ok(changed > 0)
}
