//! Contacts written: create, edit, archive, merge (each one transaction).

use chrono::NaiveDate;
use rusqlite::params;

use super::{Result, Store, StoreError};
use crate::domain::contact::{Circle, ContactPatch, Field, NewContact};

impl Store {
    /// Creates a contact with its fields and tags in one transaction; returns its id.
    pub fn insert_contact(&mut self, c: &NewContact, today: NaiveDate) -> Result<i64> {
        let tx = self.begin_write()?;
        let id = insert_contact_tx(&tx, c, today)?;
        tx.commit()?;
        Ok(id)
    }

    /// Applies a patch in one transaction. The caller has validated the values.
    pub fn update_contact(&mut self, id: i64, p: &ContactPatch) -> Result<()> {
        let tx = self.begin_write()?;
        let exists: bool =
            tx.query_row("SELECT count(*) FROM contacts WHERE id = ?1", [id], |r| {
                r.get(0)
            })?;
        if !exists {
            return Err(StoreError::Usage(format!("contact #{id} does not exist")));
        }
        macro_rules! set {
            ($col:literal, $val:expr) => {
                tx.execute(
                    concat!("UPDATE contacts SET ", $col, " = ?1 WHERE id = ?2"),
                    params![$val, id],
                )?;
            };
        }
        if let Some(v) = &p.name {
            set!("name", v);
        }
        if let Some(v) = &p.company {
            set!("company", v);
        }
        if let Some(v) = &p.title {
            set!("title", v);
        }
        if let Some(v) = p.circle {
            set!("circle", v.as_str());
        }
        if let Some(v) = &p.how_met {
            set!("how_met", v);
        }
        if let Some(v) = &p.notes {
            set!("notes", v);
        }
        if let Some(v) = p.cadence_days {
            set!("cadence_days", v);
        }
        if let Some(v) = p.do_not_ask {
            set!("do_not_ask", v);
        }
        if let Some(v) = p.closeness {
            set!("closeness", v);
        }
        for t in &p.remove_tags {
            tx.execute(
                "DELETE FROM tags WHERE contact_id = ?1 AND tag = ?2",
                params![id, t],
            )?;
        }
        // The column is NOCASE: a tag already there in another case takes the new
        // spelling instead of being added twice.
        for t in &p.add_tags {
            tx.execute(
                "INSERT INTO tags (contact_id, tag) VALUES (?1, ?2)
                 ON CONFLICT (contact_id, tag) DO UPDATE SET tag = excluded.tag
                 WHERE tag IS NOT excluded.tag COLLATE BINARY",
                params![id, t],
            )?;
        }
        for v in &p.remove_fields {
            let n = tx.execute(
                "DELETE FROM contact_fields WHERE contact_id = ?1 AND lower(value) = lower(?2)",
                params![id, v],
            )?;
            if n == 0 {
                return Err(StoreError::Usage(format!(
                    "contact #{id} has no email, phone, url or address \"{v}\"; see `ties show #{id}`"
                )));
            }
        }
        for (old, f) in &p.replace_fields {
            let n = tx.execute(
                "UPDATE contact_fields SET value = ?3, label = ?4
                 WHERE contact_id = ?1 AND lower(value) = lower(?2) AND kind = ?5",
                params![id, old, f.value, f.label, f.kind.as_str()],
            )?;
            if n == 0 {
                return Err(StoreError::Usage(format!(
                    "contact #{id} has no {} \"{old}\"; see `ties show #{id}`",
                    f.kind
                )));
            }
        }
        add_fields_tx(&tx, id, &p.add_fields)?;
        tx.commit()?;
        Ok(())
    }

