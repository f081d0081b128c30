//! The book's side of `ties sync` (migration 010): the rows that changed since the last
//! sync, read as uid-keyed rows; the merged rows written back, in one transaction with
//! the document they came from; this book's device id, the files it merged, and the
//! conflicts a merge found.

use std::collections::{BTreeSet, HashMap};

use rusqlite::params;

mod keys;
mod removals;
mod rows;
mod uids;

pub(super) use uids::{fill_uids, name_uid, uids_filled};

use super::{Result, Store};
use crate::domain::replica::{Change, Conflict, Table, Value};
use keys::Ids;
use removals::keep_one_of_each;
use rows::{Refused, changed_here_since, read_change, read_rows, write_change};

/// The sync log's triggers (`triggers.sql`).
const LOG_TRIGGERS: &str = include_str!("triggers.sql");

/// Turns the sync log on in the transaction `tx`: from now on every change to a synced
/// row is named in `sync_pending`. The first sync does this as it reads every row.
fn start_logging(tx: &rusqlite::Connection) -> rusqlite::Result<()> {
    tx.execute_batch(LOG_TRIGGERS)?;
    tx.execute("UPDATE sync_meta SET logging = 1", [])?;
    Ok(())
}

/// Puts the sync log's triggers back when the book has synced (migration 012 took
/// them out of every book; one that never synced is better without them).
pub(super) fn resume_logging(tx: &rusqlite::Connection) -> rusqlite::Result<()> {
    let logging: bool = tx.query_row("SELECT logging = 1 FROM sync_meta", [], |r| r.get(0))?;
    if logging {
        tx.execute_batch(LOG_TRIGGERS)?;
    }
    Ok(())
}

/// What the book has to send: its changed rows, and the newest log entry they cover
/// (entries written after it, by a command running meanwhile, wait for the next sync).
#[derive(Debug, Default)]
pub struct Outgoing {
    pub upto: i64,
    pub changes: Vec<(Table, Change)>,
}

/// A file merged, as it was when merged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Peer {
    pub file: String,
    pub device: Option<String>,
    pub size: i64,
    pub modified: String,
    /// A hash of the bytes merged (`cli::sync` makes it).
    pub hash: String,
    pub merged_at: String,
}

/// The document as the book keeps it: the bytes back to back, and how many of them
/// are the whole document written first (the rest are changes added since).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredDoc {
    pub bytes: Vec<u8>,
    pub base: usize,
}

/// What a sync does to the stored document.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum DocWrite {
    /// It did not change.
    #[default]
    Keep,
    /// Its new changes, added after the rest.
    Append(Vec<u8>),
    /// A whole new document, instead of all there was.
    Replace(Vec<u8>),
}

/// A conflict as the user reads it: whose field, and the local id to edit.
#[derive(Debug, Clone, PartialEq)]
pub struct ConflictShown {
    pub conflict: Conflict,
    /// The contact it is about (for a referral: the referred person), if still there.
    pub contact: Option<(i64, String)>,
    /// The referral's local id, for a referral's field.
    pub referral: Option<i64>,
    pub found_on: String,
}

/// Everything one sync writes, in one transaction.
#[derive(Debug, Default)]
pub struct Incoming {
    /// The log entries the document now holds (from [`Outgoing::upto`]).
    pub upto: i64,
    /// Rows to write, in order.
    pub changes: Vec<(Table, Change)>,
    /// The merged document.
    pub doc: DocWrite,
    pub peers: Vec<Peer>,
    pub folder: Option<String>,
    /// Conflicts found among the rows this sync looked at; they replace what was known
    /// of those rows.
    pub conflicts: Vec<Conflict>,
    pub looked_at: Vec<(Table, String)>,
    /// `YYYY-MM-DD HH:MM:SS`, local time.
    pub now: String,
}

/// What a sync changed in the book, per table, and the rows it could not write.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Applied {
    pub changed: Vec<(Table, usize)>,
    /// Rows refused by the book's own rules (a value another version wrote that this
    /// one does not know, a row whose contact is gone): table, key, why.
    pub refused: Vec<(Table, String, String)>,
    /// Conflicts the write itself settled: two birthdays given apart, one kept.
    pub conflicts: Vec<Conflict>,
}

