//! The terminal interface under load (demo data, seed 1, today 2026-11-24): fuzzy
//! filtering of 100,000 contacts as the Contacts pane does it, drawing every pane with
//! 100,000 contacts into a 120×40 `TestBackend`, keystroke → redrawn frame while typing
//! a filter over 100,000 contacts (p50 / p99 per keystroke printed), and time to first
//! frame at 10,000 contacts from a database file.
//!
//! Run: `cargo bench --bench tui`. Building the 100k store takes a while, once per run.
//! Results go to BENCHMARKS.md, never into tests.

// A benchmark that cannot set up stops with the reason.
#![allow(clippy::expect_used)]

use std::hint::black_box;
use std::path::Path;
use std::sync::{Arc, Once, OnceLock};
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use criterion::{Criterion, criterion_group, criterion_main};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ties::app::{self, Action, App, Data, Detail};
use ties::config::Config;
use ties::keymap::{Key, KeyCode, Keymap};
use ties::store::Store;

/// Typed one character at a time in the keystroke benchmarks.
const QUERY: &str = "dana hart";
/// Filters of growing length, as the keystrokes of [`QUERY`] produce them.
const FILTERS: [&str; 4] = ["d", "dana", "dana h", "dana hart"];

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 24).expect("a valid date")
}

fn config() -> Config {
    Config::defaults().expect("embedded config")
}

fn keymap(config: &Config) -> Keymap<Action> {
    Keymap::from_config(&config.keys, Path::new("<defaults>")).expect("default keymap")
}

fn fill(store: &mut Store, contacts: usize) {
    let data = ties::demo::generate(contacts, 1, today());
    store.fill_demo(&data, today(), false).expect("demo fill");
}

/// Everything the panes show, as the runtime loads it.
fn load(store: &Store, config: &Config) -> Arc<Data> {
    let book = store
        .book(ties::domain::contact::Shape::Lists)
        .expect("book");
    Arc::new(Data::build(book, config, today()))
}

fn app_on(data: Arc<Data>) -> App {
    let config = config();
    let keymap = keymap(&config);
    App::new(data, config, keymap, true)
}

fn terminal() -> Terminal<TestBackend> {
    Terminal::new(TestBackend::new(120, 40)).expect("test terminal")
}

fn draw(t: &mut Terminal<TestBackend>, app: &App) {
    t.draw(|f| ties::ui::render(f, app)).expect("draw");
}

fn press(app: &mut App, key: Key) {
    if let Some(action) = app.key_action(key) {
        black_box(app::update(app, action, today()));
    }
}

/// Opens the filter on the Contacts pane, cleared (untimed).
fn start_filter(app: &mut App) {
    if app.contacts.filtering {
        press(app, Key::plain(KeyCode::Esc));
    }
    app::update(app, Action::GoContacts, today());
    app::update(app, Action::ClearFilter, today());
    app::update(app, Action::Filter, today());
}

/// Types [`QUERY`] once; returns each keystroke's update + draw time.
fn type_query(app: &mut App, t: &mut Terminal<TestBackend>, out: &mut Vec<Duration>) {
    start_filter(app);
    draw(t, app);
    for c in QUERY.chars() {
        let at = Instant::now();
        press(app, Key::char(c));
        draw(t, app);
        out.push(at.elapsed());
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1e3)
}

/// Keystroke → redrawn frame: p50, p99 and max over `rounds` typings of [`QUERY`].
fn keystroke_percentiles(app: &mut App, rounds: usize) {
    let mut t = terminal();
    let mut times = Vec::with_capacity(rounds * QUERY.chars().count());
    // One round to warm caches, not counted.
    type_query(app, &mut t, &mut Vec::new());
    for _ in 0..rounds {
        type_query(app, &mut t, &mut times);
    }
    times.sort();
    println!(
        "keystroke → frame, typing {QUERY:?} over {} contacts at 120×40: \
         {} keystrokes, p50 {}, p90 {}, p99 {}, max {}",
        app.data.rows.len(),
        times.len(),
        ms(percentile(&times, 0.50)),
        ms(percentile(&times, 0.90)),
        ms(percentile(&times, 0.99)),
        ms(times[times.len() - 1]),
    );
    // Per keystroke position, to see which prefix costs most.
    let mut per: Vec<Vec<Duration>> = vec![Vec::new(); QUERY.chars().count()];
    let mut t = terminal();
    for _ in 0..rounds.min(20) {
        let mut one = Vec::new();
        type_query(app, &mut t, &mut one);
        for (i, d) in one.into_iter().enumerate() {
            per[i].push(d);
        }
    }
    let typed: Vec<char> = QUERY.chars().collect();
    let cells: Vec<String> = per
        .iter_mut()
        .enumerate()
        .map(|(i, v)| {
            v.sort();
            let prefix: String = typed[..=i].iter().collect();
            let hits = app::filter(&app.data.haystacks, &prefix).len();
            format!("{prefix:?} {} ({hits} rows)", ms(percentile(v, 0.5)))
        })
        .collect();
    println!("  median by prefix: {}", cells.join(", "));
}

