//! What `ties sync` shows besides a sync: where the book stands (`--status`), the
//! conflicts to look at (`--conflicts`), and the names the counts go by.

use anyhow::Result;
use serde_json::{Value as Json, json};

use crate::cli::Ctx;
use crate::cli::output::print_json;
use crate::domain::replica::Table;

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

pub(super) fn status(ctx: &mut Ctx) -> Result<()> {
    let s = ctx.store.sync_status()?;
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
        }));
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
        s.folder.as_deref().unwrap_or("(none: merged a copy)")
    );
    outln!(
        "{} row(s) changed here since; {} conflict(s) to look at.",
        s.pending,
        s.conflicts
    );
    for p in &s.peers {
        let mine = p.device == s.device;
        outln!(
            "  {}{}  merged {}",
            p.file,
            if mine { " (this machine)" } else { "" },
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
        outln!("No conflicts: no field was edited on two machines before they synced.");
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
        "To use the other value, set it with `ties edit` (a referral's with `ties referral status`); it syncs like any edit."
    );
    Ok(())
}
