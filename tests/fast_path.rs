//! The fast path equals the full computation. `suggest` and `today` read each contact's
//! packed history (migration 008) and score the book as it streams past; here random
//! histories are written through every path that changes interactions (log, done marks,
//! imports, merges, referral deletes, undo, and raw SQL that skips the store), and after
//! each step, at a random date:
//!
//! - the packed histories equal the interactions read from the table itself;
//! - the streamed assessment (ranking, review items, today's asks, the agenda) equals
//!   `Book::assess` on the book read from the table;
//! - so does the interface's: the book with its histories packed, assessed keeping only
//!   what lists show, and each contact assessed alone as its detail does.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeSet;

use chrono::{Days, NaiveDate};
use proptest::prelude::*;
use ties::domain::assessor::Keep;
use ties::domain::book::Book;
use ties::domain::contact::{Circle, NewContact};
use ties::domain::document::{DocContact, DocInteraction, Document};
use ties::domain::interaction::{Channel, InteractionKind, NewInteraction, Reward};
use ties::domain::params::{CadenceDefaults, ScoringParams};
use ties::domain::referral::{NewReferral, Quality, Side, Status, StatusChange};
use ties::store::Store;

const KINDS: [InteractionKind; 11] = [
    InteractionKind::Meeting,
    InteractionKind::Call,
    InteractionKind::Message,
    InteractionKind::Job,
    InteractionKind::Praise,
    InteractionKind::Gift,
    InteractionKind::Extra,
    InteractionKind::Thanks,
    InteractionKind::Update,
    InteractionKind::Ask,
    InteractionKind::Complaint,
];

fn start() -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 1, 1).unwrap()
}

#[derive(Debug, Clone)]
enum Op {
    /// Log an interaction: contact (by position), kind, day, label, with a referral.
    Log(usize, usize, u16, bool, bool),
    /// Refer someone: person, other side, received or given, day.
    Refer(usize, usize, bool, u16),
    /// Move a referral's status (by position).
    Status(usize, u8, u16),
    /// Delete a referral: its interactions lose their link.
    DeleteReferral(usize),
    /// Merge the second contact into the first.
    Merge(usize, usize),
    /// Undo the newest change.
    Undo,
    /// Import a JSON document holding one contact with a few interactions.
    Import(u16, u8),
    /// A write outside the store: move an interaction's day and kind by SQL.
    Raw(usize, u16, usize),
    /// A write outside the store that replaces an interaction by its id, for another
    /// contact (`INSERT OR REPLACE`, which fires no delete trigger).
    RawReplace(usize, usize, u16),
    /// Archive a contact.
    Archive(usize),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        6 => (0usize..8, 0usize..11, 0u16..700, any::<bool>(), any::<bool>())
            .prop_map(|(c, k, d, l, r)| Op::Log(c, k, d, l, r)),
        2 => (0usize..8, 0usize..8, any::<bool>(), 0u16..700)
            .prop_map(|(p, o, g, d)| Op::Refer(p, o, g, d)),
        2 => (0usize..6, 0u8..5, 0u16..700).prop_map(|(r, s, d)| Op::Status(r, s, d)),
        1 => (0usize..6).prop_map(Op::DeleteReferral),
        1 => (0usize..8, 0usize..8).prop_map(|(a, b)| Op::Merge(a, b)),
        2 => Just(Op::Undo),
        1 => (0u16..700, 1u8..5).prop_map(|(d, n)| Op::Import(d, n)),
        2 => (0usize..40, 0u16..700, 0usize..11).prop_map(|(i, d, k)| Op::Raw(i, d, k)),
        1 => (0usize..40, 0usize..8, 0u16..700).prop_map(|(i, c, d)| Op::RawReplace(i, c, d)),
        1 => (0usize..8).prop_map(Op::Archive),
    ]
}

