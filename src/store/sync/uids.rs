//! Uids for rows that had none: name-based ones for the rows a book held before
//! migration 010 (the same in every copy of one database), and for rows named by what
//! they are (an introduction's Message-ID).

use rusqlite::types::ValueRef;
use rusqlite::{Transaction, params};

use crate::store::Result;

/// Whether every row has its uid (see [`fill_uids`]).
pub(in crate::store) fn uids_filled(conn: &rusqlite::Connection) -> Result<bool> {
    Ok(conn.query_row("SELECT uids_filled = 1 FROM sync_meta", [], |r| r.get(0))?)
}

/// Gives every row that has no uid yet (rows from before migration 010) a name-based
/// one, derived from the row's own content and local id: two copies of one database
/// give a row they share the same uid, and rows written apart (which differ) different
/// ones. Runs once, in the transaction that opens the upgraded book.
pub(in crate::store) fn fill_uids(tx: &Transaction<'_>) -> Result<()> {
    let filled: i64 = tx.query_row("SELECT uids_filled FROM sync_meta", [], |r| r.get(0))?;
    if filled == 1 {
        return Ok(());
    }
    // Referrals first: an event's uid is derived from its referral's.
    const FILLS: [(&str, &str); 4] = [
        (
            "referrals",
            "SELECT r.id, 'referral', p.uid, r.id, rr.uid, rc.uid, r.referred_on
             FROM referrals r JOIN contacts p ON p.id = r.person_id
             LEFT JOIN contacts rr ON rr.id = r.referrer_id
             LEFT JOIN contacts rc ON rc.id = r.recipient_id WHERE r.uid IS NULL",
        ),
        (
            "referral_events",
            "SELECT e.id, 'event', r.uid, e.id, e.status, e.occurred_on
             FROM referral_events e JOIN referrals r ON r.id = e.referral_id WHERE e.uid IS NULL",
        ),
        (
            "contact_fields",
            "SELECT f.id, 'field', c.uid, f.id, f.kind
             FROM contact_fields f JOIN contacts c ON c.id = f.contact_id WHERE f.uid IS NULL",
        ),
        (
            "interactions",
            "SELECT i.id, 'interaction', c.uid, i.id, i.occurred_on, i.kind, i.direction, i.label,
                    i.note, i.channel, i.reward, i.amount
             FROM interactions i JOIN contacts c ON c.id = i.contact_id WHERE i.uid IS NULL",
        ),
    ];
    for (table, select) in FILLS {
        let mut read = tx.prepare(select)?;
        let mut set = tx.prepare(&format!("UPDATE {table} SET uid = ?1 WHERE id = ?2"))?;
        let mut rows = read.query([])?;
        let n = rows.as_ref().map_or(0, |s| s.column_count());
        while let Some(r) = rows.next()? {
            let id: i64 = r.get(0)?;
            let mut name = String::new();
            for i in 1..n {
                match r.get_ref(i)? {
                    ValueRef::Null => name.push('\u{0}'),
                    ValueRef::Integer(v) => name.push_str(&v.to_string()),
                    ValueRef::Real(v) => name.push_str(&v.to_string()),
                    ValueRef::Text(t) | ValueRef::Blob(t) => {
                        name.push_str(&String::from_utf8_lossy(t))
                    }
                }
                name.push('\u{1f}');
            }
            let uid = uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_OID, name.as_bytes());
            set.execute(params![hex24(uid.as_bytes()), id])?;
        }
    }
    tx.execute("UPDATE sync_meta SET uids_filled = 1", [])?;
    Ok(())
}

/// A uid named by what a row is (a mail's Message-ID, say): the same on every machine
/// that makes the row from the same thing.
pub(in crate::store) fn name_uid(parts: &[&str]) -> String {
    let name = parts.join("\u{1f}");
    hex24(uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_OID, name.as_bytes()).as_bytes())
}

/// The first 12 bytes as 24 lowercase hex digits: the form of every uid the database
/// makes (`lower(hex(randomblob(12)))`).
fn hex24(bytes: &[u8]) -> String {
    bytes.iter().take(12).map(|b| format!("{b:02x}")).collect()
}
