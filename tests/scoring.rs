//! SCORING.md scenarios 6–10 built through the CLI (`ties log` / `ties refer` with
//! `--on` dates), checked with `ties suggest --all --json`; and the daily review,
//! snoozes and chains end to end.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use chrono::{Duration, NaiveDate};
use common::{Env, TODAY};
use serde_json::Value;

fn ago(n: i64) -> String {
    let t = NaiveDate::parse_from_str(TODAY, "%Y-%m-%d").unwrap();
    (t - Duration::days(n)).to_string()
}

fn add(env: &Env, name: &str) -> String {
    env.json(&["add", name])["id"].as_i64().unwrap().to_string()
}

fn log(env: &Env, id: &str, kind: &str, days_ago: i64, extra: &[&str]) {
    let on = ago(days_ago);
    let mut args = vec!["log", id, kind, "--on", on.as_str()];
    args.extend_from_slice(extra);
    env.ok(&args);
}

/// Calls every 21 days from −3 back to −1093, a meeting every 90 days from −20 back to −920.
fn strong(env: &Env, name: &str) -> String {
    let id = add(env, name);
    for d in (3..=1093).step_by(21) {
        log(env, &id, "call", d, &[]);
    }
    for d in (20..=920).step_by(90) {
        log(env, &id, "meeting", d, &[]);
    }
    id
}

fn kitchen(env: &Env, name: &str) -> String {
    let id = add(env, name);
    for d in [75, 60, 45, 30, 10] {
        log(env, &id, "meeting", d, &[]);
    }
    for d in [74, 66, 58, 50, 41, 33, 25, 18, 12, 7] {
        log(env, &id, "message", d, &["--dir", "both"]);
    }
    log(env, &id, "job", 5, &["--label", "kitchen remodel"]);
    log(env, &id, "praise", 2, &["--label", "kitchen remodel"]);
    id
}

fn new_client(env: &Env, name: &str) -> String {
    let id = add(env, name);
    for d in [40, 25, 12] {
        log(env, &id, "meeting", d, &[]);
    }
    for d in [39, 30, 20, 14, 8] {
        log(env, &id, "message", d, &["--dir", "both"]);
    }
    log(env, &id, "job", 3, &[]);
    id
}

fn suggestion(env: &Env, id: &str) -> Value {
    let all = env.json(&["suggest", "--all"]);
    all.as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"].as_i64().unwrap().to_string() == id)
        .cloned()
        .unwrap_or_else(|| panic!("#{id} is not in suggest --all"))
}

fn near(v: &Value, expected: f64, tol: f64, what: &str) {
    let x = v.as_f64().unwrap();
    assert!(
        (x - expected).abs() <= tol,
        "{what}: {x}, expected {expected} ± {tol}"
    );
}

#[test]
fn scenario_6_kitchen_is_ask_now_after_praise() {
    let env = Env::new();
    let id = kitchen(&env, "Kim Kitchen");
    let s = suggestion(&env, &id);
    near(&s["strength"], 63.0, 3.0, "S");
    assert_eq!(s["band"], "close");
    assert_eq!(s["status"], "ask_now");
    near(&s["readiness"], 66.0, 4.0, "R");
    let first = s["reasons"][0].as_str().unwrap();
    assert!(
        first.contains("kitchen remodel") && first.contains("2 days ago"),
        "{first}"
    );
    // Offered by plain `suggest` too, in the documented shape.
    let offered = env.json(&["suggest"]);
    let row = &offered[0];
    for key in [
        "id",
        "name",
        "strength",
        "band",
        "status",
        "readiness",
        "action",
        "wait_until",
        "reasons",
    ] {
        assert!(row.get(key).is_some(), "suggest --json lacks {key}");
    }
    let score = env.json(&["score", &id]);
    for key in [
        "id",
        "name",
        "strength",
        "band",
        "engagement",
        "duration",
        "services",
        "one_way_capped",
        "given",
        "received",
        "balance",
    ] {
        assert!(score.get(key).is_some(), "score --json lacks {key}");
    }
    assert_eq!(score["strength"], s["strength"]);
}

