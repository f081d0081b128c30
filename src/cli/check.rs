//! `ties check [--repair]`: what is damaged, in one sentence that says what to do, and
//! the repair in place of what is repairable (after a backup).

use std::path::Path;

use anyhow::{Result, anyhow};
use serde_json::json;

use super::Ctx;
use super::data::{auto_backup_path, automatic_backups, counts_json};
use super::output::print_json;
use crate::store::backup::{CheckReport, Damage};

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
            "scoring cache   {}",
            match r.stale_histories.len() {
                0 => "ok".to_string(),
                1 => "1 contact out of date".to_string(),
                n => format!("{n} contacts out of date"),
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
                    "the scoring cache of {n} contact{} is out of date with {} interactions",
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
                "{}; your contacts, interactions and referrals are all intact: `ties check --repair` fixes it in place, after saving a backup.",
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
            "packed the scoring cache again ({} contact{} out of date)",
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
