//! `ties sync`: two machines, one book, through a folder the user already syncs.
//!
//! Each machine writes only its own file in the folder, `ties-DEVICE.automerge`
//! (temporary file, fsync, rename), and merges every other ties file there, the
//! conflict copies sync tools make included. The merged rows go into the database in
//! one transaction, after a backup; the document commits with them, so a sync killed
//! at any point leaves the book as it was before or after, and the next sync converges.
//!
//! Files grow by appending: a sync adds its new changes after the bytes already there,
//! and rewrites the whole document only once the additions have grown large. A file
//! that grew from bytes already merged is merged from where it was.

mod folder;
mod shown;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use anyhow::{Result, anyhow};

use super::Ctx;
use super::portability::write_atomically;
use crate::domain::replica::Table;
use crate::error::UsageError;
use crate::store::{DocWrite, Incoming, Peer, Store, StoredDoc};
use crate::sync::engine::{Document, Heads};
use folder::{device_of, fingerprint, hash, lock, now, own_name, phase, skip_reason};

#[derive(Debug, clap::Args)]
pub struct SyncArgs {
    /// The folder to sync through (Syncthing, Dropbox, a USB stick, a git repository);
    /// default: the folder of the last sync
    #[arg(value_name = "DIR")]
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
    // Without DIR, the folder of the last sync.
    let last = ctx.store.sync_status()?.folder.map(PathBuf::from);
    match a.dir.or(last) {
        Some(dir) => sync_dir(ctx, db, &dir),
        None => Err(UsageError::new(
            "say where to sync: `ties sync DIR` (a folder your sync tool shares), `ties sync --file PATH` (another copy of the database), or `ties sync --status`",
        )
        .into()),
    }
}

/// The book's own document with its changed rows written into it: the document as of
/// the last sync with this book's changes since, or (first sync, or a document that no
/// longer reads) a new one with every row.
struct Ours {
    doc: Document,
    stored: Option<StoredDoc>,
    upto: i64,
    wrote: BTreeSet<(Table, String)>,
    rebuilt: bool,
    before: Heads,
}

fn ours(store: &mut Store, device: &str) -> Result<Ours> {
    let stored = store.sync_doc()?;
    let (doc, rebuilt) = match stored.as_ref().map(|s| Document::load(&s.bytes)) {
        Some(Ok(doc)) => (Some(doc), false),
        Some(Err(_)) => (None, true),
        None => (None, false),
    };
    let full = doc.is_none();
    let mut doc = doc.unwrap_or_default();
    phase("load ours");
    let outgoing = store.sync_outgoing(full)?;
    phase("read rows");
    let wrote = crate::sync::export(&mut doc, &outgoing.changes, device)
        .map_err(|e| anyhow!("{e}; nothing was changed"))?;
    let before = doc.heads();
    phase("export");
    Ok(Ours {
        doc,
        stored: if full { None } else { stored },
        upto: outgoing.upto,
        wrote,
        rebuilt,
        before,
    })
}

impl Ours {
    /// How the stored document changes, and the bytes of the whole document after.
    fn saved(&mut self) -> Result<(DocWrite, Vec<u8>)> {
        let fail = |e: String| anyhow!("{e}; nothing was changed");
        let Some(stored) = self.stored.take() else {
            let whole = self.doc.save().map_err(fail)?;
            return Ok((DocWrite::Replace(whole.clone()), whole));
        };
        if !self.doc.changed() {
            return Ok((DocWrite::Keep, stored.bytes));
        }
        let added = self.doc.save_added().map_err(fail)?;
        // Written whole again once the additions outgrow a quarter of the document.
        if stored.bytes.len() - stored.base + added.len() > (stored.base / 4).max(64 << 10) {
            let whole = self.doc.save().map_err(fail)?;
            return Ok((DocWrite::Replace(whole.clone()), whole));
        }
        let mut whole = stored.bytes;
        whole.extend_from_slice(&added);
        Ok((DocWrite::Append(added), whole))
    }
}

/// What a sync did, for the report.
#[derive(Default)]
struct Report {
    merged: Vec<String>,
    skipped: Vec<(String, String)>,
    /// The copy of the database `--file` merged.
    copy: Option<String>,
}

/// The folder a sync goes through, and whether its own file there must be written
/// again (it changed under us, or is missing).
struct Folder<'a> {
    dir: &'a Path,
    own_stale: bool,
}

