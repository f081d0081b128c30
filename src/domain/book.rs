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

use super::agenda::{AgendaInput, AgendaItem, agenda, agenda_unworded, word};
use super::ask::{Assessment, Suggestion, rank};
use super::assessor::{Keep, asked_on};
use super::contact::Contact;
use super::histories::Histories;
use super::interaction::Interaction;
use super::params::{CadenceDefaults, ScoringParams};
use super::referral::Referral;
use super::strength::Band;
use super::touch::TouchBuffer;

/// Everything ties knows, in memory.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Book {
    /// Every contact, archived too, ordered by id.
    pub contacts: Vec<Contact>,
    /// Interactions by contact id, oldest first (by date, then id), packed.
    pub interactions: Histories,
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
    /// What a list shows of a contact's strength as of `today`.
    pub fn of(s: &super::strength::Strength, today: NaiveDate) -> Summary {
        Summary {
            strength: s.score,
            band: s.band,
            last_touch: s
                .last_touch_age
                .map(|age| today - chrono::Days::new(u64::from(age))),
        }
    }

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
    /// A contact's whole history as scoring reads it (no notes; a label only where a
    /// reason quotes it), oldest first, replacing what the book holds.
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
    /// One per contact, in the order of [`Book::contacts`]; empty after an assessment
    /// that did not keep them ([`Keep::assessments`]): the interface assesses the one
    /// contact its detail shows ([`Book::assess_one`]).
    pub contacts: Vec<Assessment>,
    /// One per contact, in the same order, always: what a list shows.
    pub summaries: Vec<Summary>,
    /// Whether `contacts` is kept (and [`Assessed::refresh`] keeps it current).
    pub(super) keeps_assessments: bool,
    /// One per contact, in the same order: the review items its own history raises
    /// (over-deliver, give back, keep in touch), before snoozes; empty after a streamed
    /// assessment that did not keep them.
    pub items: Vec<Vec<AgendaItem>>,
    /// Every contact ranked (SCORING.md §4), today's offered asks marked. Today's asks
    /// and the Ask pane both read this one list.
    pub ranking: Vec<Suggestion>,
    /// Contacts asked for an introduction today: each uses one of the day's asks, so
    /// doing an ask never promotes another the same day.
    pub asked_today: BTreeSet<i64>,
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
    pub fn interactions_of(&self, id: i64) -> std::borrow::Cow<'_, [Interaction]> {
        self.interactions.get(id)
    }

    /// Names of every contact, by id.
    pub fn names(&self) -> HashMap<i64, String> {
        self.contacts
            .iter()
            .map(|c| (c.id, c.name.clone()))
            .collect()
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
        let own = assessed.items.iter().flatten().cloned();
        self.agenda_of(assessed, own, ignore_snoozes, occasion_lead_days, true)
    }

    /// [`Book::agenda`] from an assessment used up: each contact's own items are moved
    /// into the queue instead of copied (a command that prints the queue and exits).
    pub fn agenda_owned(
        &self,
        assessed: Assessed,
        ignore_snoozes: bool,
        occasion_lead_days: u32,
    ) -> (Vec<AgendaItem>, Assessed) {
        self.agenda_using(assessed, ignore_snoozes, occasion_lead_days, true)
    }

    /// [`Book::agenda_owned`] with the referral items' words (reason, summary) left
    /// empty: the same items in the same order, for a command that shows only some of
    /// them and words those with [`Book::word`].
    pub fn agenda_unworded_owned(
        &self,
        assessed: Assessed,
        ignore_snoozes: bool,
        occasion_lead_days: u32,
    ) -> (Vec<AgendaItem>, Assessed) {
        self.agenda_using(assessed, ignore_snoozes, occasion_lead_days, false)
    }

    fn agenda_using(
        &self,
        mut assessed: Assessed,
        ignore_snoozes: bool,
        occasion_lead_days: u32,
        worded: bool,
    ) -> (Vec<AgendaItem>, Assessed) {
        let own = std::mem::take(&mut assessed.items).into_iter().flatten();
        let items = self.agenda_of(&assessed, own, ignore_snoozes, occasion_lead_days, worded);
        (items, assessed)
    }

    /// Words the referral items of [`Book::agenda_unworded_owned`] as of `today`, as
    /// [`Book::agenda`] words them.
    pub fn word(&self, items: &mut [AgendaItem], today: NaiveDate) {
        let none = HashMap::new();
        let input = AgendaInput {
            contacts: &self.contacts,
            ranking: &[],
            interactions: &self.interactions,
            referrals: &self.referrals,
            snoozes: &none,
            let_go: &none,
            occasion_lead_days: 0,
            today,
        };
        word(&input, items);
    }

    fn agenda_of(
        &self,
        assessed: &Assessed,
        own: impl IntoIterator<Item = AgendaItem>,
        ignore_snoozes: bool,
        occasion_lead_days: u32,
        worded: bool,
    ) -> Vec<AgendaItem> {
        let none = HashMap::new();
        let input = AgendaInput {
            contacts: &self.contacts,
            ranking: &assessed.ranking,
            interactions: &self.interactions,
            referrals: &self.referrals,
            snoozes: if ignore_snoozes { &none } else { &self.snoozes },
            let_go: &self.let_go,
            occasion_lead_days,
            today: assessed.today,
        };
        if worded {
            agenda(&input, own)
        } else {
            agenda_unworded(&input, own)
        }
    }
}

