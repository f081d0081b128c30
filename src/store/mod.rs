//! The only module that speaks SQL: the single ties database file, opened with its
//! safety rules (`open`), and domain types read and written per table (`contacts`,
//! `interactions`, `referrals`), the whole book (`book`), bulk writes (`bulk`, `import`)
//! and backups (`backup`).
//!
//! May import `domain`, `rusqlite`, `rusqlite_migration` and `std::fs`; never `cli` or
//! `interop` (`tests/architecture.rs`).

pub mod backup;
mod book;
mod bulk;
mod check;
mod contact_writes;
mod contacts;
mod document;
mod import;
mod interactions;
mod intro;
mod open;
mod packed;
mod referrals;
pub mod schema;
mod sync;
mod undo;

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::Connection;
use thiserror::Error;

pub use contacts::ContactFilter;
pub use import::ImportReport;
pub use intro::{IntroPeople, IntroRecord, IntroReport, RecordedIntro};
pub use open::create_private_dir;
pub use referrals::ReferralPerson;
pub use schema::{APPLICATION_ID, LATEST_VERSION};
pub use sync::{Applied, ConflictShown, DocWrite, Incoming, Outgoing, Peer, StoredDoc, SyncStatus};
pub use undo::Undone;

#[derive(Debug, Error)]
pub enum StoreError {
    #[error(
        "{path} is not a ties database ({detail}); point --db at your ties.db, or move it away"
    )]
    NotTies { path: PathBuf, detail: String },
    #[error(
        "{path} was written by a newer ties (schema version {found}, this ties knows up to {ours}); upgrade ties to open it"
    )]
    Newer {
        path: PathBuf,
        found: i64,
        ours: i64,
    },
    #[error(
        "{path} is read-only; check its permissions (and its folder's), or use --db to open a writable copy"
    )]
    ReadOnly { path: PathBuf },
    #[error(
        "there is no ties database at {path}; check --db (or TIES_DB), or start one with `ties add NAME` or `ties import FILE`"
    )]
    Missing { path: PathBuf },
    #[error(
        "{path} is read-only and was written by an older ties (schema version {found}); open it once where it is writable so ties can upgrade it"
    )]
    ReadOnlyOlder { path: PathBuf, found: i64 },
    #[error("cannot use {path}: {source}; check that the folder exists and is writable")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    /// Worded by `sqlite_message`, which already says what SQLite said: not a source,
    /// so the message is not repeated after it.
    #[error("{}", sqlite_message(.0))]
    Sqlite(rusqlite::Error),
    #[error("cannot upgrade the database schema: {0}; your data was backed up before the attempt")]
    Migration(String),
    /// The request conflicts with the data (e.g. a merge that would make someone refer themselves).
    #[error("{0}")]
    Usage(String),
}

pub type Result<T> = std::result::Result<T, StoreError>;

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        StoreError::Sqlite(e)
    }
}

/// How long a write waits for another ties's write to finish (an import of a large file
/// holds the book for seconds): waiting is better than failing with "locked".
const BUSY_TIMEOUT: Duration = Duration::from_secs(30);

/// An open ties database.
pub struct Store {
    conn: Connection,
    path: Option<PathBuf>,
    /// Opened read-only (a command that only reads, or the file or its folder is not
    /// writable): every write fails.
    read_only: bool,
    /// The undo journal's triggers are on this connection ([`undo::journal_triggers`]).
    journaling: bool,
    /// What the next write is, in words, for the undo journal (see [`Store::describe`]).
    next_change: Option<String>,
}

/// A write transaction of the store. Its [`Write::commit`] first packs again the
/// histories the write changed ([`packed::flush`]), so the packed copy commits with the
/// rows it is derived from. Dropped without a commit, it rolls back.
struct Write<'c>(rusqlite::Transaction<'c>);

impl<'c> std::ops::Deref for Write<'c> {
    type Target = rusqlite::Transaction<'c>;

    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl Write<'_> {
    fn commit(self) -> Result<()> {
        packed::flush(&self.0)?;
        Ok(self.0.commit()?)
    }