/// Launch to first frame at `contacts` from a database file: open, load, build, draw.
fn first_frame(path: &Path) -> [Duration; 5] {
    let start = Instant::now();
    let config = config();
    let keymap = keymap(&config);
    let store = Store::open(path).expect("open store");
    let opened = start.elapsed();
    let book = store
        .book(ties::domain::contact::Shape::Lists)
        .expect("book");
    let loaded = start.elapsed();
    let data = Arc::new(Data::build(book, &config, today()));
    let built = start.elapsed();
    let app = App::new(data, config, keymap, true);
    let ready = start.elapsed();
    let mut t = terminal();
    draw(&mut t, &app);
    let drawn = start.elapsed();
    black_box(&app);
    [opened, loaded, built, ready, drawn]
}

fn first_frame_bench(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("ties-10k.db");
    let made = Once::new();
    let make = || {
        made.call_once(|| {
            let mut store = Store::open(&path).expect("create store");
            fill(&mut store, 10_000);
            // A breakdown first: where the time before the first frame goes.
            let mut runs: Vec<[Duration; 5]> = (0..15).map(|_| first_frame(&path)).collect();
            runs.sort_by_key(|r| r[4]);
            let m = runs[runs.len() / 2];
            println!(
                "first frame at 10k contacts (median of 15, cumulative): open store {}, \
                 snapshot loaded {}, panes built {}, app ready {}, first frame drawn {}",
                ms(m[0]),
                ms(m[1]),
                ms(m[2]),
                ms(m[3]),
                ms(m[4]),
            );
        })
    };
    let mut g = c.benchmark_group("10k contacts");
    g.sample_size(10);
    g.bench_function(
        "time to first frame (open file, load, build, draw 120×40)",
        |b| {
            make();
            b.iter(|| black_box(first_frame(&path)))
        },
    );
    g.finish();
}

/// The 100k demo, loaded as the runtime loads it; built once, on first use.
fn data_100k() -> Arc<Data> {
    static DATA: OnceLock<Arc<Data>> = OnceLock::new();
    DATA.get_or_init(|| {
        let config = config();
        let mut store = Store::open_in_memory().expect("in-memory store");
        let at = Instant::now();
        fill(&mut store, 100_000);
        println!("(100k demo store filled in {})", ms(at.elapsed()));
        let at = Instant::now();
        let data = load(&store, &config);
        println!(
            "(100k snapshot loaded and panes built in {}: {} contacts, {} agenda items, \
             {} referrals)",
            ms(at.elapsed()),
            data.rows.len(),
            data.agenda.len(),
            data.book.referrals.len()
        );
        data
    })
    .clone()
}

fn bench_100k(c: &mut Criterion) {
    let mut g = c.benchmark_group("100k contacts");
    g.sample_size(20);
    for q in FILTERS {
        g.bench_function(format!("fuzzy filter {q:?}"), |b| {
            let data = data_100k();
            b.iter(|| black_box(app::filter(&data.haystacks, black_box(q))))
        });
    }

    let panes: [(&str, &[Action], &str); 6] = [
        ("Today", &[], ""),
        ("Contacts", &[Action::GoContacts], ""),
        (
            "Contacts filtered \"dana\"",
            &[Action::GoContacts, Action::Filter],
            "dana",
        ),
        ("Referrals pipeline", &[Action::GoReferrals], ""),
        (
            "Referrals chains",
            &[Action::GoReferrals, Action::Chains],
            "",
        ),
        ("Ask", &[Action::GoAsk], ""),
    ];
    for (name, actions, typed) in panes {
        g.bench_function(format!("draw {name} at 120×40"), |b| {
            let mut app = app_on(data_100k());
            for a in actions {
                app::update(&mut app, a.clone(), today());
            }
            for ch in typed.chars() {
                press(&mut app, Key::char(ch));
            }
            let mut t = terminal();
            b.iter(|| draw(&mut t, &app))
        });
    }

    // Criterion's view of one keystroke: update + draw, cycling through QUERY. The
    // percentiles, which criterion does not give, are measured and printed first.
    let percentiles = Once::new();
    g.bench_function(format!("keystroke → frame typing {QUERY:?}"), |b| {
        percentiles.call_once(|| keystroke_percentiles(&mut app_on(data_100k()), 60));
        let mut app = app_on(data_100k());
        let mut t = terminal();
        let typed: Vec<char> = QUERY.chars().collect();
        let mut next = typed.len();
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                if next == typed.len() {
                    start_filter(&mut app);
                    next = 0;
                }
                let at = Instant::now();
                press(&mut app, Key::char(typed[next]));
                draw(&mut t, &app);
                total += at.elapsed();
                next += 1;
            }
            total
        })
    });
    g.bench_function("contact detail (built when the selection changes)", |b| {
        let data = data_100k();
        let config = config();
        let ids: Vec<i64> = data.rows.iter().step_by(997).map(|r| r.id).collect();
        let mut next = 0;
        b.iter(|| {
            next = (next + 1) % ids.len();
            black_box(Detail::build(&data, ids[next], &config, None))
        })
    });
    g.finish();
}

criterion_group!(benches, bench_100k, first_frame_bench);
criterion_main!(benches);