/// Writes the merged rows back, saves the document (and this machine's file), reports.
fn finish(
    ctx: &mut Ctx,
    db: &Path,
    device: &str,
    mut ours: Ours,
    report: Report,
    peers: Vec<Peer>,
    folder: Option<Folder<'_>>,
) -> Result<()> {
    phase("merge");
    let mut touched = ours
        .doc
        .touched_since(&ours.before)
        .map_err(|e| anyhow!("{e}; nothing was changed"))?;
    // Rows refused before (their contact was being merged here, say) are tried again.
    touched.extend(ctx.store.sync_retry()?);
    phase("diff");
    let changes = crate::sync::incoming(&ours.doc, &touched);
    let looked_at = crate::sync::looked_at(&ours.wrote, &touched);
    let conflicts = crate::sync::conflicts(&ours.doc, &looked_at);
    phase("rows out");
    let (doc, whole) = ours.saved()?;
    let write_own = folder
        .as_ref()
        .is_some_and(|f| f.own_stale || doc != DocWrite::Keep);
    phase("save");
    let backup = if changes.is_empty() {
        None
    } else {
        let path = super::data::auto_backup_path(db, "-before-sync");
        ctx.store.snapshot_to(&path)?;
        Some(path)
    };
    phase("backup");
    let incoming = Incoming {
        upto: ours.upto,
        changes,
        doc,
        peers,
        folder: folder.as_ref().map(|f| {
            f.dir
                .canonicalize()
                .unwrap_or_else(|_| f.dir.to_path_buf())
                .display()
                .to_string()
        }),
        conflicts,
        looked_at: looked_at.into_iter().collect(),
        now: now(),
    };
    let applied = ctx.store.sync_apply(&incoming)?;
    phase("apply");
    // This machine's file after the book commits: killed in between, the file is behind
    // the document (its size no longer matches) and the next sync writes it again.
    if let Some(folder) = &folder {
        let own = folder.dir.join(own_name(device));
        if write_own {
            write_atomically(&own, &whole).map_err(|e| {
                anyhow!(
                    "cannot write {}: {e}; the book has the merge, check that the folder is writable and sync again",
                    own.display()
                )
            })?;
        }
        if let Ok((size, modified)) = fingerprint(&own) {
            ctx.store.sync_note_peer(&Peer {
                file: own_name(device),
                device: Some(device.to_string()),
                size,
                modified,
                hash: hash(&whole),
                merged_at: now(),
            })?;
        }
    }
    phase("write file");
    if backup.is_some() {
        super::data::prune(db, ctx.config.backup.keep);
    }
    let mut conflicts = incoming.conflicts;
    conflicts.extend(applied.conflicts.iter().cloned());
    let sent = if report.copy.is_some() {
        0
    } else {
        ours.wrote.len()
    };
    shown::result(
        ctx,
        device,
        &report,
        &applied,
        &conflicts,
        sent,
        backup.as_deref(),
        ours.rebuilt,
    )
}

