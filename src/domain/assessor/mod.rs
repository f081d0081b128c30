//! Assessing contacts one at a time: the single place a contact is scored and its own
//! review items raised, used by [`Book::assess`] (histories in memory, two threads for a
//! large book) and by [`Book::assess_streamed`] (histories arriving one contact after the
//! other, as a store reads them, and dropped once scored).
//!
//! Pure: std (scoped threads and channels: a deterministic pipeline), chrono and the
//! domain types only.

use std::collections::BTreeSet;

use chrono::NaiveDate;

use super::agenda::{AgendaItem, contact_items};
use super::ask::{AskStatus, Assessment, Suggestion, assess_as, rank, readiness};
use super::book::{Assessed, Book, Summary};
use super::contact::Contact;
use super::histories::Histories;
use super::history::{NameLookup, ReferralIndex, name_index};
use super::interaction::{Interaction, InteractionKind};
use super::params::{CadenceDefaults, ScoringParams};
use super::touch::TouchBuffer;

/// Books of this many contacts or more are assessed on two threads.
const PARALLEL_FROM: usize = 2_000;

/// A streamed batch is handed to the scoring thread once it holds this many interactions.
const BATCH: usize = 4_096;

/// What every assessment of a day shares: the parameters, the day and the indexes.
pub(super) struct Rules<'b> {
    pub p: &'b ScoringParams,
    pub cadence: &'b CadenceDefaults,
    pub today: NaiveDate,
    pub index: ReferralIndex<'b>,
    pub names: &'b (dyn NameLookup + Sync),
    /// What each scored contact keeps beyond its ranking entry.
    pub keep: Keep<'b>,
}

/// What an assessment keeps of each contact besides its ranking entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Keep<'k> {
    /// Its [`Assessment`] (strength, ledger, readiness): rows and details need it.
    pub assessments: bool,
    /// The review items its own history raises: the agenda needs them.
    pub items: bool,
    /// For a streamed assessment, the contacts whose histories stay in the book
    /// (`None`: every one).
    pub histories: Option<&'k BTreeSet<i64>>,
    /// Rank only the `ask_now` contacts (`suggest` without `--all` prints only the offered
    /// asks, which are always among them): the others' names and reasons are not kept.
    pub only_ask_now: bool,
}

impl Keep<'_> {
    /// Everything: what [`Book::assess`] keeps.
    pub const ALL: Keep<'static> = Keep {
        assessments: true,
        items: true,
        histories: None,
        only_ask_now: false,
    };

    fn history(&self, id: i64) -> bool {
        self.histories.is_none_or(|h| h.contains(&id))
    }
}

/// Whether the history has an ask dated `today`.
pub(super) fn asked_on(ix: &[Interaction], today: NaiveDate) -> bool {
    ix.iter()
        .rev()
        .any(|i| i.kind == InteractionKind::Ask && i.occurred_on == today)
}

impl Rules<'_> {
    /// One contact scored, with the review items its own history raises.
    pub fn one(
        &self,
        c: &Contact,
        ix: &[Interaction],
        buf: &mut TouchBuffer,
    ) -> (Assessment, Vec<AgendaItem>) {
        let refs = self.index.of(c.id);
        // Kept without assessments and ranking only `ask_now`, a contact's reasons are
        // read only if it is one of those: the others' are never worded.
        let words = self.keep.assessments || !self.keep.only_ask_now;
        let mut a = assess_as(c, ix, refs, self.names, self.p, self.today, buf, words);
        if !words && a.readiness.status == AskStatus::AskNow {
            a.readiness = readiness(
                c,
                ix,
                refs,
                &a.strength,
                &a.ledger,
                self.names,
                self.p,
                self.today,
                true,
            );
        }
        let items = if self.keep.items {
            contact_items(c, &a, ix, refs, self.cadence, self.p, self.today)
        } else {
            Vec::new()
        };
        (a, items)
    }
}

/// A run of the book's contacts scored: for each, its ranking entry and what [`Keep`]
/// says (its assessment, its own review items), with the contacts asked today.
struct Run {
    /// Where the run starts in [`Book::contacts`].
    from: usize,
    assessments: Vec<Assessment>,
    summaries: Vec<Summary>,
    items: Vec<Vec<AgendaItem>>,
    suggestions: Vec<Suggestion>,
    asked_today: Vec<i64>,
}

impl Rules<'_> {
    /// Scores a run of contacts; `history` gives each one's interactions.
    fn run(&self, from: usize, contacts: &[Contact], mut history: impl HistoryOf) -> Run {
        let mut buf = TouchBuffer::new();
        let n = contacts.len();
        let mut run = Run {
            from,
            assessments: Vec::with_capacity(if self.keep.assessments { n } else { 0 }),
            summaries: Vec::with_capacity(n),
            items: Vec::with_capacity(if self.keep.items { n } else { 0 }),
            suggestions: Vec::with_capacity(n),
            asked_today: Vec::new(),
        };
        for c in contacts {
            let ix = history.of(c);
            if asked_on(ix, self.today) {
                run.asked_today.push(c.id);
            }
            let (assessment, mut items) = self.one(c, ix, &mut buf);
            let ranked = !self.keep.only_ask_now
                || assessment.readiness.status == super::ask::AskStatus::AskNow;
            if self.keep.items {
                items.shrink_to_fit();
                run.items.push(items);
            }
            run.summaries
                .push(Summary::of(&assessment.strength, self.today));
            if self.keep.assessments {
                if ranked {
                    run.suggestions.push(Suggestion::new(
                        c,
                        &assessment.strength,
                        &assessment.readiness,
                    ));
                }
                run.assessments.push(assessment);
            } else if ranked {
                // The assessment is not kept: its reasons move to the ranking, uncopied.
                run.suggestions.push(Suggestion::taking(
                    c,
                    &assessment.strength,
                    assessment.readiness,
                ));
            }
        }
        run
    }
}

