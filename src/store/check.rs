//! `ties check`: integrity, foreign keys, the search indexes and the scoring cache, what
//! the findings mean for the user's data, and the repair in place of what is repairable.

use super::{LATEST_VERSION, Result, Store};

/// What `ties check` found.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckReport {
    pub schema_version: i64,
    /// `["ok"]` when healthy; otherwise SQLite's findings.
    pub integrity: Vec<String>,
    /// One line per foreign-key violation.
    pub foreign_keys: Vec<String>,
    /// The search indexes (FTS5 tables) that disagree with the rows they index.
    pub search_indexes: Vec<String>,
    /// Contacts whose packed history (what scoring reads, migration 008) disagrees with
    /// their interactions.
    pub stale_histories: Vec<i64>,
    pub counts: Vec<(&'static str, i64)>,
}

/// What a check's findings mean for the user's data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Damage {
    None,
    /// Only indexes, search indexes or rows pointing at nothing: every row that holds
    /// data is intact, and `repair` fixes it in place.
    Repairable,
    /// Pages holding rows are damaged: only a backup brings the book back.
    Pages,
    /// An older schema left by a read-only open: opening it writable upgrades it.
    OldSchema,
}

impl CheckReport {
    pub fn is_ok(&self) -> bool {
        self.damage() == Damage::None
    }

    pub fn damage(&self) -> Damage {
        let integrity_ok = self.integrity == ["ok"];
        if !integrity_ok && !self.integrity.iter().all(|l| is_index_problem(l)) {
            Damage::Pages
        } else if !integrity_ok
            || !self.foreign_keys.is_empty()
            || !self.search_indexes.is_empty()
            || !self.stale_histories.is_empty()
        {
            Damage::Repairable
        } else if self.schema_version < LATEST_VERSION {
            Damage::OldSchema
        } else {
            Damage::None
        }
    }

    /// The indexes `integrity_check` names, each once.
    pub fn damaged_indexes(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for line in &self.integrity {
            if let Some(name) = line
                .rsplit(" index ")
                .next()
                .filter(|_| is_index_problem(line))
            {
                let name = name.trim().to_string();
                if !out.contains(&name) {
                    out.push(name);
                }
            }
        }
        out
    }
}

/// An `integrity_check` finding about an index only (the rows themselves read fine):
/// "row 3 missing from index tags_tag", "wrong # of entries in index …", "non-unique
/// entry in index …".
fn is_index_problem(line: &str) -> bool {
    line.contains(" index ")
        && (line.contains("missing from index")
            || line.starts_with("wrong # of entries in index")
            || line.starts_with("non-unique entry in index"))
}

/// The search indexes: external-content FTS5 tables over `contacts` and `contact_fields`.
const SEARCH_INDEXES: [&str; 2] = ["contact_text", "field_text"];

/// What `repair` did.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RepairReport {
    pub reindexed: bool,
    pub search_rebuilt: Vec<String>,
    /// Rows removed because they pointed at a row that no longer exists: (table, count).
    pub orphans_removed: Vec<(String, usize)>,
    /// Contacts whose packed history was out of step (all are packed again).
    pub histories_repacked: usize,
}

impl Store {
    /// `integrity_check`, `foreign_key_check`, the schema version and the row counts.
    pub fn check(&self) -> Result<CheckReport> {
        let mut stmt = self.conn.prepare("PRAGMA integrity_check")?;
        let integrity: Vec<String> = stmt
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        let mut stmt = self.conn.prepare("PRAGMA foreign_key_check")?;
        let foreign_keys: Vec<String> = stmt
            .query_map([], |r| {
                let table: String = r.get(0)?;
                let rowid: Option<i64> = r.get(1)?;
                let parent: String = r.get(2)?;
                Ok((table, rowid, parent))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?
            .into_iter()
            // The packed histories are derived: their state is `stale_histories`.
            .filter(|(table, _, _)| table != "scoring_history")
            .map(|(table, rowid, parent)| {
                format!(
                    "{table} row {} points to a missing {parent} row",
                    rowid.unwrap_or(-1)
                )
            })
            .collect();
        let mut search_indexes = Vec::new();
        if integrity == ["ok"] {
            for t in SEARCH_INDEXES {
                // rank 1: compare the index with the content table, not only itself.
                let sql = format!("INSERT INTO {t} ({t}, rank) VALUES ('integrity-check', 1)");
                match self.conn.execute(&sql, []) {
                    Ok(_) => {}
                    Err(e)
                        if e.sqlite_error_code() == Some(rusqlite::ErrorCode::DatabaseCorrupt) =>
                    {
                        search_indexes.push(t.to_string());
                    }
                    // A read-only open cannot run the check: it is not a finding.
                    Err(e) if e.sqlite_error_code() == Some(rusqlite::ErrorCode::ReadOnly) => {}
                    Err(e) => return Err(e.into()),
                }
            }
        }
        let stale_histories = if integrity == ["ok"] && self.schema_version()? >= 8 {
            // The table, the marks and the packed rows read as one state of the file.
            let _snapshot = super::packed::Snapshot::begin(&self.conn)?;
            super::packed::stale(&self.conn, &self.lean_interactions_from_table()?)?
        } else {
            Vec::new()
        };
        Ok(CheckReport {
            schema_version: self.schema_version()?,
            integrity,
            foreign_keys,
            search_indexes,
            stale_histories,
            counts: self.row_counts()?,
        })
    }

    /// Fixes what [`Damage::Repairable`] covers, in one transaction: rebuilds every index
    /// and both search indexes, and removes rows that point at a row that no longer
    /// exists (repeatedly, since removing one can orphan another). The caller backs the
    /// file up first; the undo journal does not record a repair.
    pub fn repair(&mut self) -> Result<RepairReport> {
        let mut report = RepairReport::default();
        let before = self.check()?;
        let tx = self.begin_unjournaled()?;
        loop {
            let mut removed_any = false;
            for table in super::BOOK_TABLES {
                let fks: Vec<(String, String, String)> = {
                    let mut stmt = tx.prepare(&format!("PRAGMA foreign_key_list({table})"))?;
                    stmt.query_map([], |r| Ok((r.get(2)?, r.get(3)?, r.get(4)?)))?
                        .collect::<rusqlite::Result<_>>()?
                };
                for (parent, from, to) in fks {
                    let n = tx.execute(
                        &format!(
                            "DELETE FROM {table} WHERE {from} IS NOT NULL
                             AND {from} NOT IN (SELECT {to} FROM {parent})"
                        ),
                        [],
                    )?;
                    if n > 0 {
                        removed_any = true;
                        match report.orphans_removed.iter_mut().find(|(t, _)| t == table) {
                            Some((_, count)) => *count += n,
                            None => report.orphans_removed.push((table.to_string(), n)),
                        }
                    }
                }
            }
            if !removed_any {
                break;
            }
        }
        tx.execute_batch("REINDEX")?;
        report.reindexed = true;
        // The packed histories are derived: pack every one again (at commit).
        tx.execute_batch(
            "DELETE FROM scoring_history;
             INSERT OR IGNORE INTO scoring_dirty (contact_id) SELECT contact_id FROM interactions;",
        )?;
        report.histories_repacked = before.stale_histories.len();
        for t in SEARCH_INDEXES {
            tx.execute(&format!("INSERT INTO {t} ({t}) VALUES ('rebuild')"), [])?;
            if before.search_indexes.iter().any(|s| s == t) {
                report.search_rebuilt.push(t.to_string());
            }
        }
        tx.commit()?;
        Ok(report)
    }
}
