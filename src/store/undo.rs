//! Undo: the journal (migration 004's tables; every write transaction is one change,
//! its rows journaled by the triggers [`journal_triggers`] makes, with the statements
//! that reverse them), and taking the newest change back, whole.

use rusqlite::{Connection, OptionalExtension};

use super::{BOOK_TABLES, Result, Store, StoreError};

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

/// The undo journal's triggers, as SQL for one connection: for every table of the book,
/// three TEMP triggers (they live as long as the connection) that append to `undo_log`
/// the statement reversing each row inserted, updated or deleted while
/// `undo_state.journal` names a change. Only ties sets the journal, so only ties'
/// connections need them, and only those that write: a command that reads never parses
/// them (in the file, as they were until schema v12, every command did, at open).
///
/// They are derived from each table's columns and primary key as the file has them, so
/// a column a later migration adds is journaled without a trigger to keep in step.
/// Names are quoted, whatever they are.
pub(super) fn journal_triggers(conn: &Connection) -> Result<String> {
    // An identifier, quoted; and text, ready to sit inside a '…' literal.
    let ident = |name: &str| format!("\"{}\"", name.replace('"', "\"\""));
    let lit = |text: &str| text.replace('\'', "''");
    let mut sql = String::new();
    for table in BOOK_TABLES {
        let mut stmt =
            conn.prepare_cached("SELECT name, pk FROM pragma_table_info(?1) ORDER BY cid")?;
        let columns: Vec<(String, i64)> = stmt
            .query_map([table], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let mut keys: Vec<&(String, i64)> = columns.iter().filter(|(_, pk)| *pk > 0).collect();
        keys.sort_by_key(|(_, pk)| *pk);
        if keys.is_empty() {
            return Err(StoreError::Usage(format!(
                "the table {table} has lost its primary key, so no change to it can be undone; \
                 restore a backup (`ties restore`)"
            )));
        }
        let t = ident(table);
        let key_of = |row: &str| {
            keys.iter()
                .map(|(k, _)| format!("'{} IS ' || quote({row}.{})", lit(&ident(k)), ident(k)))
                .collect::<Vec<_>>()
                .join(" || ' AND ' || ")
        };
        let set = columns
            .iter()
            .map(|(c, _)| format!("'{} = ' || quote(old.{})", lit(&ident(c)), ident(c)))
            .collect::<Vec<_>>()
            .join(" || ', ' || ");
        let names = columns
            .iter()
            .map(|(c, _)| ident(c))
            .collect::<Vec<_>>()
            .join(", ");
        let values = columns
            .iter()
            .map(|(c, _)| format!("quote(old.{})", ident(c)))
            .collect::<Vec<_>>()
            .join(" || ', ' || ");
        let reverse = [
            (
                "insert",
                format!("'DELETE FROM {t} WHERE ' || {}", key_of("new")),
            ),
            (
                "update",
                format!(
                    "'UPDATE {t} SET ' || {set} || ' WHERE ' || {}",
                    key_of("new")
                ),
            ),
            (
                "delete",
                format!(
                    "'INSERT INTO {t} ({}) VALUES (' || {values} || ')'",
                    lit(&names)
                ),
            ),
        ];
        for (event, stmt) in reverse {
            sql.push_str(&format!(
                "CREATE TEMP TRIGGER IF NOT EXISTS undo_{table}_{event} AFTER {} ON {t} \
                 WHEN (SELECT journal FROM undo_state) IS NOT NULL BEGIN \
                 INSERT INTO undo_log (change_id, stmt) VALUES ((SELECT journal FROM undo_state), {stmt}); \
                 END;\n",
                event.to_uppercase()
            ));
        }
    }
    Ok(sql)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every column of every table of the book is restored by its undo triggers, and
    /// every table of the file is either journaled or named here as not the user's rows:
    /// a migration that adds a table has to say which it is.
    #[test]
    fn the_journal_covers_every_column_of_every_table_of_the_book() {
        let mut store = Store::open_in_memory().unwrap();
        let day = chrono::NaiveDate::from_ymd_opt(2026, 12, 6).unwrap();
        store.set_snooze("k", day).unwrap();
        let conn = &store.conn;
        let names = |sql: &str| -> Vec<String> {
            conn.prepare(sql)
                .unwrap()
                .query_map([], |r| r.get(0))
                .unwrap()
                .collect::<rusqlite::Result<_>>()
                .unwrap()
        };
        let derived_or_bookkeeping = [
            "scoring_dirty",
            "scoring_history",
            "sync_conflicts",
            "sync_doc",
            "sync_merged",
            "sync_meta",
            "sync_peers",
            "sync_pending",
            "sync_retry",
            "undo_changes",
            "undo_log",
            "undo_state",
        ];
        for t in names(
            "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'
             AND name NOT LIKE 'contact_text%' AND name NOT LIKE 'field_text%'",
        ) {
            assert!(
                BOOK_TABLES.contains(&t.as_str()) || derived_or_bookkeeping.contains(&t.as_str()),
                "table {t} is neither journaled for undo nor named as bookkeeping"
            );
        }
        for t in BOOK_TABLES {
            let columns = names(&format!("SELECT name FROM pragma_table_info('{t}')"));
            for kind in ["insert", "update", "delete"] {
                let sql: String = conn
                    .query_row(
                        "SELECT sql FROM sqlite_temp_schema WHERE type = 'trigger' AND name = ?1",
                        [format!("undo_{t}_{kind}")],
                        |r| r.get(0),
                    )
                    .unwrap_or_else(|e| panic!("no undo_{t}_{kind}: {e}"));
                if kind == "insert" {
                    continue;
                }
                for c in &columns {
                    assert!(
                        sql.contains(&format!("quote(old.\"{c}\")")),
                        "undo_{t}_{kind} does not restore {t}.{c}"
                    );
                }
            }
        }
    }
}
