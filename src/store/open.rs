//! Opening the database file with its safety rules (DESIGN.md §5): pragmas, refusing
//! what is not a ties database or is newer, backup-then-migrate, read-only opening for
//! read commands, private creation, and the checkpoint on close.

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};

use super::schema::{self, APPLICATION_ID, LATEST_VERSION};
use super::{BUSY_TIMEOUT, Result, Store, StoreError, backup};

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

    pub(super) fn open_inner(path: &Path, backup_older: bool) -> Result<Store> {
        let io = |source| StoreError::Io {
            path: path.to_path_buf(),
            source,
        };
        let conn = match std::fs::metadata(path) {
            Ok(meta) => {
                refuse_unusable(path, &meta)?;
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
            journaling: false,
            next_change: None,
        };
        store.prepare(backup_older)?;
        Ok(store)
    }

    /// Opens an existing database for a command that only reads: never creates a file.
    /// A current book is read through a read-only connection: no write lock, no
    /// checkpoint on close, and nothing for a reader to leave half-done. An older one is
    /// opened to be upgraded first (backup, then migration); where the file or its folder
    /// is not writable, it is still read (a backup on a mounted drive, a shared machine).
    pub fn open_for_reading(path: &Path) -> Result<Store> {
        match std::fs::metadata(path) {
            Ok(meta) => refuse_unusable(path, &meta)?,
            Err(_) => {
                return Err(StoreError::Missing {
                    path: path.to_path_buf(),
                });
            }
        }
        match Store::open_read_only(path) {
            Err(StoreError::ReadOnlyOlder { .. }) => Store::open_existing(path),
            other => other,
        }
    }

    /// Opens an existing database to read and write, or only to read where the file or
    /// its folder is not writable. Never creates a file.
    pub fn open_existing(path: &Path) -> Result<Store> {
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
    pub(super) fn open_read_only(path: &Path) -> Result<Store> {
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY
            | OpenFlags::SQLITE_OPEN_NO_MUTEX
            | OpenFlags::SQLITE_OPEN_URI;
        let attempt = |conn: Connection| -> Result<(Connection, i64)> {
            conn.busy_timeout(BUSY_TIMEOUT)?;
            let version = inspect_existing(&conn, path)?;
            Ok((conn, version))
        };
        let (conn, found) = match Connection::open_with_flags(path, flags)
            .map_err(|e| classify_open_error(path, e))
            .and_then(attempt)
        {
            Ok(c) => c,
            // Only where SQLite could not open the file or its shared memory: any other
            // error is the answer (immutable ignores the WAL, and would read stale rows).
            Err(StoreError::ReadOnly { .. }) => {
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
            Err(e) => return Err(e),
        };
        let store = Store {
            conn,
            path: Some(path.to_path_buf()),
            read_only: true,
            journaling: false,
            next_change: None,
        };
        if found < LATEST_VERSION {
            return Err(StoreError::ReadOnlyOlder {
                path: path.to_path_buf(),
                found,
            });
        }
        Ok(store)
    }

    /// A fresh database in memory (tests, previews).
    pub fn open_in_memory() -> Result<Store> {
        let conn = Connection::open_in_memory()?;
        let mut store = Store {
            conn,
            path: None,
            read_only: false,
            journaling: false,
            next_change: None,
        };
        store.prepare(false)?;
        Ok(store)
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
        if backup_older
            && version > 0
            && version < LATEST_VERSION
            && let Some(path) = &self.path
        {
            backup_before_migrate(&self.conn, path, version)?;
        }
        if version < LATEST_VERSION {
            schema::migrations()
                .to_latest(&mut self.conn)
                .map_err(|e| StoreError::Migration(e.to_string()))?;
        }
        // Migration 008 marks every history to be packed, and rows from before
        // migration 010 need their uids: both once, the first time the book opens.
        if version < LATEST_VERSION || !super::sync::uids_filled(&self.conn)? {
            let tx = self.begin_unjournaled()?;
            super::sync::fill_uids(&tx)?;
            tx.commit()?;
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
}

impl Store {
    /// Copies of this book that a sync tool made beside it when two machines wrote the
    /// file at once (Syncthing's `ties.sync-conflict-….db`, Dropbox's `ties (… conflicted
    /// copy ….db`): `ties sync --file` merges one.
    pub fn conflict_copies(&self) -> Vec<PathBuf> {
        let Some(path) = &self.path else {
            return Vec::new();
        };
        let (Some(dir), Some(stem)) = (path.parent(), path.file_stem().and_then(|s| s.to_str()))
        else {
            return Vec::new();
        };
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
        let Ok(entries) = std::fs::read_dir(dir) else {
            return Vec::new();
        };
        let mut copies: Vec<PathBuf> = entries
            .flatten()
            .filter_map(|e| {
                let name = e.file_name().to_str()?.to_string();
                let rest = name.strip_prefix(stem)?;
                let marked = rest.starts_with(".sync-conflict-")
                    || (rest.starts_with(" (") && rest.contains("conflicted copy"));
                (marked && name.ends_with(&format!(".{ext}"))).then(|| e.path())
            })
            .collect();
        copies.sort();
        copies
    }
}

impl Drop for Store {
    /// On close, fold the WAL back into the main file so the `.db` alone is complete.
    fn drop(&mut self) {
        // Never wait for it: with another ties writing (an import), a blocking
        // checkpoint would hold up even a read command's exit. The last to close folds it.
        let Some(path) = &self.path else {
            return;
        };
        let fold = |conn: &Connection| {
            let _ = conn.busy_timeout(Duration::ZERO);
            let _ = conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()));
        };
        if !self.read_only {
            fold(&self.conn);
            return;
        }
        // A reader cannot checkpoint, and a writer that committed while it read could
        // not fold those rows in (the reader still needed the pages they replace): when
        // the log holds anything, a connection that may write folds it now. One `stat`
        // otherwise; nothing where the file cannot be written.
        let mut wal = path.clone().into_os_string();
        wal.push("-wal");
        if std::fs::metadata(&wal).is_ok_and(|m| m.len() > 0)
            && let Ok(writer) = Connection::open_with_flags(
                path,
                OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
            )
        {
            fold(&writer);
        }
    }
}

/// A folder or an empty file where the book should be is refused before SQLite sees it
/// (it would take an empty file for a new database).
fn refuse_unusable(path: &Path, meta: &std::fs::Metadata) -> Result<()> {
    let detail = if meta.is_dir() {
        "it is a folder"
    } else if meta.len() == 0 {
        "the file is empty"
    } else {
        return Ok(());
    };
    Err(StoreError::NotTies {
        path: path.to_path_buf(),
        detail: detail.into(),
    })
}

pub(super) fn classify_open_error(path: &Path, e: rusqlite::Error) -> StoreError {
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
/// that is not a ties database this build can open. Returns its schema version.
pub(super) fn inspect_existing(conn: &Connection, path: &Path) -> Result<i64> {
    // One statement: reading the schema's size makes SQLite parse the header and the
    // schema, where a damaged file or another format shows.
    let (app_id, _tables, version): (i64, i64, i64) = conn
        .query_row(
            "SELECT (SELECT application_id FROM pragma_application_id),
                    (SELECT count(*) FROM sqlite_master),
                    (SELECT user_version FROM pragma_user_version)",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .map_err(|e| classify_open_error(path, e))?;
    if app_id != APPLICATION_ID {
        return Err(StoreError::NotTies {
            path: path.to_path_buf(),
            detail: "a SQLite file of another application".into(),
        });
    }
    if version > LATEST_VERSION {
        return Err(StoreError::Newer {
            path: path.to_path_buf(),
            found: version,
            ours: LATEST_VERSION,
        });
    }
    Ok(version)
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
