//! Assessing a book whose histories stream past ([`Book::assess_streamed`]): a reader
//! hands each contact's history over in id order while two threads score them batch
//! by batch; only the histories asked for are kept (packed).

use std::sync::mpsc;

use chrono::NaiveDate;

use super::{BATCH, HistoryOf, Keep};
use crate::domain::book::{Assessed, Book};
use crate::domain::contact::Contact;
use crate::domain::histories::{Histories, encode};
use crate::domain::history::name_index;
use crate::domain::interaction::Interaction;
use crate::domain::params::{CadenceDefaults, ScoringParams};

/// A streamed batch, read in contact order.
struct InBatch<'b> {
    batch: &'b Batch,
    at: usize,
}

impl HistoryOf for InBatch<'_> {
    fn of(&mut self, c: &Contact) -> &[Interaction] {
        self.batch.history_of(&mut self.at, c.id)
    }
}

/// Histories of a run of contacts in one allocation: `ends` holds (contact id, end) in
/// id order, and the run covers the book's contacts `from..to`.
struct Batch {
    from: usize,
    to: usize,
    ends: Vec<(i64, usize)>,
    interactions: Vec<Interaction>,
}

impl Batch {
    fn new(from: usize) -> Self {
        Batch {
            from,
            to: from,
            ends: Vec::with_capacity(BATCH / 8),
            interactions: Vec::with_capacity(BATCH * 2),
        }
    }

    /// The history of contact `id` in this batch; empty if none.
    fn history_of(&self, at: &mut usize, id: i64) -> &[Interaction] {
        while self.ends.get(*at).is_some_and(|&(x, _)| x < id) {
            *at += 1;
        }
        match self.ends.get(*at) {
            Some(&(x, end)) if x == id => {
                let start = if *at == 0 { 0 } else { self.ends[*at - 1].1 };
                &self.interactions[start..end]
            }
            _ => &[],
        }
    }
}

impl Book {
    /// [`Book::assess`] for a book whose histories are not in memory: `feed` reads them
    /// and hands each contact's over, in contact id order (contacts without one may be
    /// left out), while two threads score them batch by batch as they come. Only the
    /// histories of the contacts `keep` names are kept, in [`Book::interactions`]; the
    /// rest are dropped once scored, so memory holds a few batches, not the whole book.
    /// `keep` also says what else is kept: without assessments, [`Assessed::contacts`] is
    /// empty (the ranking and the items are what the review and `suggest` read); without
    /// items, every contact's are empty. What is kept equals [`Book::assess`] on the same
    /// book with every history in memory.
    pub fn assess_streamed<E: Send>(
        &mut self,
        p: &ScoringParams,
        cadence: &CadenceDefaults,
        asks_per_day: usize,
        today: NaiveDate,
        keep: Keep<'_>,
        feed: impl FnOnce(&mut dyn FnMut(i64, &mut Vec<Interaction>)) -> Result<(), E>,
    ) -> Result<Assessed, E> {
        let names = name_index(&self.contacts);
        let rules = self.rules(p, cadence, today, &names, keep);
        let contacts = &self.contacts;
        let (to_score, batches) = mpsc::sync_channel::<Batch>(4);
        // Each scorer holds the receiving end: when both have ended (a panic), sending
        // fails and the reader stops instead of waiting on a full channel.
        let batches = std::sync::Arc::new(std::sync::Mutex::new(batches));
        let (to_reuse, reused) = mpsc::channel::<Batch>();
        let rules = &rules;
        let scorer = |batches: std::sync::Arc<std::sync::Mutex<mpsc::Receiver<Batch>>>| {
            let to_reuse = to_reuse.clone();
            move || {
                let mut runs = Vec::new();
                let mut kept: Vec<(i64, Vec<u8>)> = Vec::new();
                loop {
                    let next = match batches.lock() {
                        Ok(rx) => rx.recv(),
                        Err(_) => break,
                    };
                    let Ok(mut batch) = next else { break };
                    runs.push(rules.run(
                        batch.from,
                        &contacts[batch.from..batch.to],
                        InBatch {
                            batch: &batch,
                            at: 0,
                        },
                    ));
                    let mut start = 0;
                    for &(id, end) in &batch.ends {
                        if keep.history(id) {
                            // Kept packed: a tenth of the memory, so of the pages to clear.
                            kept.push((id, encode(&batch.interactions[start..end])));
                        }
                        start = end;
                    }
                    batch.ends.clear();
                    batch.interactions.clear();
                    // The reader may have finished: then the batch is simply dropped.
                    let _ = to_reuse.send(batch);
                }
                (runs, kept)
            }
        };
        let (fed, done) = std::thread::scope(|s| {
            let scorers = [
                s.spawn(scorer(std::sync::Arc::clone(&batches))),
                s.spawn(scorer(batches)),
            ];
            let mut batch = Batch::new(0);
            let mut scorers_gone = false;
            // Closes `batch` after the contacts up to `id` and sends it to be scored.
            let send = |batch: &mut Batch, upto: usize| {
                batch.to = upto;
                let next = reused
                    .try_recv()
                    .map(|mut b| {
                        b.from = upto;
                        b.to = upto;
                        b
                    })
                    .unwrap_or_else(|_| Batch::new(upto));
                to_score.send(std::mem::replace(batch, next)).is_err()
            };
            let fed = feed(&mut |id, history| {
                if scorers_gone {
                    return;
                }
                batch.interactions.append(history);
                batch.ends.push((id, batch.interactions.len()));
                if batch.interactions.len() >= BATCH {
                    let upto = contacts.partition_point(|c| c.id <= id).max(batch.from);
                    scorers_gone = send(&mut batch, upto);
                }
            });
            if fed.is_ok() && !scorers_gone {
                send(&mut batch, contacts.len());
            }
            drop(to_score);
            let done: Vec<_> = scorers
                .into_iter()
                .map(|t| {
                    t.join()
                        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
                })
                .collect();
            (fed, done)
        });
        fed?;
        let mut runs = Vec::new();
        let mut kept = Histories::default();
        for (r, k) in done {
            runs.extend(r);
            for (id, bytes) in k {
                kept.put_encoded(id, bytes);
            }
        }
        drop(names);
        let assessed = self.ranked(runs, asks_per_day, today, keep);
        self.interactions = kept;
        Ok(assessed)
    }
}