#[test]
fn scenario_7_asked_recently_waits_ninety_days() {
    let env = Env::new();
    let cases = [
        (1, "wait_until", Some(89)),
        (90, "ask_now", None),
        (89, "wait_until", Some(1)),
    ];
    for (n, (ask_ago, status, wait)) in cases.iter().enumerate() {
        let id = strong(&env, &format!("Strong {n}"));
        log(&env, &id, "praise", 3, &[]);
        log(&env, &id, "ask", *ask_ago, &["--channel", "in_person"]);
        let s = suggestion(&env, &id);
        near(&s["strength"], 86.0, 3.0, "S");
        assert_eq!(s["status"], *status, "ask {ask_ago} days ago");
        match wait {
            Some(days) => {
                let t = NaiveDate::parse_from_str(TODAY, "%Y-%m-%d").unwrap();
                assert_eq!(s["wait_until"], (t + Duration::days(*days)).to_string());
            }
            None => near(&s["readiness"], 72.0, 4.0, "R"),
        }
    }
}

#[test]
fn scenario_8_thank_the_referrer_first() {
    let env = Env::new();
    let id = strong(&env, "Sam Strong");
    let r = env.json(&["refer", "Dana", "--by", &id, "--on", &ago(9)]);
    log(&env, &id, "praise", 9, &[]);
    let s = suggestion(&env, &id);
    assert_eq!(
        (s["status"].as_str(), s["action"].as_str()),
        (Some("do_first"), Some("thank"))
    );
    assert!(
        s["reasons"][0].as_str().unwrap().contains("Dana"),
        "{}",
        s["reasons"][0]
    );
    env.ok(&["thank", &r["id"].to_string()]);
    let s = suggestion(&env, &id);
    assert_eq!(s["status"], "ask_now");
    near(&s["readiness"], 72.0, 4.0, "R");
}

#[test]
fn scenario_9_new_client_over_deliver_first() {
    let env = Env::new();
    let id = new_client(&env, "Nia New");
    let s = suggestion(&env, &id);
    near(&s["strength"], 48.0, 3.0, "S");
    assert_eq!(s["band"], "active");
    assert_eq!(
        (s["status"].as_str(), s["action"].as_str()),
        (Some("do_first"), Some("over_deliver"))
    );
    log(&env, &id, "extra", 1, &[]);
    let s = suggestion(&env, &id);
    assert_eq!(s["status"], "wait_for_moment");
    near(&s["readiness"], 37.0, 4.0, "R");
    log(&env, &id, "praise", 0, &[]);
    let s = suggestion(&env, &id);
    assert_eq!(s["status"], "ask_now");
    near(&s["readiness"], 89.0, 4.0, "R");
}

#[test]
fn scenario_10_giving_first_opens_the_door() {
    let env = Env::new();
    let giver = strong(&env, "Gina Giver");
    let alone = strong(&env, "Al Alone");
    add(&env, "Pat Prospect");
    add(&env, "Quinn Prospect");
    env.ok(&["refer", "Pat Prospect", "--to", &giver, "--on", &ago(40)]);
    env.ok(&["refer", "Quinn Prospect", "--to", &giver, "--on", &ago(150)]);
    let s = suggestion(&env, &giver);
    near(&s["strength"], 92.0, 3.0, "S");
    assert_eq!(s["status"], "ask_now");
    near(&s["readiness"], 61.0, 4.0, "R");
    assert!(
        s["reasons"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r == "You sent them 2 referrals this year; they sent you 0"),
        "{}",
        s["reasons"]
    );
    let a = suggestion(&env, &alone);
    near(&a["strength"], 85.0, 3.0, "S");
    assert_eq!(a["status"], "wait_for_moment");
    // Ranking: ask_now first.
    let all = env.json(&["suggest", "--all"]);
    assert_eq!(all[0]["id"].as_i64().unwrap().to_string(), giver);
}

