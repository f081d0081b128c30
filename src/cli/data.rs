//! Data safety commands: backup, restore, demo fills and undo (`ties check` is `check`).

use std::path::{Path, PathBuf};

use anyhow::{Result, anyhow};
use serde_json::{Map, Value, json};

use super::output::print_json;
use super::{Ctx, Paths};
use crate::config::Config;
use crate::error::UsageError;
use crate::store::Store;
use crate::store::backup::{replace_database, validate_restore_source};
use crate::text::sanitize;

/// The folder of automatic backups: `backups/` beside the database.
pub fn backups_dir(db: &Path) -> PathBuf {
    db.parent().unwrap_or(Path::new(".")).join("backups")
}

/// A fresh automatic backup path, `ties-YYYYMMDD-HHMMSS[-suffix].db`, that does not exist yet.
pub(super) fn auto_backup_path(db: &Path, suffix: &str) -> PathBuf {
    let stamp = chrono::Local::now().format("%Y%m%d-%H%M%S");
    let dir = backups_dir(db);
    let mut p = dir.join(format!("ties-{stamp}{suffix}.db"));
    let mut n = 2;
    while p.exists() {
        p = dir.join(format!("ties-{stamp}{suffix}-{n}.db"));
        n += 1;
    }
    p
}

/// Keeps the newest `keep` automatic backups (by their timestamped names); 0 keeps all.
/// Automatic backups beside `db`, oldest first.
pub(super) fn automatic_backups(db: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(backups_dir(db)) else {
        return Vec::new();
    };
    let mut autos: Vec<PathBuf> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.file_name().and_then(|n| n.to_str()).is_some_and(|n| {
                n.starts_with("ties-")
                    && n.ends_with(".db")
                    && n.as_bytes()
                        .get(5..13)
                        .is_some_and(|d| d.iter().all(u8::is_ascii_digit))
            })
        })
        .collect();
    // Oldest first: by modification time, then name.
    autos.sort_by_key(|p| {
        (
            std::fs::metadata(p).and_then(|m| m.modified()).ok(),
            p.clone(),
        )
    });
    autos
}

pub(super) fn prune(db: &Path, keep: u32) -> Vec<PathBuf> {
    if keep == 0 {
        return Vec::new();
    }
    let autos = automatic_backups(db);
    let excess = autos.len().saturating_sub(keep as usize);
    autos
        .into_iter()
        .take(excess)
        .filter(|p| std::fs::remove_file(p).is_ok())
        .collect()
}

pub(super) fn counts_json(counts: &[(&str, i64)]) -> Value {
    Value::Object(
        counts
            .iter()
            .map(|(t, n)| (t.to_string(), json!(n)))
            .collect::<Map<_, _>>(),
    )
}

fn counts_text(counts: &[(&str, i64)]) -> String {
    let get = |t: &str| counts.iter().find(|c| c.0 == t).map_or(0, |c| c.1);
    format!(
        "{} contacts, {} interactions, {} referrals, {} snoozes",
        get("contacts"),
        get("interactions"),
        get("referrals"),
        get("snoozes")
    )
}

fn human_size(bytes: u64) -> String {
    match bytes {
        b if b >= 1 << 20 => format!("{:.1} MB", b as f64 / (1u64 << 20) as f64),
        b if b >= 1 << 10 => format!("{:.0} KB", b as f64 / 1024.0),
        b => format!("{b} bytes"),
    }
}

pub fn backup(ctx: &mut Ctx, db: &Path, target: Option<PathBuf>) -> Result<()> {
    let automatic = target.is_none();
    let target = target.unwrap_or_else(|| auto_backup_path(db, ""));
    let bytes = ctx.store.backup_to(&target)?;
    let counts = ctx.store.row_counts()?;
    let pruned = if automatic {
        prune(db, ctx.config.backup.keep)
    } else {
        Vec::new()
    };
    if ctx.json {
        return print_json(
            &json!({"path": target, "bytes": bytes, "counts": counts_json(&counts), "pruned": pruned}),
        );
    }
    outln!(
        "Backed up to {} ({}): {}.",
        target.display(),
        human_size(bytes),
        counts_text(&counts)
    );
    if !pruned.is_empty() {
        outln!(
            "Removed {} older automatic backup(s), keeping the newest {}.",
            pruned.len(),
            ctx.config.backup.keep
        );
    }
    Ok(())
}

