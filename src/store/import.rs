//! Imports, all-or-nothing: contacts matched by UID, then email, then phone, then exact
//! full name, and merged field by field (never duplicated); the whole JSON document;
//! and export of the whole database as that document.
//!
//! A dry run performs the same work inside a transaction and rolls it back, so what it
//! reports is exactly what a real run would do.

use std::collections::HashMap;

use chrono::NaiveDate;
use rusqlite::{OptionalExtension, Transaction, params};

use super::{Result, Store};
use crate::domain::contact::{Circle, Field, FieldKind, NewContact, phone_key};
use crate::domain::document::{
    DocContact, DocDone, DocInteraction, DocLetGo, DocReferral, DocSnooze, Document,
};
use crate::domain::referral::Quality;

/// One contact from a file, before matching.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ContactRecord {
    pub uid: Option<String>,
    pub name: String,
    pub company: Option<String>,
    pub title: Option<String>,
    pub circle: Option<Circle>,
    pub tags: Vec<String>,
    pub fields: Vec<Field>,
    pub how_met: Option<String>,
    pub notes: Option<String>,
    pub vcard_extra: Option<String>,
    /// "Referred by": the referrer's name, resolved against the database and the file.
    pub referred_by: Option<String>,
}

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
    pub(super) fn find(&self, r: &ContactRecord) -> Option<i64> {
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
        records: &[ContactRecord],
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
                    let uid = r
                        .uid
                        .clone()
                        .unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
                    let new = NewContact {
                        uid: Some(uid.clone()),
                        name: r.name.clone(),
                        company: r.company.clone(),
                        title: r.title.clone(),
                        circle: r.circle,
                        tags: r.tags.clone(),
                        fields: r.fields.clone(),
                        how_met: r.how_met.clone(),
                        notes: r.notes.clone(),
                        ..NewContact::default()
                    };
                    let id = super::contacts::insert_contact_tx(&tx, &new, today)?;
                    if let Some(x) = &r.vcard_extra {
                        tx.execute(
                            "UPDATE contacts SET vcard_extra = ?1 WHERE id = ?2",
                            params![x, id],
                        )?;
                    }
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

    /// The whole database as a JSON document, every table in id order.
    pub fn export_document(&self) -> Result<Document> {
        let mut doc = Document::new();
        let contacts = self.all_contacts(true)?;
        let mut extra = self.vcard_extras()?;
        doc.contacts = contacts
            .into_iter()
            .map(|c| DocContact {
                vcard_extra: extra.remove(&c.id),
                id: c.id,
                uid: c.uid,
                name: c.name,
                company: c.company,
                title: c.title,
                circle: c.circle,
                tags: c.tags,
                fields: c.fields,
                how_met: c.how_met,
                notes: c.notes,
                cadence_days: c.cadence_days,
                do_not_ask: c.do_not_ask,
                closeness: c.closeness,
                created_on: c.created_on,
                archived_on: c.archived_on,
            })
            .collect();
        let mut refs = self.referrals()?;
        refs.sort_by_key(|r| r.id);
        let mut message_ids: HashMap<i64, String> = {
            let mut stmt = self
                .conn
                .prepare("SELECT id, message_id FROM referrals WHERE message_id IS NOT NULL")?;
            stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<rusqlite::Result<_>>()?
        };
        doc.referrals = refs
            .into_iter()
            .map(|r| DocReferral {
                message_id: message_ids.remove(&r.id),
                won_value: r.won_value,
                id: r.id,
                referrer_id: r.referrer_id,
                person_id: r.person_id,
                recipient_id: r.recipient_id,
                quality: r.quality,
                status: r.status,
                referred_on: r.referred_on,
                value: r.value,
                reason: r.reason,
                note: r.note,
                history: r.history,
            })
            .collect();
        let mut inter = self.all_interactions()?;
        inter.sort_by_key(|i| i.id);
        doc.interactions = inter
            .into_iter()
            .map(|i| DocInteraction {
                id: i.id,
                contact_id: i.contact_id,
                occurred_on: i.occurred_on,
                kind: i.kind,
                direction: i.direction,
                label: i.label.as_deref().map(str::to_string),
                note: i.note().map(str::to_string),
                referral_id: i.referral_id,
                channel: i.channel(),
                reward: i.reward(),
                amount: i.amount(),
            })
            .collect();
        let mut snoozes: Vec<DocSnooze> = self
            .snoozes()?
            .into_iter()
            .map(|(key, until)| DocSnooze { key, until })
            .collect();
        snoozes.sort_by(|a, b| a.key.cmp(&b.key));
        doc.snoozes = snoozes;
        let mut let_go: Vec<DocLetGo> = self
            .let_go()?
            .into_iter()
            .map(|(key, due)| DocLetGo { key, due })
            .collect();
        let_go.sort_by(|a, b| a.key.cmp(&b.key));
        doc.let_go = let_go;
        let mut stmt = self.conn.prepare(
            "SELECT key, on_date, interaction_id FROM review_done ORDER BY on_date, key",
        )?;
        doc.review_done = stmt
            .query_map([], |r| {
                Ok(DocDone {
                    key: r.get(0)?,
                    on: r.get(1)?,
                    interaction_id: r.get(2)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(doc)
    }

    /// Imports a JSON document in one transaction. Into an empty database every id is
    /// kept, so the result is identical to the exported one; otherwise contacts are
    /// matched and merged, and referrals and interactions already present are skipped.
    pub fn import_document(&mut self, doc: &Document, dry_run: bool) -> Result<ImportReport> {
        let empty = self.is_empty()?;
        let tx = self.begin_write()?;
        let mut report = ImportReport::default();
        let mut m = Matcher::load(&tx)?;
        let mut cmap: HashMap<i64, i64> = HashMap::new();
        for c in &doc.contacts {
            let rec = ContactRecord {
                uid: Some(c.uid.clone()),
                name: c.name.clone(),
                company: c.company.clone(),
                title: c.title.clone(),
                circle: Some(c.circle),
                tags: c.tags.clone(),
                fields: c.fields.clone(),
                how_met: c.how_met.clone(),
                notes: c.notes.clone(),
                vcard_extra: c.vcard_extra.clone(),
                referred_by: None,
            };
            let existing = if empty { None } else { m.find(&rec) };
            let id = match existing {
                Some(id) => {
                    if merge_into(&tx, id, &rec)? {
                        report.updated.push(c.name.clone());
                    } else {
                        report.unchanged += 1;
                    }
                    id
                }
                None => {
                    tx.execute(
                        "INSERT INTO contacts (id, uid, name, company, title, circle, how_met, notes, cadence_days, do_not_ask, closeness, vcard_extra, created_on, archived_on)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
                        params![
                            if empty { Some(c.id) } else { None },
                            c.uid,
                            c.name,
                            c.company,
                            c.title,
                            c.circle.as_str(),
                            c.how_met,
                            c.notes,
                            c.cadence_days,
                            c.do_not_ask,
                            c.closeness,
                            c.vcard_extra,
                            c.created_on,
                            c.archived_on
                        ],
                    )?;
                    let id = tx.last_insert_rowid();
                    for t in &c.tags {
                        tx.execute(
                            "INSERT OR IGNORE INTO tags (contact_id, tag) VALUES (?1, ?2)",
                            params![id, t],
                        )?;
                    }
                    for (pos, f) in c.fields.iter().enumerate() {
                        tx.execute(
                            "INSERT INTO contact_fields (contact_id, kind, label, value, position) VALUES (?1, ?2, ?3, ?4, ?5)",
                            params![id, f.kind.as_str(), f.label, f.value, pos as i64],
                        )?;
                    }
                    m.add(id, &c.uid, &c.name, &c.fields);
                    report.created.push(c.name.clone());
                    id
                }
            };
            cmap.insert(c.id, id);
        }
        let map = |id: i64| cmap.get(&id).copied();
        let mut rmap: HashMap<i64, i64> = HashMap::new();
        for r in &doc.referrals {
            let (referrer, person, recipient) = (
                r.referrer_id.and_then(map),
                map(r.person_id),
                r.recipient_id.and_then(map),
            );
            let Some(person) = person else { continue };
            let existing: Option<i64> = if empty {
                None
            } else {
                // The same mail is the same referral, whoever it was matched to.
                let by_mail: Option<i64> = match &r.message_id {
                    Some(mid) => tx
                        .query_row(
                            "SELECT id FROM referrals WHERE message_id = ?1",
                            [mid],
                            |row| row.get(0),
                        )
                        .optional()?,
                    None => None,
                };
                match by_mail {
                    Some(id) => Some(id),
                    None => tx
                        .query_row(
                            "SELECT id FROM referrals WHERE person_id = ?1 AND referrer_id IS ?2 AND recipient_id IS ?3 AND referred_on = ?4",
                            params![person, referrer, recipient, r.referred_on],
                            |row| row.get(0),
                        )
                        .optional()?,
                }
            };
            let rid = match existing {
                Some(id) => id,
                None => {
                    tx.execute(
                        "INSERT INTO referrals (id, referrer_id, person_id, recipient_id, quality, status, referred_on, value, reason, note, message_id, won_value)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
                        params![
                            if empty { Some(r.id) } else { None },
                            referrer,
                            person,
                            recipient,
                            r.quality.as_str(),
                            r.status.as_str(),
                            r.referred_on,
                            r.value,
                            r.reason,
                            r.note,
                            r.message_id,
                            r.won_value
                        ],
                    )?;
                    let rid = tx.last_insert_rowid();
                    for e in &r.history {
                        tx.execute(
                            "INSERT INTO referral_events (referral_id, status, occurred_on) VALUES (?1, ?2, ?3)",
                            params![rid, e.status.as_str(), e.date],
                        )?;
                    }
                    report.referrals_created += 1;
                    rid
                }
            };
            rmap.insert(r.id, rid);
        }
        for i in &doc.interactions {
            let Some(contact) = map(i.contact_id) else {
                continue;
            };
            let referral = i.referral_id.and_then(|r| rmap.get(&r).copied());
            let row = params![
                if empty { Some(i.id) } else { None },
                contact,
                i.occurred_on,
                i.kind.as_str(),
                i.direction.map(|d| d.as_str()),
                i.label,
                i.note,
                referral,
                i.channel.map(|c| c.as_str()),
                i.reward.map(|r| r.as_str()),
                i.amount
            ];
            if !empty {
                let dup: bool = tx.query_row(
                    "SELECT count(*) FROM interactions WHERE contact_id = ?2 AND occurred_on = ?3 AND kind = ?4
                        AND direction IS ?5 AND label IS ?6 AND note IS ?7 AND referral_id IS ?8
                        AND channel IS ?9 AND reward IS ?10 AND amount IS ?11 AND ?1 IS NULL",
                    row,
                    |r| r.get(0),
                )?;
                if dup {
                    continue;
                }
            }
            tx.execute(
                "INSERT INTO interactions (id, contact_id, occurred_on, kind, direction, label, note, referral_id, channel, reward, amount)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
                row,
            )?;
            report.interactions_created += 1;
        }
        for s in &doc.snoozes {
            tx.execute(
                "INSERT INTO snoozes (key, until) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET until = max(until, excluded.until)",
                params![s.key, s.until],
            )?;
        }
        for l in &doc.let_go {
            tx.execute(
                "INSERT INTO let_go (key, due) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET due = max(due, excluded.due)",
                params![l.key, l.due],
            )?;
        }
        // Interaction ids are the document's only in an empty database; elsewhere the
        // marks of past reviews are left behind (they only bound a day already gone).
        if empty {
            for d in &doc.review_done {
                tx.execute(
                    "INSERT OR IGNORE INTO review_done (key, on_date, interaction_id) VALUES (?1, ?2, ?3)",
                    params![d.key, d.on, d.interaction_id],
                )?;
            }
        }
        if dry_run {
            tx.rollback()?;
        } else {
            tx.commit()?;
        }
        Ok(report)
    }
}

/// Records "`referrer` referred `person` to me" (quality `name_only`) unless one exists.
/// Returns how many were created (0 or 1).
fn insert_received_referral(
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
    tx.execute(
        "INSERT INTO referrals (referrer_id, person_id, quality, status, referred_on) VALUES (?1, ?2, ?3, 'new', ?4)",
        params![referrer, person, Quality::NameOnly.as_str(), today],
    )?;
    let rid = tx.last_insert_rowid();
    tx.execute(
        "INSERT INTO referral_events (referral_id, status, occurred_on) VALUES (?1, 'new', ?2)",
        params![rid, today],
    )?;
    Ok(1)
}

/// Fills empty details of contact `id` from `r` and adds missing tags and fields.
/// Returns whether anything changed. Existing values are never overwritten.
pub(super) fn merge_into(tx: &Transaction<'_>, id: i64, r: &ContactRecord) -> Result<bool> {
    let mut changed = 0;
    for (col, v) in [
        ("company", &r.company),
        ("title", &r.title),
        ("how_met", &r.how_met),
        ("notes", &r.notes),
        ("vcard_extra", &r.vcard_extra),
    ] {
        if let Some(v) = v {
            changed += tx.execute(
                &format!("UPDATE contacts SET {col} = ?1 WHERE id = ?2 AND {col} IS NULL"),
                params![v, id],
            )?;
        }
    }
    for t in &r.tags {
        changed += tx.execute(
            "INSERT OR IGNORE INTO tags (contact_id, tag) VALUES (?1, ?2)",
            params![id, t],
        )?;
    }
    for f in &r.fields {
        changed += tx.execute(
            "INSERT INTO contact_fields (contact_id, kind, label, value, position)
             SELECT ?1, ?2, ?3, ?4, (SELECT coalesce(max(position), -1) + 1 FROM contact_fields WHERE contact_id = ?1)
             WHERE NOT EXISTS (SELECT 1 FROM contact_fields WHERE contact_id = ?1 AND kind = ?2 AND lower(value) = lower(?4))",
            params![id, f.kind.as_str(), f.label, f.value],
        )?;
    }
    Ok(changed > 0)
}
