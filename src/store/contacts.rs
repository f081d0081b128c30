//! Contacts, their fields and tags, read: one, a filtered list, everyone, and the
//! candidates a typed name could mean. Writing them is `store::contact_writes`.

use std::collections::HashMap;

use rusqlite::{OptionalExtension, Row};

use super::{Result, Store, day, opt_day, word};
use crate::domain::contact::{Circle, Contact, Field, FieldKind, NameEntry, Shape};

/// Which contacts `contacts()` returns.
#[derive(Debug, Clone, Default)]
pub struct ContactFilter {
    pub tag: Option<String>,
    pub circle: Option<Circle>,
    /// Case-insensitive substring of name, company, title, an email/phone, or a tag.
    pub search: Option<String>,
    /// `true`: only archived contacts; `false`: only active ones.
    pub archived: bool,
}

const CONTACT_COLUMNS: &str = "id, uid, name, company, title, circle, how_met, notes, cadence_days, do_not_ask, closeness, created_on, archived_on";

fn contact_from_row(r: &Row<'_>) -> rusqlite::Result<Contact> {
    Ok(Contact {
        id: r.get(0)?,
        uid: r.get(1)?,
        name: r.get(2)?,
        company: r.get(3)?,
        title: r.get(4)?,
        circle: word(r, 5)?,
        tags: Vec::new(),
        fields: Vec::new(),
        how_met: r.get(6)?,
        notes: r.get(7)?,
        cadence_days: r.get(8)?,
        do_not_ask: r.get(9)?,
        closeness: r.get(10)?,
        created_on: day(r, 11)?,
        archived_on: opt_day(r, 12)?,
    })
}

