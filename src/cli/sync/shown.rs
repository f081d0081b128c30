//! What `ties sync` shows besides a sync: where the book stands (`--status`), the
//! conflicts to look at (`--conflicts`), and the names the counts go by.

use std::path::Path;

use anyhow::Result;
use serde_json::{Map, Value as Json, json};

use super::Report;
use crate::cli::Ctx;
use crate::cli::output::print_json;
use crate::domain::replica::{Conflict, Table};
use crate::store::Applied;
use crate::text::sanitize;

pub(super) fn changed_name(t: Table) -> &'static str {
    match t {
        Table::Contacts => "contacts",
        Table::Fields => "fields",
        Table::Tags => "tags",
        Table::Referrals => "referrals",
        Table::Events => "status_events",
        Table::Interactions => "interactions",
        Table::Snoozes => "snoozes",
        Table::LetGo => "let_go",
    }
}

/// A sync that found nothing to do, here or in the folder.
pub(super) fn nothing(ctx: &mut Ctx, device: &str) -> Result<()> {
    if ctx.json {
        let changed: Map<String, Json> = Table::ALL
            .into_iter()
            .map(|t| (changed_name(t).to_string(), json!(0)))
            .collect();
        return print_json(&json!({
            "device": device, "merged": [], "skipped": [], "changed": changed,
            "conflicts": [], "refused": [], "backup": null,
        }));
    }
    outln!("Synced as device {device}: nothing changed here or in the folder since the last sync.");
    Ok(())
}

/// What a sync did.
#[allow(clippy::too_many_arguments)]
pub(super) fn result(
    ctx: &mut Ctx,
    device: &str,
    report: &Report,
    applied: &Applied,
    conflicts: &[Conflict],
    sent: usize,
    backup: Option<&Path>,
    rebuilt: bool,
) -> Result<()> {
    let shown = ctx.store.sync_conflicts()?;
    let named: Vec<Json> = conflicts
        .iter()
        .map(|c| {
            let who = shown
                .iter()
                .find(|s| s.conflict.table == c.table && s.conflict.key == c.key);
            json!({
                "contact": who.and_then(|s| s.contact.as_ref().map(|(_, n)| n.clone())),
                "contact_id": who.and_then(|s| s.contact.as_ref().map(|(id, _)| *id)),
                "referral_id": who.and_then(|s| s.referral),
                "field": c.field,
                "kept": c.kept,
                "other": c.other,
            })
        })
        .collect();
    if ctx.json {
        let changed: Map<String, Json> = applied
            .changed
            .iter()
            .map(|(t, n)| (changed_name(*t).to_string(), json!(n)))
            .collect();
        return print_json(&json!({
            "device": device,
            "merged": report.merged,
            "skipped": report.skipped.iter().map(|(f, r)| json!({"file": f, "reason": r})).collect::<Vec<_>>(),
            "changed": changed,
            "conflicts": named,
            "refused": applied.refused.iter().map(|(t, k, why)| json!({"table": t.name(), "key": k, "reason": why})).collect::<Vec<_>>(),
            "backup": backup,
        }));
    }
    if rebuilt {
        outln!("This book's sync state did not read; it was made again from the book.");
    }
    outln!("Synced as device {device}.");
    if report.merged.is_empty() {
        outln!("  nothing new to merge");
    } else {
        outln!("  merged {}", sanitize(&report.merged.join(", ")));
    }
    if sent > 0 {
        outln!("  sent {}", count(sent, "changed row", "changed rows"));
    }
    let what: Vec<String> = applied
        .changed
        .iter()
        .filter(|(_, n)| *n > 0)
        .map(|(t, n)| {
            let (one, many) = words(*t);
            count(*n, one, many)
        })
        .collect();
    if what.is_empty() {
        outln!("  this book did not change");
    } else {
        outln!("  changed here: {}", what.join(", "));
    }
    for (file, reason) in &report.skipped {
        outln!("  skipped {}: {}", sanitize(file), sanitize(reason));
    }
    if !applied.refused.is_empty() {
        outln!(
            "  {} from the other machines not written, by this book's rules:",
            count(applied.refused.len(), "row", "rows")
        );
        for (t, key, why) in applied.refused.iter().take(5) {
            outln!("    {} {}: {}", t.name(), sanitize(key), sanitize(why));
        }
        if applied.refused.len() > 5 {
            outln!(
                "    … and {} more (`--json` lists them all)",
                applied.refused.len() - 5
            );
        }
    }
    let fields: std::collections::BTreeSet<(Table, &str, &str)> = conflicts
        .iter()
        .map(|c| (c.table, c.key.as_str(), c.field.as_str()))
        .collect();
    if !fields.is_empty() {
        outln!(
            "  {} edited on two machines: each machine keeps the same value; `ties sync --conflicts` shows the other",
            count(fields.len(), "field", "fields")
        );
    }
    if let Some(copy) = &report.copy {
        outln!(
            "Its rows are in this book now: you can remove {}.",
            sanitize(copy)
        );
    }
    Ok(())
}

