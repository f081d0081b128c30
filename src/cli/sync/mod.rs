//! `ties sync`: two machines, one book, through a folder the user already syncs.
//!
//! Each machine writes only its own file in the folder, `ties-DEVICE.automerge`
//! (temporary file, fsync, rename), and merges every other ties file there, the
//! conflict copies sync tools make included. The merged rows go into the database in
//! one transaction, after a backup; the document commits with them, so a sync killed
//! at any point leaves the book as it was before or after, and the next sync converges.

use std::collections::BTreeSet;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Result, anyhow};
use serde_json::{Map, Value as Json, json};

mod shown;

use super::Ctx;
use super::output::print_json;
use crate::domain::replica::Table;
use crate::error::UsageError;
use crate::store::{Incoming, Peer, Store};
use crate::sync::engine::Document;
use shown::changed_name;

#[derive(Debug, clap::Args)]
pub struct SyncArgs {
    /// The folder to sync through (Syncthing, Dropbox, a USB stick, a git repository)
    #[arg(value_name = "DIR", required_unless_present_any = ["file", "status", "conflicts"])]
    pub dir: Option<PathBuf>,
    /// Merge another copy of the database (a sync tool's conflict copy) directly
    #[arg(long, value_name = "PATH", conflicts_with_all = ["dir", "status", "conflicts"])]
    pub file: Option<PathBuf>,
    /// The folder, this machine's device id, the devices seen and the last sync
    #[arg(long, conflicts_with_all = ["dir", "conflicts"])]
    pub status: bool,
    /// Fields edited on two machines before they synced: the value kept and the other
    #[arg(long, conflicts_with = "dir")]
    pub conflicts: bool,
}

pub fn sync(ctx: &mut Ctx, db: &Path, a: SyncArgs) -> Result<()> {
    if a.status {
        return shown::status(ctx);
    }
    if a.conflicts {
        return shown::conflicts(ctx);
    }
    if let Some(file) = a.file {
        return sync_copy(ctx, db, &file);
    }
    match a.dir {
        Some(dir) => sync_dir(ctx, db, &dir),
        None => Err(UsageError::new(
            "say where to sync: `ties sync DIR` (a folder your sync tool shares) or `ties sync --file PATH` (another copy of the database)",
        )
        .into()),
    }
}

const SUFFIX: &str = ".automerge";

fn own_name(device: &str) -> String {
    format!("ties-{device}{SUFFIX}")
}

/// A ties sync file, or a sync tool's conflict copy of one; `None` for anything else.
/// The device is the part of the name after `ties-`, up to a dot or a space.
fn device_of(name: &str) -> Option<String> {
    let rest = name.strip_prefix("ties-")?;
    if !name.ends_with(SUFFIX) {
        return None;
    }
    let end = rest.find(['.', ' ']).unwrap_or(rest.len());
    Some(rest[..end].to_string())
}

/// A file as it stands: size and modification time, to tell whether it changed.
fn fingerprint(path: &Path) -> std::io::Result<(i64, String)> {
    let meta = std::fs::metadata(path)?;
    let modified = meta
        .modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or_else(String::new, |d| d.as_nanos().to_string());
    Ok((i64::try_from(meta.len()).unwrap_or(i64::MAX), modified))
}

fn now() -> String {
    chrono::Local::now().format("%Y-%m-%d %H:%M:%S").to_string()
}

/// Writes `bytes` to `path` whole or not at all: a temporary file beside it, flushed to
/// the disk, renamed over it, and the folder flushed.
fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map_or_else(Default::default, |n| n.to_string_lossy().into_owned());
    let tmp = dir.join(format!(".{name}.tmp"));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)?;
        if let Ok(d) = std::fs::File::open(dir) {
            let _ = d.sync_all();
        }
        Ok(())
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// The book's own document and its changed rows written into it: the document as of
/// the last sync with this book's changes since, or (first sync, or a document that no
/// longer reads) a new one with every row.
struct Ours {
    doc: Document,
    upto: i64,
    wrote: BTreeSet<(Table, String)>,
    rebuilt: bool,
}

