//! Referrals and their dated status history.

use std::collections::HashMap;

use rusqlite::{OptionalExtension, Row, params};

use super::{Result, Store, StoreError, day, word};
use crate::domain::contact::NewContact;
use crate::domain::interaction::NewInteraction;
use crate::domain::referral::{NewReferral, Referral, Side, Status, StatusChange, StatusEvent};

const COLUMNS: &str = "id, referrer_id, person_id, recipient_id, quality, status, referred_on, value, reason, note, won_value";

fn from_row(r: &Row<'_>) -> rusqlite::Result<Referral> {
    Ok(Referral {
        id: r.get(0)?,
        referrer_id: r.get(1)?,
        person_id: r.get(2)?,
        recipient_id: r.get(3)?,
        quality: word(r, 4)?,
        status: word(r, 5)?,
        referred_on: day(r, 6)?,
        value: r.get(7)?,
        reason: r.get(8)?,
        note: r.get(9)?,
        won_value: r.get(10)?,
        history: Vec::new(),
    })
}

/// The person referred: an existing contact, or one to create with the referral.
#[derive(Debug, Clone, PartialEq)]
pub enum ReferralPerson {
    Existing(i64),
    New(Box<NewContact>),
}

impl Store {
    /// Records a referral and its first `new` event in one transaction; returns its id.
    pub fn insert_referral(&mut self, r: &NewReferral) -> Result<i64> {
        let (_, id) =
            self.insert_referral_for(&ReferralPerson::Existing(r.person_id), r, r.referred_on)?;
        Ok(id)
    }

    /// Records a referral, first creating the person when new, all in one transaction.
    /// Returns (person id, referral id).
    pub fn insert_referral_for(
        &mut self,
        person: &ReferralPerson,
        r: &NewReferral,
        today: chrono::NaiveDate,
    ) -> Result<(i64, i64)> {
        let tx = self.begin_write()?;
        let person_id = match person {
            ReferralPerson::Existing(id) => *id,
            ReferralPerson::New(c) => super::contact_writes::insert_contact_tx(&tx, c, today)?,
        };
        let (referrer, recipient) = match r.side {
            Side::ReceivedFrom(id) => (Some(id), None),
            Side::GivenTo(id) => (None, Some(id)),
        };
        tx.execute(
            "INSERT INTO referrals (referrer_id, person_id, recipient_id, quality, status, referred_on, note, uid)
             VALUES (?1, ?2, ?3, ?4, 'new', ?5, ?6, lower(hex(randomblob(12))))",
            params![referrer, person_id, recipient, r.quality.as_str(), r.referred_on, r.note],
        )?;
        let id = tx.last_insert_rowid();
        tx.execute(
            "INSERT INTO referral_events (referral_id, status, occurred_on, uid) VALUES (?1, 'new', ?2, lower(hex(randomblob(12))))",
            params![id, r.referred_on],
        )?;
        tx.commit()?;
        Ok((person_id, id))
    }