#[test]
fn daily_review_thank_inform_snooze() {
    let env = Env::new();
    let sam = add(&env, "Sam Lee");
    log(&env, &sam, "meeting", 30, &[]);
    let r = env.json(&["refer", "Dana Hart", "--by", "Sam", "--on", &ago(1)]);
    let rid = r["id"].to_string();
    let items = env.json(&["today"]);
    let keys: Vec<&str> = items
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["key"].as_str().unwrap())
        .collect();
    let thank_key = format!("thank:r{rid}");
    assert!(keys.contains(&thank_key.as_str()), "{keys:?}");
    let item = items
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["key"] == thank_key.as_str())
        .unwrap();
    for key in [
        "key",
        "kind",
        "contact_id",
        "contact",
        "referral_id",
        "due",
        "reason",
    ] {
        assert!(item.get(key).is_some(), "today --json lacks {key}");
    }
    assert_eq!(item["contact"], "Sam Lee");

    // Snoozed: hidden; back when the snooze ends.
    env.ok(&["snooze", &thank_key, "3"]);
    let has = |env: &Env, today: &str, key: &str| {
        env.json(&["--today", today, "today"])
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["key"] == key)
    };
    assert!(!has(&env, TODAY, &thank_key));
    assert!(!has(
        &env,
        &(NaiveDate::parse_from_str(TODAY, "%Y-%m-%d").unwrap() + Duration::days(2)).to_string(),
        &thank_key
    ));
    assert!(has(
        &env,
        &(NaiveDate::parse_from_str(TODAY, "%Y-%m-%d").unwrap() + Duration::days(3)).to_string(),
        &thank_key
    ));
    // Done: thanking removes it for good.
    env.ok(&["thank", &rid]);
    assert!(!has(&env, "2026-12-30", &thank_key));
    // A status change owes the referrer an update; informing clears it.
    env.ok(&["referral", "status", &rid, "contacted"]);
    let inform_key = format!("inform:r{rid}");
    assert!(has(&env, TODAY, &inform_key));
    env.ok(&["inform", &rid]);
    assert!(!has(&env, TODAY, &inform_key));
    // Unknown keys are refused.
    let e = env.fails(&["snooze", "thank:r999", "3"], 2);
    assert!(e.contains("ties today"), "{e}");
    env.fails(&["snooze", &inform_key, "0"], 2);
}

#[test]
fn chain_text_and_json() {
    let env = Env::new();
    for n in ["Ana", "Ben", "Cleo", "Dev", "Eve"] {
        add(&env, n);
    }
    let refer = |person: &str, by: &str, d: i64| {
        env.json(&["refer", person, "--by", by, "--on", &ago(d)])["id"].to_string()
    };
    let r1 = refer("Ben", "Ana", 300);
    let r2 = refer("Cleo", "Ben", 200);
    refer("Dev", "Cleo", 100);
    refer("Eve", "Ben", 90);
    env.ok(&[
        "referral",
        "status",
        &r1,
        "won",
        "--value",
        "5000",
        "--on",
        &ago(250),
    ]);
    env.ok(&[
        "referral",
        "status",
        &r2,
        "won",
        "--value",
        "800",
        "--on",
        &ago(150),
    ]);
    let text = env.ok(&["chain", "Cleo"]);
    assert!(
        text.contains("Ana") && text.contains("└─") && text.contains("Dev"),
        "{text}"
    );
    assert!(
        text.contains("$5,800"),
        "first-touch total of the root: {text}"
    );
    let trees = env.json(&["chain", "Dev"]);
    assert_eq!(trees[0]["first_touch_value"], 5800.0);
    // Flat: nodes in pre-order linked by parent_id, the root first.
    let nodes = trees[0]["nodes"].as_array().unwrap();
    assert_eq!(nodes[0]["name"], "Ana");
    assert_eq!(nodes[0]["parent_id"], serde_json::Value::Null);
    assert_eq!(trees[0]["root_id"], nodes[0]["contact_id"]);
    let dev = nodes.iter().find(|n| n["name"] == "Dev").unwrap();
    assert_eq!(dev["depth"], 3);
    // A cycle (Ben later refers Ana) terminates.
    refer("Ana", "Ben", 10);
    let trees = env.json(&["chain", "Ana"]);
    assert!(!trees.as_array().unwrap().is_empty());
}