/// "1 contact", "3 contacts".
fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// How a table's rows are counted in words.
fn words(t: Table) -> (&'static str, &'static str) {
    match t {
        Table::Contacts => ("contact", "contacts"),
        Table::Fields => ("field", "fields"),
        Table::Tags => ("tag", "tags"),
        Table::Referrals => ("referral", "referrals"),
        Table::Events => ("status event", "status events"),
        Table::Interactions => ("interaction", "interactions"),
        Table::Snoozes => ("snooze", "snoozes"),
        Table::LetGo => ("let-go", "let-gos"),
    }
}

pub(super) fn status(ctx: &mut Ctx) -> Result<()> {
    let s = ctx.store.sync_status()?;
    let copies = ctx.store.conflict_copies();
    if ctx.json {
        return print_json(&json!({
            "device": s.device,
            "folder": s.folder,
            "last_sync": s.last_sync,
            "pending": s.pending,
            "conflicts": s.conflicts,
            "devices": s.peers.iter().map(|p| json!({
                "file": p.file, "device": p.device, "merged_at": p.merged_at, "bytes": p.size,
            })).collect::<Vec<_>>(),
            "conflict_copies": copies,
        }));
    }
    for copy in &copies {
        let path = copy.display().to_string();
        let shown = crate::text::sanitize(&path);
        outln!(
            "A sync tool left a copy of this book: {shown}\n  merge it with: ties sync --file \"{shown}\" (then remove the copy)"
        );
    }
    let Some(last) = &s.last_sync else {
        outln!(
            "This book has never synced. Start with `ties sync DIR`, DIR a folder your sync tool shares."
        );
        return Ok(());
    };
    outln!(
        "Device {} · folder {} · last sync {last}",
        s.device.as_deref().unwrap_or("?"),
        sanitize(s.folder.as_deref().unwrap_or("(none: merged a copy)"))
    );
    outln!(
        "{} row(s) changed here since; {} conflict(s) to look at.",
        s.pending,
        s.conflicts
    );
    for p in &s.peers {
        let mine = p.device == s.device;
        outln!(
            "  {}  {} {}",
            sanitize(&p.file),
            if mine {
                "this machine's, written"
            } else {
                "merged"
            },
            p.merged_at
        );
    }
    Ok(())
}

pub(super) fn conflicts(ctx: &mut Ctx) -> Result<()> {
    let list = ctx.store.sync_conflicts()?;
    if ctx.json {
        let rows: Vec<Json> = list
            .iter()
            .map(|s| {
                json!({
                    "contact": s.contact.as_ref().map(|(_, n)| n),
                    "contact_id": s.contact.as_ref().map(|(id, _)| id),
                    "referral_id": s.referral,
                    "field": s.conflict.field,
                    "kept": s.conflict.kept,
                    "other": s.conflict.other,
                    "found_on": s.found_on,
                })
            })
            .collect();
        return print_json(&rows);
    }
    if list.is_empty() {
        outln!("No conflicts to look at.");
        return Ok(());
    }
    for s in &list {
        let who = s.contact.as_ref().map_or_else(
            || "(gone)".to_string(),
            |(id, n)| format!("{} (#{id})", crate::text::sanitize(n)),
        );
        let whose = match s.referral {
            Some(r) => format!("referral #{r} of {who}"),
            None => who,
        };
        let show = |v: &Option<String>| {
            v.as_deref().map_or("(empty)".to_string(), |t| {
                format!("\"{}\"", crate::text::sanitize(t))
            })
        };
        outln!(
            "{whose}: {} is {} on every machine; the other was {}.",
            s.conflict.field,
            show(&s.conflict.kept),
            show(&s.conflict.other)
        );
    }
    outln!(
        "To settle one, set the value you want with `ties edit` (a referral's status with `ties referral status`), even the one kept, and sync: every machine takes it."
    );
    Ok(())
}
