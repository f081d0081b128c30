//! Backup and restore of the database file (`ties check` is `store::check`).
//!
//! A backup is `VACUUM INTO` a temporary file beside the target, checked with
//! `integrity_check` on its own, fsynced, then renamed into place: a reader never sees
//! a half-written backup, and an existing file is never overwritten.

use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags};

use super::{APPLICATION_ID, LATEST_VERSION, Result, Store, StoreError};

pub use super::check::{CheckReport, Damage, RepairReport};

impl Store {
    /// Copies the live database to `target` (which must not exist) consistently, even
    /// while another process writes. Returns the size of the copy in bytes.
    pub fn backup_to(&self, target: &Path) -> Result<u64> {
        self.copy_to(target, Copy::Checked)
    }

    /// A page-for-page copy, taken fast and not checked: the safety copy `ties sync`
    /// makes before it writes (a sync of a few rows should not wait for a full rebuild).
    pub fn snapshot_to(&self, target: &Path) -> Result<u64> {
        self.copy_to(target, Copy::Pages)
    }

    /// Like [`Store::backup_to`] but keeps a copy even when the copy fails its
    /// integrity check: the safety copy `ties check --repair` makes of a book whose
    /// indexes are already damaged.
    pub fn backup_as_is(&self, target: &Path) -> Result<u64> {
        self.copy_to(target, Copy::AsIs)
    }

    fn copy_to(&self, target: &Path, how: Copy) -> Result<u64> {
        if target.exists() {
            return Err(StoreError::Usage(format!(
                "{} already exists; ties never overwrites a backup, so choose another path",
                target.display()
            )));
        }
        let dir = target
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        super::create_private_dir(dir).map_err(|source| StoreError::Io {
            path: dir.to_path_buf(),
            source,
        })?;
        let tmp = temp_beside(target);
        let result = (|| {
            // VACUUM INTO fills an empty file as it finds it: create it private first, so
            // the copy of the whole book is never readable by others, whatever the umask.
            create_private_file(&tmp)?;
            if how == Copy::Pages {
                let mut copy = Connection::open(&tmp)?;
                rusqlite::backup::Backup::new(&self.conn, &mut copy)?.run_to_completion(
                    i32::MAX,
                    std::time::Duration::ZERO,
                    None,
                )?;
                // The copy stands alone: no write-ahead log beside it.
                copy.execute_batch("PRAGMA journal_mode = DELETE")?;
            } else {
                self.conn
                    .execute("VACUUM INTO ?1", [tmp.to_string_lossy()])?;
            }
            let problems = if how == Copy::Checked {
                integrity_of(&tmp)?
            } else {
                vec!["ok".to_string()]
            };
            if problems != ["ok"] {
                return Err(StoreError::Migration(format!(
                    "the backup copy failed its integrity check: {}",
                    problems.join("; ")
                )));
            }
            sync_file(&tmp)?;
            // Never overwrite: hard-link into place (fails if the target appeared meanwhile).
            std::fs::hard_link(&tmp, target).map_err(|source| StoreError::Io {
                path: target.to_path_buf(),
                source,
            })?;
            sync_dir(dir);
            Ok(std::fs::metadata(target).map(|m| m.len()).unwrap_or(0))
        })();
        let _ = std::fs::remove_file(&tmp);
        result
    }
}

/// How a copy is taken: rebuilt and checked (`ties backup`), rebuilt as it is (before a
/// repair), or page for page (before a sync).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Copy {
    Checked,
    AsIs,
    Pages,
}

