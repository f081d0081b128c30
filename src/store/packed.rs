//! Packed histories (migration 008): each contact's interactions as scoring reads them,
//! kept in one `scoring_history` row, so that scoring everyone reads one row per contact
//! instead of one per interaction.
//!
//! The packed copy is derived, never the record. Triggers mark a contact in
//! `scoring_dirty` whenever one of its interactions changes; [`flush`] packs the marked
//! contacts again before every write commits; and [`for_each`] reads a marked contact,
//! or one whose row does not decode, from `interactions` itself. A stale packed row is
//! therefore never read, whoever wrote the table and however.
//!
//! The format is [`crate::domain::histories`]'s: a book holds its histories in the
//! same bytes, so [`histories`] loads them without unpacking.

use rusqlite::Connection;

use super::Result;
pub(super) use crate::domain::histories::Labels;
use crate::domain::histories::{Histories, decode, encode};
use crate::domain::interaction::Interaction;

/// The columns scoring reads: a label only where a reason quotes it.
pub(super) const LEAN: &str = "id, contact_id, occurred_on, kind, direction, \
     CASE WHEN kind IN ('job', 'praise', 'complaint') THEN label END, referral_id";

/// One contact's interactions read from the table, oldest first, as scoring reads them.
fn read_rows(
    conn: &Connection,
    contact_id: i64,
    labels: &mut Labels,
    out: &mut Vec<Interaction>,
) -> Result<()> {
    out.clear();
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {LEAN} FROM interactions WHERE contact_id = ?1 ORDER BY occurred_on, id"
    ))?;
    let mut rows = stmt.query([contact_id])?;
    while let Some(r) = rows.next()? {
        out.push(super::interactions::lean_from_row(r, labels)?);
    }
    // SQL sorts the date's text; a date written by hand with a space in front parses
    // the same but sorts apart. The packed format needs the dates' own order.
    if !out.is_sorted_by_key(|i| (i.occurred_on, i.id)) {
        out.sort_by_key(|i| (i.occurred_on, i.id));
    }
    Ok(())
}

/// A read of several statements that must see one state of the file: a savepoint
/// (nested inside a transaction when there is one) released when dropped, on an error
/// or a panic too.
pub(super) struct Snapshot<'c>(&'c Connection);

impl<'c> Snapshot<'c> {
    pub(super) fn begin(conn: &'c Connection) -> Result<Snapshot<'c>> {
        conn.execute_batch("SAVEPOINT read_snapshot")?;
        Ok(Snapshot(conn))
    }
}

impl Drop for Snapshot<'_> {
    fn drop(&mut self) {
        // Nothing was written under it: releasing can only fail if SQLite already
        // rolled the transaction back, and then there is nothing left to release.
        let _ = self.0.execute_batch("RELEASE read_snapshot");
    }
}

/// One contact's history as scoring reads it, from the table.
pub(super) fn history_of(conn: &Connection, contact_id: i64) -> Result<Vec<Interaction>> {
    let mut out = Vec::new();
    read_rows(conn, contact_id, &mut Labels::default(), &mut out)?;
    Ok(out)
}

/// Packs every marked contact's history again and clears the marks: called inside each
/// write transaction, just before it commits.
pub(super) fn flush(conn: &Connection) -> Result<()> {
    let marked = marked(conn)?;
    if marked.is_empty() {
        return Ok(());
    }
    let mut labels = Labels::default();
    let mut rows = Vec::new();
    // Interactions whose contact is gone (written with foreign keys off) pack nothing:
    // `ties check` reports them, and `--repair` removes them.
    let mut put = conn.prepare_cached(
        "INSERT INTO scoring_history (contact_id, history)
             SELECT ?1, ?2 WHERE EXISTS (SELECT 1 FROM contacts WHERE id = ?1)
         ON CONFLICT (contact_id) DO UPDATE SET history = excluded.history",
    )?;
    let mut gone = conn.prepare_cached("DELETE FROM scoring_history WHERE contact_id = ?1")?;
    for id in marked {
        read_rows(conn, id, &mut labels, &mut rows)?;
        if rows.is_empty() {
            gone.execute([id])?;
        } else {
            put.execute(rusqlite::params![id, encode(&rows)])?;
        }
    }
    conn.execute("DELETE FROM scoring_dirty", [])?;
    Ok(())
}

/// The contacts marked for packing again, in id order.
fn marked(conn: &Connection) -> Result<Vec<i64>> {
    let mut stmt =
        conn.prepare_cached("SELECT contact_id FROM scoring_dirty ORDER BY contact_id")?;
    Ok(stmt
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?)
}

