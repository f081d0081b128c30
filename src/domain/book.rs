//! The book: everything ties knows (contacts, interactions grouped by contact, referrals,
//! snoozes) as one pure value, and its one [`Assessed`] pass: every contact's strength,
//! ledger and readiness computed once, and the ranking built from them. The review
//! queue, the ask list, the contact rows and the detail are all read from that pass;
//! nothing scores twice.
//!
//! Pure: std (scoped threads included: a deterministic fan-out), chrono and the domain
//! types only. The store loads a `Book`; `today` arrives as an argument.

use std::collections::HashMap;

use chrono::NaiveDate;

use super::agenda::{AgendaInput, AgendaItem, agenda};
use super::ask::{Assessment, Suggestion, assess, rank};
use super::contact::Contact;
use super::history::{NameLookup, ReferralIndex, interactions_of, name_index};
use super::interaction::Interaction;
use super::params::{CadenceDefaults, ScoringParams};
use super::referral::Referral;
use super::strength::Band;
use super::touch::TouchBuffer;

/// Books of this many contacts or more are assessed on two threads.
const PARALLEL_FROM: usize = 2_000;

/// Everything ties knows, in memory.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Book {
    /// Every contact, archived too, ordered by id.
    pub contacts: Vec<Contact>,
    /// Interactions by contact id, oldest first (by date, then id).
    pub interactions: HashMap<i64, Vec<Interaction>>,
    pub referrals: Vec<Referral>,
    /// Review item key → the day its snooze ends.
    pub snoozes: HashMap<String, NaiveDate>,
}

/// A contact's strength in a list: score, band, and the date of the last touch.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Summary {
    pub strength: u8,
    pub band: Band,
    pub last_touch: Option<NaiveDate>,
}

impl Summary {
    /// A contact with no history at all.
    pub const NONE: Summary = Summary {
        strength: 0,
        band: Band::NoHistory,
        last_touch: None,
    };
}

/// The book scored as of one day: one [`Assessment`] per contact and the ranking.
#[derive(Debug, Clone, PartialEq)]
pub struct Assessed {
    pub today: NaiveDate,
    /// One per contact, in the order of [`Book::contacts`].
    pub contacts: Vec<Assessment>,
    /// Every contact ranked (SCORING.md §4), today's offered asks marked. Today's asks
    /// and the Ask pane both read this one list.
    pub ranking: Vec<Suggestion>,
}

impl Book {
    /// The contact with this id.
    pub fn contact(&self, id: i64) -> Option<&Contact> {
        self.position(id).map(|i| &self.contacts[i])
    }

    /// Where the contact with this id sits in [`Book::contacts`].
    pub fn position(&self, id: i64) -> Option<usize> {
        self.contacts.binary_search_by_key(&id, |c| c.id).ok()
    }

    /// One contact's interactions, oldest first; empty if none.
    pub fn interactions_of(&self, id: i64) -> &[Interaction] {
        interactions_of(&self.interactions, id)
    }

    /// Names of every contact, by id.
    pub fn names(&self) -> HashMap<i64, String> {
        self.contacts
            .iter()
            .map(|c| (c.id, c.name.clone()))
            .collect()
    }

    /// Scores every contact once and ranks them. `asks_per_day` bounds the offered asks.
    pub fn assess(&self, p: &ScoringParams, asks_per_day: usize, today: NaiveDate) -> Assessed {
        self.assess_with_names(p, asks_per_day, today, &name_index(&self.contacts))
    }

    /// [`Book::assess`] with the names that reasons mention looked up in `names` (for a
    /// partial book, whose referrals name people it does not hold).
    pub fn assess_with_names(
        &self,
        p: &ScoringParams,
        asks_per_day: usize,
        today: NaiveDate,
        names: &(dyn NameLookup + Sync),
    ) -> Assessed {
        let index = ReferralIndex::new(&self.referrals);
        let part = |contacts: &[Contact]| -> Vec<Assessment> {
            let mut buf = TouchBuffer::new();
            contacts
                .iter()
                .map(|c| {
                    let ix = self.interactions_of(c.id);
                    assess(c, ix, index.of(c.id), names, p, today, &mut buf)
                })
                .collect()
        };
        // A large book is scored in two halves side by side (the result does not depend
        // on the split: each contact is scored on its own).
        let contacts: Vec<Assessment> = if self.contacts.len() >= PARALLEL_FROM {
            let (left, right) = self.contacts.split_at(self.contacts.len() / 2);
            std::thread::scope(|s| {
                let right = s.spawn(|| part(right));
                let mut all = part(left);
                match right.join() {
                    Ok(r) => all.extend(r),
                    Err(panic) => std::panic::resume_unwind(panic),
                }
                all
            })
        } else {
            part(&self.contacts)
        };
        let mut ranking: Vec<Suggestion> = self
            .contacts
            .iter()
            .zip(&contacts)
            .map(|(c, a)| Suggestion::new(c, &a.strength, &a.readiness))
            .collect();
        rank(&mut ranking, asks_per_day);
        Assessed {
            today,
            contacts,
            ranking,
        }
    }

    /// The daily review queue from an assessment of this book; with `ignore_snoozes`,
    /// snoozed items are included.
    pub fn agenda(
        &self,
        assessed: &Assessed,
        cadence: &CadenceDefaults,
        params: &ScoringParams,
        ignore_snoozes: bool,
    ) -> Vec<AgendaItem> {
        let none = HashMap::new();
        agenda(&AgendaInput {
            contacts: &self.contacts,
            assessments: &assessed.contacts,
            ranking: &assessed.ranking,
            interactions: &self.interactions,
            referrals: &self.referrals,
            snoozes: if ignore_snoozes { &none } else { &self.snoozes },
            cadence,
            params,
            today: assessed.today,
        })
    }
}

impl Assessed {
    /// The assessment of the contact with this id.
    pub fn of(&self, book: &Book, id: i64) -> Option<&Assessment> {
        book.position(id).and_then(|i| self.contacts.get(i))
    }

    /// The contact's strength in a list.
    pub fn summary(&self, book: &Book, id: i64) -> Summary {
        self.of(book, id).map_or(Summary::NONE, |a| {
            let s = &a.strength;
            Summary {
                strength: s.score,
                band: s.band,
                last_touch: s
                    .last_touch_age
                    .map(|age| self.today - chrono::Days::new(u64::from(age))),
            }
        })
    }
}