/// Where the book stands with syncing.
#[derive(Debug, Clone, PartialEq)]
pub struct SyncStatus {
    pub device: Option<String>,
    pub folder: Option<String>,
    pub last_sync: Option<String>,
    /// When a sync last cleared the undo journal (undo does not reach past it).
    pub undo_cut: Option<String>,
    pub pending: i64,
    pub conflicts: i64,
    pub peers: Vec<Peer>,
}

impl Store {
    /// This book's device id, made at its first sync and kept.
    pub fn sync_device(&mut self) -> Result<String> {
        let tx = self.begin_unjournaled()?;
        let existing: Option<String> =
            tx.query_row("SELECT device FROM sync_meta", [], |r| r.get(0))?;
        let device = match existing {
            Some(d) => d,
            None => {
                let d = uuid::Uuid::new_v4().simple().to_string()[..16].to_string();
                tx.execute("UPDATE sync_meta SET device = ?1", [&d])?;
                d
            }
        };
        tx.commit()?;
        Ok(device)
    }

    pub fn sync_status(&self) -> Result<SyncStatus> {
        let (device, folder, last_sync, undo_cut) = self.conn.query_row(
            "SELECT device, folder, last_sync, undo_cut FROM sync_meta",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )?;
        let pending = self.conn.query_row(
            "SELECT count(*) FROM (SELECT DISTINCT tbl, key FROM sync_pending)",
            [],
            |r| r.get(0),
        )?;
        let conflicts = self
            .conn
            .query_row("SELECT count(*) FROM sync_conflicts", [], |r| r.get(0))?;
        Ok(SyncStatus {
            device,
            folder,
            last_sync,
            undo_cut,
            pending,
            conflicts,
            peers: self.sync_peers()?,
        })
    }

    pub fn sync_peers(&self) -> Result<Vec<Peer>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT file, device, size, modified, hash, merged_at FROM sync_peers ORDER BY file",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(Peer {
                file: r.get(0)?,
                device: r.get(1)?,
                size: r.get(2)?,
                modified: r.get(3)?,
                hash: r.get(4)?,
                merged_at: r.get(5)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// How many bytes the stored document is (without reading it).
    pub fn sync_doc_len(&self) -> Result<i64> {
        Ok(self.conn.query_row(
            "SELECT coalesce(sum(length(chunk)), 0) FROM sync_doc",
            [],
            |r| r.get(0),
        )?)
    }

