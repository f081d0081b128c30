//! The synced folder as `ties sync` sees it: which files are ties files and whose,
//! whether one changed, writing this machine's own whole or not at all, the lock that
//! keeps syncs of one book one at a time, and the timing of each phase.

use std::hash::{Hash, Hasher};
use std::path::Path;

use anyhow::{Result, anyhow};

use crate::error::UsageError;

const SUFFIX: &str = ".automerge";

/// With `TIES_SYNC_TIMES` set, each phase of a sync says on stderr how long it took
/// (the figures in BENCHMARKS.md come from it).
pub(super) fn phase(name: &str) {
    use std::sync::Mutex;
    static LAST: Mutex<Option<std::time::Instant>> = Mutex::new(None);
    if std::env::var_os("TIES_SYNC_TIMES").is_none() {
        return;
    }
    let now = std::time::Instant::now();
    if let Ok(mut last) = LAST.lock() {
        if let Some(t) = *last {
            eprintln!(
                "sync: {name:<12} {:>8.1} ms",
                (now - t).as_secs_f64() * 1000.0
            );
        }
        *last = Some(now);
    }
}

pub(super) fn own_name(device: &str) -> String {
    format!("ties-{device}{SUFFIX}")
}

/// A ties sync file, or a sync tool's conflict copy of one; `None` for anything else.
/// The device is the part of the name after `ties-`, up to a dot or a space.
pub(super) fn device_of(name: &str) -> Option<String> {
    let rest = name.strip_prefix("ties-")?;
    if !name.ends_with(SUFFIX) {
        return None;
    }
    let end = rest.find(['.', ' ']).unwrap_or(rest.len());
    Some(rest[..end].to_string())
}

/// A file as it stands: size and modification time, to tell whether it changed.
pub(super) fn fingerprint(path: &Path) -> std::io::Result<(i64, String)> {
    let meta = std::fs::metadata(path)?;
    let modified = meta
        .modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or_else(String::new, |d| d.as_nanos().to_string());
    Ok((i64::try_from(meta.len()).unwrap_or(i64::MAX), modified))
}

/// A hash of bytes merged, to know a file that grew still begins with them. Only ever
/// compared with hashes this same build made; any other answer reads the file whole.
pub(super) fn hash(bytes: &[u8]) -> String {
    let mut h = std::hash::DefaultHasher::new();
    bytes.hash(&mut h);
    format!("{:016x}", h.finish())
}

pub(super) fn now() -> String {
    chrono::Local::now().format("%Y-%m-%d %H:%M:%S").to_string()
}

/// Holds the book's sync lock: one sync at a time on a book (a second would clear
/// the first's log entries, and both would write the same file).
pub(super) fn lock(db: &Path) -> Result<std::fs::File> {
    let name = db
        .file_name()
        .map_or_else(|| "ties.db".into(), |n| n.to_string_lossy().into_owned());
    let path = db.with_file_name(format!(".{name}.sync-lock"));
    let mut options = std::fs::OpenOptions::new();
    options.create(true).truncate(false).write(true);
    // Private like every file ties writes (it holds nothing, but sits beside the book).
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let file = options.open(&path).map_err(|e| {
        anyhow!(
            "cannot open {}: {e}; check the folder's permissions",
            path.display()
        )
    })?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(std::fs::TryLockError::WouldBlock) => Err(UsageError::new(
            "another ties sync is running on this book; wait for it to finish, then sync again",
        )
        .into()),
        Err(std::fs::TryLockError::Error(e)) => Err(anyhow!("cannot lock {}: {e}", path.display())),
    }
}

/// Why a file in the folder was not merged, and what to do.
pub(super) fn skip_reason(why: &crate::sync::engine::Unreadable) -> String {
    use crate::sync::engine::Unreadable;
    match why {
        Unreadable::Damaged(_) => format!(
            "{why}; it may still be arriving: sync again later, and move it out of the folder if it stays"
        ),
        Unreadable::NotTies => format!("{why}; move it out of the folder"),
        Unreadable::Newer(_) => why.to_string(),
    }
}
