//! Undo: the journal that migration 004 keeps (every write transaction is one change,
//! its rows journaled by triggers with the statements that reverse them), and taking
//! the newest change back, whole.

use rusqlite::OptionalExtension;

use super::{Result, Store};

/// How many changes the journal keeps; older ones can no longer be undone.
pub const KEEP: i64 = 200;

/// A change taken back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Undone {
    pub id: i64,
    /// When it was made (UTC, `YYYY-MM-DD HH:MM:SS`).
    pub at: String,
    /// What it was, as the command or the interface named it.
    pub what: String,
    /// How many rows it touched (all restored).
    pub rows: usize,
}

impl Store {
    /// Undoes the newest change that wrote anything: its rows go back to exactly what
    /// they were, in one transaction, and the change leaves the journal. `None` when
    /// there is nothing to undo. The undo itself is not journaled.
    pub fn undo(&mut self) -> Result<Option<Undone>> {
        let tx = self.begin_unjournaled()?;
        // Changes that wrote nothing (an import of nothing new) are not worth an undo.
        tx.execute(
            "DELETE FROM undo_changes
             WHERE NOT EXISTS (SELECT 1 FROM undo_log WHERE change_id = undo_changes.id)",
            [],
        )?;
        let newest = tx
            .query_row(
                "SELECT id, at, what FROM undo_changes ORDER BY id DESC LIMIT 1",
                [],
                |r| {
                    Ok((
                        r.get::<_, i64>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, String>(2)?,
                    ))
                },
            )
            .optional()?;
        let Some((id, at, what)) = newest else {
            tx.commit()?;
            return Ok(None);
        };
        // Rows come back in any order (a contact after its fields): the foreign keys are
        // checked once, at commit.
        tx.execute_batch("PRAGMA defer_foreign_keys = ON")?;
        let stmts: Vec<String> = {
            let mut stmt =
                tx.prepare("SELECT stmt FROM undo_log WHERE change_id = ?1 ORDER BY seq DESC")?;
            stmt.query_map([id], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?
        };
        for s in &stmts {
            tx.execute_batch(s)?;
        }
        tx.execute("DELETE FROM undo_changes WHERE id = ?1", [id])?;
        tx.commit()?;
        Ok(Some(Undone {
            id,
            at,
            what,
            rows: stmts.len(),
        }))
    }

    /// The newest changes that can be undone, newest first: (id, at, what).
    pub fn undo_history(&self, n: usize) -> Result<Vec<(i64, String, String)>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, at, what FROM undo_changes c
             WHERE EXISTS (SELECT 1 FROM undo_log WHERE change_id = c.id)
             ORDER BY id DESC LIMIT ?1",
        )?;
        let rows = stmt.query_map([n as i64], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
