//! What a synced row's keys and references are here: review keys between their local
//! form (`ask:c12`) and the exchanged one (`ask:c=UID`), and the local ids of the uids a
//! sync names.

use std::collections::HashMap;

use rusqlite::{OptionalExtension, Transaction};

use crate::domain::replica::{global_review_key, split_global_review_key, split_review_key};
use crate::store::Result;

const REVIEW_TABLES: [(char, &str); 3] =
    [('c', "contacts"), ('r', "referrals"), ('i', "interactions")];

/// A local review key (`ask:c12`) in its exchanged form (`ask:c=UID`); `None` when the
/// row it is about has no uid here.
pub(super) fn globalize(tx: &Transaction<'_>, key: &str) -> Result<Option<String>> {
    let Some((kind, letter, id, tail)) = split_review_key(key) else {
        return Ok(None);
    };
    let Some((_, table)) = REVIEW_TABLES.iter().find(|(l, _)| *l == letter) else {
        return Ok(None);
    };
    let uid: Option<String> = tx
        .query_row(
            &format!("SELECT uid FROM {table} WHERE id = ?1"),
            [id],
            |r| r.get(0),
        )
        .optional()?
        .flatten();
    Ok(uid.map(|u| global_review_key(kind, letter, &u, tail)))
}

/// An exchanged review key back in its local form; `None` when the row is not here.
pub(super) fn localize(tx: &Transaction<'_>, key: &str) -> Result<Option<String>> {
    let Some((kind, letter, uid, tail)) = split_global_review_key(key) else {
        return Ok(None);
    };
    let Some((_, table)) = REVIEW_TABLES.iter().find(|(l, _)| *l == letter) else {
        return Ok(None);
    };
    let id = id_of(tx, table, uid)?;
    Ok(id.map(|id| format!("{kind}:{letter}{id}{tail}")))
}

/// Local ids of the contacts and referrals a sync names, looked up once each. A row
/// deleted by the sync leaves it ([`Ids::forget`]).
#[derive(Default)]
pub(super) struct Ids {
    known: HashMap<(&'static str, String), i64>,
    /// Referrals between two contacts a merge joined, dropped along the way.
    pub(super) dropped_referrals: usize,
}

impl Ids {
    pub(super) fn get(
        &mut self,
        tx: &Transaction<'_>,
        table: &'static str,
        uid: &str,
    ) -> Result<Option<i64>> {
        if let Some(id) = self.known.get(&(table, uid.to_string())) {
            return Ok(Some(*id));
        }
        let id = id_of(tx, table, uid)?;
        if let Some(id) = id {
            self.known.insert((table, uid.to_string()), id);
        }
        Ok(id)
    }

    pub(super) fn forget(&mut self, table: &'static str, uid: &str) {
        self.known.remove(&(table, uid.to_string()));
    }
}

pub(super) fn id_of(tx: &Transaction<'_>, table: &str, uid: &str) -> Result<Option<i64>> {
    let sql = match table {
        "contacts" => "SELECT id FROM contacts WHERE uid = ?1",
        "referrals" => "SELECT id FROM referrals WHERE uid = ?1",
        _ => "SELECT id FROM interactions WHERE uid = ?1",
    };
    Ok(tx
        .prepare_cached(sql)?
        .query_row([uid], |r| r.get(0))
        .optional()?)
}
