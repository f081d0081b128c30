//! The whole book as a JSON document: export every table in id order, and import one,
//! all-or-nothing (a dry run does the same work and rolls it back).

use std::collections::HashMap;

use rusqlite::{OptionalExtension, params};

use super::contact_writes::{Origin, create_tx};
use super::import::{ImportReport, Matcher, merge_into};
use super::{Result, Store};
use crate::domain::document::{
    DocContact, DocDone, DocInteraction, DocLetGo, DocReferral, DocSnooze, Document,
};

impl Store {
    /// The whole database as a JSON document, every table in id order.
    pub fn export_document(&self) -> Result<Document> {
        let mut doc = Document::new();
        let contacts = self.all_contacts(crate::domain::contact::Shape::Whole)?;
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
            let rec = c.record();
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
                    let origin = Origin::Document {
                        id: empty.then_some(c.id),
                        created_on: c.created_on,
                        archived_on: c.archived_on,
                    };
                    let (id, uid) = create_tx(&tx, &rec, origin)?;
                    m.add(id, &uid, &c.name, &c.fields);
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
                        "INSERT INTO referrals (id, referrer_id, person_id, recipient_id, quality, status, referred_on, value, reason, note, message_id, won_value, uid)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, lower(hex(randomblob(12))))",
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
                            "INSERT INTO referral_events (referral_id, status, occurred_on, uid) VALUES (?1, ?2, ?3, lower(hex(randomblob(12))))",
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
                "INSERT INTO interactions (id, contact_id, occurred_on, kind, direction, label, note, referral_id, channel, reward, amount, uid)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, lower(hex(randomblob(12))))",
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
            super::contacts::compact_search(&tx, report.created.len() + report.updated.len())?;
            tx.commit()?;
        }
        Ok(report)
    }
}
