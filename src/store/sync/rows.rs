//! Synced rows read from and written to their tables: references as uids, review
//! keys in their exchanged form, and the book's own rules deciding what is refused.

use rusqlite::types::ValueRef;
use std::sync::OnceLock;

use rusqlite::{OptionalExtension, Transaction, params};

use crate::domain::replica::{Change, Column, Row, Table, Value, split_tag_key};
use crate::store::{Result, StoreError};

use super::keys::{Ids, globalize, localize};

/// Each table's rows as uid-keyed rows: the key, then the columns in
/// [`Table::columns`] order. `{where}` narrows it to one row.
fn select(table: Table) -> &'static str {
    match table {
        Table::Contacts => {
            "SELECT c.uid, c.name, c.company, c.title, c.circle, c.how_met, c.notes, c.cadence_days,
                    c.do_not_ask, c.closeness, c.vcard_extra, c.created_on, c.archived_on
             FROM contacts c WHERE {where}"
        }
        Table::Fields => {
            "SELECT f.uid, c.uid, f.kind, f.label, f.value, f.position
             FROM contact_fields f JOIN contacts c ON c.id = f.contact_id
             WHERE f.uid IS NOT NULL AND {where}"
        }
        Table::Tags => {
            "SELECT c.uid || char(31) || lower(t.tag), c.uid, t.tag
             FROM tags t JOIN contacts c ON c.id = t.contact_id WHERE {where}"
        }
        Table::Referrals => {
            "SELECT r.uid, rr.uid, p.uid, rc.uid, r.quality, r.status, r.referred_on, r.value,
                    r.reason, r.note, r.message_id, r.won_value
             FROM referrals r JOIN contacts p ON p.id = r.person_id
             LEFT JOIN contacts rr ON rr.id = r.referrer_id
             LEFT JOIN contacts rc ON rc.id = r.recipient_id
             WHERE r.uid IS NOT NULL AND {where}"
        }
        Table::Events => {
            "SELECT e.uid, r.uid, e.status, e.occurred_on
             FROM referral_events e JOIN referrals r ON r.id = e.referral_id
             WHERE e.uid IS NOT NULL AND r.uid IS NOT NULL AND {where}"
        }
        Table::Interactions => {
            "SELECT i.uid, c.uid, i.occurred_on, i.kind, i.direction, i.label, i.note, r.uid,
                    i.channel, i.reward, i.amount
             FROM interactions i JOIN contacts c ON c.id = i.contact_id
             LEFT JOIN referrals r ON r.id = i.referral_id
             WHERE i.uid IS NOT NULL AND {where}"
        }
        Table::Snoozes => "SELECT s.key, s.until FROM snoozes s WHERE {where}",
        Table::LetGo => "SELECT s.key, s.due FROM let_go s WHERE {where}",
    }
}

/// The condition that picks one row by its key.
fn by_key(table: Table) -> &'static str {
    match table {
        Table::Contacts => "c.uid = ?1",
        Table::Fields => "f.uid = ?1",
        Table::Tags => {
            "t.contact_id = (SELECT id FROM contacts WHERE uid = ?2) AND t.tag = ?3 COLLATE NOCASE"
        }
        Table::Referrals => "r.uid = ?1",
        Table::Events => "e.uid = ?1",
        Table::Interactions => "i.uid = ?1",
        Table::Snoozes | Table::LetGo => "s.key = ?1",
    }
}

fn value_of(v: ValueRef<'_>) -> Value {
    match v {
        ValueRef::Null => Value::Null,
        ValueRef::Integer(n) => Value::Int(n),
        ValueRef::Real(x) => Value::Real(x),
        ValueRef::Text(t) => Value::Text(String::from_utf8_lossy(t).into_owned()),
        // No synced column holds a blob.
        ValueRef::Blob(_) => Value::Null,
    }
}

fn sql_value(v: &Value) -> rusqlite::types::Value {
    use rusqlite::types::Value as V;
    match v {
        Value::Null => V::Null,
        Value::Int(n) => V::Integer(*n),
        Value::Real(x) => V::Real(*x),
        Value::Text(s) => V::Text(s.clone()),
    }
}

