//! One book, assessed once: the review queue, the ranking and the contact rows, read
//! from one assessment, stay exactly what they were when the fixtures were written.
//!
//! The fixtures in `tests/fixtures/assess/` were first written by the earlier path (the
//! agenda, the ranking and the rows each scoring everyone on their own) and proved the
//! one assessment gave the same. The daily review (a bounded, ordered day; cards; the
//! demo as a user who keeps up) changed the queue and the demo on purpose, so they were
//! written again, reviewed by eye (`ties demo --contacts 150 --seed 7 --today
//! 2026-11-24`, then `today --all`, `suggest --all` and `list` as JSON at three dates;
//! `scripts/assess-fixtures.sh` does it):
//! any other change to them is a regression.

#![allow(clippy::expect_used)]

mod common;

use common::Env;
use serde_json::Value;

const DATES: [&str; 3] = ["2026-11-24", "2027-01-10", "2027-06-30"];

fn fixture(name: &str) -> Value {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/assess")
        .join(name);
    let text = std::fs::read_to_string(&path).expect("fixture");
    serde_json::from_str(&text).expect("fixture JSON")
}

#[test]
fn one_assessment_gives_the_earlier_queue_ranking_and_rows() {
    let env = Env::new();
    env.ok(&["demo", "--contacts", "150", "--seed", "7"]);
    for day in DATES {
        for (command, file) in [
            (vec!["today", "--all"], "today"),
            (vec!["suggest", "--all"], "suggest"),
            (vec!["list"], "list"),
        ] {
            let mut args = vec!["--today", day];
            args.extend(command);
            let got = env.json(&args);
            let want = fixture(&format!("{file}-{day}.json"));
            assert!(
                got.as_array().is_some_and(|a| !a.is_empty()),
                "{file} at {day} is empty"
            );
            assert_eq!(got, want, "{file} at {day} differs from the earlier path");
        }
    }
}