    /// Archives (`Some(date)`) or unarchives (`None`) a contact.
    pub fn set_archived(&mut self, id: i64, on: Option<NaiveDate>) -> Result<()> {
        let tx = self.begin_write()?;
        tx.execute(
            "UPDATE contacts SET archived_on = ?1 WHERE id = ?2",
            params![on, id],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Moves every interaction, referral, field and tag of `other` to `keep`, fills
    /// `keep`'s empty details from `other`, then deletes `other` — one transaction.
    ///
    /// A referral between the two (one referred the other) would make the merged contact
    /// refer themselves: with `drop_between` it is deleted in the same transaction,
    /// otherwise the merge is refused naming it.
    pub fn merge_contacts(&mut self, keep: i64, other: i64, drop_between: bool) -> Result<()> {
        if keep == other {
            return Err(StoreError::Usage(
                "cannot merge a contact with itself; name two different contacts".into(),
            ));
        }
        let tx = self.begin_write()?;
        const BETWEEN: &str = "(person_id = ?1 AND (referrer_id = ?2 OR recipient_id = ?2))
                OR (person_id = ?2 AND (referrer_id = ?1 OR recipient_id = ?1))";
        let between: Vec<i64> = tx
            .prepare(&format!(
                "SELECT id FROM referrals WHERE {BETWEEN} ORDER BY id"
            ))?
            .query_map(params![keep, other], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        if !between.is_empty() {
            if !drop_between {
                let list: Vec<String> = between.iter().map(|id| format!("#{id}")).collect();
                return Err(StoreError::Usage(format!(
                    "cannot merge #{other} into #{keep}: one referred the other (referral {}), and a person cannot refer themselves; add --drop-referrals to delete {} and merge",
                    list.join(", "),
                    if between.len() == 1 { "it" } else { "them" }
                )));
            }
            tx.execute(
                &format!("DELETE FROM referrals WHERE {BETWEEN}"),
                params![keep, other],
            )?;
        }
        move_rows(&tx, keep, other)?;
        tx.execute(
            "UPDATE contacts SET
                 company = coalesce(company, (SELECT company FROM contacts WHERE id = ?2)),
                 title = coalesce(title, (SELECT title FROM contacts WHERE id = ?2)),
                 how_met = coalesce(how_met, (SELECT how_met FROM contacts WHERE id = ?2)),
                 notes = CASE
                     WHEN (SELECT notes FROM contacts WHERE id = ?2) IS NULL THEN notes
                     WHEN notes IS NULL THEN (SELECT notes FROM contacts WHERE id = ?2)
                     ELSE notes || char(10) || (SELECT notes FROM contacts WHERE id = ?2) END,
                 cadence_days = coalesce(cadence_days, (SELECT cadence_days FROM contacts WHERE id = ?2)),
                 closeness = coalesce(closeness, (SELECT closeness FROM contacts WHERE id = ?2)),
                 do_not_ask = max(do_not_ask, (SELECT do_not_ask FROM contacts WHERE id = ?2)),
                 created_on = min(created_on, (SELECT created_on FROM contacts WHERE id = ?2))
             WHERE id = ?1",
            params![keep, other],
        )?;
        // Another machine may log on `other` before it syncs this merge: its touch
        // lands on `keep` (`ties sync`).
        tx.execute(
            "INSERT OR REPLACE INTO sync_merged (uid, into_uid)
             SELECT (SELECT uid FROM contacts WHERE id = ?2), (SELECT uid FROM contacts WHERE id = ?1)",
            params![keep, other],
        )?;
        tx.execute("DELETE FROM contacts WHERE id = ?1", [other])?;
        tx.commit()?;
        Ok(())
    }
}

/// Moves every interaction, referral, tag and field of `other` to `keep` (a tag or field
/// `keep` already has stays once; one birthday, `keep`'s). A referral between the two
/// fails the move: the caller decides what to do with it first.
pub(super) fn move_rows(tx: &rusqlite::Transaction<'_>, keep: i64, other: i64) -> Result<()> {
    tx.execute(
        "UPDATE interactions SET contact_id = ?1 WHERE contact_id = ?2",
        params![keep, other],
    )?;
    for col in ["referrer_id", "person_id", "recipient_id"] {
        tx.execute(
            &format!("UPDATE referrals SET {col} = ?1 WHERE {col} = ?2"),
            params![keep, other],
        )?;
    }
    tx.execute(
        "INSERT OR IGNORE INTO tags (contact_id, tag) SELECT ?1, tag FROM tags WHERE contact_id = ?2",
        params![keep, other],
    )?;
    tx.execute(
        "UPDATE contact_fields SET contact_id = ?1,
             position = position + (SELECT coalesce(max(position), -1) + 1 FROM contact_fields WHERE contact_id = ?1)
         WHERE contact_id = ?2 AND NOT EXISTS (
             SELECT 1 FROM contact_fields k WHERE k.contact_id = ?1 AND k.kind = contact_fields.kind
                 AND lower(k.value) = lower(contact_fields.value))
         -- One birthday: the kept contact's, when it has one.
         AND NOT (kind = 'birthday' AND EXISTS (
             SELECT 1 FROM contact_fields b WHERE b.contact_id = ?1 AND b.kind = 'birthday'))",
        params![keep, other],
    )?;
    Ok(())
}

/// Where a contact being created comes from.
pub(super) enum Origin {
    /// Made today (add, import, an introduction, the demo): a fresh id, and its fields
    /// de-duplicated.
    Today(NaiveDate),
    /// A JSON document's, as it stands there: its id when the book was empty (`None`
    /// otherwise), its dates, and its fields verbatim in their order.
    Document {
        id: Option<i64>,
        created_on: NaiveDate,
        archived_on: Option<NaiveDate>,
    },
}

/// Creates a contact today; returns its id.
pub(super) fn insert_contact_tx(
    tx: &rusqlite::Transaction<'_>,
    c: &NewContact,
    today: NaiveDate,
) -> Result<i64> {
    create_tx(tx, c, Origin::Today(today)).map(|(id, _)| id)
}

/// The one way a contact is created, whatever it comes from: its row, its tags and its
/// fields. Returns its id and uid (the record's, or a fresh one).
pub(super) fn create_tx(
    tx: &rusqlite::Transaction<'_>,
    c: &NewContact,
    origin: Origin,
) -> Result<(i64, String)> {
    let uid = c
        .uid
        .clone()
        .unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
    let (id, created_on, archived_on) = match origin {
        Origin::Today(today) => (None, today, None),
        Origin::Document {
            id,
            created_on,
            archived_on,
        } => (id, created_on, archived_on),
    };
    tx.prepare_cached("INSERT INTO contacts (id, uid, name, company, title, circle, how_met, notes, cadence_days, do_not_ask, closeness, vcard_extra, created_on, archived_on)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)")?.execute(params![
            id,
            uid,
            c.name,
            c.company,
            c.title,
            c.circle.unwrap_or(Circle::Other).as_str(),
            c.how_met,
            c.notes,
            c.cadence_days,
            c.do_not_ask,
            c.closeness,
            c.vcard_extra,
            created_on,
            archived_on
        ])?;
    let id = tx.last_insert_rowid();
    add_tags_tx(tx, id, &c.tags)?;
    if matches!(origin, Origin::Today(_)) {
        add_fields_tx(tx, id, &c.fields)?;
    } else {
        let mut put = tx.prepare_cached(
            "INSERT INTO contact_fields (contact_id, kind, label, value, position, uid)
             VALUES (?1, ?2, ?3, ?4, ?5, lower(hex(randomblob(12))))",
        )?;
        for (pos, f) in c.fields.iter().enumerate() {
            put.execute(params![id, f.kind.as_str(), f.label, f.value, pos as i64])?;
        }
    }
    Ok((id, uid))
}

/// Gives a new contact its tags (a tag it already has, in any case, is skipped).
pub(super) fn add_tags_tx(tx: &rusqlite::Transaction<'_>, id: i64, tags: &[String]) -> Result<()> {
    for t in tags {
        tx.prepare_cached("INSERT OR IGNORE INTO tags (contact_id, tag) VALUES (?1, ?2)")?
            .execute(params![id, t])?;
    }
    Ok(())
}

/// Appends fields, skipping any whose kind and value (case-insensitive) already exist;
/// returns how many it added.
///
/// `+kind`: a `kind = ?` the planner could weigh against the birthdays' partial index
/// (migration 011) makes SQLite prepare the statement again at every new kind bound,
/// which doubled the time of an import.
pub(super) fn add_fields_tx(
    tx: &rusqlite::Transaction<'_>,
    id: i64,
    fields: &[Field],
) -> Result<usize> {
    let mut added = 0;
    for f in fields {
        added += tx.prepare_cached("INSERT INTO contact_fields (contact_id, kind, label, value, position, uid)
             SELECT ?1, ?2, ?3, ?4, (SELECT coalesce(max(position), -1) + 1 FROM contact_fields WHERE contact_id = ?1),
                    lower(hex(randomblob(12)))
             WHERE NOT EXISTS (SELECT 1 FROM contact_fields
                               WHERE contact_id = ?1 AND +kind = ?2 AND lower(value) = lower(?4))")?.execute(params![id, f.kind.as_str(), f.label, f.value])?;
    }
    Ok(added)
}