/// Rows of a table as the exchange names them (review keys made global); one row when
/// `key` is given (the exchanged key for snoozes and let-gos is translated first).
pub(super) fn read_rows(tx: &Transaction<'_>, table: Table, key: Option<&str>) -> Result<Vec<Row>> {
    static ONE: OnceLock<Vec<String>> = OnceLock::new();
    static ALL: OnceLock<Vec<String>> = OnceLock::new();
    let sql = |one: bool| {
        Table::ALL
            .iter()
            .map(|t| select(*t).replace("{where}", if one { by_key(*t) } else { "1" }))
            .collect::<Vec<_>>()
    };
    let sql = match key {
        Some(_) => &ONE.get_or_init(|| sql(true))[index(table)],
        None => &ALL.get_or_init(|| sql(false))[index(table)],
    };
    let mut stmt = tx.prepare_cached(sql)?;
    let n = table.columns().len();
    let mut out = Vec::new();
    let mut push = |r: &rusqlite::Row<'_>| -> rusqlite::Result<()> {
        let key: String = r.get(0)?;
        let values = (1..=n)
            .map(|i| r.get_ref(i).map(value_of))
            .collect::<rusqlite::Result<Vec<_>>>()?;
        out.push(Row { key, values });
        Ok(())
    };
    match (table, key) {
        (Table::Tags, Some(k)) => {
            let Some((uid, tag)) = split_tag_key(k) else {
                return Ok(Vec::new());
            };
            let mut rows = stmt.query(params![k, uid, tag])?;
            while let Some(r) = rows.next()? {
                push(r)?;
            }
        }
        (_, Some(k)) => {
            let mut rows = stmt.query([k])?;
            while let Some(r) = rows.next()? {
                push(r)?;
            }
        }
        (_, None) => {
            let mut rows = stmt.query([])?;
            while let Some(r) = rows.next()? {
                push(r)?;
            }
        }
    }
    drop(stmt);
    if matches!(table, Table::Snoozes | Table::LetGo) {
        // A key about a row that is gone (or not yet given a uid) cannot travel.
        out = out
            .into_iter()
            .filter_map(|mut row| {
                globalize(tx, &row.key).ok().flatten().map(|g| {
                    row.key = g;
                    row
                })
            })
            .collect();
    }
    Ok(out)
}

/// One row named by the change log (its local key for snoozes and let-gos): there, or gone.
pub(super) fn read_change(tx: &Transaction<'_>, table: Table, key: &str) -> Result<Option<Change>> {
    let mut rows = read_rows(tx, table, Some(key))?;
    if let Some(row) = rows.pop() {
        return Ok(Some(Change::Put(row)));
    }
    let key = match table {
        Table::Snoozes | Table::LetGo => match globalize(tx, key)? {
            Some(g) => g,
            None => return Ok(None),
        },
        _ => key.to_string(),
    };
    let merged_into = if table == Table::Contacts {
        merged_target(tx, &key)?
    } else {
        None
    };
    Ok(Some(Change::Gone { key, merged_into }))
}

/// The uid a merged contact lives on as, following merges of merges.
fn merged_target(tx: &Transaction<'_>, uid: &str) -> Result<Option<String>> {
    let mut stmt = tx.prepare_cached("SELECT into_uid FROM sync_merged WHERE uid = ?1")?;
    let mut target: Option<String> = None;
    let mut at = uid.to_string();
    for _ in 0..32 {
        match stmt
            .query_row([&at], |r| r.get::<_, String>(0))
            .optional()?
        {
            Some(next) if next != uid => {
                at = next.clone();
                target = Some(next);
            }
            _ => break,
        }
    }
    Ok(target)
}

/// A table's place in [`Table::ALL`] (for the statements kept per table).
fn index(table: Table) -> usize {
    Table::ALL.iter().position(|t| *t == table).unwrap_or(0)
}

/// Whether the row was changed here after the sync read this book's changes.
pub(super) fn changed_here_since(
    tx: &Transaction<'_>,
    table: Table,
    key: &str,
    upto: i64,
) -> Result<bool> {
    let local = match table {
        Table::Snoozes | Table::LetGo => match localize(tx, key)? {
            Some(k) => k,
            None => return Ok(false),
        },
        _ => key.to_string(),
    };
    let mut stmt = tx.prepare_cached(
        "SELECT EXISTS (SELECT 1 FROM sync_pending WHERE tbl = ?1 AND key = ?2 AND seq > ?3)",
    )?;
    Ok(stmt.query_row(params![table.name(), local, upto], |r| r.get(0))?)
}

/// A row the book's rules refuse, with why.
pub(super) struct Refused(pub(super) String);

impl From<StoreError> for Refused {
    fn from(e: StoreError) -> Self {
        Refused(e.to_string())
    }
}

impl From<rusqlite::Error> for Refused {
    fn from(e: rusqlite::Error) -> Self {
        Refused(StoreError::from(e).to_string())
    }
}

/// Writes one row as the merge has it; true when the book changed.
pub(super) fn write_change(
    tx: &Transaction<'_>,
    ids: &mut Ids,
    table: Table,
    change: &Change,
) -> std::result::Result<bool, Refused> {
    match change {
        Change::Put(row) => put(tx, ids, table, row),
        Change::Gone { key, merged_into } => {
            super::removals::gone(tx, ids, table, key, merged_into.as_deref())
        }
    }
}