/// Restore runs without opening the current database first: it may be the damaged one.
pub fn restore(paths: &Paths, config: &Config, source: &Path, json: bool) -> Result<()> {
    let db = &paths.db;
    if let (Ok(a), Ok(b)) = (source.canonicalize(), db.canonicalize())
        && a == b
    {
        return Err(UsageError::new(
            "that is the database in use; name a backup file to restore from",
        )
        .into());
    }
    // Worded for a restore: the file named is the source, not the book (--db).
    let version = validate_restore_source(source).map_err(|e| match e {
        crate::store::StoreError::NotTies { path, detail } => anyhow!(
            "{} cannot be restored from: it is not a ties backup ({detail}); name a file `ties backup` wrote (they are in {})",
            sanitize(&path.display().to_string()),
            sanitize(&backups_dir(db).display().to_string())
        ),
        crate::store::StoreError::Io { path, source }
            if source.kind() == std::io::ErrorKind::NotFound =>
        {
            anyhow!(
                "there is no file {} to restore from; check the path",
                sanitize(&path.display().to_string())
            )
        }
        other => other.into(),
    })?;
    // Keep what is there now, whatever its state.
    let mut saved = None;
    if db.exists() {
        let opened = Store::open(db);
        match opened {
            Ok(store) => {
                let p = auto_backup_path(db, "-before-restore");
                store.backup_to(&p)?;
                saved = Some(p);
            }
            Err(_) => {
                let p = auto_backup_path(db, "-damaged");
                crate::store::create_private_dir(&backups_dir(db))?;
                crate::store::backup::copy_private(db, &p).map_err(|e| {
                    anyhow!(
                        "cannot save the current database to {}: {e}; nothing was restored",
                        p.display()
                    )
                })?;
                saved = Some(p);
            }
        }
    } else if let Some(dir) = db.parent() {
        crate::store::create_private_dir(dir)?;
    }
    let counts = replace_database(source, db)?;
    let _ = prune(db, config.backup.keep);
    if json {
        return print_json(
            &json!({"restored_from": source, "schema_version": version, "previous_saved_to": saved, "counts": counts_json(&counts)}),
        );
    }
    if let Some(p) = &saved {
        outln!("Saved the previous database to {}.", p.display());
    }
    outln!(
        "Restored {} from {}: {}.",
        db.display(),
        source.display(),
        counts_text(&counts)
    );
    Ok(())
}

pub fn demo(ctx: &mut Ctx, db: &Path, a: super::args::DemoArgs) -> Result<()> {
    if a.contacts == 0 || a.contacts > 1_000_000 {
        return Err(UsageError::new("--contacts must be between 1 and 1000000").into());
    }
    let mut saved = None;
    if !ctx.store.is_empty()? {
        if !a.force {
            return Err(UsageError::new(format!(
                "{} already holds contacts; demo data would mix with them, so add --force to replace everything (it is backed up first), or use --db with a new file",
                db.display()
            ))
            .into());
        }
        let p = auto_backup_path(db, "-before-demo");
        ctx.store.backup_to(&p)?;
        saved = Some(p);
    }
    let data = crate::demo::generate(a.contacts, a.seed, ctx.today);
    ctx.store.fill_demo(&data, ctx.today, a.force)?;
    let counts = ctx.store.row_counts()?;
    if ctx.json {
        return print_json(
            &json!({"seed": a.seed, "previous_saved_to": saved, "counts": counts_json(&counts)}),
        );
    }
    if let Some(p) = saved {
        outln!("Saved the previous database to {}.", p.display());
    }
    outln!(
        "Filled {} with demo data (seed {}): {}.",
        db.display(),
        a.seed,
        counts_text(&counts)
    );
    Ok(())
}

/// Undoes the most recent change made by any ties command or the interface, whole.
pub fn undo(ctx: &mut Ctx, db: &Path) -> Result<()> {
    let Some(u) = ctx.store.undo()? else {
        if let Some(at) = ctx.store.sync_status()?.undo_cut {
            let back = automatic_backups(db)
                .into_iter()
                .rev()
                .find(|p| p.to_string_lossy().contains("-before-sync"))
                .map(|p| format!("; to go back to before it, `ties restore {}`", p.display()))
                .unwrap_or_default();
            return Err(UsageError::new(format!(
                "there is nothing to undo since the sync of {at}: undo does not reach past a sync that changed the book{back}"
            ))
            .into());
        }
        return Err(UsageError::new(
            "there is nothing to undo: no change is left in the journal (it keeps the newest 200)",
        )
        .into());
    };
    if ctx.json {
        return print_json(&json!({
            "undone": {"id": u.id, "at": u.at, "what": u.what, "rows": u.rows}
        }));
    }
    // The change is named as it was said ("Logged a call …", "ties log sam call"):
    // quoted, so a past "is now met" does not read as the state after the undo.
    outln!(
        "Undid “{}” (made {} UTC; {} row{} restored).",
        crate::text::sanitize(
            u.what
                .strip_prefix("Done: ")
                .unwrap_or(&u.what)
                .trim_end_matches('.')
        ),
        u.at,
        u.rows,
        if u.rows == 1 { "" } else { "s" }
    );
    Ok(())
}