    /// The document as of the last sync; `None` before the first.
    pub fn sync_doc(&self) -> Result<Option<StoredDoc>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT chunk FROM sync_doc ORDER BY seq")?;
        let mut rows = stmt.query([])?;
        let mut doc: Option<StoredDoc> = None;
        while let Some(r) = rows.next()? {
            let chunk = r.get_ref(0)?.as_blob().map_err(rusqlite::Error::from)?;
            match &mut doc {
                None => {
                    doc = Some(StoredDoc {
                        bytes: chunk.to_vec(),
                        base: chunk.len(),
                    })
                }
                Some(d) => d.bytes.extend_from_slice(chunk),
            }
        }
        Ok(doc)
    }

    /// The rows to send: every row (`full`, the first sync) or those changed since the
    /// last sync. Read in one snapshot.
    ///
    /// Reading every row turns the change log on in the same transaction: a change made
    /// while the first sync runs is logged, and goes with the next.
    pub fn sync_outgoing(&mut self, full: bool) -> Result<Outgoing> {
        let tx = self.begin_unjournaled()?;
        if full {
            start_logging(&tx)?;
        }
        let upto: i64 =
            tx.query_row("SELECT coalesce(max(seq), 0) FROM sync_pending", [], |r| {
                r.get(0)
            })?;
        let mut changes = Vec::new();
        if full {
            for table in Table::ALL {
                for row in read_rows(&tx, table, None)? {
                    changes.push((table, Change::Put(row)));
                }
            }
        } else {
            let pending: Vec<(String, String)> = {
                let mut stmt = tx.prepare(
                    "SELECT tbl, key FROM sync_pending WHERE seq <= ?1
                     GROUP BY tbl, key ORDER BY min(seq)",
                )?;
                stmt.query_map([upto], |r| Ok((r.get(0)?, r.get(1)?)))?
                    .collect::<rusqlite::Result<_>>()?
            };
            for (name, key) in pending {
                let Some(table) = Table::from_name(&name) else {
                    continue;
                };
                if let Some(change) = read_change(&tx, table, &key)? {
                    changes.push((table, change));
                }
            }
        }
        tx.commit()?;
        Ok(Outgoing { upto, changes })
    }

    /// Writes a sync's result in one transaction: the rows (with the log off, so they
    /// are not sent back as this book's changes; a row changed here after the sync read
    /// its changes is left as it is and sent next time), the document, the files merged
    /// and the conflicts. The undo journal is cleared: an undo reaching past a sync
    /// would put back rows another machine has changed since.
    pub fn sync_apply(&mut self, incoming: &Incoming) -> Result<Applied> {
        // A statement per table and purpose, each run for thousands of rows: kept.
        self.conn.set_prepared_statement_cache_capacity(64);
        // A first sync writes the whole book in one transaction: pages stay in memory
        // instead of spilling to the log mid-way (64 MB at most; the default after).
        let cache: i64 = self.conn.query_row("PRAGMA cache_size", [], |r| r.get(0))?;
        self.conn.execute_batch("PRAGMA cache_size = -65536")?;
        let applied = self.sync_apply_inner(incoming);
        self.conn
            .execute_batch(&format!("PRAGMA cache_size = {cache}"))?;
        applied
    }

    fn sync_apply_inner(&mut self, incoming: &Incoming) -> Result<Applied> {
        let tx = self.begin_unjournaled()?;
        tx.execute("UPDATE sync_meta SET logging = 0", [])?;
        tx.execute_batch("PRAGMA defer_foreign_keys = ON")?;
        let mut applied = Applied::default();
        let mut counts: HashMap<Table, usize> = HashMap::new();
        // Rows changed here while the sync merged are left for the next one; mostly
        // there are none, and no row needs asking.
        let changed_meanwhile: bool = tx.query_row(
            "SELECT EXISTS (SELECT 1 FROM sync_pending WHERE seq > ?1)",
            [incoming.upto],
            |r| r.get(0),
        )?;
        let mut ids = Ids::default();
        for (table, change) in &incoming.changes {
            if changed_meanwhile && changed_here_since(&tx, *table, change.key(), incoming.upto)? {
                continue;
            }
            let written = write_change(&tx, &mut ids, *table, change);
            let mut retry =
                tx.prepare_cached("INSERT OR IGNORE INTO sync_retry (tbl, key) VALUES (?1, ?2)")?;
            let mut done =
                tx.prepare_cached("DELETE FROM sync_retry WHERE tbl = ?1 AND key = ?2")?;
            match written {
                Ok(true) => *counts.entry(*table).or_default() += 1,
                Ok(false) => {}
                Err(Refused(why)) => {
                    retry.execute(params![table.name(), change.key()])?;
                    applied
                        .refused
                        .push((*table, change.key().to_string(), why));
                    continue;
                }
            }
            done.execute(params![table.name(), change.key()])?;
        }
        // Fields both machines added apart: one email, phone or address of one value, and
        // one birthday (the other reported), the same ones on every machine.
        let touched_fields: BTreeSet<&str> = incoming
            .changes
            .iter()
            .filter_map(|(t, c)| match (t, c) {
                (Table::Fields, Change::Put(row)) => row.values.first().and_then(Value::as_text),
                _ => None,
            })
            .collect();
        for contact in touched_fields {
            let (removed, birthdays) = keep_one_of_each(&tx, &mut ids, contact)?;
            if removed > 0 {
                *counts.entry(Table::Fields).or_default() += removed;
            }
            applied.conflicts.extend(birthdays);
        }
        *counts.entry(Table::Referrals).or_default() += ids.dropped_referrals;
        if !applied.refused.is_empty() || counts.values().any(|n| *n > 0) {
            tx.execute("DELETE FROM undo_changes", [])?;
            tx.execute("UPDATE sync_meta SET undo_cut = ?1", [&incoming.now])?;
        }
        tx.execute("DELETE FROM sync_pending WHERE seq <= ?1", [incoming.upto])?;
        match &incoming.doc {
            DocWrite::Keep => {}
            DocWrite::Append(chunk) => {
                tx.execute("INSERT INTO sync_doc (chunk) VALUES (?1)", [chunk])?;
            }
            DocWrite::Replace(doc) => {
                tx.execute("DELETE FROM sync_doc", [])?;
                tx.execute("INSERT INTO sync_doc (chunk) VALUES (?1)", [doc])?;
            }
        }
        for p in &incoming.peers {
            note_peer(&tx, p)?;
        }
        for (table, key) in &incoming.looked_at {
            tx.execute(
                "DELETE FROM sync_conflicts WHERE tbl = ?1 AND key = ?2",
                params![table.name(), key],
            )?;
        }
        for c in incoming.conflicts.iter().chain(&applied.conflicts) {
            tx.execute(
                "INSERT OR REPLACE INTO sync_conflicts (tbl, key, field, kept, other, found_on)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![
                    c.table.name(),
                    c.key,
                    c.field,
                    c.kept,
                    c.other,
                    incoming.now
                ],
            )?;
        }
        let searched = [Table::Contacts, Table::Fields]
            .iter()
            .map(|t| counts.get(t).copied().unwrap_or(0))
            .sum::<usize>();
        super::contacts::compact_search(&tx, searched)?;
        start_logging(&tx)?;
        tx.execute(
            "UPDATE sync_meta SET last_sync = ?1, folder = coalesce(?2, folder)",
            params![incoming.now, incoming.folder],
        )?;
        tx.commit()?;
        applied.changed = Table::ALL
            .into_iter()
            .map(|t| (t, counts.get(&t).copied().unwrap_or(0)))
            .collect();
        Ok(applied)
    }

    /// The conflicts the last syncs found, with the contact each is about.
    pub fn sync_conflicts(&self) -> Result<Vec<ConflictShown>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT s.tbl, s.key, s.field, s.kept, s.other, s.found_on,
                    coalesce(c.id, p.id), coalesce(c.name, p.name), r.id
             FROM sync_conflicts s
             LEFT JOIN contacts c ON s.tbl = 'contacts' AND c.uid = s.key
             LEFT JOIN referrals r ON s.tbl = 'referrals' AND r.uid = s.key
             LEFT JOIN contacts p ON p.id = r.person_id
             ORDER BY coalesce(c.name, p.name) COLLATE NOCASE, s.field",
        )?;
        let rows = stmt.query_map([], |r| {
            let table: String = r.get(0)?;
            let id: Option<i64> = r.get(6)?;
            let name: Option<String> = r.get(7)?;
            Ok((
                table,
                Conflict {
                    table: Table::Contacts,
                    key: r.get(1)?,
                    field: r.get(2)?,
                    kept: r.get(3)?,
                    other: r.get(4)?,
                },
                r.get::<_, String>(5)?,
                id.zip(name),
                r.get::<_, Option<i64>>(8)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (table, mut conflict, found_on, contact, referral) = row?;
            let Some(table) = Table::from_name(&table) else {
                continue;
            };
            conflict.table = table;
            out.push(ConflictShown {
                conflict,
                contact,
                referral,
                found_on,
            });
        }
        Ok(out)
    }

    /// Every contact's uid (to tell a copy of this book from another book).
    pub fn contact_uids(&self) -> Result<Vec<String>> {
        let mut stmt = self.conn.prepare_cached("SELECT uid FROM contacts")?;
        let rows = stmt.query_map([], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Whether any of these contacts is in this book.
    pub fn knows_any_contact(&self, uids: &[String]) -> Result<bool> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT EXISTS (SELECT 1 FROM contacts WHERE uid = ?1)")?;
        for uid in uids {
            if stmt.query_row([uid], |r| r.get::<_, bool>(0))? {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// Rows refused at an earlier sync, to try again.
    pub fn sync_retry(&self) -> Result<Vec<(Table, String)>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT tbl, key FROM sync_retry")?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
        let mut out = Vec::new();
        for row in rows {
            let (t, k) = row?;
            if let Some(t) = Table::from_name(&t) {
                out.push((t, k));
            }
        }
        Ok(out)
    }

    /// Notes a file as it is now: this machine's own, written after the sync committed.
    pub fn sync_note_peer(&mut self, p: &Peer) -> Result<()> {
        let tx = self.begin_unjournaled()?;
        note_peer(&tx, p)?;
        tx.commit()?;
        Ok(())
    }
}

/// Notes a file as it was merged (or, for this machine's own, written).
fn note_peer(tx: &rusqlite::Transaction<'_>, p: &Peer) -> Result<()> {
    tx.execute(
        "INSERT INTO sync_peers (file, device, size, modified, hash, merged_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT (file) DO UPDATE SET device = excluded.device, size = excluded.size,
             modified = excluded.modified, hash = excluded.hash,
             merged_at = excluded.merged_at",
        params![p.file, p.device, p.size, p.modified, p.hash, p.merged_at],
    )?;
    Ok(())
}