fn put(
    tx: &Transaction<'_>,
    ids: &mut Ids,
    table: Table,
    row: &Row,
) -> std::result::Result<bool, Refused> {
    let columns = table.columns();
    if row.values.len() != columns.len() {
        return Err(Refused(format!(
            "{} values where {} were expected",
            row.values.len(),
            columns.len()
        )));
    }
    // The row as it is here, to write only what differs.
    let lookup_key = match table {
        Table::Snoozes | Table::LetGo => localize(tx, &row.key)?
            .ok_or_else(|| Refused("the item it is about is not in this book".into()))?,
        _ => row.key.clone(),
    };
    let here = read_rows(tx, table, Some(&lookup_key))?.pop();
    if here.as_ref().is_some_and(|h| h.values == row.values) {
        return Ok(false);
    }
    // References resolved to local ids.
    let mut values = Vec::with_capacity(columns.len());
    for (col, v) in columns.iter().zip(&row.values) {
        let local = match (col, v) {
            (Column::Plain(_), v) => sql_value(v),
            (_, Value::Null) => rusqlite::types::Value::Null,
            (Column::Contact(name), Value::Text(uid)) => match ids.get(tx, "contacts", uid)? {
                Some(id) => rusqlite::types::Value::Integer(id),
                None => return Err(Refused(format!("its {name} is not in this book"))),
            },
            (Column::Referral(_), Value::Text(uid)) => match ids.get(tx, "referrals", uid)? {
                Some(id) => rusqlite::types::Value::Integer(id),
                None if table == Table::Interactions => rusqlite::types::Value::Null,
                None => return Err(Refused("its referral is not in this book".into())),
            },
            (c, _) => return Err(Refused(format!("its {} is not a uid", c.name()))),
        };
        values.push(local);
    }
    static UPSERT: OnceLock<Vec<String>> = OnceLock::new();
    let sql = &UPSERT.get_or_init(|| Table::ALL.iter().map(|t| upsert(*t)).collect())[index(table)];
    let mut params: Vec<rusqlite::types::Value> = Vec::with_capacity(values.len() + 1);
    if table != Table::Tags {
        params.push(rusqlite::types::Value::Text(lookup_key));
    }
    params.extend(values);
    tx.prepare_cached(sql)?
        .execute(rusqlite::params_from_iter(params))?;
    Ok(true)
}

/// The table's own columns, in [`Table::columns`] order (references as local ids).
fn local_columns(table: Table) -> &'static [&'static str] {
    match table {
        Table::Contacts => &[
            "name",
            "company",
            "title",
            "circle",
            "how_met",
            "notes",
            "cadence_days",
            "do_not_ask",
            "closeness",
            "vcard_extra",
            "created_on",
            "archived_on",
        ],
        Table::Fields => &["contact_id", "kind", "label", "value", "position"],
        Table::Tags => &["contact_id", "tag"],
        Table::Referrals => &[
            "referrer_id",
            "person_id",
            "recipient_id",
            "quality",
            "status",
            "referred_on",
            "value",
            "reason",
            "note",
            "message_id",
            "won_value",
        ],
        Table::Events => &["referral_id", "status", "occurred_on"],
        Table::Interactions => &[
            "contact_id",
            "occurred_on",
            "kind",
            "direction",
            "label",
            "note",
            "referral_id",
            "channel",
            "reward",
            "amount",
        ],
        Table::Snoozes => &["until"],
        Table::LetGo => &["due"],
    }
}

/// The statement that writes a row, by its key.
fn upsert(table: Table) -> String {
    let names = local_columns(table);
    let key_col = match table {
        Table::Tags => None,
        Table::Snoozes | Table::LetGo => Some("key"),
        _ => Some("uid"),
    };
    match key_col {
        None => "INSERT INTO tags (contact_id, tag) VALUES (?1, ?2)
                 ON CONFLICT (contact_id, tag) DO UPDATE SET tag = excluded.tag"
            .to_string(),
        Some(k) => {
            let cols = names.join(", ");
            let marks: Vec<String> = (1..=names.len() + 1).map(|i| format!("?{i}")).collect();
            let sets: Vec<String> = names
                .iter()
                .map(|n| format!("{n} = excluded.{n}"))
                .collect();
            format!(
                "INSERT INTO {} ({k}, {cols}) VALUES ({})
                 ON CONFLICT ({k}) DO UPDATE SET {}",
                table.name(),
                marks.join(", "),
                sets.join(", ")
            )
        }
    }
}
