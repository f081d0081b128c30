//! Multi-row writes that must be all-or-nothing: filling demo data, clearing.

use chrono::NaiveDate;
use rusqlite::params;

use super::{Result, Store};
use crate::demo::DemoData;

impl Store {
    /// True when the database holds no contacts (and so nothing else).
    pub fn is_empty(&self) -> Result<bool> {
        let n: i64 = self
            .conn
            .query_row("SELECT count(*) FROM contacts", [], |r| r.get(0))?;
        Ok(n == 0)
    }

    /// Writes demo data in one transaction; with `replace`, first deletes everything.
    /// Outside the undo journal: a demo is filled whole, and undone by a restore.
    pub fn fill_demo(&mut self, data: &DemoData, today: NaiveDate, replace: bool) -> Result<()> {
        let tx = self.begin_unjournaled()?;
        if replace {
            tx.execute_batch(
                "DELETE FROM snoozes; DELETE FROM let_go; DELETE FROM review_done; DELETE FROM interactions; DELETE FROM referral_events;
                 DELETE FROM referrals; DELETE FROM tags; DELETE FROM contact_fields; DELETE FROM contacts;",
            )?;
        }
        let mut ids = Vec::with_capacity(data.contacts.len());
        for c in &data.contacts {
            ids.push(super::contact_writes::insert_contact_tx(&tx, c, today)?);
        }
        let mut rids = Vec::with_capacity(data.referrals.len());
        {
            let mut ins = tx.prepare_cached(
                "INSERT INTO referrals (referrer_id, person_id, recipient_id, quality, status, referred_on, value, reason, won_value, uid)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, CASE WHEN ?5 = 'won' THEN ?7 END, lower(hex(randomblob(12))))",
            )?;
            let mut ev = tx.prepare_cached("INSERT INTO referral_events (referral_id, status, occurred_on, uid) VALUES (?1, ?2, ?3, lower(hex(randomblob(12))))")?;
            for r in &data.referrals {
                let status = r.history.last().map_or("new", |e| e.status.as_str());
                ins.execute(params![
                    r.referrer.map(|i| ids[i]),
                    ids[r.person],
                    r.recipient.map(|i| ids[i]),
                    r.quality.as_str(),
                    status,
                    r.referred_on,
                    r.value,
                    r.reason
                ])?;
                let rid = tx.last_insert_rowid();
                for e in &r.history {
                    ev.execute(params![rid, e.status.as_str(), e.date])?;
                }
                rids.push(rid);
            }
        }
        for d in &data.interactions {
            let mut i = d.interaction.clone();
            i.contact_id = ids[d.contact];
            i.referral_id = d.referral.map(|r| rids[r]);
            super::interactions::insert_interaction_on(&tx, &i)?;
        }
        super::contacts::compact_search(&tx, data.contacts.len())?;
        tx.commit()?;
        Ok(())
    }
}