/// Every contact's history as scoring reads it, in contact id order; contacts without
/// interactions are skipped. `f` gets the contact id and the history, oldest first (the
/// vector is reused: take what you keep). One read transaction, so the packed rows and
/// the marks agree.
pub(super) fn for_each(
    conn: &Connection,
    mut f: impl FnMut(i64, &mut Vec<Interaction>),
) -> Result<()> {
    let _snapshot = Snapshot::begin(conn)?;
    (|| -> Result<()> {
        let marked = marked(conn)?;
        let mut labels = Labels::default();
        let mut buf = Vec::new();
        let mut marked = marked.into_iter().peekable();
        let from_rows = |id: i64,
                         labels: &mut Labels,
                         buf: &mut Vec<Interaction>,
                         f: &mut dyn FnMut(i64, &mut Vec<Interaction>)| {
            read_rows(conn, id, labels, buf).map(|()| {
                if !buf.is_empty() {
                    f(id, buf);
                }
            })
        };
        let mut stmt = conn.prepare_cached(
            "SELECT contact_id, history FROM scoring_history ORDER BY contact_id",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let id: i64 = r.get(0)?;
            while let Some(m) = marked.next_if(|&m| m < id) {
                from_rows(m, &mut labels, &mut buf, &mut f)?;
            }
            if marked.next_if_eq(&id).is_some() {
                from_rows(id, &mut labels, &mut buf, &mut f)?;
                continue;
            }
            let bytes = r.get_ref(1)?.as_blob_or_null().ok().flatten();
            if bytes
                .and_then(|b| decode(id, b, &mut |t| labels.get(t), &mut buf))
                .is_some()
            {
                if !buf.is_empty() {
                    f(id, &mut buf);
                }
            } else {
                from_rows(id, &mut labels, &mut buf, &mut f)?;
            }
        }
        for m in marked {
            from_rows(m, &mut labels, &mut buf, &mut f)?;
        }
        Ok(())
    })()
}

/// Every contact's history as scoring reads it, kept packed: the bytes of
/// `scoring_history` as they are (each checked to decode), and the marked contacts or
/// undecodable rows read from the table and packed again. One read transaction.
pub(super) fn histories(conn: &Connection) -> Result<Histories> {
    let _snapshot = Snapshot::begin(conn)?;
    let mut marked: std::collections::HashSet<i64> = marked(conn)?.into_iter().collect();
    let mut out = Histories::default();
    let mut labels = Labels::default();
    let mut buf = Vec::new();
    let mut from_rows = |id: i64, out: &mut Histories, buf: &mut Vec<Interaction>| {
        read_rows(conn, id, &mut labels, buf).map(|()| out.put_compact(id, buf))
    };
    let mut stmt = conn.prepare_cached("SELECT contact_id, history FROM scoring_history")?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let id: i64 = r.get(0)?;
        let bytes = r.get_ref(1)?.as_blob_or_null().ok().flatten();
        // A marked contact is read from the table here, once.
        let packed = !marked.remove(&id) && bytes.is_some_and(|b| out.put_packed(id, b, &mut buf));
        if !packed {
            from_rows(id, &mut out, &mut buf)?;
        }
    }
    // The marked contacts without a packed row yet.
    for id in marked {
        from_rows(id, &mut out, &mut buf)?;
    }
    Ok(out)
}

/// The contacts whose packed history disagrees with `table` (every contact's history
/// read from `interactions`, as [`LEAN`] reads it): a packed row that does not decode,
/// differs, or has no interactions behind it, and a history with no packed row. Marked
/// contacts are read from the table anyway and are never stale.
pub(super) fn stale(
    conn: &Connection,
    table: &std::collections::HashMap<i64, Vec<Interaction>>,
) -> Result<Vec<i64>> {
    let contacts: std::collections::HashSet<i64> = {
        let mut stmt = conn.prepare("SELECT id FROM contacts")?;
        stmt.query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?
    };
    let marked: std::collections::HashSet<i64> = marked(conn)?.into_iter().collect();
    let mut labels = Labels::default();
    let mut buf = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::new();
    let mut stmt = conn.prepare("SELECT contact_id, history FROM scoring_history")?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let id: i64 = r.get(0)?;
        seen.insert(id);
        if marked.contains(&id) {
            continue;
        }
        let bytes = r.get_ref(1)?.as_blob_or_null().ok().flatten();
        let same = bytes
            .and_then(|b| decode(id, b, &mut |t| labels.get(t), &mut buf))
            .is_some()
            && table.get(&id).is_some_and(|t| *t == buf);
        if !same {
            out.push(id);
        }
    }
    // Interactions of a contact that is gone are the foreign-key check's finding.
    out.extend(
        table
            .keys()
            .filter(|id| !seen.contains(id) && !marked.contains(id) && contacts.contains(id)),
    );
    out.sort_unstable();
    Ok(out)
}
