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
//! The format, after a version byte: per interaction, oldest first (by date, then id),
//! one byte of kind (low four bits), direction (two bits: none, in, out, both), "has a
//! referral" and "has a label"; then the day as a varint (the first: zigzag days since
//! 1970-01-01; the next: days after the previous one), the id (zigzag, after the previous
//! one), the referral id, and the label (length, then UTF-8). About five bytes an
//! interaction.

use std::sync::Arc;

use chrono::NaiveDate;
use rusqlite::Connection;

use super::Result;
use crate::domain::interaction::{Direction, Interaction, InteractionKind};

const VERSION: u8 = 1;

// A kind is stored in four bits.
const _: () = assert!(InteractionKind::ALL.len() <= 16);

/// The columns scoring reads: a label only where a reason quotes it.
pub(super) const LEAN: &str = "id, contact_id, occurred_on, kind, direction, \
     CASE WHEN kind IN ('job', 'praise', 'complaint') THEN label END, referral_id";

/// 1970-01-01, from which days are counted.
fn epoch() -> NaiveDate {
    NaiveDate::default()
}

fn day_number(d: NaiveDate) -> i64 {
    (d - epoch()).num_days()
}

fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn zigzag(v: i64) -> u64 {
    ((v << 1) ^ (v >> 63)) as u64
}

fn unzigzag(v: u64) -> i64 {
    ((v >> 1) as i64) ^ -((v & 1) as i64)
}

/// One contact's interactions (oldest first, as [`LEAN`] reads them), packed.
pub(super) fn encode(history: &[Interaction]) -> Vec<u8> {
    let mut out = Vec::with_capacity(1 + history.len() * 6);
    out.push(VERSION);
    let (mut day, mut id) = (0i64, 0i64);
    for (n, i) in history.iter().enumerate() {
        let kind = InteractionKind::ALL
            .iter()
            .position(|k| *k == i.kind)
            .unwrap_or(0) as u8;
        let dir = match i.direction {
            None => 0,
            Some(Direction::In) => 1,
            Some(Direction::Out) => 2,
            Some(Direction::Both) => 3,
        };
        let has_ref = u8::from(i.referral_id.is_some());
        let has_label = u8::from(i.label.is_some());
        out.push(kind | dir << 4 | has_ref << 6 | has_label << 7);
        let d = day_number(i.occurred_on);
        if n == 0 {
            put_varint(&mut out, zigzag(d));
        } else {
            put_varint(&mut out, (d - day) as u64);
        }
        put_varint(&mut out, zigzag(i.id.wrapping_sub(id)));
        if let Some(r) = i.referral_id {
            put_varint(&mut out, zigzag(r));
        }
        if let Some(l) = &i.label {
            put_varint(&mut out, l.len() as u64);
            out.extend_from_slice(l.as_bytes());
        }
        (day, id) = (d, i.id);
    }
    out
}

/// Reads bytes, failing on anything short or malformed.
struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn byte(&mut self) -> Option<u8> {
        let (&b, rest) = self.0.split_first()?;
        self.0 = rest;
        Some(b)
    }

    fn varint(&mut self) -> Option<u64> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.byte()?;
            v |= u64::from(b & 0x7f) << shift;
            if b < 0x80 {
                return Some(v);
            }
        }
        None
    }

    fn bytes(&mut self, n: usize) -> Option<&'a [u8]> {
        (n <= self.0.len()).then(|| {
            let (head, rest) = self.0.split_at(n);
            self.0 = rest;
            head
        })
    }
}

/// Unpacks a contact's history into `out` (cleared first). `None` when the bytes are not
/// a history this build wrote: the caller reads the contact's rows instead.
pub(super) fn decode(
    contact_id: i64,
    bytes: &[u8],
    labels: &mut Labels,
    out: &mut Vec<Interaction>,
) -> Option<()> {
    out.clear();
    let mut r = Reader(bytes);
    if r.byte()? != VERSION {
        return None;
    }
    let (mut day, mut id) = (0i64, 0i64);
    while !r.0.is_empty() {
        let head = r.byte()?;
        let kind = *InteractionKind::ALL.get(usize::from(head & 0x0f))?;
        let direction = match (head >> 4) & 3 {
            0 => None,
            1 => Some(Direction::In),
            2 => Some(Direction::Out),
            _ => Some(Direction::Both),
        };
        let step = r.varint()?;
        day = if out.is_empty() {
            unzigzag(step)
        } else {
            day.checked_add(i64::try_from(step).ok()?)?
        };
        id = id.wrapping_add(unzigzag(r.varint()?));
        let referral_id = if head & 0x40 != 0 {
            Some(unzigzag(r.varint()?))
        } else {
            None
        };
        let label = if head & 0x80 != 0 {
            let n = usize::try_from(r.varint()?).ok()?;
            Some(labels.get(std::str::from_utf8(r.bytes(n)?).ok()?))
        } else {
            None
        };
        let occurred_on = epoch().checked_add_signed(chrono::TimeDelta::try_days(day)?)?;
        out.push(Interaction {
            id,
            contact_id,
            occurred_on,
            kind,
            direction,
            referral_id,
            label,
            extra: None,
        });
    }
    Some(())
}