    fn rollback(self) -> Result<()> {
        Ok(self.0.rollback()?)
    }
}

impl Store {
    /// Whether this store was opened read-only.
    pub fn is_read_only(&self) -> bool {
        self.read_only
    }

    /// Starts a write transaction that takes the write lock at once (`BEGIN IMMEDIATE`),
    /// waiting for another writer within [`BUSY_TIMEOUT`]. A deferred transaction that
    /// reads first and writes later cannot wait: SQLite refuses its upgrade at once
    /// with "database is locked" when another connection wrote in between.
    ///
    /// The transaction is one change of the undo journal: every row it writes is
    /// journaled with the statement that reverses it (by the triggers this connection
    /// adds at its first write), under the words [`Store::describe`] gave.
    fn begin_write(&mut self) -> Result<Write<'_>> {
        // Before the transaction, so a rollback cannot take them away again.
        if !self.journaling {
            let triggers = undo::journal_triggers(&self.conn)?;
            self.conn.execute_batch(&triggers)?;
            self.journaling = true;
        }
        let what = self
            .next_change
            .clone()
            .unwrap_or_else(|| "a change".to_string());
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        tx.execute("INSERT INTO undo_changes (what) VALUES (?1)", [what])?;
        let id = tx.last_insert_rowid();
        tx.execute("UPDATE undo_state SET journal = ?1", [id])?;
        // The journal keeps the newest changes; older ones can no longer be undone.
        tx.execute(
            "DELETE FROM undo_changes WHERE id <= ?1 - ?2",
            rusqlite::params![id, undo::KEEP],
        )?;
        Ok(Write(tx))
    }

    /// A write transaction outside the undo journal: for bulk fills that replace the
    /// whole book (the demo), where journaling every row would double the work.
    fn begin_unjournaled(&mut self) -> Result<Write<'_>> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        tx.execute("UPDATE undo_state SET journal = NULL", [])?;
        Ok(Write(tx))
    }

    /// Names the writes that follow for the undo journal ("ties log sam call", "Done:
    /// logged a call with Sam Lee"), until named again; unnamed, a write is "a change".
    pub fn describe(&mut self, what: impl Into<String>) {
        self.next_change = Some(what.into());
    }

    /// The file behind this store (`None` in memory).
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// `PRAGMA user_version`: the schema version of the open file.
    pub fn schema_version(&self) -> Result<i64> {
        Ok(self
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))?)
    }

    /// `PRAGMA data_version`: changes when another connection commits.
    pub fn data_version(&self) -> Result<i64> {
        Ok(self
            .conn
            .query_row("PRAGMA data_version", [], |r| r.get(0))?)
    }

    /// Row counts of every user table, in a fixed order (check, backup, tests).
    pub fn row_counts(&self) -> Result<Vec<(&'static str, i64)>> {
        BOOK_TABLES
            .iter()
            .map(|t| {
                let n: i64 =
                    self.conn
                        .query_row(&format!("SELECT count(*) FROM {t}"), [], |r| r.get(0))?;
                Ok((*t, n))
            })
            .collect()
    }

    /// Hides a review item until `until` (exclusive); replaces an earlier snooze.
    pub fn set_snooze(&mut self, key: &str, until: chrono::NaiveDate) -> Result<()> {
        let tx = self.begin_write()?;
        tx.execute(
            "INSERT INTO snoozes (key, until) VALUES (?1, ?2)
             ON CONFLICT (key) DO UPDATE SET until = excluded.until",
            rusqlite::params![key, until],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Ends a snooze; false when there was none with that key.
    pub fn delete_snooze(&mut self, key: &str) -> Result<bool> {
        let tx = self.begin_write()?;
        let n = tx.execute("DELETE FROM snoozes WHERE key = ?1", [key])?;
        tx.commit()?;
        Ok(n > 0)
    }

    /// Lets a review item go: hidden until something moves its due date past `due`
    /// (the one it has now). A snooze of the item ends with it (one transaction).
    pub fn set_let_go(&mut self, key: &str, due: chrono::NaiveDate) -> Result<()> {
        let tx = self.begin_write()?;
        tx.execute(
            "INSERT INTO let_go (key, due) VALUES (?1, ?2)
             ON CONFLICT (key) DO UPDATE SET due = excluded.due",
            rusqlite::params![key, due],
        )?;
        tx.execute("DELETE FROM snoozes WHERE key = ?1", [key])?;
        tx.commit()?;
        Ok(())
    }

    /// Every item let go: key → its due date then.
    pub fn let_go(&self) -> Result<std::collections::HashMap<String, chrono::NaiveDate>> {
        let mut stmt = self.conn.prepare_cached("SELECT key, due FROM let_go")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Every snooze: key → until.
    pub fn snoozes(&self) -> Result<std::collections::HashMap<String, chrono::NaiveDate>> {
        let mut stmt = self.conn.prepare_cached("SELECT key, until FROM snoozes")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

/// Every table of the book, in a fixed order (check, repair, backup, tests); the undo
/// journal covers each of them ([`undo::journal_triggers`]).
const BOOK_TABLES: [&str; 9] = [
    "contacts",
    "contact_fields",
    "tags",
    "interactions",
    "referrals",
    "referral_events",
    "snoozes",
    "let_go",
    "review_done",
];

/// One sentence for a database error: what happened and what to do.
fn sqlite_message(e: &rusqlite::Error) -> String {
    use rusqlite::ErrorCode as C;
    match e.sqlite_error_code() {
        Some(C::DatabaseBusy) | Some(C::DatabaseLocked) => format!(
            "the book is busy: another ties has been writing to it for {} seconds (a large import?); try again when it finishes",
            BUSY_TIMEOUT.as_secs()
        ),
        Some(C::ReadOnly) => {
            "the book is read-only (its file or its folder is not writable), so nothing was written; read commands still work".into()
        }
        Some(C::DiskFull) => {
            "the disk is full, so nothing was written; free some space and try again".into()
        }
        Some(C::DatabaseCorrupt) | Some(C::NotADatabase) => format!(
            "the database file is damaged ({e}); `ties check` names what is damaged and whether `ties check --repair` or a restore fixes it"
        ),
        _ => format!("database error: {e}"),
    }
}

fn conversion(idx: usize, e: impl std::error::Error + Send + Sync + 'static) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(idx, rusqlite::types::Type::Text, Box::new(e))
}

/// A vocabulary column (kind, status, …), parsed from the borrowed text without allocating.
fn word<T: std::str::FromStr>(r: &rusqlite::Row<'_>, idx: usize) -> rusqlite::Result<T>
where
    T::Err: std::error::Error + Send + Sync + 'static,
{
    r.get_ref(idx)?
        .as_str()?
        .parse::<T>()
        .map_err(|e| conversion(idx, e))
}

fn opt_word<T: std::str::FromStr>(r: &rusqlite::Row<'_>, idx: usize) -> rusqlite::Result<Option<T>>
where
    T::Err: std::error::Error + Send + Sync + 'static,
{
    match r.get_ref(idx)?.as_str_or_null()? {
        None => Ok(None),
        Some(s) => s.parse::<T>().map(Some).map_err(|e| conversion(idx, e)),
    }
}

/// A `YYYY-MM-DD` column (the domain's fast parser, not strftime).
fn day(r: &rusqlite::Row<'_>, idx: usize) -> rusqlite::Result<chrono::NaiveDate> {
    crate::domain::date::parse_date(r.get_ref(idx)?.as_str()?).map_err(|e| conversion(idx, e))
}

fn opt_day(r: &rusqlite::Row<'_>, idx: usize) -> rusqlite::Result<Option<chrono::NaiveDate>> {
    match r.get_ref(idx)?.as_str_or_null()? {
        None => Ok(None),
        Some(s) => crate::domain::date::parse_date(s)
            .map(Some)
            .map_err(|e| conversion(idx, e)),
    }
}