impl Book {
    /// The contacts whose histories [`Book::agenda`] reads besides their own items: the
    /// people of referrals made by `today` (thanks, updates, follow-ups) and contacts
    /// whose birthday is within `occasion_lead_days`. A streamed assessment keeps these.
    pub fn agenda_reads(&self, today: NaiveDate, occasion_lead_days: u32) -> BTreeSet<i64> {
        let mut ids: BTreeSet<i64> = self
            .referrals
            .iter()
            .filter(|r| r.referred_on <= today)
            .flat_map(|r| [Some(r.person_id), r.referrer_id, r.recipient_id])
            .flatten()
            .collect();
        ids.extend(
            self.contacts
                .iter()
                .filter(|c| {
                    c.birthday()
                        .and_then(|b| b.next_on_or_after(today))
                        .is_some_and(|(on, _)| {
                            (on - today).num_days() <= i64::from(occasion_lead_days)
                        })
                })
                .map(|c| c.id),
        );
        ids
    }

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
                // Kept packed like the rest: a write never grows the book's memory.
                self.interactions.put_compact(id, &list);
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
        // The book names its contacts itself: no index of 100k names per write.
        let rules = book.rules(p, cadence, self.today, book, Keep::ALL);
        let mut buf = TouchBuffer::new();
        let mut history = Vec::new();
        // New contacts are those the ranking does not know yet; taken in the book's
        // order, each is inserted where the book holds it.
        let grew = self.summaries.len() < book.contacts.len();
        let kept = self.keeps_assessments;
        let known: std::collections::HashSet<i64> = if grew {
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
            let ix = book.interactions.read_into(id, &mut history);
            let (a, items) = rules.one(c, ix, &mut buf);
            let s = Suggestion::new(c, &a.strength, &a.readiness);
            let sum = Summary::of(&a.strength, self.today);
            if asked_on(ix, self.today) {
                self.asked_today.insert(id);
            } else {
                self.asked_today.remove(&id);
            }
            if grew && !known.contains(&id) {
                if kept {
                    self.contacts.insert(i, a);
                }
                self.summaries.insert(i, sum);
                self.items.insert(i, items);
                self.ranking.push(s);
            } else {
                if kept {
                    self.contacts[i] = a;
                }
                self.summaries[i] = sum;
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
        book.position(id)
            .and_then(|i| self.summaries.get(i))
            .copied()
            .unwrap_or(Summary::NONE)
    }
}