impl Store {
    /// One contact with its fields and tags, archived or not.
    pub fn contact(&self, id: i64) -> Result<Option<Contact>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {CONTACT_COLUMNS} FROM contacts WHERE id = ?1"
        ))?;
        let Some(mut c) = stmt.query_row([id], contact_from_row).optional()? else {
            return Ok(None);
        };
        c.tags = self.tags_of(id)?;
        c.fields = self.fields_of(id)?;
        Ok(Some(c))
    }

    fn tags_of(&self, id: i64) -> Result<Vec<String>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT tag FROM tags WHERE contact_id = ?1 ORDER BY tag")?;
        let rows = stmt.query_map([id], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn fields_of(&self, id: i64) -> Result<Vec<Field>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT kind, label, value FROM contact_fields WHERE contact_id = ?1 ORDER BY position, id",
        )?;
        let rows = stmt.query_map([id], |r| {
            Ok(Field {
                kind: word(r, 0)?,
                label: r.get(1)?,
                value: r.get(2)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Contacts matching `filter`, ordered by name, with tags and fields.
    pub fn contacts(&self, filter: &ContactFilter) -> Result<Vec<Contact>> {
        // The distinct tags by skipping through the tag index (a few dozen seeks, not a
        // read of every contact's tags).
        let mut sql = format!(
            "WITH RECURSIVE tag_names (tag) AS (
                 SELECT min(tag) FROM tags
                 UNION ALL SELECT (SELECT min(tag) FROM tags WHERE tag > tag_names.tag)
                 FROM tag_names WHERE tag_names.tag IS NOT NULL)
             SELECT {CONTACT_COLUMNS} FROM contacts c WHERE "
        );
        sql.push_str(if filter.archived {
            "archived_on IS NOT NULL"
        } else {
            "archived_on IS NULL"
        });
        let mut args: Vec<String> = Vec::new();
        if let Some(tag) = &filter.tag {
            // `t.tag = ?` compares with the column's NOCASE collation.
            args.push(tag.trim().to_string());
            sql.push_str(&format!(
                " AND EXISTS (SELECT 1 FROM tags t WHERE t.contact_id = c.id AND t.tag = ?{})",
                args.len()
            ));
        }
        if let Some(circle) = filter.circle {
            args.push(circle.as_str().to_string());
            sql.push_str(&format!(" AND circle = ?{}", args.len()));
        }
        if let Some(q) = filter
            .search
            .as_deref()
            .map(str::trim)
            .filter(|q| !q.is_empty())
        {
            // The trigram index narrows the search to the contacts that contain the text
            // somewhere; the LIKE below keeps the exact per-field meaning.
            if let Some(phrase) = trigram_phrase(q) {
                args.push(phrase);
                let n = args.len();
                sql.push_str(&format!(
                    " AND (c.id IN (SELECT rowid FROM contact_text WHERE contact_text MATCH ?{n})
                       OR c.id IN (SELECT contact_id FROM contact_fields WHERE id IN
                           (SELECT rowid FROM field_text WHERE field_text MATCH ?{n}))
                       OR c.id IN (SELECT contact_id FROM tags WHERE tag IN (SELECT tag FROM tag_names WHERE instr(lower(tag), ?{}) > 0)))",
                    n + 1
                ));
                args.push(q.to_lowercase());
            }
            args.push(format!("%{}%", escape_like(&q.to_lowercase())));
            let n = args.len();
            sql.push_str(&format!(
                " AND (lower(name) LIKE ?{n} ESCAPE '\\' OR lower(coalesce(company, '')) LIKE ?{n} ESCAPE '\\'
                   OR lower(coalesce(title, '')) LIKE ?{n} ESCAPE '\\'
                   OR EXISTS (SELECT 1 FROM tags t WHERE t.contact_id = c.id AND lower(t.tag) LIKE ?{n} ESCAPE '\\')
                   OR EXISTS (SELECT 1 FROM contact_fields f WHERE f.contact_id = c.id AND lower(f.value) LIKE ?{n} ESCAPE '\\'))"
            ));
        }
        sql.push_str(" ORDER BY name COLLATE NOCASE, id");
        let mut stmt = self.conn.prepare(&sql)?;
        let mut out: Vec<Contact> = stmt
            .query_map(rusqlite::params_from_iter(args.iter()), contact_from_row)?
            .collect::<rusqlite::Result<_>>()?;
        self.attach_tags_and_fields(&mut out, Shape::Whole)?;
        Ok(out)
    }

    /// Fills tags and fields for many contacts with two queries, not two per contact.
    /// Tags and fields (of the kinds `shape` keeps; with labels only when whole).
    fn attach_tags_and_fields(&self, contacts: &mut [Contact], shape: Shape) -> Result<()> {
        if contacts.is_empty() {
            return Ok(());
        }
        // A few contacts (a search, one contact): an index lookup each beats reading
        // every tag and field in the book.
        const FEW: usize = 200;
        if contacts.len() <= FEW {
            let mut tags = self
                .conn
                .prepare_cached("SELECT tag FROM tags WHERE contact_id = ?1 ORDER BY tag")?;
            let mut fields = self.conn.prepare_cached(
                "SELECT kind, label, value FROM contact_fields WHERE contact_id = ?1 ORDER BY position, id",
            )?;
            for c in contacts.iter_mut() {
                c.tags = tags
                    .query_map([c.id], |r| r.get(0))?
                    .collect::<rusqlite::Result<_>>()?;
                c.fields = fields
                    .query_map([c.id], |r| {
                        Ok(Field {
                            kind: word(r, 0)?,
                            label: if shape == Shape::Whole {
                                r.get(1)?
                            } else {
                                None
                            },
                            value: r.get(2)?,
                        })
                    })?
                    .filter(|f| f.as_ref().map_or(true, |f| shape.keeps(f.kind)))
                    .collect::<rusqlite::Result<_>>()?;
            }
            return Ok(());
        }
        let index: HashMap<i64, usize> = contacts
            .iter()
            .enumerate()
            .map(|(i, c)| (c.id, i))
            .collect();
        let mut stmt = self
            .conn
            .prepare_cached("SELECT contact_id, tag FROM tags ORDER BY contact_id, tag")?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            if let Some(&i) = index.get(&r.get::<_, i64>(0)?) {
                contacts[i].tags.push(r.get(1)?);
            }
        }
        let mut stmt = self.conn.prepare_cached(
            "SELECT contact_id, kind, label, value FROM contact_fields ORDER BY contact_id, position, id",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            if let Some(&i) = index.get(&r.get::<_, i64>(0)?) {
                let kind: FieldKind = word(r, 1)?;
                if shape.keeps(kind) {
                    contacts[i].fields.push(Field {
                        kind,
                        label: if shape == Shape::Whole {
                            r.get(2)?
                        } else {
                            None
                        },
                        value: r.get(3)?,
                    });
                }
            }
        }
        Ok(())
    }

    /// Every contact, archived or not, ordered by id, cut to `shape`: whole, tags and
    /// fields too (two extra queries in all); or what lists show; or only what scoring
    /// reads, which is markedly cheaper to load. Equal to each contact read whole and
    /// cut by [`Contact::to_shape`].
    pub fn all_contacts(&self, shape: Shape) -> Result<Vec<Contact>> {
        const SCORING: &str = "id, '', name, NULL, NULL, circle, NULL, NULL, cadence_days, do_not_ask, closeness, created_on, archived_on";
        const LISTS: &str = "id, '', name, company, NULL, circle, NULL, NULL, cadence_days, do_not_ask, closeness, created_on, archived_on";
        let columns = match shape {
            Shape::Scoring => SCORING,
            Shape::Lists => LISTS,
            Shape::Whole => CONTACT_COLUMNS,
        };
        let mut stmt = self
            .conn
            .prepare_cached(&format!("SELECT {columns} FROM contacts ORDER BY id"))?;
        let n: i64 = self
            .conn
            .query_row("SELECT count(*) FROM contacts", [], |r| r.get(0))?;
        // Sized once: growing by doubling leaves up to half of 100k contacts unused.
        let mut out: Vec<Contact> = Vec::with_capacity(usize::try_from(n).unwrap_or(0));
        for c in stmt.query_map([], contact_from_row)? {
            out.push(c?);
        }
        match shape {
            Shape::Scoring => self.attach_birthdays(&mut out)?,
            Shape::Lists => self.attach_tags_and_fields(&mut out, Shape::Lists)?,
            Shape::Whole => self.attach_tags_and_fields(&mut out, Shape::Whole)?,
        }
        Ok(out)
    }

    /// A lean contact still carries its birthday fields: the review's occasions need them.
    fn attach_birthdays(&self, contacts: &mut [Contact]) -> Result<()> {
        let mut stmt = self.conn.prepare_cached(
            // The partial index of migration 011 holds every birthday whole and in order.
            "SELECT contact_id, label, value FROM contact_fields
             INDEXED BY contact_fields_birthday
             WHERE kind = 'birthday' ORDER BY contact_id, position, id",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, Option<String>>(1)?,
                r.get::<_, String>(2)?,
            ))
        })?;
        for row in rows {
            let (id, label, value) = row?;
            if let Ok(i) = contacts.binary_search_by_key(&id, |c| c.id) {
                contacts[i].fields.push(Field {
                    kind: FieldKind::Birthday,
                    label,
                    value,
                });
            }
        }
        Ok(())
    }

    /// The contacts a typed reference (`#12`, a name, a fragment) could resolve to: the
    /// contact with that id, and every contact whose name contains the text, found
    /// through the trigram index. `None` when the index cannot answer exactly (text
    /// under three characters, or not ASCII, whose case folding the index does not
    /// share): then resolve against [`Store::name_entries`].
    pub fn name_candidates(&self, query: &str) -> Result<Option<Vec<NameEntry>>> {
        let q = query.trim();
        let digits = q.strip_prefix('#').unwrap_or(q);
        let id: Option<i64> = (!digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()))
            .then(|| digits.parse().ok())
            .flatten();
        let phrase = if q.is_ascii() {
            trigram_phrase(q)
        } else {
            None
        };
        let Some(phrase) = phrase.or_else(|| id.map(|_| String::new())) else {
            return Ok(None);
        };
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, name, archived_on IS NOT NULL FROM contacts
             WHERE id = ?1 OR (?2 <> '' AND id IN
                 (SELECT rowid FROM contact_text WHERE name MATCH ?2))
             ORDER BY id",
        )?;
        let rows = stmt.query_map(rusqlite::params![id, phrase], |r| {
            Ok(NameEntry {
                id: r.get(0)?,
                name: r.get(1)?,
                archived: r.get(2)?,
            })
        })?;
        Ok(Some(rows.collect::<rusqlite::Result<_>>()?))
    }

    /// The contacts with an email or phone field of exactly this value (case-insensitive).
    pub fn contacts_with_field(&self, value: &str) -> Result<Vec<i64>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT DISTINCT contact_id FROM contact_fields
             WHERE kind IN ('email', 'phone') AND value = ?1 COLLATE NOCASE ORDER BY contact_id",
        )?;
        let rows = stmt.query_map([value.trim()], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Every contact's id, name and archived flag: what a typed reference resolves against.
    /// The contact (archived too) holding this email (case ignored, through the field
    /// index) or this phone (digits compared, separators ignored): (id, name).
    pub fn contact_with_field(
        &self,
        kind: FieldKind,
        value: &str,
    ) -> Result<Option<(i64, String)>> {
        let sql = match kind {
            FieldKind::Email => {
                "SELECT c.id, c.name FROM contact_fields f JOIN contacts c ON c.id = f.contact_id
                 WHERE f.kind = 'email' AND f.value = ?1 COLLATE NOCASE ORDER BY c.id LIMIT 1"
            }
            FieldKind::Phone => {
                "SELECT c.id, c.name FROM contact_fields f JOIN contacts c ON c.id = f.contact_id
                 WHERE f.kind = 'phone'
                   AND replace(replace(replace(replace(replace(replace(f.value, ' ', ''), '-', ''), '.', ''), '(', ''), ')', ''), '+', '') = ?1
                 ORDER BY c.id LIMIT 1"
            }
            _ => return Ok(None),
        };
        let key = match kind {
            FieldKind::Phone => match crate::domain::contact::phone_key(value) {
                Some(k) => k,
                None => return Ok(None),
            },
            _ => value.trim().to_string(),
        };
        Ok(self
            .conn
            .query_row(sql, [key], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?)
    }

    pub fn name_entries(&self) -> Result<Vec<NameEntry>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT id, name, archived_on IS NOT NULL FROM contacts ORDER BY id")?;
        let rows = stmt.query_map([], |r| {
            Ok(NameEntry {
                id: r.get(0)?,
                name: r.get(1)?,
                archived: r.get(2)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

/// A write of at least this many contacts (or fields) merges the search indexes after.
const BULK: usize = 1000;

/// Merges each search index into one segment (FTS5's `optimize`). A bulk write leaves
/// an index in many segments, and a search looks up each trigram in every one of them:
/// the 10k demo book had 7 and 14, which made a search read half again as many pages.
/// It takes about 40 ms at 10k contacts and 330 ms at 100k, so only a write of
/// [`BULK`] contacts or fields or more runs it: `written` says how many this one wrote.
pub(super) fn compact_search(tx: &rusqlite::Connection, written: usize) -> rusqlite::Result<()> {
    if written < BULK {
        return Ok(());
    }
    tx.execute_batch(
        "INSERT INTO contact_text (contact_text) VALUES ('optimize');
         INSERT INTO field_text (field_text) VALUES ('optimize');",
    )
}

/// The text as one FTS5 phrase for the trigram index, or `None` when it is too short for
/// trigrams (under three characters: those searches scan).
pub(super) fn trigram_phrase(q: &str) -> Option<String> {
    (q.chars().count() >= 3).then(|| format!("\"{}\"", q.replace('"', "\"\"")))
}

fn escape_like(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}