fn ours(store: &Store, device: &str) -> Result<Ours> {
    let prior = store.sync_doc()?;
    let (doc, rebuilt) = match prior.as_deref().map(Document::load) {
        Some(Ok(doc)) => (Some(doc), false),
        Some(Err(_)) => (None, true),
        None => (None, false),
    };
    let full = doc.is_none();
    let mut doc = doc.unwrap_or_default();
    let outgoing = store.sync_outgoing(full)?;
    let wrote = crate::sync::export(&mut doc, &outgoing.changes, device)
        .map_err(|e| anyhow!("{e}; nothing was changed"))?;
    Ok(Ours {
        doc,
        upto: outgoing.upto,
        wrote,
        rebuilt,
    })
}

/// What a sync did, for the report.
#[derive(Default)]
struct Report {
    merged: Vec<String>,
    skipped: Vec<(String, String)>,
}

/// Merges `others` into ours, writes the merged rows back, and reports.
#[allow(clippy::too_many_arguments)]
fn finish(
    ctx: &mut Ctx,
    db: &Path,
    device: &str,
    mut ours: Ours,
    before: crate::sync::engine::Heads,
    report: Report,
    peers: Vec<Peer>,
    folder: Option<(&Path, bool)>,
) -> Result<()> {
    let touched = ours
        .doc
        .touched_since(&before)
        .map_err(|e| anyhow!("{e}; nothing was changed"))?;
    let changes = crate::sync::incoming(&ours.doc, &touched);
    let looked_at = crate::sync::looked_at(&ours.wrote, &touched);
    let conflicts = crate::sync::conflicts(&ours.doc, &looked_at);
    let bytes = ours
        .doc
        .save()
        .map_err(|e| anyhow!("{e}; nothing was changed"))?;
    let mut peers = peers;
    // Our own file first: killed between this and the commit below, the next sync
    // merges the file back in (its size or time no longer match what the book noted).
    if let Some((dir, write_own)) = folder {
        let own = dir.join(own_name(device));
        let stale = fingerprint(&own)
            .ok()
            .is_none_or(|(size, _)| size != bytes.len() as i64);
        if write_own || stale || !ours.wrote.is_empty() || !touched.is_empty() {
            write_atomically(&own, &bytes).map_err(|e| {
                anyhow!(
                    "cannot write {}: {e}; check that the folder is writable (nothing was changed)",
                    own.display()
                )
            })?;
        }
        if let Ok((size, modified)) = fingerprint(&own) {
            peers.retain(|p| p.file != own_name(device));
            peers.push(Peer {
                file: own_name(device),
                device: Some(device.to_string()),
                size,
                modified,
                merged_at: now(),
            });
        }
    }
    let backup = if changes.is_empty() {
        None
    } else {
        let path = super::data::auto_backup_path(db, "-before-sync");
        ctx.store.backup_to(&path)?;
        Some(path)
    };
    let incoming = Incoming {
        upto: ours.upto,
        changes,
        doc: bytes,
        peers,
        folder: folder.map(|(d, _)| {
            d.canonicalize()
                .unwrap_or_else(|_| d.to_path_buf())
                .display()
                .to_string()
        }),
        conflicts: conflicts.clone(),
        looked_at: looked_at.into_iter().collect(),
        now: now(),
    };
    let applied = ctx.store.sync_apply(&incoming)?;
    if backup.is_some() {
        super::data::prune(db, ctx.config.backup.keep);
    }
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
    let changed: Map<String, Json> = applied
        .changed
        .iter()
        .map(|(t, n)| (changed_name(*t).to_string(), json!(n)))
        .collect();
    if ctx.json {
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
    if ours.rebuilt {
        outln!("This book's sync state did not read; it was rebuilt from the book.");
    }
    let total: usize = applied.changed.iter().map(|(_, n)| n).sum();
    let what: Vec<String> = applied
        .changed
        .iter()
        .filter(|(_, n)| *n > 0)
        .map(|(t, n)| format!("{n} {}", changed_name(*t).replace('_', " ")))
        .collect();
    let merged = if report.merged.is_empty() {
        "nothing new to merge".to_string()
    } else {
        format!("merged {}", report.merged.join(", "))
    };
    let sent = if ours.wrote.is_empty() {
        String::new()
    } else {
        format!("; sent {} changed row(s)", ours.wrote.len())
    };
    outln!(
        "Synced as device {device}: {merged}{sent}; {}.",
        if total == 0 {
            "this book did not change".to_string()
        } else {
            format!("changed here: {}", what.join(", "))
        }
    );
    for (file, reason) in &report.skipped {
        outln!("Skipped {file}: {reason}.");
    }
    if !applied.refused.is_empty() {
        outln!(
            "{} row(s) from the other machines were not written: this book's rules refuse them (`ties sync --json` lists them).",
            applied.refused.len()
        );
    }
    if !conflicts.is_empty() {
        outln!(
            "{} field(s) were edited on two machines; each machine now keeps the same value. `ties sync --conflicts` shows the other values.",
            conflicts.len()
        );
    }
    Ok(())
}

fn sync_dir(ctx: &mut Ctx, db: &Path, dir: &Path) -> Result<()> {
    if !dir.is_dir() {
        return Err(UsageError::new(format!(
            "there is no folder at {}; create it, or name the folder your sync tool shares",
            dir.display()
        ))
        .into());
    }
    let entries = std::fs::read_dir(dir)
        .map_err(|e| anyhow!("cannot read {}: {e}; check its permissions", dir.display()))?;
    let device = ctx.store.sync_device()?;
    let known = ctx.store.sync_peers()?;
    let mut ours = ours(ctx.store, &device)?;
    let before = ours.doc.heads();
    let mut names: Vec<String> = entries
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .filter_map(|e| e.file_name().to_str().map(String::from))
        .filter(|n| device_of(n).is_some())
        .collect();
    names.sort();
    let mut report = Report::default();
    let mut peers = Vec::new();
    let own = own_name(&device);
    let mut own_changed = false;
    for name in names {
        let path = dir.join(&name);
        let Ok((size, modified)) = fingerprint(&path) else {
            continue;
        };
        // A file that has not changed since it was merged has nothing new.
        if known
            .iter()
            .any(|p| p.file == name && p.size == size && p.modified == modified)
        {
            continue;
        }
        if name == own {
            own_changed = true;
        }
        let bytes = match std::fs::read(&path) {
            Ok(b) => b,
            Err(e) => {
                report.skipped.push((name, format!("cannot be read ({e})")));
                continue;
            }
        };
        let mut theirs = match Document::load(&bytes) {
            Ok(d) => d,
            Err(why) => {
                report.skipped.push((name, why.to_string()));
                continue;
            }
        };
        ours.doc.merge(&mut theirs).map_err(|e| {
            anyhow!("{e} on {name}; nothing was changed: move that file out of the folder and sync again")
        })?;
        peers.push(Peer {
            device: device_of(&name),
            file: name.clone(),
            size,
            modified,
            merged_at: now(),
        });
        report.merged.push(name);
    }
    finish(
        ctx,
        db,
        &device,
        ours,
        before,
        report,
        peers,
        Some((dir, own_changed)),
    )
}

/// `ties sync --file PATH`: another copy of the database, merged directly. The copy is
/// read from a private copy of it (opening upgrades a database; the user's file is
/// never written).
fn sync_copy(ctx: &mut Ctx, db: &Path, file: &Path) -> Result<()> {
    if let (Ok(a), Ok(b)) = (file.canonicalize(), db.canonicalize())
        && a == b
    {
        return Err(UsageError::new(
                "that is the database in use; name the other copy (a sync tool's conflict copy) to merge",
            )
            .into());
    }
    if !file.is_file() {
        return Err(UsageError::new(format!(
            "there is no file at {}; name the other copy of the database",
            file.display()
        ))
        .into());
    }
    let scratch = tempfile::TempDir::with_prefix("ties-merge-")?;
    let copy = scratch.path().join("copy.db");
    std::fs::copy(file, &copy)
        .map_err(|e| anyhow!("cannot read {}: {e}; check its permissions", file.display()))?;
    let other = Store::open(&copy).map_err(|e| {
        UsageError::new(format!(
            "{} cannot be merged: {}",
            file.display(),
            e.to_string().replace(&copy.display().to_string(), "it")
        ))
    })?;
    let device = ctx.store.sync_device()?;
    let mut ours = ours(ctx.store, &device)?;
    let before = ours.doc.heads();
    let mut theirs = self::ours(&other, "a copy")?;
    drop(other);
    ours.doc
        .merge(&mut theirs.doc)
        .map_err(|e| anyhow!("{e}; nothing was changed"))?;
    let report = Report {
        merged: vec![file.display().to_string()],
        skipped: Vec::new(),
    };
    finish(ctx, db, &device, ours, before, report, Vec::new(), None)
}
