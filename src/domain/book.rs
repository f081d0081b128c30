//! The book: everything ties knows (contacts, interactions grouped by contact, referrals,
//! snoozes) as one pure value, and its one [`Assessed`] pass: every contact's strength,
//! ledger and readiness computed once, and the ranking built from them. The review
//! queue, the ask list, the contact rows and the detail are all read from that pass;
//! nothing scores twice.
//!
//! Pure: std (scoped threads included: a deterministic fan-out), chrono and the domain
//! types only. The store loads a `Book`; `today` arrives as an argument.

use std::collections::{BTreeSet, HashMap};

use chrono::NaiveDate;

use super::agenda::{AgendaInput, AgendaItem, agenda, contact_items};
use super::ask::{Assessment, Suggestion, assess, rank};
use super::contact::Contact;
use super::history::{NameLookup, ReferralIndex, interactions_of, name_index};
use super::interaction::{Interaction, InteractionKind};
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
    /// Review item key → its due date when the user let it go (see
    /// [`super::agenda::is_let_go`]).
    pub let_go: HashMap<String, NaiveDate>,
    /// Review items done: (key, the day of the review), oldest first.
    pub done: Vec<(String, NaiveDate)>,
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

/// Fresh rows from the store after a write: what [`Book::apply`] puts in place.
#[derive(Debug, Clone, PartialEq)]
pub enum Change {
    /// A contact, new or replaced (by id).
    Contact(Contact),
    /// A contact's whole history, oldest first, replacing what the book holds.
    Interactions(i64, Vec<Interaction>),
    /// A referral with its history, new or replaced (by id).
    Referral(Referral),
    /// A review item hidden until the date.
    Snooze(String, NaiveDate),
    /// A snooze ended.
    Unsnooze(String),
    /// A review item let go, with its due date then.
    LetGo(String, NaiveDate),
    /// A review item done in the review of the date.
    Done(String, NaiveDate),
}

/// The book scored as of one day: one [`Assessment`] per contact and the ranking.
#[derive(Debug, Clone, PartialEq)]
pub struct Assessed {
    pub today: NaiveDate,
    /// One per contact, in the order of [`Book::contacts`].
    pub contacts: Vec<Assessment>,
    /// One per contact, in the same order: the review items its own history raises
    /// (over-deliver, give back, keep in touch), before snoozes.
    pub items: Vec<Vec<AgendaItem>>,
    /// Every contact ranked (SCORING.md §4), today's offered asks marked. Today's asks
    /// and the Ask pane both read this one list.
    pub ranking: Vec<Suggestion>,
    /// Contacts asked for an introduction today: each uses one of the day's asks, so
    /// doing an ask never promotes another the same day.
    pub asked_today: BTreeSet<i64>,
}

/// Whether the contact's history has an ask dated `today`.
fn asked_on(ix: &[Interaction], today: NaiveDate) -> bool {
    ix.iter()
        .rev()
        .any(|i| i.kind == InteractionKind::Ask && i.occurred_on == today)
}

impl Book {
    /// How many review items were done in the review of `day`: they use the day's budget.
    pub fn done_on(&self, day: NaiveDate) -> usize {
        self.done.iter().filter(|(_, d)| *d == day).count()
    }

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

    /// Scores every contact once and ranks them. `asks_per_day` bounds the offered asks;
    /// `cadence` gives the keep-in-touch default of each circle.
    pub fn assess(
        &self,
        p: &ScoringParams,
        cadence: &CadenceDefaults,
        asks_per_day: usize,
        today: NaiveDate,
    ) -> Assessed {
        self.assess_with_names(p, cadence, asks_per_day, today, &name_index(&self.contacts))
    }

