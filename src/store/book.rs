//! Loading the [`Book`]: one query per table, never one per contact.

use std::collections::HashMap;

use super::{Result, Store};
use crate::domain::book::Book;
use crate::domain::contact::{Contact, Shape};
use crate::domain::interaction::Interaction;

impl Store {
    /// The whole book, its histories packed ([`Store::histories`]) and its contacts cut
    /// to `shape`. What only a detail shows (a contact's notes, title, labels; an
    /// interaction's notes, channel, reward) is read for one contact at a time
    /// ([`Store::contact`], [`Store::interactions_for`]).
    ///
    /// On a file, the contacts, referrals and snoozes are read on a second, read-only
    /// connection while this one reads the interactions. The two reads are one consistent
    /// book only if nobody committed meanwhile: `PRAGMA data_version` before and after
    /// tells, and when it moved the book is read again on this connection alone.
    pub fn book(&self, shape: Shape) -> Result<Book> {
        if let Some(path) = self.path.as_deref() {
            let before = self.data_version()?;
            let side = std::thread::scope(|s| {
                let other = s.spawn(|| -> Result<_> {
                    let r = Store::open_read_only(path)?;
                    Ok((
                        r.all_contacts(shape)?,
                        r.referrals()?,
                        r.snoozes()?,
                        r.let_go()?,
                        r.review_done()?,
                    ))
                });
                let interactions = self.histories();
                let rest = other
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
                (interactions, rest)
            });
            if let (Ok(interactions), Ok((contacts, referrals, snoozes, let_go, done))) = side
                && self.data_version()? == before
            {
                return Ok(Book {
                    contacts,
                    interactions,
                    referrals,
                    snoozes,
                    let_go,
                    done,
                });
            }
        }
        self.book_alone(shape)
    }

    /// [`Store::book`] on this connection only: one read after the other.
    fn book_alone(&self, shape: Shape) -> Result<Book> {
        let _snapshot = super::packed::Snapshot::begin(&self.conn)?;
        Ok(Book {
            contacts: self.all_contacts(shape)?,
            interactions: self.histories()?,
            referrals: self.referrals()?,
            snoozes: self.snoozes()?,
            let_go: self.let_go()?,
            done: self.review_done()?,
        })
    }

    /// The book without its histories ([`Book::interactions`] empty): what a streamed
    /// assessment reads before [`Store::for_each_history`] feeds it.
    pub fn book_without_histories(&self) -> Result<Book> {
        Ok(Book {
            contacts: self.all_contacts(Shape::Scoring)?,
            interactions: Default::default(),
            referrals: self.referrals()?,
            snoozes: self.snoozes()?,
            let_go: self.let_go()?,
            done: self.review_done()?,
        })
    }

    /// Every contact's history as scoring reads it (lean: no notes, channels, rewards or
    /// amounts; a label only where a reason quotes it), in contact id order, one contact
    /// at a time, from the packed histories. `f` may take the vector.
    pub fn for_each_history(&self, f: impl FnMut(i64, &mut Vec<Interaction>)) -> Result<()> {
        super::packed::for_each(&self.conn, f)
    }

    /// One contact's history as scoring reads it (lean, as [`Store::histories`] holds
    /// it), read through the contact index: what a write hands the interface's book.
    pub fn lean_history_of(&self, id: i64) -> Result<Vec<Interaction>> {
        super::packed::history_of(&self.conn, id)
    }

    /// The lean histories of a few contacts, read through the contact index.
    pub fn lean_histories_of(&self, ids: &[i64]) -> Result<HashMap<i64, Vec<Interaction>>> {
        let mut out = HashMap::with_capacity(ids.len());
        for &id in ids {
            let history = self.lean_history_of(id)?;
            if !history.is_empty() {
                out.insert(id, history);
            }
        }
        Ok(out)
    }

    /// Runs `read` on one state of the file: reads of several tables that must agree,
    /// whatever another process commits meanwhile.
    pub fn consistent<T>(&self, read: impl FnOnce(&Self) -> Result<T>) -> Result<T> {
        let _snapshot = super::packed::Snapshot::begin(&self.conn)?;
        read(self)
    }

    /// A book of just these contacts, their interactions (through the contact index) and
    /// the referrals they refer or receive: what scoring needs for a handful of contacts
    /// out of many, far cheaper than [`Store::book`]. Has no snoozes.
    pub fn book_of(&self, mut contacts: Vec<Contact>) -> Result<Book> {
        contacts.sort_by_key(|c| c.id);
        let ids: Vec<i64> = contacts.iter().map(|c| c.id).collect();
        Ok(Book {
            interactions: self.interactions_of_contacts(&ids)?.into(),
            contacts,
            referrals: self.referrals_of_contacts(&ids)?,
            snoozes: HashMap::new(),
            let_go: HashMap::new(),
            done: Vec::new(),
        })
    }
}

impl Store {
    /// Every contact's name, by id.
    pub fn names(&self) -> Result<HashMap<i64, String>> {
        let mut stmt = self.conn.prepare_cached("SELECT id, name FROM contacts")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The names a contact's scoring reasons can mention: its own, and everyone in the
    /// referrals it takes part in as referrer or recipient.
    pub fn names_of_referrals(&self, contact_id: i64) -> Result<HashMap<i64, String>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, name FROM contacts WHERE id = ?1 OR id IN (
                 SELECT person_id FROM referrals WHERE referrer_id = ?1 OR recipient_id = ?1
                 UNION SELECT referrer_id FROM referrals WHERE recipient_id = ?1
                 UNION SELECT recipient_id FROM referrals WHERE referrer_id = ?1)",
        )?;
        let rows = stmt.query_map([contact_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