fn ids(store: &Store, sql: &str, path: &std::path::Path) -> Vec<i64> {
    let _ = store;
    let conn = rusqlite::Connection::open(path).unwrap();
    let mut stmt = conn.prepare(sql).unwrap();
    stmt.query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

fn apply(store: &mut Store, path: &std::path::Path, op: &Op, today: NaiveDate) {
    let contacts = ids(store, "SELECT id FROM contacts ORDER BY id", path);
    let pick = |n: usize| contacts.get(n % contacts.len().max(1)).copied();
    let day = |d: u16| start() + Days::new(u64::from(d));
    match *op {
        Op::Log(c, k, d, label, linked) => {
            let Some(id) = pick(c) else { return };
            let mut i = NewInteraction::new(id, day(d), KINDS[k]);
            if label {
                i.label = Some(format!("label {d}"));
                i.note = (d % 3 == 0).then(|| format!("note {d}"));
            }
            match KINDS[k] {
                InteractionKind::Ask if d % 2 == 0 => i.channel = Some(Channel::Call),
                InteractionKind::Thanks if d % 2 == 0 => i.reward = Some(Reward::Gift),
                InteractionKind::Job if d % 2 == 0 => i.amount = Some(f64::from(d) * 10.0),
                _ => {}
            }
            if linked {
                let refs = ids(store, "SELECT id FROM referrals ORDER BY id", path);
                i.referral_id = refs.first().copied();
            }
            if let Ok(i) = i.validated(today) {
                store.insert_interaction(&i).unwrap();
            }
        }
        Op::Refer(p, o, given, d) => {
            let (Some(person), Some(other)) = (pick(p), pick(o)) else {
                return;
            };
            let r = NewReferral {
                side: if given {
                    Side::GivenTo(other)
                } else {
                    Side::ReceivedFrom(other)
                },
                person_id: person,
                quality: Quality::WarmHandoff,
                referred_on: day(d),
                note: None,
            };
            if let Ok(r) = r.validated(today) {
                store.insert_referral(&r).unwrap();
            }
        }
        Op::Status(r, s, d) => {
            let refs = ids(store, "SELECT id FROM referrals ORDER BY id", path);
            let Some(&id) = refs.get(r % refs.len().max(1)) else {
                return;
            };
            let to = [
                Status::Contacted,
                Status::Met,
                Status::Proposal,
                Status::Won,
                Status::Lost,
            ][usize::from(s)];
            let change = StatusChange {
                to,
                on: day(d).min(today),
                value: (to == Status::Won).then_some(500.0),
                reason: (to == Status::Lost).then(|| "went elsewhere".to_string()),
                reopen: true,
            };
            let _ = store.change_status(id, &change);
        }
        Op::DeleteReferral(r) => {
            let refs = ids(store, "SELECT id FROM referrals ORDER BY id", path);
            if let Some(&id) = refs.get(r % refs.len().max(1)) {
                store.delete_referral(id).unwrap();
            }
        }
        Op::Merge(a, b) => {
            if let (Some(keep), Some(other)) = (pick(a), pick(b))
                && keep != other
            {
                store.merge_contacts(keep, other, true).unwrap();
            }
        }
        Op::Undo => {
            store.undo().unwrap();
        }
        Op::Import(d, n) => {
            let interactions = (0..n)
                .map(|k| DocInteraction {
                    id: i64::from(k) + 1,
                    contact_id: 1,
                    occurred_on: day(d + u16::from(k) * 9).min(today),
                    kind: KINDS[usize::from(k) % KINDS.len()],
                    direction: None,
                    label: (k % 2 == 0).then(|| format!("imported {k}")),
                    note: None,
                    referral_id: None,
                    channel: None,
                    reward: None,
                    amount: None,
                })
                .collect();
            let doc = Document {
                format: ties::domain::document::FORMAT.into(),
                version: ties::domain::document::VERSION,
                contacts: vec![DocContact {
                    id: 1,
                    uid: format!("imported-{d}-{n}"),
                    name: format!("Imported {d} {n}"),
                    company: None,
                    title: None,
                    circle: Circle::Other,
                    tags: Vec::new(),
                    fields: Vec::new(),
                    how_met: None,
                    notes: None,
                    cadence_days: None,
                    do_not_ask: false,
                    closeness: None,
                    created_on: start(),
                    archived_on: None,
                    vcard_extra: None,
                }],
                referrals: Vec::new(),
                interactions,
                snoozes: Vec::new(),
                let_go: Vec::new(),
                review_done: Vec::new(),
            };
            store.import_document(&doc, false).unwrap();
        }
        Op::Raw(i, d, k) => {
            let all = ids(store, "SELECT id FROM interactions ORDER BY id", path);
            if let Some(&id) = all.get(i % all.len().max(1)) {
                let conn = rusqlite::Connection::open(path).unwrap();
                conn.execute(
                    "UPDATE interactions SET occurred_on = ?1, kind = ?2 WHERE id = ?3",
                    rusqlite::params![day(d).min(today), KINDS[k].as_str(), id],
                )
                .unwrap();
            }
        }
        Op::RawReplace(i, c, d) => {
            let all = ids(store, "SELECT id FROM interactions ORDER BY id", path);
            if let (Some(&id), Some(contact)) = (all.get(i % all.len().max(1)), pick(c)) {
                let conn = rusqlite::Connection::open(path).unwrap();
                conn.execute(
                    "INSERT OR REPLACE INTO interactions (id, contact_id, occurred_on, kind)
                     VALUES (?1, ?2, ?3, 'meeting')",
                    rusqlite::params![id, contact, day(d).min(today)],
                )
                .unwrap();
            }
        }
        Op::Archive(c) => {
            if let Some(id) = pick(c) {
                store.set_archived(id, Some(today)).unwrap();
            }
        }
    }
}

/// The full computation's book: every history read from the table itself.
fn book_from_table(store: &Store) -> Book {
    let mut book = store.book_without_histories().unwrap();
    book.interactions = store.lean_interactions_from_table().unwrap().into();
    book
}

fn check(store: &Store, today: NaiveDate) -> Result<(), TestCaseError> {
    let packed = store.histories().unwrap().unpacked();
    let table = store.lean_interactions_from_table().unwrap();
    prop_assert_eq!(&packed, &table, "packed histories differ from the table");

    let config = ties::config::Config::defaults().unwrap();
    let (p, cadence): (&ScoringParams, &CadenceDefaults) = (&config.scoring, &config.cadence);
    let full_book = book_from_table(store);
    let full = full_book.assess(p, cadence, 3, today);
    let reads: BTreeSet<i64> = full_book.agenda_reads(today, 7);
    // As `suggest` and `today` assess: the histories stream past, `reads` are kept.
    let streamed_book = |only_ask_now: bool| {
        let mut book = store.book_without_histories().unwrap();
        let keep = Keep {
            assessments: false,
            items: true,
            histories: Some(&reads),
            only_ask_now,
        };
        let assessed = book
            .assess_streamed(p, cadence, 3, today, keep, |sink| {
                store.for_each_history(sink)
            })
            .unwrap();
        (book, assessed)
    };
    let (book, streamed) = streamed_book(false);
    prop_assert_eq!(&streamed.ranking, &full.ranking);
    prop_assert_eq!(&streamed.items, &full.items);
    prop_assert_eq!(&streamed.asked_today, &full.asked_today);
    prop_assert!(streamed.contacts.is_empty());
    prop_assert_eq!(
        book.agenda(&streamed, false, 7),
        full_book.agenda(&full, false, 7)
    );
    // `suggest` without --all and `today` rank only the ask_now contacts: the same ones,
    // in the same order, offered the same, as the full ranking's ask_now part, and the
    // same review queue.
    let (asks_book, asks) = streamed_book(true);
    prop_assert_eq!(
        asks_book.agenda(&asks, false, 7),
        full_book.agenda(&full, false, 7)
    );
    let ask_now: Vec<_> = full
        .ranking
        .iter()
        .filter(|s| s.status == ties::domain::ask::AskStatus::AskNow)
        .cloned()
        .collect();
    prop_assert_eq!(&asks.ranking, &ask_now);
    // `today` plans the day on items without their words and words what it prints:
    // a part worded is worded as the whole would be, and all of it is the agenda.
    let worded = full_book.agenda(&full, false, 7);
    let (mut unworded, _) = asks_book.agenda_unworded_owned(asks.clone(), false, 7);
    let some = unworded.len().min(3);
    asks_book.word(&mut unworded[..some], today);
    prop_assert_eq!(&unworded[..some], &worded[..some]);
    asks_book.word(&mut unworded, today);
    prop_assert_eq!(&unworded, &worded);

    // The interface's book: histories packed as the store keeps them, assessed keeping
    // summaries, items and the ranking; the detail assesses its one contact alone.
    let packed_book = store.book(ties::domain::contact::Shape::Lists).unwrap();
    let lists = packed_book.assess_keeping(
        p,
        cadence,
        3,
        today,
        Keep {
            assessments: false,
            ..Keep::ALL
        },
    );
    prop_assert_eq!(&lists.ranking, &full.ranking);
    prop_assert_eq!(&lists.items, &full.items);
    prop_assert_eq!(&lists.summaries, &full.summaries);
    prop_assert!(lists.contacts.is_empty());
    prop_assert_eq!(
        packed_book.agenda(&lists, false, 7),
        full_book.agenda(&full, false, 7)
    );
    for (c, want) in full_book.contacts.iter().zip(&full.contacts) {
        let one = packed_book.assess_one(c.id, p, cadence, today, &packed_book);
        prop_assert_eq!(one.as_ref(), Some(want), "contact {}", c.id);
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn packed_histories_and_the_streamed_assessment_equal_the_full_computation(
        ops in proptest::collection::vec(op(), 1..40),
        days in proptest::collection::vec(0u16..1200, 1..4),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ties.db");
        let mut store = Store::open(&path).unwrap();
        let today = start() + Days::new(700);
        for n in 0..8 {
            store
                .insert_contact(
                    &NewContact {
                        name: format!("Person {n}"),
                        ..NewContact::default()
                    },
                    today,
                )
                .unwrap();
        }
        for op in &ops {
            apply(&mut store, &path, op, today);
            check(&store, today)?;
        }
        for d in days {
            check(&store, start() + Days::new(u64::from(d)))?;
        }
    }
}

/// A large history streams in several batches; contacts with none are still scored.
#[test]
fn a_book_larger_than_one_batch_streams_to_the_same_result() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ties.db");
    let mut store = Store::open(&path).unwrap();
    let today = start() + Days::new(700);
    let data = ties::demo::generate(1_000, 3, today);
    store.fill_demo(&data, today, false).unwrap();
    for _ in 0..2 {
        store
            .insert_contact(
                &NewContact {
                    name: "Nobody Yet".into(),
                    ..NewContact::default()
                },
                today,
            )
            .unwrap();
    }
    let n = store.histories().unwrap().interaction_count();
    assert!(n > 3 * 4_096, "{n} interactions: not several batches");
    for d in [0, 400, 700, 900] {
        check(&store, start() + Days::new(d)).unwrap();
    }
}