    /// [`Book::assess`] with the names that reasons mention looked up in `names` (for a
    /// partial book, whose referrals name people it does not hold).
    pub fn assess_with_names(
        &self,
        p: &ScoringParams,
        cadence: &CadenceDefaults,
        asks_per_day: usize,
        today: NaiveDate,
        names: &(dyn NameLookup + Sync),
    ) -> Assessed {
        let index = ReferralIndex::new(&self.referrals);
        let part = |contacts: &[Contact]| -> Vec<(Assessment, Vec<AgendaItem>)> {
            let mut buf = TouchBuffer::new();
            contacts
                .iter()
                .map(|c| {
                    let ix = self.interactions_of(c.id);
                    let refs = index.of(c.id);
                    let a = assess(c, ix, refs, names, p, today, &mut buf);
                    let items = contact_items(c, &a, ix, refs, cadence, p, today);
                    (a, items)
                })
                .collect()
        };
        let asked_today: BTreeSet<i64> = self
            .interactions
            .iter()
            .filter(|(_, ix)| asked_on(ix, today))
            .map(|(&id, _)| id)
            .collect();
        // A large book is scored in two halves side by side (the result does not depend
        // on the split: each contact is scored on its own).
        let both: Vec<(Assessment, Vec<AgendaItem>)> = if self.contacts.len() >= PARALLEL_FROM {
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
        let (contacts, items): (Vec<Assessment>, Vec<Vec<AgendaItem>>) = both.into_iter().unzip();
        let mut ranking: Vec<Suggestion> = self
            .contacts
            .iter()
            .zip(&contacts)
            .map(|(c, a)| Suggestion::new(c, &a.strength, &a.readiness))
            .collect();
        rank(&mut ranking, asks_per_day, asked_today.len());
        Assessed {
            today,
            contacts,
            items,
            ranking,
            asked_today,
        }
    }

    /// The daily review queue from an assessment of this book; with `ignore_snoozes`,
    /// snoozed items are included.
    /// Birthdays make an occasion item `occasion_lead_days` before the day.
    pub fn agenda(
        &self,
        assessed: &Assessed,
        ignore_snoozes: bool,
        occasion_lead_days: u32,
    ) -> Vec<AgendaItem> {
        let none = HashMap::new();
        agenda(&AgendaInput {
            contacts: &self.contacts,
            contact_items: &assessed.items,
            ranking: &assessed.ranking,
            interactions: &self.interactions,
            referrals: &self.referrals,
            snoozes: if ignore_snoozes { &none } else { &self.snoozes },
            let_go: &self.let_go,
            occasion_lead_days,
            today: assessed.today,
        })
    }
}

impl Book {
    /// Puts fresh rows in place. Returns the contacts whose assessment they can change:
    /// the contact itself, and for a referral the people in it (for a renamed contact,
    /// the people whose reasons name it).
    pub fn apply(&mut self, change: Change) -> Vec<i64> {
        match change {
            Change::Contact(c) => {
                let id = c.id;
                let mut touched = vec![id];
                match self.position(id) {
                    Some(i) => {
                        if self.contacts[i].name != c.name {
                            touched.extend(
                                self.referrals
                                    .iter()
                                    .filter(|r| r.person_id == id)
                                    .flat_map(|r| r.referrer_id.into_iter().chain(r.recipient_id)),
                            );
                        }
                        self.contacts[i] = c;
                    }
                    None => {
                        let at = self.contacts.partition_point(|x| x.id < id);
                        self.contacts.insert(at, c);
                    }
                }
                touched
            }
            Change::Interactions(id, list) => {
                if list.is_empty() {
                    self.interactions.remove(&id);
                } else {
                    self.interactions.insert(id, list);
                }
                vec![id]
            }
            Change::Referral(r) => {
                let mut touched: Vec<i64> = [Some(r.person_id), r.referrer_id, r.recipient_id]
                    .into_iter()
                    .flatten()
                    .collect();
                match self.referrals.iter().position(|x| x.id == r.id) {
                    Some(i) => {
                        let old = &self.referrals[i];
                        touched.extend(
                            [Some(old.person_id), old.referrer_id, old.recipient_id]
                                .into_iter()
                                .flatten(),
                        );
                        self.referrals[i] = r;
                    }
                    None => {
                        // Kept in the store's order: by date referred, then id.
                        let key = (r.referred_on, r.id);
                        let at = self
                            .referrals
                            .partition_point(|x| (x.referred_on, x.id) < key);
                        self.referrals.insert(at, r);
                    }
                }
                touched.sort_unstable();
                touched.dedup();
                touched
            }
            Change::Snooze(key, until) => {
                self.snoozes.insert(key, until);
                Vec::new()
            }
            Change::Unsnooze(key) => {
                self.snoozes.remove(&key);
                Vec::new()
            }
            Change::LetGo(key, on) => {
                self.let_go.insert(key, on);
                Vec::new()
            }
            Change::Done(key, on) => {
                self.done.push((key, on));
                Vec::new()
            }
        }
    }
}

impl Assessed {
    /// Re-assesses only `touched` contacts of a `book` this assessment was made from
    /// (before [`Book::apply`] changed it) and ranks again: the same result as a fresh
    /// [`Book::assess`], at the cost of the touched contacts and one sort.
    pub fn refresh(
        &mut self,
        book: &Book,
        touched: &[i64],
        p: &ScoringParams,
        cadence: &CadenceDefaults,
        asks_per_day: usize,
    ) {
        let names = name_index(&book.contacts);
        let mut buf = TouchBuffer::new();
        // New contacts are those the ranking does not know yet; taken in the book's
        // order, each is inserted where the book holds it.
        let known: std::collections::HashSet<i64> = if self.contacts.len() < book.contacts.len() {
            self.ranking.iter().map(|s| s.id).collect()
        } else {
            Default::default()
        };
        let mut at: Vec<(usize, i64)> = touched
            .iter()
            .filter_map(|&id| book.position(id).map(|i| (i, id)))
            .collect();
        at.sort_unstable();
        at.dedup();
        for (i, id) in at {
            let c = &book.contacts[i];
            let theirs: Vec<&Referral> = book
                .referrals
                .iter()
                .filter(|r| {
                    (r.referrer_id.is_some() || r.recipient_id.is_some()) && r.counterpart() == id
                })
                .collect();
            let a = assess(
                c,
                book.interactions_of(id),
                &theirs,
                &names,
                p,
                self.today,
                &mut buf,
            );
            let s = Suggestion::new(c, &a.strength, &a.readiness);
            let ix = book.interactions_of(id);
            if asked_on(ix, self.today) {
                self.asked_today.insert(id);
            } else {
                self.asked_today.remove(&id);
            }
            let items = contact_items(c, &a, ix, &theirs, cadence, p, self.today);
            if self.contacts.len() < book.contacts.len() && !known.contains(&id) {
                self.contacts.insert(i, a);
                self.items.insert(i, items);
                self.ranking.push(s);
            } else {
                self.contacts[i] = a;
                self.items[i] = items;
                match self.ranking.iter_mut().find(|x| x.id == id) {
                    Some(x) => *x = s,
                    None => self.ranking.push(s),
                }
            }
        }
        rank(&mut self.ranking, asks_per_day, self.asked_today.len());
    }

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