fn sync_dir(ctx: &mut Ctx, db: &Path, dir: &Path) -> Result<()> {
    if dir.exists() && !dir.is_dir() {
        return Err(UsageError::new(format!(
            "{} is a file, not a folder; name the folder your sync tool shares (to merge a copy of the database, `ties sync --file PATH`)",
            dir.display()
        ))
        .into());
    }
    if !dir.is_dir() {
        return Err(UsageError::new(format!(
            "there is no folder at {}; create it, or name the folder your sync tool shares",
            dir.display()
        ))
        .into());
    }
    let entries = std::fs::read_dir(dir)
        .map_err(|e| anyhow!("cannot read {}: {e}; check its permissions", dir.display()))?;
    let _lock = lock(db)?;
    phase("start");
    let device = ctx.store.sync_device()?;
    let own = own_name(&device);
    let mut names: Vec<String> = entries
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .filter_map(|e| e.file_name().to_str().map(String::from))
        .filter(|n| device_of(n).is_some())
        .collect();
    names.sort();
    let known = ctx.store.sync_peers()?;
    // The files that changed since they were merged (all of them, to a new document).
    let status = ctx.store.sync_status()?;
    let fresh_start = status.last_sync.is_none();
    let here = dir
        .canonicalize()
        .unwrap_or_else(|_| dir.to_path_buf())
        .display()
        .to_string();
    if let Some(before) = status.folder.as_ref().filter(|f| **f != here && !ctx.json) {
        outln!(
            "This book synced through {} before; it syncs through {} now.",
            crate::text::sanitize(before),
            crate::text::sanitize(&here)
        );
    }
    let files: Vec<(String, i64, String, bool)> = names
        .into_iter()
        .filter_map(|n| {
            let (size, modified) = fingerprint(&dir.join(&n)).ok()?;
            let same = known
                .iter()
                .any(|p| p.file == n && p.size == size && p.modified == modified);
            Some((n, size, modified, same))
        })
        .collect();
    // This machine's file holds the document as stored (a `sync --file` since, or a
    // sync through another folder, leaves it behind).
    let doc_len = ctx.store.sync_doc_len()?;
    let own_there =
        known.iter().any(|p| p.file == own && p.size == doc_len) && dir.join(&own).is_file();
    if !fresh_start && status.pending == 0 && own_there && files.iter().all(|f| f.3) {
        // Nothing here changed and nothing there: the document need not even be read.
        return shown::nothing(ctx, &device);
    }
    let mut ours = ours(ctx.store, &device)?;
    // A new document (the first sync, or one rebuilt) has merged nothing yet.
    let everything = ours.stored.is_none();
    let changed = files
        .into_iter()
        .filter(|f| everything || !f.3)
        .map(|(n, size, modified, _)| (n, size, modified));
    let mut report = Report::default();
    let mut peers = Vec::new();
    let mut own_stale = !own_there;
    for (name, size, modified) in changed {
        let path = dir.join(&name);
        if name == own {
            own_stale = true;
        }
        let bytes = match std::fs::read(&path) {
            Ok(b) => b,
            Err(e) => {
                report.skipped.push((name, format!("cannot be read ({e})")));
                continue;
            }
        };
        // A file that grew from the bytes merged last time: only the rest is new.
        let grown = if ours.stored.is_some() {
            known.iter().find(|p| {
                p.file == name
                    && usize::try_from(p.size)
                        .is_ok_and(|s| s < bytes.len() && hash(&bytes[..s]) == p.hash)
            })
        } else {
            None
        };
        let merged = match grown.and_then(|p| usize::try_from(p.size).ok()) {
            Some(from) if ours.doc.load_more(&bytes[from..]).is_ok() => Ok(()),
            _ => match Document::load(&bytes) {
                Ok(mut theirs) => ours.doc.merge(&mut theirs).map_err(|e| {
                    anyhow!("{e} on {name}; nothing was changed: move that file out of the folder and sync again")
                }),
                Err(_) if name == own => {
                    // This machine's own file, damaged: written again below.
                    own_stale = true;
                    continue;
                }
                Err(why) => {
                    report.skipped.push((name, skip_reason(&why)));
                    continue;
                }
            },
        };
        merged?;
        phase("load file");
        peers.push(Peer {
            device: device_of(&name),
            file: name.clone(),
            size,
            modified,
            hash: hash(&bytes),
            merged_at: now(),
        });
        if name != own {
            report.merged.push(name);
        }
    }
    let folder = Folder { dir, own_stale };
    finish(ctx, db, &device, ours, report, peers, Some(folder))
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
    if file.is_dir() {
        return Err(UsageError::new(format!(
            "{} is a folder; --file takes a copy of the database (to sync through a folder, `ties sync DIR`)",
            file.display()
        ))
        .into());
    }
    if !file.is_file() {
        return Err(UsageError::new(format!(
            "there is no file at {}; name the other copy of the database",
            file.display()
        ))
        .into());
    }
    let _lock = lock(db)?;
    let scratch = tempfile::TempDir::with_prefix("ties-merge-")?;
    let copy = scratch.path().join("copy.db");
    std::fs::copy(file, &copy)
        .map_err(|e| anyhow!("cannot read {}: {e}; check its permissions", file.display()))?;
    let mut other = Store::open(&copy).map_err(|e| {
        let why = match &e {
            crate::store::StoreError::NotTies { detail, .. } => format!(
                "it is not a ties database ({detail}); --file takes a copy of ties.db{}",
                if device_of(&file.file_name().unwrap_or_default().to_string_lossy()).is_some() {
                    " (a .automerge file belongs in the synced folder: `ties sync DIR`)"
                } else {
                    ""
                }
            ),
            crate::store::StoreError::Newer { found, ours, .. } => format!(
                "it was written by a newer ties (schema version {found}, this one knows up to {ours}); upgrade ties here first"
            ),
            other => other.to_string().replace(&copy.display().to_string(), "it"),
        };
        UsageError::new(format!("{} cannot be merged: {why}", file.display()))
    })?;
    // A copy of this book shares its contacts; another book shares none.
    let theirs_uids = other.contact_uids()?;
    if !theirs_uids.is_empty()
        && !ctx.store.is_empty()?
        && !ctx.store.knows_any_contact(&theirs_uids)?
    {
        return Err(UsageError::new(format!(
            "{} is another book, not a copy of this one (they share no contact); to bring its contacts in, run `ties export --format json -o book.json` on it and `ties import book.json` here",
            file.display()
        ))
        .into());
    }
    let device = ctx.store.sync_device()?;
    let mut ours = ours(ctx.store, &device)?;
    let mut theirs = self::ours(&mut other, "a copy")?;
    drop(other);
    ours.doc
        .merge(&mut theirs.doc)
        .map_err(|e| anyhow!("{e}; nothing was changed"))?;
    let report = Report {
        merged: vec![file.display().to_string()],
        skipped: Vec::new(),
        copy: Some(file.display().to_string()),
    };
    finish(ctx, db, &device, ours, report, Vec::new(), None)
}