/// Where a run reads each contact's history from.
trait HistoryOf {
    /// The contact's interactions, oldest first; empty if none.
    fn of(&mut self, c: &Contact) -> &[Interaction];
}

/// A book's histories, each unpacked into one reused vector.
struct Unpack<'b> {
    histories: &'b Histories,
    buf: Vec<Interaction>,
}

impl HistoryOf for Unpack<'_> {
    fn of(&mut self, c: &Contact) -> &[Interaction] {
        self.histories.read_into(c.id, &mut self.buf)
    }
}

mod stream;

impl Book {
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

    /// [`Book::assess`] keeping only what `keep` says (its `histories` do not apply: the
    /// book keeps every history). Without assessments, [`Book::assess_one`] gives the
    /// one a view needs, equal to what would have been kept.
    pub fn assess_keeping(
        &self,
        p: &ScoringParams,
        cadence: &CadenceDefaults,
        asks_per_day: usize,
        today: NaiveDate,
        keep: Keep<'_>,
    ) -> Assessed {
        let names = name_index(&self.contacts);
        self.assess_all(p, cadence, asks_per_day, today, &names, keep)
    }

    /// One contact's assessment as of `today`, as [`Book::assess`] makes it; `names`
    /// holds every contact's name (for the reasons).
    pub fn assess_one(
        &self,
        id: i64,
        p: &ScoringParams,
        cadence: &CadenceDefaults,
        today: NaiveDate,
        names: &(dyn NameLookup + Sync),
    ) -> Option<Assessment> {
        let c = self.contact(id)?;
        // Only this contact's referrals: the whole book's index is not built for one.
        let rules = Rules {
            p,
            cadence,
            today,
            index: ReferralIndex::of_one(id, &self.referrals),
            names,
            keep: Keep::ALL,
        };
        let history = self.interactions_of(id);
        Some(rules.one(c, &history, &mut TouchBuffer::new()).0)
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
        self.assess_all(p, cadence, asks_per_day, today, names, Keep::ALL)
    }

    fn assess_all(
        &self,
        p: &ScoringParams,
        cadence: &CadenceDefaults,
        asks_per_day: usize,
        today: NaiveDate,
        names: &(dyn NameLookup + Sync),
        keep: Keep<'_>,
    ) -> Assessed {
        let rules = self.rules(p, cadence, today, names, keep);
        let run = |from: usize, contacts: &[Contact]| {
            rules.run(
                from,
                contacts,
                Unpack {
                    histories: &self.interactions,
                    buf: Vec::new(),
                },
            )
        };
        // A large book is scored in two halves side by side (the result does not depend
        // on the split: each contact is scored on its own).
        let runs = if self.contacts.len() >= PARALLEL_FROM {
            let half = self.contacts.len() / 2;
            let (left, right) = self.contacts.split_at(half);
            std::thread::scope(|s| {
                let right = s.spawn(|| run(half, right));
                let left = run(0, left);
                match right.join() {
                    Ok(right) => vec![left, right],
                    Err(panic) => std::panic::resume_unwind(panic),
                }
            })
        } else {
            vec![run(0, &self.contacts)]
        };
        self.ranked(runs, asks_per_day, today, keep)
    }

    pub(super) fn rules<'b>(
        &'b self,
        p: &'b ScoringParams,
        cadence: &'b CadenceDefaults,
        today: NaiveDate,
        names: &'b (dyn NameLookup + Sync),
        keep: Keep<'b>,
    ) -> Rules<'b> {
        Rules {
            p,
            cadence,
            today,
            index: ReferralIndex::new(&self.referrals),
            names,
            keep,
        }
    }

    /// The assessment from its runs, in the book's order, ranked.
    fn ranked(
        &self,
        mut runs: Vec<Run>,
        asks_per_day: usize,
        today: NaiveDate,
        keep: Keep<'_>,
    ) -> Assessed {
        runs.sort_by_key(|r| r.from);
        let total = |f: fn(&Run) -> usize| runs.iter().map(f).sum::<usize>();
        let mut contacts = Vec::with_capacity(total(|r| r.assessments.len()));
        let mut items = Vec::with_capacity(total(|r| r.items.len()));
        let mut summaries = Vec::with_capacity(total(|r| r.summaries.len()));
        let mut ranking = Vec::with_capacity(total(|r| r.suggestions.len()));
        let mut asked_today = BTreeSet::new();
        for mut run in runs {
            contacts.append(&mut run.assessments);
            items.append(&mut run.items);
            summaries.append(&mut run.summaries);
            ranking.append(&mut run.suggestions);
            asked_today.extend(run.asked_today);
        }
        rank(&mut ranking, asks_per_day, asked_today.len());
        Assessed {
            today,
            contacts,
            summaries,
            keeps_assessments: keep.assessments,
            items,
            ranking,
            asked_today,
        }
    }
}