/// Validates a candidate file for restore without writing to it: a ties database that
/// passes `integrity_check`, no newer than this build. Returns its schema version.
pub fn validate_restore_source(path: &Path) -> Result<i64> {
    let meta = std::fs::metadata(path).map_err(|source| StoreError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    if meta.len() == 0 {
        return Err(StoreError::NotTies {
            path: path.to_path_buf(),
            detail: "the file is empty".into(),
        });
    }
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .map_err(|e| super::open::classify_open_error(path, e))?;
    let not_ties = |e: rusqlite::Error| super::open::classify_open_error(path, e);
    let app: i64 = conn
        .query_row("PRAGMA application_id", [], |r| r.get(0))
        .map_err(not_ties)?;
    if app != APPLICATION_ID {
        return Err(StoreError::NotTies {
            path: path.to_path_buf(),
            detail: "a SQLite file of another application".into(),
        });
    }
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .map_err(not_ties)?;
    if version > LATEST_VERSION {
        return Err(StoreError::Newer {
            path: path.to_path_buf(),
            found: version,
            ours: LATEST_VERSION,
        });
    }
    drop(conn);
    let problems = integrity_of(path)?;
    if problems != ["ok"] {
        return Err(StoreError::NotTies {
            path: path.to_path_buf(),
            detail: format!(
                "it is damaged: {}",
                problems.into_iter().take(3).collect::<Vec<_>>().join("; ")
            ),
        });
    }
    Ok(version)
}

/// Replaces the database at `db` with a copy of `source`, atomically: the copy is
/// prepared (and migrated when older) beside `db`, then renamed over it. The caller
/// has closed every connection to `db` and backed it up.
pub fn replace_database(source: &Path, db: &Path) -> Result<Vec<(&'static str, i64)>> {
    let tmp = temp_beside(db);
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| StoreError::Io { path, source }
    };
    let result = (|| {
        // Created private, then filled: never a moment with the book readable by others.
        copy_private(source, &tmp)?;
        let counts = {
            // Migrates an older copy in place (no extra backup: the source is untouched).
            let store = Store::open_inner(&tmp, false)?;
            store.row_counts()?
        };
        sync_file(&tmp)?;
        for ext in ["db-wal", "db-shm"] {
            let side = db.with_extension(ext);
            if side.exists() {
                std::fs::remove_file(&side).map_err(io(&side))?;
            }
        }
        std::fs::rename(&tmp, db).map_err(io(db))?;
        if let Some(dir) = db.parent() {
            sync_dir(dir);
        }
        Ok(counts)
    })();
    let _ = std::fs::remove_file(&tmp);
    for ext in ["db-wal", "db-shm"] {
        let _ = std::fs::remove_file(tmp.with_extension(ext));
    }
    result
}

/// Runs `PRAGMA integrity_check` on a file through a fresh read-only connection.
fn integrity_of(path: &Path) -> Result<Vec<String>> {
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .map_err(|e| super::open::classify_open_error(path, e))?;
    let mut stmt = conn
        .prepare("PRAGMA integrity_check")
        .map_err(|e| super::open::classify_open_error(path, e))?;
    let rows: Vec<String> = stmt
        .query_map([], |r| r.get(0))
        .and_then(|rows| rows.collect())
        .map_err(|e| super::open::classify_open_error(path, e))?;
    Ok(rows)
}

fn temp_beside(target: &Path) -> PathBuf {
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "ties.db".into());
    target.with_file_name(format!(".{name}.{}.tmp", std::process::id()))
}

/// Copies `source` to a new file `target` that is private from the start (0600).
pub fn copy_private(source: &Path, target: &Path) -> Result<()> {
    create_private_file(target)?;
    std::fs::OpenOptions::new()
        .write(true)
        .open(target)
        .and_then(|mut out| {
            let mut input = std::fs::File::open(source)?;
            std::io::copy(&mut input, &mut out)?;
            out.sync_all()
        })
        .map_err(|source| StoreError::Io {
            path: target.to_path_buf(),
            source,
        })
}

/// Creates an empty file readable and writable by the user only (0600).
pub(super) fn create_private_file(path: &Path) -> Result<()> {
    let mut o = std::fs::OpenOptions::new();
    o.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut o, 0o600);
    o.open(path).map(drop).map_err(|source| StoreError::Io {
        path: path.to_path_buf(),
        source,
    })
}

/// Removes the temporary files (`.NAME.PID.tmp`, and their `-wal`/`-shm`) that a ties
/// killed during a backup, restore or demo fill left beside `db`: those whose process is
/// gone. A temporary file of a ties still running is left alone. Best effort.
pub fn remove_stale_temporaries(db: &Path) {
    let Some(name) = db.file_name().map(|n| n.to_string_lossy().into_owned()) else {
        return;
    };
    let dir = db
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let prefix = format!(".{name}.");
    for e in entries.flatten() {
        let file = e.file_name().to_string_lossy().into_owned();
        let Some(rest) = file.strip_prefix(&prefix) else {
            continue;
        };
        let Some((pid, tail)) = rest.split_once('.') else {
            continue;
        };
        if !matches!(tail, "tmp" | "tmp-wal" | "tmp-shm" | "tmp-journal") {
            continue;
        }
        let Ok(pid) = pid.parse::<u32>() else {
            continue;
        };
        if pid != std::process::id() && !process_alive(pid) {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

/// Whether a process with this id runs (Linux: `/proc`; elsewhere assume it does, so
/// nothing is removed that might be in use).
fn process_alive(pid: u32) -> bool {
    let proc = Path::new("/proc");
    !proc.join("self").exists() || proc.join(pid.to_string()).exists()
}

fn sync_file(path: &Path) -> Result<()> {
    std::fs::File::open(path)
        .and_then(|f| f.sync_all())
        .map_err(|source| StoreError::Io {
            path: path.to_path_buf(),
            source,
        })
}

/// Makes a rename durable; best effort (not every platform can open a folder).
fn sync_dir(dir: &Path) {
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
}
