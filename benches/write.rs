//! The interface's write path on a database file: from the key that saves a logged
//! interaction until the frame that shows it, at 10,000 and 100,000 contacts (demo data,
//! seed 1), and the time to the first frame against an empty book's. Medians of a few
//! runs, printed; results go to BENCHMARKS.md, never into tests.
//!
//! Run: `cargo bench --bench write` (the 100k database takes a while to fill, once).

// A benchmark that cannot set up stops with the reason.
#![allow(clippy::expect_used)]

use std::path::Path;
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ties::app::Action;
use ties::config::Config;
use ties::keymap::{Key, Keymap};
use ties::runtime::Session;
use ties::store::Store;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 24).expect("a valid date")
}

fn session(path: &Path) -> Session {
    let config = Config::defaults().expect("embedded config");
    let keymap: Keymap<Action> =
        Keymap::from_config(&config.keys, Path::new("<defaults>")).expect("default keymap");
    let store = Store::open(path).expect("open store");
    Session::new(store, config, keymap, true, today()).expect("session")
}

fn draw(t: &mut Terminal<TestBackend>, s: &Session) {
    t.draw(|f| s.draw(f)).expect("draw");
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

fn first_frame(path: &Path) -> Duration {
    let at = Instant::now();
    let s = session(path);
    let mut t = Terminal::new(TestBackend::new(120, 40)).expect("terminal");
    draw(&mut t, &s);
    at.elapsed()
}

fn main() {
    let dir = tempfile::tempdir().expect("temp dir");
    let empty = dir.path().join("empty.db");
    drop(Store::open(&empty).expect("empty store"));
    let runs = |n: usize, f: &dyn Fn() -> Duration| median((0..n).map(|_| f()).collect());
    let empty_frame = runs(7, &|| first_frame(&empty));
    println!("first frame, empty book: {}", ms(empty_frame));
    for contacts in [10_000, 100_000] {
        let path = dir.path().join(format!("ties-{contacts}.db"));
        {
            let mut store = Store::open(&path).expect("create store");
            let data = ties::demo::generate(contacts, 1, today());
            store.fill_demo(&data, today(), false).expect("demo fill");
        }
        let frames = if contacts > 10_000 { 3 } else { 7 };
        let frame = runs(frames, &|| first_frame(&path));
        println!(
            "first frame, {contacts} contacts: {} ({} beyond the empty book's)",
            ms(frame),
            ms(frame.saturating_sub(empty_frame))
        );
        let mut s = session(&path);
        let mut t = Terminal::new(TestBackend::new(120, 40)).expect("terminal");
        s.press(Key::char('2'));
        draw(&mut t, &s);
        let mut times = Vec::new();
        for _ in 0..7 {
            s.press(Key::char('l'));
            draw(&mut t, &s);
            let at = Instant::now();
            s.press(Key::parse("enter").expect("enter"));
            draw(&mut t, &s);
            times.push(at.elapsed());
            assert!(s.app.overlay.is_none(), "the log form saved");
        }
        println!(
            "log an interaction until it is on screen, {contacts} contacts: {} (median of 7)",
            ms(median(times))
        );
    }
}
