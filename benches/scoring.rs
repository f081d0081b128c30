//! Scoring and the daily review over demo data (10,000 contacts, ~170,000 interactions),
//! and the store's load path. Throughput is reported in interactions per second.
//!
//! Run: `cargo bench --bench scoring`. Results go to BENCHMARKS.md, never into tests.

// A benchmark that cannot set up stops with the reason.
#![allow(clippy::expect_used)]

use std::hint::black_box;

use chrono::NaiveDate;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use ties::config::Config;
use ties::store::Store;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 24).expect("a valid date")
}

fn store(contacts: usize) -> Store {
    let mut store = Store::open_in_memory().expect("in-memory store");
    let data = ties::demo::generate(contacts, 1, today());
    store.fill_demo(&data, today(), false).expect("demo fill");
    store
}

fn bench(c: &mut Criterion) {
    let config = Config::defaults().expect("embedded config");
    let store = store(10_000);
    let book = store
        .book(ties::domain::contact::Shape::Scoring)
        .expect("book");
    let interactions = book.interactions.interaction_count();
    let p = &config.scoring;
    let asks = config.ask.asks_per_day as usize;
    let assessed = book.assess(p, &config.cadence, asks, today());

    let mut g = c.benchmark_group("10k contacts");
    g.sample_size(20);
    g.throughput(Throughput::Elements(interactions as u64));
    g.bench_function("load the book (store → memory)", |b| {
        b.iter(|| {
            black_box(
                store
                    .book(ties::domain::contact::Shape::Scoring)
                    .expect("load"),
            )
        })
    });
    g.bench_function(
        "assess (strength, ledger, readiness of everyone, ranked)",
        |b| b.iter(|| black_box(book.assess(p, &config.cadence, asks, today()))),
    );
    g.bench_function("agenda from the assessment (daily review)", |b| {
        b.iter(|| black_box(book.agenda(&assessed, false, 3)))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
