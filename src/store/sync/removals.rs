//! Rows the merge removes: a row's tombstone applied (a contact merged into another
//! moves what it had there first), and the duplicates a merge of two contacts' fields
//! leaves (one of each field, one birthday).

use rusqlite::{Transaction, params};

use super::keys::{Ids, localize};
use super::rows::Refused;
use crate::domain::replica::{Conflict, Table, split_tag_key};
use crate::store::Result;

/// Applies a row's tombstone: deletes it, and for a contact merged into another,
/// moves what it had there first. True when the book changed.
pub(super) fn gone(
    tx: &Transaction<'_>,
    ids: &mut Ids,
    table: Table,
    key: &str,
    merged_into: Option<&str>,
) -> std::result::Result<bool, Refused> {
    let n = match table {
        Table::Contacts => {
            let Some(id) = ids.get(tx, "contacts", key)? else {
                return Ok(false);
            };
            if let Some(target) = merged_into
                .map(|t| ids.get(tx, "contacts", t))
                .transpose()?
                && let Some(keep) = target.filter(|k| *k != id)
            {
                // What was logged here on the merged contact meanwhile moves along; a
                // referral between the two goes, as `merge --drop-referrals` does
                // (every machine drops it: see `sync::incoming`).
                tx.execute("SAVEPOINT merge_along", [])?;
                ids.dropped_referrals += tx.execute(
                    "DELETE FROM referrals
                     WHERE (person_id = ?1 AND (referrer_id = ?2 OR recipient_id = ?2))
                        OR (person_id = ?2 AND (referrer_id = ?1 OR recipient_id = ?1))",
                    params![keep, id],
                )?;
                match crate::store::contact_writes::move_rows(tx, keep, id) {
                    Ok(()) => tx.execute("RELEASE merge_along", [])?,
                    Err(_) => {
                        tx.execute_batch("ROLLBACK TO merge_along; RELEASE merge_along")?;
                        0
                    }
                };
            }
            // A touch logged here on a contact deleted there keeps the contact.
            let used: bool = tx.query_row(
                "SELECT EXISTS (SELECT 1 FROM interactions WHERE contact_id = ?1)
                     OR EXISTS (SELECT 1 FROM referrals
                                WHERE ?1 IN (person_id, referrer_id, recipient_id))",
                [id],
                |r| r.get(0),
            )?;
            if used {
                return Ok(false);
            }
            ids.forget("contacts", key);
            tx.execute("DELETE FROM contacts WHERE id = ?1", [id])?
        }
        Table::Tags => {
            let Some((uid, tag)) = split_tag_key(key) else {
                return Ok(false);
            };
            tx.execute(
                "DELETE FROM tags WHERE contact_id = (SELECT id FROM contacts WHERE uid = ?1)
                 AND tag = ?2 COLLATE NOCASE",
                params![uid, tag],
            )?
        }
        Table::Snoozes | Table::LetGo => match localize(tx, key)? {
            Some(local) => tx.execute(
                &format!("DELETE FROM {} WHERE key = ?1", table.name()),
                [local],
            )?,
            None => 0,
        },
        Table::Referrals => {
            ids.forget("referrals", key);
            tx.execute("DELETE FROM referrals WHERE uid = ?1", [key])?
        }
        Table::Fields | Table::Events | Table::Interactions => tx.execute(
            &format!("DELETE FROM {} WHERE uid = ?1", table.name()),
            [key],
        )?,
    };
    Ok(n > 0)
}

/// Keeps one field of each kind and value on a contact (the smallest uid: the same one
/// on every machine) and one birthday; returns how many fields went, and a conflict for
/// each birthday not kept.
pub(super) fn keep_one_of_each(
    tx: &Transaction<'_>,
    ids: &mut Ids,
    contact: &str,
) -> Result<(usize, Vec<Conflict>)> {
    let Some(id) = ids.get(tx, "contacts", contact)? else {
        return Ok((0, Vec::new()));
    };
    let mut removed = tx.execute(
        "DELETE FROM contact_fields WHERE contact_id = ?1 AND EXISTS (
             SELECT 1 FROM contact_fields k
             WHERE k.contact_id = contact_fields.contact_id AND k.kind = contact_fields.kind
               AND lower(k.value) = lower(contact_fields.value) AND k.uid < contact_fields.uid)",
        [id],
    )?;
    let birthdays: Vec<(String, String)> = tx
        .prepare_cached(
            "SELECT uid, value FROM contact_fields WHERE contact_id = ?1 AND kind = 'birthday'
             ORDER BY uid",
        )?
        .query_map([id], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut conflicts = Vec::new();
    if let Some(((_, kept), others)) = birthdays.split_first() {
        for (uid, other) in others {
            removed += tx.execute("DELETE FROM contact_fields WHERE uid = ?1", [uid])?;
            conflicts.push(Conflict {
                table: Table::Contacts,
                key: contact.to_string(),
                field: "birthday".into(),
                kept: Some(kept.clone()),
                other: Some(other.clone()),
            });
        }
    }
    Ok((removed, conflicts))
}
