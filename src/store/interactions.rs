//! Interactions: record and read the dated touches.

use rusqlite::{OptionalExtension, Row, params};

use super::packed::{self, Labels};
use super::{Result, Store, StoreError, day, opt_word, word};
use crate::domain::interaction::{Interaction, InteractionExtra, NewInteraction};

const COLUMNS: &str = "id, contact_id, occurred_on, kind, direction, label, note, referral_id, channel, reward, amount";

fn from_row(r: &Row<'_>, labels: &mut Labels) -> rusqlite::Result<Interaction> {
    Ok(Interaction {
        id: r.get(0)?,
        contact_id: r.get(1)?,
        occurred_on: day(r, 2)?,
        kind: word(r, 3)?,
        direction: opt_word(r, 4)?,
        label: r.get_ref(5)?.as_str_or_null()?.map(|l| labels.get(l)),
        referral_id: r.get(7)?,
        extra: InteractionExtra {
            note: r.get(6)?,
            channel: opt_word(r, 8)?,
            reward: opt_word(r, 9)?,
            amount: r.get(10)?,
        }
        .boxed(),
    })
}

/// The columns scoring reads ([`super::packed::LEAN`]).
pub(super) fn lean_from_row(r: &Row<'_>, labels: &mut Labels) -> rusqlite::Result<Interaction> {
    Ok(Interaction {
        id: r.get(0)?,
        contact_id: r.get(1)?,
        occurred_on: day(r, 2)?,
        kind: word(r, 3)?,
        direction: opt_word(r, 4)?,
        label: r.get_ref(5)?.as_str_or_null()?.map(|l| labels.get(l)),
        referral_id: r.get(6)?,
        extra: None,
    })
}

impl Store {
    /// Records an interaction (already validated); returns its id.
    pub fn insert_interaction(&mut self, i: &NewInteraction) -> Result<i64> {
        let tx = self.begin_write()?;
        let id = insert_interaction_on(&tx, i)?;
        tx.commit()?;
        Ok(id)
    }

    /// Records a review item as done on `review_day`: its interaction and the mark the
    /// day's budget counts, in one transaction. Returns the interaction's id.
    pub fn insert_done(
        &mut self,
        key: &str,
        review_day: chrono::NaiveDate,
        i: &NewInteraction,
    ) -> Result<i64> {
        let tx = self.begin_write()?;
        let id = insert_interaction_on(&tx, i)?;
        tx.execute(
            "INSERT INTO review_done (key, on_date, interaction_id) VALUES (?1, ?2, ?3)
             ON CONFLICT (key, on_date) DO UPDATE SET interaction_id = excluded.interaction_id",
            rusqlite::params![key, review_day, id],
        )?;
        tx.commit()?;
        Ok(id)
    }

    /// Every review item done: (key, the review day).
    pub fn review_done(&self) -> Result<Vec<(String, chrono::NaiveDate)>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT key, on_date FROM review_done ORDER BY on_date, key")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub fn interaction(&self, id: i64) -> Result<Option<Interaction>> {
        let mut stmt = self
            .conn
            .prepare_cached(&format!("SELECT {COLUMNS} FROM interactions WHERE id = ?1"))?;
        Ok(stmt
            .query_row([id], |r| from_row(r, &mut Labels::default()))
            .optional()?)
    }

    /// One contact's interactions, oldest first.
    pub fn interactions_for(&self, contact_id: i64) -> Result<Vec<Interaction>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {COLUMNS} FROM interactions WHERE contact_id = ?1 ORDER BY occurred_on, id"
        ))?;
        let mut labels = Labels::default();
        let rows = stmt.query_map([contact_id], |r| from_row(r, &mut labels))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The interactions of the given contacts, grouped by contact, oldest first: one
    /// index range per contact, which beats a full scan when the set is small.
    pub fn interactions_of_contacts(
        &self,
        ids: &[i64],
    ) -> Result<std::collections::HashMap<i64, Vec<Interaction>>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {COLUMNS} FROM interactions WHERE contact_id = ?1 ORDER BY occurred_on, id"
        ))?;
        let mut out = std::collections::HashMap::with_capacity(ids.len());
        let mut labels = Labels::default();
        for &id in ids {
            let rows: Vec<Interaction> = stmt
                .query_map([id], |r| from_row(r, &mut labels))?
                .collect::<rusqlite::Result<_>>()?;
            if !rows.is_empty() {
                out.insert(id, rows);
            }
        }
        Ok(out)
    }

    /// Every contact's history as scoring reads it (no note, channel, reward or amount,
    /// and a label only where a reason quotes it), kept packed as the store keeps it
    /// (`scoring_history`): what a [`crate::domain::book::Book`] holds.
    pub fn histories(&self) -> Result<crate::domain::histories::Histories> {
        packed::histories(&self.conn)
    }

    /// [`Store::histories`] read from the table itself, not
    /// the packed histories: what the packed copy must always equal (tests, `check`).
    pub fn lean_interactions_from_table(
        &self,
    ) -> Result<std::collections::HashMap<i64, Vec<Interaction>>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {} FROM interactions ORDER BY contact_id, occurred_on, id",
            packed::LEAN
        ))?;
        let mut out: std::collections::HashMap<i64, Vec<Interaction>> =
            std::collections::HashMap::new();
        let mut labels = Labels::default();
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let i = lean_from_row(r, &mut labels)?;
            out.entry(i.contact_id).or_default().push(i);
        }
        Ok(out)
    }

    /// Every interaction in one table scan, in id order (scoring everyone). A plain scan
    /// beats walking the contact index, which costs a table seek per interaction.
    pub fn all_interactions(&self) -> Result<Vec<Interaction>> {
        let mut stmt = self
            .conn
            .prepare_cached(&format!("SELECT {COLUMNS} FROM interactions ORDER BY id"))?;
        let mut labels = Labels::default();
        let rows = stmt.query_map([], |r| from_row(r, &mut labels))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

pub(super) fn insert_interaction_on(
    conn: &rusqlite::Connection,
    i: &NewInteraction,
) -> Result<i64> {
    let mut stmt = conn.prepare_cached(
        "INSERT INTO interactions (contact_id, occurred_on, kind, direction, label, note, referral_id, channel, reward, amount, uid)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, lower(hex(randomblob(12))))",
    )?;
    stmt.execute(params![
        i.contact_id,
        i.occurred_on,
        i.kind.as_str(),
        i.direction.map(|d| d.as_str()),
        i.label,
        i.note,
        i.referral_id,
        i.channel.map(|c| c.as_str()),
        i.reward.map(|r| r.as_str()),
        i.amount,
    ])
    .map_err(|e| match e.sqlite_error_code() {
        Some(rusqlite::ErrorCode::ConstraintViolation) => {
            StoreError::Usage("that contact or referral does not exist; check the id".into())
        }
        _ => StoreError::Sqlite(e),
    })?;
    Ok(conn.last_insert_rowid())
}