/// Labels shared across one load: a book repeats a few labels many times.
#[derive(Default)]
pub(super) struct Labels(std::collections::HashSet<Arc<str>>);

impl Labels {
    pub(super) fn get(&mut self, text: &str) -> Arc<str> {
        if let Some(l) = self.0.get(text) {
            return l.clone();
        }
        let l: Arc<str> = text.into();
        self.0.insert(l.clone());
        l
    }
}

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
    let marked: Vec<i64> = {
        let mut stmt = conn.prepare_cached("SELECT contact_id FROM scoring_dirty")?;
        stmt.query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?
    };
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
        let marked: Vec<i64> = {
            let mut stmt =
                conn.prepare_cached("SELECT contact_id FROM scoring_dirty ORDER BY contact_id")?;
            stmt.query_map([], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?
        };
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
                .and_then(|b| decode(id, b, &mut labels, &mut buf))
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
    let marked: std::collections::HashSet<i64> = {
        let mut stmt = conn.prepare("SELECT contact_id FROM scoring_dirty")?;
        stmt.query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?
    };
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
            .and_then(|b| decode(id, b, &mut labels, &mut buf))
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

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn interaction(
        id: i64,
        day: i64,
        kind: usize,
        dir: u8,
        r: Option<i64>,
        l: Option<&str>,
    ) -> Interaction {
        Interaction {
            id,
            contact_id: 7,
            occurred_on: epoch() + chrono::TimeDelta::days(day),
            kind: InteractionKind::ALL[kind],
            direction: [
                None,
                Some(Direction::In),
                Some(Direction::Out),
                Some(Direction::Both),
            ][usize::from(dir)],
            referral_id: r,
            label: l.map(Arc::from),
            extra: None,
        }
    }

    /// The kinds' codes are stored: a new kind goes at the end of the list.
    #[test]
    fn kind_codes_are_stable() {
        let words: Vec<&str> = InteractionKind::ALL.iter().map(|k| k.as_str()).collect();
        assert_eq!(
            words,
            [
                "meeting",
                "call",
                "message",
                "job",
                "praise",
                "gift",
                "extra",
                "thanks",
                "update",
                "ask",
                "complaint"
            ]
        );
    }

    #[test]
    fn malformed_bytes_are_refused() {
        let good = encode(&[interaction(1, 20_000, 3, 0, Some(4), Some("Café"))]);
        let mut out = Vec::new();
        let mut labels = Labels::default();
        assert!(decode(7, &good, &mut labels, &mut out).is_some());
        // The version byte alone is an empty history; any other cut is refused.
        assert!(decode(7, &good[..1], &mut labels, &mut out).is_some() && out.is_empty());
        for cut in (0..good.len()).filter(|&c| c != 1) {
            assert!(
                decode(7, &good[..cut], &mut labels, &mut out).is_none(),
                "{cut}"
            );
        }
        assert!(decode(7, &[2, 0, 0, 0], &mut labels, &mut out).is_none());
        assert!(decode(7, &[VERSION, 0x0f, 0, 0], &mut labels, &mut out).is_none());
    }

    proptest! {
        #[test]
        fn a_packed_history_unpacks_to_itself(
            raw in proptest::collection::vec(
                (1i64..i64::MAX / 2, -40_000i64..40_000, 0usize..11, 0u8..4,
                 proptest::option::of(1i64..1 << 40), proptest::option::of("\\PC{0,12}")),
                0..40,
            )
        ) {
            let mut history: Vec<Interaction> = raw
                .iter()
                .map(|(id, day, k, d, r, l)| interaction(*id, *day, *k, *d, *r, l.as_deref()))
                .collect();
            history.sort_by_key(|i| (i.occurred_on, i.id));
            let mut out = Vec::new();
            prop_assert!(decode(7, &encode(&history), &mut Labels::default(), &mut out).is_some());
            prop_assert_eq!(out, history);
        }

        #[test]
        fn any_bytes_decode_or_refuse_without_panicking(bytes in proptest::collection::vec(any::<u8>(), 0..64)) {
            let _ = decode(7, &bytes, &mut Labels::default(), &mut Vec::new());
        }
    }
}
