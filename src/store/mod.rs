//! The only module that speaks SQL. Opens the single ties database file with its
//! safety rules (DESIGN.md §5), migrates it, and reads and writes domain types.
//!
//! May import `domain`, `rusqlite`, `rusqlite_migration` and `std::fs`; never `cli`.

pub mod backup;
mod book;
mod bulk;
mod contacts;
mod import;
mod interactions;
mod referrals;
pub mod schema;

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};
use thiserror::Error;

pub use contacts::ContactFilter;
pub use import::{ContactRecord, ImportReport};
pub use referrals::ReferralPerson;
pub use schema::{APPLICATION_ID, LATEST_VERSION};

#[derive(Debug, Error)]
pub enum StoreError {
    #[error(
        "{path} is not a ties database ({detail}); point --db at your ties.db, or move that file away"
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
    /// Opened read-only (the file or its folder is not writable): every write fails.
    read_only: bool,
}

impl Store {
    /// Opens (or creates) the database at `path`. A new file is created with mode
    /// 0600 (its folder 0700). An existing file must be a ties database no newer than
    /// this build; an older one is backed up to `ties-v{N}.bak.db` beside it, then
    /// migrated in one transaction. Anything else is refused with the file untouched.
    pub fn open(path: &Path) -> Result<Store> {
        let store = Store::open_inner(path, true)?;
        backup::remove_stale_temporaries(path);
        Ok(store)
    }

    fn open_inner(path: &Path, backup_older: bool) -> Result<Store> {
        let io = |source| StoreError::Io {
            path: path.to_path_buf(),
            source,
        };
        let conn = match std::fs::metadata(path) {
            Ok(meta) => {
                if meta.is_dir() {
                    return Err(StoreError::NotTies {
                        path: path.to_path_buf(),
                        detail: "it is a folder".into(),
                    });
                }
                if meta.len() == 0 {
                    return Err(StoreError::NotTies {
                        path: path.to_path_buf(),
                        detail: "the file is empty".into(),
                    });
                }
                let conn = Connection::open_with_flags(
                    path,
                    OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
                )
                .map_err(|e| classify_open_error(path, e))?;
                conn.busy_timeout(BUSY_TIMEOUT)?;
                inspect_existing(&conn, path)?;
                if conn.is_readonly(rusqlite::MAIN_DB)? {
                    return Err(StoreError::ReadOnly {
                        path: path.to_path_buf(),
                    });
                }
                conn
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => create_file(path).map_err(io)?,
            Err(e) => return Err(io(e)),
        };
        let mut store = Store {
            conn,
            path: Some(path.to_path_buf()),
            read_only: false,
        };
        store.prepare(backup_older)?;
        Ok(store)
    }

    /// Opens an existing database for a command that only reads: never creates a file,
    /// and where the file or its folder is not writable, opens it read-only instead of
    /// failing (a backup on a mounted drive, a shared machine).
    pub fn open_for_reading(path: &Path) -> Result<Store> {
        if !path.exists() {
            return Err(StoreError::Missing {
                path: path.to_path_buf(),
            });
        }
        match Store::open(path) {
            Err(StoreError::ReadOnly { .. }) => Store::open_read_only(path),
            other => other,
        }
    }

    /// A read-only connection to an existing, current ties database. In a folder where
    /// SQLite cannot create its shared-memory file, the file is opened as immutable
    /// (nobody can write it there either).
    fn open_read_only(path: &Path) -> Result<Store> {
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY
            | OpenFlags::SQLITE_OPEN_NO_MUTEX
            | OpenFlags::SQLITE_OPEN_URI;
        let attempt = |conn: Connection| -> Result<Connection> {
            conn.busy_timeout(BUSY_TIMEOUT)?;
            inspect_existing(&conn, path)?;
            Ok(conn)
        };
        let conn = match Connection::open_with_flags(path, flags)
            .map_err(|e| classify_open_error(path, e))
            .and_then(attempt)
        {
            Ok(c) => c,
            Err(_) => {
                let uri = format!(
                    "file:{}?immutable=1",
                    path.to_string_lossy()
                        .replace('%', "%25")
                        .replace('?', "%3f")
                        .replace('#', "%23")
                );
                Connection::open_with_flags(uri, flags)
                    .map_err(|e| classify_open_error(path, e))
                    .and_then(attempt)?
            }
        };
        let store = Store {
            conn,
            path: Some(path.to_path_buf()),
            read_only: true,
        };
        let found = store.schema_version()?;
        if found < LATEST_VERSION {
            return Err(StoreError::ReadOnlyOlder {
                path: path.to_path_buf(),
                found,
            });
        }
        Ok(store)
    }

    /// Whether this store was opened read-only.
    pub fn is_read_only(&self) -> bool {
        self.read_only
    }

    /// A fresh database in memory (tests, previews).
    pub fn open_in_memory() -> Result<Store> {
        let conn = Connection::open_in_memory()?;
        let mut store = Store {
            conn,
            path: None,
            read_only: false,
        };
        store.prepare(false)?;
        Ok(store)
    }

    /// Starts a write transaction that takes the write lock at once (`BEGIN IMMEDIATE`),
    /// waiting for another writer within [`BUSY_TIMEOUT`]. A deferred transaction that
    /// reads first and writes later cannot wait: SQLite refuses its upgrade at once
    /// with "database is locked" when another connection wrote in between.
    fn begin_write(&mut self) -> Result<rusqlite::Transaction<'_>> {
        Ok(self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?)
    }

