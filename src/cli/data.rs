//! Data safety commands: backup, restore, check.

use std::path::{Path, PathBuf};

use anyhow::{Result, anyhow};
use serde_json::{Map, Value, json};

use super::output::print_json;
use super::{Ctx, Paths};
use crate::config::Config;
use crate::error::UsageError;
use crate::store::Store;
use crate::store::backup::{CheckReport, Damage, replace_database, validate_restore_source};

/// The folder of automatic backups: `backups/` beside the database.
pub fn backups_dir(db: &Path) -> PathBuf {
    db.parent().unwrap_or(Path::new(".")).join("backups")
}

/// A fresh automatic backup path, `ties-YYYYMMDD-HHMMSS[-suffix].db`, that does not exist yet.
fn auto_backup_path(db: &Path, suffix: &str) -> PathBuf {
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
fn automatic_backups(db: &Path) -> Vec<PathBuf> {
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

fn prune(db: &Path, keep: u32) -> Vec<PathBuf> {
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

fn counts_json(counts: &[(&str, i64)]) -> Value {
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
    if let (Ok(a), Ok(b)) = (source.canonicalize(), db.canonicalize()) {
        if a == b {
            return Err(UsageError::new(
                "that is the database in use; name a backup file to restore from",
            )
            .into());
        }
    }
    let version = validate_restore_source(source)?;
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

/// `ties check` on a file SQLite cannot even open as a ties database: what is wrong, and
/// the restore that fixes it (naming the newest automatic backup when there is one).
pub fn check_unopenable(db: &Path, e: anyhow::Error) -> Result<()> {
    let fix = match automatic_backups(db).last() {
        Some(newest) => format!(
            "restore the newest automatic backup with `ties restore {}`",
            newest.display()
        ),
        None => {
            "restore a backup with `ties restore PATH` (no automatic backup was found beside it)"
                .to_string()
        }
    };
    let what = match e.downcast_ref::<crate::store::StoreError>() {
        Some(crate::store::StoreError::Sqlite(inner)) => format!("it is damaged ({inner})"),
        _ => e.to_string(),
    };
    Err(anyhow!("{} cannot be checked: {what}; {fix}", db.display()))
}

pub fn check(ctx: &mut Ctx, db: &Path, repair: bool) -> Result<()> {
    let r = match ctx.store.check() {
        Ok(r) => r,
        // So damaged that SQLite cannot even run its check.
        Err(e) => return check_unopenable(db, e.into()),
    };
    if repair {
        return repair_book(ctx, db, &r);
    }
    let verdict = diagnosis(db, &r);
    if ctx.json {
        print_json(&json!({
            "ok": r.is_ok(),
            "damage": damage_word(r.damage()),
            "schema_version": r.schema_version,
            "integrity": r.integrity,
            "foreign_keys": r.foreign_keys,
            "search_indexes": r.search_indexes,
            "stale_histories": r.stale_histories.len(),
            "counts": counts_json(&r.counts),
            "advice": verdict,
        }))?;
    } else {
        outln!("schema version  {}", r.schema_version);
        outln!("integrity       {}", first_findings(&r.integrity));
        outln!("foreign keys    {}", list_or_ok(&r.foreign_keys));
        outln!("search indexes  {}", list_or_ok(&r.search_indexes));
        outln!(
            "histories       {}",
            match r.stale_histories.len() {
                0 => "ok".to_string(),
                n => format!("{n} out of step"),
            }
        );
        for (t, n) in &r.counts {
            outln!("{t:<16}{n}");
        }
        if r.is_ok() {
            outln!("{verdict}");
        }
    }
    if r.is_ok() {
        Ok(())
    } else {
        Err(anyhow!("{verdict}"))
    }
}

/// The first three findings and how many more (a damaged index can give thousands).
fn first_findings(items: &[String]) -> String {
    let mut out = items.iter().take(3).cloned().collect::<Vec<_>>().join("; ");
    if items.len() > 3 {
        out.push_str(&format!("; and {} more", items.len() - 3));
    }
    out
}

fn list_or_ok(items: &[String]) -> String {
    if items.is_empty() {
        "ok".to_string()
    } else {
        first_findings(items)
    }
}

fn damage_word(d: Damage) -> &'static str {
    match d {
        Damage::None => "none",
        Damage::Repairable => "repairable",
        Damage::Pages => "pages",
        Damage::OldSchema => "old_schema",
    }
}

/// One sentence: what is damaged, whether data is lost, and the command that fixes it.
fn diagnosis(db: &Path, r: &CheckReport) -> String {
    match r.damage() {
        Damage::None => "The book is healthy.".to_string(),
        Damage::OldSchema => format!(
            "The book is at schema version {} and this ties writes {}; it was opened read-only, so it was not upgraded: run any command that writes (or `ties backup`) where the file is writable.",
            r.schema_version,
            crate::store::LATEST_VERSION
        ),
        Damage::Repairable => {
            let mut what = Vec::new();
            let indexes = r.damaged_indexes();
            if !indexes.is_empty() {
                what.push(format!(
                    "the index{} {} disagree{} with the rows",
                    plural_es(indexes.len()),
                    indexes.join(", "),
                    if indexes.len() == 1 { "s" } else { "" }
                ));
            }
            if !r.search_indexes.is_empty() {
                what.push(format!(
                    "the search index{} {} {} out of step with the contacts",
                    plural_es(r.search_indexes.len()),
                    r.search_indexes.join(", "),
                    if r.search_indexes.len() == 1 {
                        "is"
                    } else {
                        "are"
                    }
                ));
            }
            if !r.stale_histories.is_empty() {
                let n = r.stale_histories.len();
                what.push(format!(
                    "the scoring cache of {n} contact{} is out of step with {} interactions",
                    if n == 1 { "" } else { "s" },
                    if n == 1 { "its" } else { "their" }
                ));
            }
            if !r.foreign_keys.is_empty() {
                what.push(format!(
                    "{} row{} point{} at a row that no longer exists ({})",
                    r.foreign_keys.len(),
                    if r.foreign_keys.len() == 1 { "" } else { "s" },
                    if r.foreign_keys.len() == 1 { "s" } else { "" },
                    r.foreign_keys
                        .first()
                        .map(String::as_str)
                        .unwrap_or_default()
                ));
            }
            format!(
                "{}; every contact, interaction and referral still reads: `ties check --repair` fixes it in place, after saving a backup.",
                capitalize(&what.join("; "))
            )
        }
        Damage::Pages => {
            let first = r.integrity.first().map(String::as_str).unwrap_or_default();
            let fix = match automatic_backups(db).last() {
                Some(newest) => format!(
                    "restore the newest automatic backup with `ties restore {}` (what was written since it is lost)",
                    newest.display()
                ),
                None => "no automatic backup was found beside it: restore one you made with `ties restore PATH`, or save what still reads with `ties export --format json --output rescue.json`".to_string(),
            };
            format!(
                "Pages of the file that hold the book's rows are damaged ({first}{}); ties cannot repair that: {fix}.",
                if r.integrity.len() > 1 {
                    format!(
                        ", and {} more finding{}",
                        r.integrity.len() - 1,
                        if r.integrity.len() == 2 { "" } else { "s" }
                    )
                } else {
                    String::new()
                }
            )
        }
    }
}

fn plural_es(n: usize) -> &'static str {
    if n == 1 { "" } else { "es" }
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// `ties check --repair`: backs the book up, fixes what can be fixed in place, checks
/// again and says what it did.
fn repair_book(ctx: &mut Ctx, db: &Path, before: &CheckReport) -> Result<()> {
    match before.damage() {
        Damage::Pages => return Err(anyhow!("{}", diagnosis(db, before))),
        Damage::None | Damage::OldSchema => {
            if ctx.json {
                return print_json(
                    &json!({"repaired": false, "backup": null, "advice": "The book is healthy; nothing to repair."}),
                );
            }
            outln!("The book is healthy; nothing to repair.");
            return Ok(());
        }
        Damage::Repairable => {}
    }
    let backup = auto_backup_path(db, "-before-repair");
    ctx.store
        .backup_as_is(&backup)
        .map_err(|e| anyhow!("cannot save a backup before repairing ({e}); nothing was changed"))?;
    let done = ctx.store.repair()?;
    let after = ctx.store.check()?;
    let mut said = vec!["rebuilt every index".to_string()];
    if !done.search_rebuilt.is_empty() {
        said.push(format!(
            "rebuilt the search index{} {}",
            plural_es(done.search_rebuilt.len()),
            done.search_rebuilt.join(", ")
        ));
    }
    if done.histories_repacked > 0 {
        said.push(format!(
            "packed the scoring cache again ({} contact{} out of step)",
            done.histories_repacked,
            if done.histories_repacked == 1 {
                ""
            } else {
                "s"
            }
        ));
    }
    for (table, n) in &done.orphans_removed {
        said.push(format!(
            "removed {n} {table} row{} that pointed at nothing",
            if *n == 1 { "" } else { "s" }
        ));
    }
    if ctx.json {
        print_json(&json!({
            "repaired": after.is_ok(),
            "backup": backup,
            "search_rebuilt": done.search_rebuilt,
            "histories_repacked": done.histories_repacked,
            "orphans_removed": done.orphans_removed.iter().map(|(t, n)| json!({"table": t, "rows": n})).collect::<Vec<_>>(),
            "advice": diagnosis(db, &after),
        }))?;
    } else {
        outln!("Saved the book to {} first.", backup.display());
        outln!("{}.", capitalize(&said.join("; ")));
        outln!("{}", diagnosis(db, &after));
    }
    if after.is_ok() {
        Ok(())
    } else {
        Err(anyhow!(
            "the repair did not fix everything: {}",
            diagnosis(db, &after)
        ))
    }
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
pub fn undo(ctx: &mut Ctx) -> Result<()> {
    let Some(u) = ctx.store.undo()? else {
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