    /// One referral with its history.
    pub fn referral(&self, id: i64) -> Result<Option<Referral>> {
        let mut stmt = self
            .conn
            .prepare_cached(&format!("SELECT {COLUMNS} FROM referrals WHERE id = ?1"))?;
        let Some(mut r) = stmt.query_row([id], from_row).optional()? else {
            return Ok(None);
        };
        let mut stmt = self.conn.prepare_cached(
            "SELECT status, occurred_on FROM referral_events WHERE referral_id = ?1 ORDER BY occurred_on, id",
        )?;
        r.history = stmt
            .query_map([id], |row| {
                Ok(StatusEvent {
                    status: word(row, 0)?,
                    date: day(row, 1)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(Some(r))
    }

    /// Every referral with its history, oldest first (two queries in all).
    pub fn referrals(&self) -> Result<Vec<Referral>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {COLUMNS} FROM referrals ORDER BY referred_on, id"
        ))?;
        let mut out: Vec<Referral> = stmt
            .query_map([], from_row)?
            .collect::<rusqlite::Result<_>>()?;
        let index: HashMap<i64, usize> = out.iter().enumerate().map(|(i, r)| (r.id, i)).collect();
        let mut stmt = self.conn.prepare_cached(
            "SELECT referral_id, status, occurred_on FROM referral_events ORDER BY referral_id, occurred_on, id",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(row) = rows.next()? {
            if let Some(&i) = index.get(&row.get::<_, i64>(0)?) {
                out[i].history.push(StatusEvent {
                    status: word(row, 1)?,
                    date: day(row, 2)?,
                });
            }
        }
        Ok(out)
    }

    /// The referrals in which these contacts are the referrer or the recipient (what
    /// their scoring reads), with their history, oldest first: index lookups per contact.
    pub fn referrals_of_contacts(&self, ids: &[i64]) -> Result<Vec<Referral>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {COLUMNS} FROM referrals WHERE referrer_id = ?1 OR recipient_id = ?1"
        ))?;
        let mut events = self.conn.prepare_cached(
            "SELECT status, occurred_on FROM referral_events WHERE referral_id = ?1 ORDER BY occurred_on, id",
        )?;
        let mut out: Vec<Referral> = Vec::new();
        for &id in ids {
            for r in stmt.query_map([id], from_row)? {
                let mut r = r?;
                r.history = events
                    .query_map([r.id], |row| {
                        Ok(StatusEvent {
                            status: word(row, 0)?,
                            date: day(row, 1)?,
                        })
                    })?
                    .collect::<rusqlite::Result<_>>()?;
                out.push(r);
            }
        }
        out.sort_by_key(|r| (r.referred_on, r.id));
        out.dedup_by_key(|r| r.id);
        Ok(out)
    }

    /// Deletes a referral and its status history, in one transaction; the thanks and
    /// updates linked to it stay as plain interactions. Returns the deleted referral.
    pub fn delete_referral(&mut self, id: i64) -> Result<Referral> {
        let Some(r) = self.referral(id)? else {
            return Err(StoreError::Usage(format!(
                "referral #{id} does not exist; see `ties referral list`"
            )));
        };
        let tx = self.begin_write()?;
        tx.execute(
            "UPDATE interactions SET referral_id = NULL WHERE referral_id = ?1",
            [id],
        )?;
        tx.execute("DELETE FROM referral_events WHERE referral_id = ?1", [id])?;
        tx.execute("DELETE FROM referrals WHERE id = ?1", [id])?;
        tx.commit()?;
        Ok(r)
    }

    /// Applies a validated status change and records it in the history, atomically.
    /// `won` stores the value; `lost` the reason; reopening clears both.
    /// Moves a referral along its pipeline. Returns the referred person when the move
    /// also logged a touch with them ([`Status::pipeline_touch`]).
    pub fn change_status(&mut self, id: i64, c: &StatusChange) -> Result<Option<i64>> {
        let tx = self.begin_write()?;
        let (value, reason) = match c.to {
            Status::Won => (c.value, None),
            Status::Lost => (None, c.reason.clone()),
            _ => (None, None),
        };
        // What it was won for stays when it is reopened (winning again offers it).
        let n = tx.execute(
            "UPDATE referrals SET status = ?1, value = ?2, reason = ?3,
                 won_value = CASE WHEN ?1 = 'won' THEN ?2 ELSE won_value END
             WHERE id = ?4",
            params![c.to.as_str(), value, reason, id],
        )?;
        if n == 0 {
            return Err(StoreError::Usage(format!(
                "referral #{id} does not exist; see `ties referral list`"
            )));
        }
        tx.execute(
            "INSERT INTO referral_events (referral_id, status, occurred_on, uid) VALUES (?1, ?2, ?3, lower(hex(randomblob(12))))",
            params![id, c.to.as_str(), c.on],
        )?;
        // A received referral's pipeline is contact with the person: the touch is
        // recorded with it, unless one of that kind is already logged that day.
        let (received, person): (bool, i64) = tx.query_row(
            "SELECT referrer_id IS NOT NULL, person_id FROM referrals WHERE id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        let mut touched = None;
        if let Some((kind, direction)) = c.to.pipeline_touch().filter(|_| received) {
            let logged: bool = tx.query_row(
                "SELECT EXISTS (SELECT 1 FROM interactions
                 WHERE contact_id = ?1 AND occurred_on = ?2 AND kind = ?3)",
                params![person, c.on, kind.as_str()],
                |r| r.get(0),
            )?;
            if !logged {
                let mut i = NewInteraction::new(person, c.on, kind);
                i.direction = direction;
                i.referral_id = Some(id);
                super::interactions::insert_interaction_on(&tx, &i)?;
                touched = Some(person);
            }
        }
        tx.commit()?;
        Ok(touched)
    }
}