    /// The file behind this store (`None` in memory).
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// Pragmas, then backup-then-migrate.
    fn prepare(&mut self, backup_older: bool) -> Result<()> {
        self.conn.busy_timeout(BUSY_TIMEOUT)?;
        let mode: String = self
            .conn
            .query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
        if self.path.is_some() && !mode.eq_ignore_ascii_case("wal") {
            return Err(StoreError::Migration(format!(
                "could not switch to WAL journaling (got {mode})"
            )));
        }
        self.conn
            .execute_batch("PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;")?;
        let version = self.schema_version()?;
        if backup_older && version > 0 && version < LATEST_VERSION {
            if let Some(path) = &self.path {
                backup_before_migrate(&self.conn, path, version)?;
            }
        }
        if version < LATEST_VERSION {
            schema::MIGRATIONS
                .to_latest(&mut self.conn)
                .map_err(|e| StoreError::Migration(e.to_string()))?;
        }
        // Only a new file needs its application id: a pragma write on every open would
        // turn read-only commands into writes.
        let app_id: i64 = self
            .conn
            .query_row("PRAGMA application_id", [], |r| r.get(0))?;
        if app_id != APPLICATION_ID {
            self.conn
                .pragma_update(None, "application_id", APPLICATION_ID)?;
        }
        Ok(())
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
        const TABLES: [&str; 7] = [
            "contacts",
            "contact_fields",
            "tags",
            "interactions",
            "referrals",
            "referral_events",
            "snoozes",
        ];
        TABLES
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
        self.conn.execute(
            "INSERT INTO snoozes (key, until) VALUES (?1, ?2)
             ON CONFLICT (key) DO UPDATE SET until = excluded.until",
            rusqlite::params![key, until],
        )?;
        Ok(())
    }

    /// Every snooze: key → until.
    pub fn snoozes(&self) -> Result<std::collections::HashMap<String, chrono::NaiveDate>> {
        let mut stmt = self.conn.prepare_cached("SELECT key, until FROM snoozes")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

impl Drop for Store {
    /// On close, fold the WAL back into the main file so the `.db` alone is complete.
    fn drop(&mut self) {
        // Never wait for it: with another ties writing (an import), a blocking
        // checkpoint would hold up even a read command's exit. The last to close folds it.
        if self.path.is_some() && !self.read_only {
            let _ = self.conn.busy_timeout(Duration::ZERO);
            let _ = self
                .conn
                .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()));
        }
    }
}

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
            "the database file is damaged ({e}); `ties check` reports what, and `ties restore BACKUP` brings back a backup"
        ),
        _ => format!("database error: {e}"),
    }
}

fn classify_open_error(path: &Path, e: rusqlite::Error) -> StoreError {
    match e.sqlite_error_code() {
        Some(rusqlite::ErrorCode::NotADatabase) => StoreError::NotTies {
            path: path.to_path_buf(),
            detail: "not a SQLite database, or damaged beyond reading".into(),
        },
        Some(rusqlite::ErrorCode::CannotOpen) | Some(rusqlite::ErrorCode::PermissionDenied) => {
            StoreError::ReadOnly {
                path: path.to_path_buf(),
            }
        }
        _ => StoreError::Sqlite(e),
    }
}

/// Reads the header of an existing file without writing to it, and refuses anything
/// that is not a ties database this build can open.
fn inspect_existing(conn: &Connection, path: &Path) -> Result<()> {
    let app_id: i64 = conn
        .query_row("PRAGMA application_id", [], |r| r.get(0))
        .map_err(|e| classify_open_error(path, e))?;
    // Reading the schema forces SQLite to parse the header and first page.
    let _tables: i64 = conn
        .query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0))
        .map_err(|e| classify_open_error(path, e))?;
    if app_id != APPLICATION_ID {
        return Err(StoreError::NotTies {
            path: path.to_path_buf(),
            detail: "a SQLite file of another application".into(),
        });
    }
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if version > LATEST_VERSION {
        return Err(StoreError::Newer {
            path: path.to_path_buf(),
            found: version,
            ours: LATEST_VERSION,
        });
    }
    Ok(())
}

/// Creates a folder (and its missing parents) with mode 0700; an existing one is left as it is.
pub fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    if dir.as_os_str().is_empty() || dir.exists() {
        return Ok(());
    }
    let mut b = std::fs::DirBuilder::new();
    b.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut b, 0o700);
    b.create(dir)
}

/// Creates a new database file with mode 0600, in a folder created with mode 0700.
fn create_file(path: &Path) -> std::io::Result<Connection> {
    if let Some(dir) = path.parent() {
        create_private_dir(dir)?;
    }
    let mut o = std::fs::OpenOptions::new();
    o.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut o, 0o600);
    o.open(path)?;
    Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(std::io::Error::other)
}

/// Copies an older-schema database to `ties-v{N}.bak.db` beside it (never overwriting).
fn backup_before_migrate(conn: &Connection, path: &Path, version: i64) -> Result<PathBuf> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("ties");
    let mut target = dir.join(format!("{stem}-v{version}.bak.db"));
    let mut n = 2;
    while target.exists() {
        target = dir.join(format!("{stem}-v{version}.{n}.bak.db"));
        n += 1;
    }
    conn.execute("VACUUM INTO ?1", [target.to_string_lossy()])?;
    Ok(target)
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
