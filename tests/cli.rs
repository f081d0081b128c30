//! CLI flows against a temporary database: the capture commands of DESIGN.md §3,
//! JSON shapes parsed (not grepped), exit codes, and unchanged data on bad input.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{Env, row_counts};
use serde_json::Value;

fn id(v: &Value) -> String {
    v["id"].as_i64().expect("an id").to_string()
}

/// A command that needs people or items already there, pointed at a book that does not
/// exist (a mistyped --db), says so and leaves no empty book or folder behind; adding
/// someone starts one.
#[test]
fn a_mistyped_book_is_not_created_by_a_command_that_needs_one() {
    let env = Env::new();
    let nowhere = env.dir.path().join("typo");
    let db = nowhere.join("ties.db");
    for args in [
        vec!["undo"],
        vec!["log", "Sam", "call"],
        vec!["done", "thank:1"],
        vec!["archive", "Sam"],
        vec!["check", "--repair"],
    ] {
        let out = env.ties().env("TIES_DB", &db).args(&args).output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        // As for a reading command on a missing book: a usage error.
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains("there is no ties database"), "{args:?}: {err}");
        assert!(!nowhere.exists(), "{args:?} created {}", nowhere.display());
    }
    let out = env
        .ties()
        .env("TIES_DB", &db)
        .args(["add", "Sam Lee"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(db.exists());
}

/// An undo names the change by the command and its own arguments, not by where and how
/// it ran: `--db`, `--today`, `--json` and the like are left out, before or after it.
#[test]
fn an_undo_names_the_change_without_the_global_options() {
    let env = Env::new();
    env.ok(&["add", "Sam Lee"]);
    let db = env.db();
    env.ok(&[
        "--db",
        db.to_str().unwrap(),
        "--today=2026-11-20",
        "log",
        "Sam Lee",
        "call",
        "--note",
        "about the fair",
        "--json",
        "--no-color",
    ]);
    let undone = env.json(&["undo"]);
    assert_eq!(
        undone["undone"]["what"], "ties log \"Sam Lee\" call --note \"about the fair\"",
        "{undone}"
    );
}

#[test]
fn full_capture_flow_is_reflected_in_show() {
    let env = Env::new();
    let sam = env.json(&[
        "add",
        "Sam Lee",
        "--company",
        "Lee Plumbing",
        "--email",
        "sam@lee.com",
        "--phone",
        "+1 555 0100",
        "--tag",
        "Plumber",
        "--circle",
        "partner",
        "--how-met",
        "BNI chapter",
        "--cadence",
        "30",
    ]);
    assert_eq!(sam["name"], "Sam Lee");
    assert_eq!(sam["tags"], serde_json::json!(["Plumber"]));
    assert_eq!(sam["circle"], "partner");
    let sam_id = id(&sam);

    // All eleven kinds.
    let kinds = [
        ("meeting", vec!["--label", "coffee"]),
        ("call", vec![]),
        ("message", vec!["--dir", "both"]),
        ("job", vec!["--label", "kitchen remodel"]),
        ("praise", vec!["--label", "kitchen remodel"]),
        ("gift", vec![]),
        ("extra", vec!["--note", "fixed the gate for free"]),
        ("thanks", vec!["--with", "note"]),
        ("update", vec![]),
        ("ask", vec!["--channel", "in_person"]),
        ("complaint", vec!["--note", "late"]),
    ];
    for (n, (kind, extra)) in kinds.iter().enumerate() {
        let on = format!("2026-10-{:02}", n + 1);
        let mut args = vec!["log", sam_id.as_str(), kind, "--on", on.as_str()];
        args.extend(extra.iter().copied());
        let i = env.json(&args);
        assert_eq!(i["kind"], *kind);
        assert_eq!(i["occurred_on"], on);
    }

    // Referral received, then given.
    let r = env.json(&[
        "refer",
        "Dana Hart",
        "--by",
        "Sam",
        "--on",
        "2026-11-01",
        "--quality",
        "warm_handoff",
    ]);
    assert_eq!(r["person_created"], true);
    assert_eq!(r["referrer_id"].as_i64(), sam["id"].as_i64());
    assert!(r["recipient_id"].is_null());
    let dana_id = r["person_id"].as_i64().expect("person_id");
    let rid = id(&r);
    let given = env.json(&["refer", "Dana Hart", "--to", "Sam", "--on", "2026-11-02"]);
    assert_eq!(given["person_created"], false);
    assert_eq!(given["person_id"].as_i64(), Some(dana_id));
    assert_eq!(given["recipient_id"].as_i64(), sam["id"].as_i64());
    assert_eq!(given["quality"], "name_only");

    for (status, on) in [("contacted", "2026-11-03"), ("met", "2026-11-05")] {
        assert_eq!(
            env.json(&["referral", "status", &rid, status, "--on", on])["status"],
            status
        );
    }
    let won = env.json(&[
        "referral",
        "status",
        &rid,
        "won",
        "--on",
        "2026-11-10",
        "--value",
        "12500",
    ]);
    assert_eq!(won["value"], 12500.0);
    let hist: Vec<&str> = won["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["status"].as_str().unwrap())
        .collect();
    assert_eq!(hist, ["new", "contacted", "met", "won"]);

    let t = env.json(&[
        "thank",
        &rid,
        "--with",
        "meal",
        "--amount",
        "80",
        "--on",
        "2026-11-11",
    ]);
    assert_eq!(
        (
            t["kind"].as_str(),
            t["referral_id"].as_i64(),
            t["reward"].as_str()
        ),
        (Some("thanks"), won["id"].as_i64(), Some("meal"))
    );
    assert_eq!(t["contact_id"].as_i64(), sam["id"].as_i64());
    let u = env.json(&[
        "inform",
        &rid,
        "--note",
        "Dana signed",
        "--on",
        "2026-11-12",
    ]);
    assert_eq!(u["kind"], "update");

    let show = env.json(&["show", "sam lee"]);
    for key in [
        "id",
        "uid",
        "name",
        "company",
        "title",
        "circle",
        "tags",
        "fields",
        "how_met",
        "notes",
        "cadence_days",
        "do_not_ask",
        "strength",
        "band",
        "referrals",
        "timeline",
    ] {
        assert!(show.get(key).is_some(), "show --json lacks {key}");
    }
    assert_eq!(show["cadence_days"], 30);
    let fields = show["fields"].as_array().unwrap();
    assert!(
        fields
            .iter()
            .any(|f| f["kind"] == "email" && f["value"] == "sam@lee.com")
    );
    assert!(
        fields
            .iter()
            .any(|f| f["kind"] == "phone" && f["value"] == "+1 555 0100")
    );
    assert_eq!(show["referrals"].as_array().unwrap().len(), 2);
    let timeline = show["timeline"].as_array().unwrap();
    // 11 logged + thanks + update + referral events (new, contacted, met, won; new of the given one).
    assert_eq!(timeline.len(), 11 + 2 + 4 + 1);
    let dates: Vec<&str> = timeline
        .iter()
        .map(|t| t["date"].as_str().unwrap())
        .collect();
    let mut sorted = dates.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(dates, sorted, "timeline is newest first");
    assert_eq!(timeline[0]["kind"], "update");
    assert!(
        timeline
            .iter()
            .any(|t| t["kind"] == "referral" && t["label"].as_str().unwrap().contains("won"))
    );

    let list = env.json(&["referral", "list", "--open"]);
    assert_eq!(
        list.as_array().unwrap().len(),
        1,
        "only the given referral is open"
    );
}

#[test]
fn list_filters_by_tag_circle_and_search() {
    let env = Env::new();
    env.ok(&[
        "add",
        "Ana Ruiz",
        "--tag",
        "designer",
        "--circle",
        "partner",
        "--company",
        "Ruiz Studio",
    ]);
    env.ok(&[
        "add",
        "Ben Okafor",
        "--tag",
        "client",
        "--circle",
        "client",
        "--email",
        "ben@okafor.dev",
    ]);
    env.ok(&[
        "add",
        "Cleo Park",
        "--tag",
        "designer",
        "--circle",
        "client",
    ]);
    let names = |args: &[&str]| -> Vec<String> {
        let mut a = vec!["list"];
        a.extend_from_slice(args);
        env.json(&a)
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["name"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(names(&[]), ["Ana Ruiz", "Ben Okafor", "Cleo Park"]);
    assert_eq!(names(&["--tag", "designer"]), ["Ana Ruiz", "Cleo Park"]);
    assert_eq!(names(&["--circle", "client"]), ["Ben Okafor", "Cleo Park"]);
    assert_eq!(
        names(&["--tag", "designer", "--circle", "client"]),
        ["Cleo Park"]
    );
    assert_eq!(names(&["--search", "studio"]), ["Ana Ruiz"]);
    assert_eq!(names(&["--search", "OKAFOR.DEV"]), ["Ben Okafor"]);
    assert_eq!(names(&["--search", "100%"]), Vec::<String>::new());
    let row = &env.json(&["list"])[0];
    for key in [
        "id",
        "name",
        "company",
        "circle",
        "tags",
        "strength",
        "band",
        "last_touch",
    ] {
        assert!(row.get(key).is_some(), "list --json lacks {key}");
    }
    env.ok(&["archive", "Ana"]);
    assert_eq!(names(&[]), ["Ben Okafor", "Cleo Park"]);
    assert_eq!(names(&["--archived"]), ["Ana Ruiz"]);
    env.ok(&["unarchive", "Ana"]);
    assert_eq!(names(&[]).len(), 3);
}

/// Tags keep the case they were typed in; matching, filtering and de-duplication ignore
/// it, and retyping a tag in another case changes its spelling instead of adding one.
#[test]
fn tags_keep_their_case() {
    let env = Env::new();
    let a = id(&env.json(&[
        "add", "Ana Ruiz", "--tag", "VIP", "--tag", "vip", "--tag", "Designer",
    ]));
    env.ok(&["add", "Ben Okafor", "--tag", "vip"]);
    let ana = env.json(&["show", &a]);
    assert_eq!(ana["tags"], serde_json::json!(["Designer", "VIP"]));
    let names = |args: &[&str]| -> Vec<String> {
        let mut v = vec!["list"];
        v.extend_from_slice(args);
        env.json(&v)
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["name"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(names(&["--tag", "Vip"]), ["Ana Ruiz", "Ben Okafor"]);
    assert_eq!(names(&["--search", "desig"]), ["Ana Ruiz"]);
    assert_eq!(names(&["--search", "DESIG"]), ["Ana Ruiz"]);
    let e = env.json(&["edit", &a, "--tag", "designer", "--remove-tag", "vip"]);
    assert_eq!(e["tags"], serde_json::json!(["designer"]));
}

#[test]
fn edit_and_merge() {
    let env = Env::new();
    let a = id(&env.json(&[
        "add",
        "Dana Hart",
        "--email",
        "dana@hart.io",
        "--tag",
        "a",
        "--birthday",
        "03-02",
    ]));
    let b = id(&env.json(&[
        "add",
        "D. Hart",
        "--email",
        "DANA@hart.io",
        "--phone",
        "555",
        "--tag",
        "b",
        "--company",
        "Hart & Co",
        "--birthday",
        "04-06",
    ]));
    env.ok(&["log", &b, "meeting", "--on", "2026-11-01"]);
    env.ok(&["refer", "Eve Stone", "--by", &b, "--on", "2026-11-02"]);
    let e = env.json(&[
        "edit",
        &a,
        "--title",
        "Architect",
        "--tag",
        "c",
        "--remove-tag",
        "a",
    ]);
    assert_eq!(e["title"], "Architect");
    assert_eq!(e["tags"], serde_json::json!(["c"]));
    let m = env.json(&["merge", &a, &b]);
    assert_eq!(
        m["company"], "Hart & Co",
        "empty fields are filled from the other"
    );
    assert_eq!(m["tags"], serde_json::json!(["b", "c"]));
    let emails: Vec<&Value> = m["fields"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["kind"] == "email")
        .collect();
    assert_eq!(
        emails.len(),
        1,
        "the same email differing in case is not duplicated"
    );
    let birthdays: Vec<&Value> = m["fields"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["kind"] == "birthday")
        .collect();
    assert_eq!(
        birthdays.len(),
        1,
        "one birthday, the kept one's: {birthdays:?}"
    );
    assert_eq!(birthdays[0]["value"], "--03-02");
    assert_eq!(m["referrals"].as_array().unwrap().len(), 1);
    assert!(
        m["timeline"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["kind"] == "meeting")
    );
    let stderr = env.fails(&["show", &format!("#{b}")], 2);
    assert!(stderr.contains("no contact matches"), "{stderr}");
    env.fails(&["edit", &a], 2);
    // A wrong email or phone can be removed by its value; an unknown value is refused.
    let r = env.json(&[
        "edit",
        &a,
        "--remove-field",
        "DANA@HART.IO",
        "--email",
        "dana@hart.studio",
    ]);
    let values: Vec<&str> = r["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["value"].as_str().unwrap())
        .collect();
    assert!(
        !values.contains(&"dana@hart.io") && values.contains(&"dana@hart.studio"),
        "{values:?}"
    );
    let before = common::row_counts(&env.db());
    let e = env.fails(
        &[
            "edit",
            &a,
            "--remove-field",
            "nobody@x.example",
            "--title",
            "Changed",
        ],
        2,
    );
    assert!(e.contains("has no email, phone"), "{e}");
    assert_eq!(common::row_counts(&env.db()), before);
    assert_eq!(
        env.json(&["show", &a])["title"],
        "Architect",
        "a refused edit changes nothing"
    );
}

#[test]
fn bad_input_is_one_sentence_exit_2_and_changes_nothing() {
    let env = Env::new();
    env.ok(&["add", "Dana Hart"]);
    env.ok(&["add", "Dan Brown"]);
    env.ok(&["add", "Sam Lee"]);
    env.ok(&["refer", "Priya Shah", "--by", "Sam", "--on", "2026-11-01"]);
    let before = row_counts(&env.db());
    let cases: &[(&[&str], &str)] = &[
        (&["log", "Dnaa", "call"], "did you mean \"Dana Hart\" (#1)"),
        (&["log", "Da", "call"], "matches 2 contacts"),
        (
            &["log", "Dana Hart", "call", "--on", "2026-02-30"],
            "not a real calendar date",
        ),
        (
            &["log", "Dana Hart", "call", "--on", "24/11/2026"],
            "YYYY-MM-DD",
        ),
        (
            &["log", "Dana Hart", "call", "--on", "2026-11-25"],
            "in the future",
        ),
        (&["log", "Dana Hart", "lunch"], "unknown interaction kind"),
        (
            &["log", "Dana Hart", "call", "--dir", "in"],
            "only to messages",
        ),
        (
            &["log", "Dana Hart", "thanks", "--referral", "1"],
            "does not involve",
        ),
        (
            &["refer", "X", "--by", "Sam", "--to", "Dana Hart"],
            "cannot be used with",
        ),
        (&["refer", "X"], "required"),
        (
            &["refer", "X", "--by", "Nobody At All"],
            "no contact matches",
        ),
        (&["refer", "Sam Lee", "--by", "Sam"], "themselves"),
        (&["referral", "status", "1", "won"], "needs its value"),
        (&["referral", "status", "1", "lost"], "needs a reason"),
        (&["referral", "status", "9", "met"], "does not exist"),
        (
            &["referral", "status", "1", "won", "--value", "-5"],
            "not a valid amount",
        ),
        (&["add", "   "], "needs a name"),
        (&["add", "X", "--email", "nope"], "not an email"),
        (&["add", "X", "--circle", "buddies"], "unknown circle"),
        (&["add", "X", "--closeness", "9"], "out of range"),
        (&["show", "#99"], "no contact matches"),
        (&["--today", "tomorrow", "list"], "--today"),
    ];
    for (args, expect) in cases {
        let stderr = env.fails(args, 2);
        assert!(
            stderr.contains(expect),
            "ties {args:?}: expected {expect:?} in stderr, got: {stderr}"
        );
        assert!(stderr.starts_with("error"), "{stderr}");
        assert!(
            !stderr.contains("panicked") && !stderr.contains("backtrace"),
            "{stderr}"
        );
        assert_eq!(
            row_counts(&env.db()),
            before,
            "ties {args:?} changed the database"
        );
    }
    // Our own errors are exactly one line.
    let stderr = env.fails(&["log", "Dnaa", "call"], 2);
    assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
}

#[test]
fn status_rules_won_lost_reopen() {
    let env = Env::new();
    env.ok(&["add", "Sam Lee"]);
    env.ok(&["refer", "Priya Shah", "--by", "Sam", "--on", "2026-11-01"]);
    env.ok(&[
        "referral",
        "status",
        "1",
        "lost",
        "--reason",
        "went with a cheaper quote",
        "--on",
        "2026-11-05",
    ]);
    let e = env.fails(&["referral", "status", "1", "contacted"], 2);
    assert!(e.contains("--reopen"), "{e}");
    let r = env.json(&["referral", "status", "1", "contacted", "--reopen"]);
    assert_eq!(r["status"], "contacted");
    assert!(r["reason"].is_null(), "reopening clears the lost reason");
    let e = env.fails(&["referral", "status", "1", "met", "--on", "2026-11-02"], 2);
    assert!(e.contains("before the referral's last change"), "{e}");
}

#[test]
fn text_output_never_sends_control_bytes() {
    let env = Env::new();
    let evil = "\x1b[31mEvil\x07";
    env.ok(&[
        "add",
        evil,
        "--company",
        "\x1b]0;pwned\x07Co",
        "--note",
        "line1\nline2\x1b[2J",
    ]);
    env.ok(&[
        "log",
        "Evil",
        "call",
        "--label",
        "\x1b[5mblink",
        "--note",
        "\u{202e}reversed",
    ]);
    for args in [
        vec!["show", "Evil"],
        vec!["list"],
        vec!["log", "Evil", "meeting"],
    ] {
        let out = env.ties().args(&args).output().unwrap();
        let all = [out.stdout.as_slice(), out.stderr.as_slice()].concat();
        assert!(!all.contains(&0x1b), "ties {args:?} printed an ESC byte");
        assert!(!all.contains(&0x07), "ties {args:?} printed a BEL byte");
        assert!(
            !String::from_utf8_lossy(&all).contains('\u{202e}'),
            "ties {args:?} printed a bidi override"
        );
    }
    // The name itself is stored intact, and JSON escapes it.
    let j = env.json(&["show", "Evil"]);
    assert_eq!(j["name"], evil);
    let raw = env.ok(&["show", "Evil", "--json"]);
    assert!(
        !raw.as_bytes().contains(&0x1b),
        "JSON escapes control characters"
    );
}

#[test]
fn paths_and_default_config() {
    let env = Env::new();
    let p = env.json(&["paths"]);
    assert_eq!(
        p["db"].as_str().map(std::path::PathBuf::from),
        Some(env.db())
    );
    let text = env.ok(&["config", "--print-default"]);
    assert!(text.contains("[scoring]") && text.contains("asks_per_day = 3"));
    // A user config overrides key by key; a bad one names file and key, exit 2.
    let cfg = env.dir.path().join("c.toml");
    std::fs::write(&cfg, "[scoring]\nhalf_life_dayz = 3\n").unwrap();
    let e = env.fails(&["--config", cfg.to_str().unwrap(), "list"], 2);
    assert!(
        e.contains("c.toml") && e.contains("scoring.half_life_dayz"),
        "{e}"
    );
    std::fs::write(&cfg, "[ask]\nasks_per_day = 5\n").unwrap();
    env.ok(&["--config", cfg.to_str().unwrap(), "add", "Ana"]);
    env.ok(&["--config", cfg.to_str().unwrap(), "list"]);
    // A missing explicit config is an error.
    let e = env.fails(&["--config", "/nonexistent/ties.toml", "list"], 1);
    assert!(e.contains("/nonexistent/ties.toml"), "{e}");
}

#[test]
fn database_file_is_private() {
    use std::os::unix::fs::PermissionsExt;
    let env = Env::new();
    env.ok(&["add", "Ana"]);
    let mode = std::fs::metadata(env.db()).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    let dir_mode = std::fs::metadata(env.db().parent().unwrap())
        .unwrap()
        .permissions()
        .mode()
        & 0o777;
    assert_eq!(dir_mode, 0o700);
    // After the process ends, the WAL was checkpointed: the .db alone holds the data.
    let wal = env.db().with_extension("db-wal");
    assert!(!wal.exists() || std::fs::metadata(&wal).unwrap().len() == 0);
}

#[test]
fn a_bad_key_binding_is_a_clear_error_before_the_interface_opens() {
    let env = Env::new();
    let config = env.dir.path().join("config.toml");
    std::fs::write(&config, "[keys.contacts]\nx = \"explode\"\n").unwrap();
    let out = env.ties().env("TIES_CONFIG", &config).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("config.toml") && err.contains("keys.contacts.x") && err.contains("explode"),
        "{err}"
    );
}

/// The search index follows every write: a rename, a new email, a removed field, a
/// merge and an archive are found (or no longer found) at once, by name, company,
/// title, tag or field value.
#[test]
fn search_and_lookup_follow_every_write() {
    let env = Env::new();
    let names = |q: &str| -> Vec<String> {
        env.json(&["list", "--search", q])
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["name"].as_str().unwrap().to_string())
            .collect()
    };
    env.ok(&[
        "add",
        "Dana Hart",
        "--company",
        "Hart Realty",
        "--email",
        "dana@hart.example",
        "--tag",
        "realtor",
    ]);
    env.ok(&["add", "Sam Lee", "--title", "Plumber"]);
    assert_eq!(names("realty"), ["Dana Hart"]);
    assert_eq!(names("HART.EX"), ["Dana Hart"]);
    assert_eq!(names("altor"), ["Dana Hart"]);
    assert_eq!(names("plumb"), ["Sam Lee"]);
    assert_eq!(names("ee"), ["Sam Lee"], "two letters scan instead");
    env.ok(&[
        "edit",
        "dana",
        "--name",
        "Dana Park",
        "--email",
        "dp@new.example",
    ]);
    assert!(names("hart d").is_empty());
    assert_eq!(names("dana par"), ["Dana Park"]);
    assert_eq!(names("new.example"), ["Dana Park"]);
    env.ok(&["edit", "Dana Park", "--remove-field", "dp@new.example"]);
    assert!(names("new.example").is_empty());
    // Lookup by a fragment goes through the same index.
    assert_eq!(env.json(&["show", "ana par"])["name"], "Dana Park");
    env.ok(&["add", "Sam Leeds", "--email", "s@leeds.example"]);
    env.ok(&["merge", "Sam Lee", "Sam Leeds"]);
    assert_eq!(names("leeds.ex"), ["Sam Lee"]);
    env.ok(&["archive", "Sam Lee"]);
    assert!(names("plumb").is_empty());
    let archived = env.json(&["list", "--archived", "--search", "plumb"]);
    assert_eq!(archived.as_array().unwrap().len(), 1);
}

/// A snoozed item can be seen and brought back: `snoozes` lists it with its contact and
/// date, `unsnooze` ends it, and it is in today's review again.
#[test]
fn snoozes_are_listed_and_can_be_ended() {
    let env = Env::new();
    env.ok(&["add", "Sam Lee"]);
    env.ok(&["refer", "Dana Hart", "--by", "Sam"]);
    let today = env.json(&["today"]);
    let item = today
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["kind"] == "thank")
        .unwrap()
        .clone();
    let key = item["key"].as_str().unwrap();
    assert!(env.json(&["snoozes"]).as_array().unwrap().is_empty());
    env.ok(&["snooze", key, "7"]);
    let listed = env.json(&["snoozes"]);
    assert_eq!(listed[0]["key"], key);
    assert_eq!(listed[0]["contact"], "Sam Lee");
    assert_eq!(listed[0]["until"], "2026-12-01");
    assert!(env.ok(&["snoozes"]).contains("Sam Lee"));
    assert!(!env.ok(&["today"]).contains(key));
    let done = env.json(&["unsnooze", key]);
    assert_eq!(done["unsnoozed"], true);
    assert!(env.ok(&["today"]).contains(key));
    assert!(env.json(&["snoozes"]).as_array().unwrap().is_empty());
    let e = env.fails(&["unsnooze", key], 2);
    assert!(e.contains("ties snoozes"), "{e}");
}

/// `ties done KEY` records what the item asks for, with the choices that fit its kind;
/// a choice that does not fit, an unknown key, a snoozed or finished item: exit 2 and
/// nothing written.
#[test]
fn done_records_the_item_with_its_choices() {
    let env = Env::new();
    env.ok(&["add", "Sam Lee"]);
    env.ok(&["refer", "Dana Hart", "--by", "Sam", "--on", "2026-11-20"]);
    let items = env.json(&["today"]);
    let keys: Vec<&str> = items
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["key"].as_str().unwrap())
        .collect();
    assert!(
        keys.contains(&"thank:r1") && keys.contains(&"follow_up:r1"),
        "{keys:?}"
    );
    let thank = &items[0];
    assert_eq!(thank["card"]["suggested_reward"], "note");
    assert!(
        thank["card"]["referral"]
            .as_str()
            .unwrap()
            .contains("Dana Hart")
    );
    // A choice that does not fit: refused, nothing written.
    let e = env.fails(&["done", "thank:r1", "--channel", "call"], 2);
    assert!(e.contains("--channel does not fit a thank item"), "{e}");
    let e = env.fails(&["done", "follow_up:r1", "--kind", "praise"], 2);
    assert!(e.contains("call, meeting or message"), "{e}");
    assert_eq!(
        env.json(&["show", "Sam"])["timeline"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    // Done with a gift and its cost.
    let done = env.json(&[
        "done", "thank:r1", "--with", "gift", "--amount", "40", "--note", "wine",
    ]);
    assert_eq!(done["interaction"]["kind"], "thanks");
    assert_eq!(done["interaction"]["reward"], "gift");
    assert_eq!(done["interaction"]["amount"], 40.0);
    assert_eq!(done["interaction"]["referral_id"], 1);
    // Done again, or on a key that never was: exit 2.
    let e = env.fails(&["done", "thank:r1"], 2);
    assert!(e.contains("ties today --all"), "{e}");
    env.fails(&["done", "nonsense"], 2);
    // A follow-up done as a call is a call with the referred person.
    env.ok(&["snooze", "follow_up:r1", "3"]);
    let e = env.fails(&["done", "follow_up:r1"], 2);
    assert!(e.contains("snoozed until") && e.contains("unsnooze"), "{e}");
    env.ok(&["unsnooze", "follow_up:r1"]);
    let done = env.json(&["done", "follow_up:r1", "--kind", "call"]);
    assert_eq!(done["interaction"]["kind"], "call");
    assert_eq!(done["interaction"]["contact_id"], 2);
    assert!(env.ok(&["today", "--brief"]).starts_with("ties: "));
}

/// The day is bounded: `[review] items_per_day` items, obligations first, the rest
/// waiting; `--all` shows everything, `--brief` one line.
#[test]
fn the_day_is_bounded_and_the_rest_waits() {
    let env = Env::new();
    let config = env.dir.path().join("bounded.toml");
    std::fs::write(&config, "[review]\nitems_per_day = 2\n").unwrap();
    let cfg = config.to_str().unwrap();
    env.ok(&["add", "Sam Lee"]);
    for name in ["Dana Hart", "Priya Shah", "Lee Park"] {
        env.ok(&["refer", name, "--by", "Sam", "--on", "2026-11-20"]);
    }
    let day = env.json(&["--config", cfg, "today"]);
    let day = day.as_array().unwrap();
    assert_eq!(day.len(), 2);
    assert!(
        day.iter()
            .all(|i| i["kind"] == "thank" && i["waiting"] == false)
    );
    let all = env.json(&["--config", cfg, "today", "--all"]);
    let all = all.as_array().unwrap();
    // Three thanks, three follow-ups, and giving back to Sam, who sent three.
    assert_eq!(all.len(), 7, "{all:?}");
    assert_eq!(all.iter().filter(|i| i["kind"] == "give_back").count(), 1);
    assert_eq!(all.iter().filter(|i| i["waiting"] == true).count(), 5);
    let text = env.ok(&["--config", cfg, "today"]);
    assert!(text.contains("2 today · 5 waiting"), "{text}");
    assert_eq!(
        env.ok(&["--config", cfg, "today", "--brief"]).trim(),
        "ties: 2 thanks"
    );
    assert_eq!(
        env.ok(&["today", "--brief"]).trim(),
        "ties: 3 thanks · 3 follow-ups · 1 more"
    );
    let e = env.fails(&["let-go", "follow_up:r1"], 2);
    assert!(e.contains("not stale yet"), "{e}");
    // Done on one of the day's items: the day does not refill.
    env.ok(&["--config", cfg, "done", day[0]["key"].as_str().unwrap()]);
    assert_eq!(
        env.ok(&["--config", cfg, "today", "--brief"]).trim(),
        "ties: 1 thank-you"
    );
    let empty = Env::new();
    empty.ok(&["add", "Sam Lee"]);
    assert_eq!(empty.ok(&["today", "--brief"]).trim(), "ties: all clear");
}

/// A birthday is set with `--birthday`, shown in `show --json`, read from vCard and
/// Google CSV, written back on export, and makes an occasion item before the day.
#[test]
fn birthdays_make_occasions_and_travel_through_vcard_and_csv() {
    let env = Env::new();
    // TODAY is 2026-11-24: a birthday on the 26th shows, one on the 30th does not yet.
    env.ok(&["add", "Sam Lee", "--birthday", "1985-11-26"]);
    env.ok(&["add", "Dana Hart", "--birthday", "11-30"]);
    assert_eq!(env.json(&["show", "Sam"])["birthday"], "1985-11-26");
    assert_eq!(env.json(&["show", "Dana"])["birthday"], "--11-30");
    let items = env.json(&["today"]);
    let occasions: Vec<&serde_json::Value> = items
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["kind"] == "occasion")
        .collect();
    assert_eq!(occasions.len(), 1, "{items}");
    assert_eq!(occasions[0]["contact"], "Sam Lee");
    assert!(
        occasions[0]["reason"]
            .as_str()
            .unwrap()
            .contains("turning 41")
    );
    let e = env.fails(&["add", "Lee Park", "--birthday", "11-31"], 2);
    assert!(e.contains("not a day in the calendar"), "{e}");
    env.ok(&["edit", "Dana", "--birthday", "none"]);
    assert!(env.json(&["show", "Dana"])["birthday"].is_null());
    env.ok(&["edit", "Dana", "--birthday", "1990-01-02"]);
    env.ok(&["edit", "Dana", "--birthday", "1990-01-03"]);
    assert_eq!(env.json(&["show", "Dana"])["birthday"], "1990-01-03");
    // Out through vCard and Google CSV, and back in.
    let vcf = env.ok(&["export", "--format", "vcard"]);
    assert!(vcf.contains("BDAY:19851126"), "{vcf}");
    let csv = env.ok(&["export", "--format", "csv"]);
    assert!(csv.contains("1985-11-26"), "{csv}");
    for (file, text) in [("b.vcf", vcf.as_str()), ("b.csv", csv.as_str())] {
        let other = Env::new();
        let path = other.dir.path().join(file);
        std::fs::write(&path, text).unwrap();
        other.ok(&["import", path.to_str().unwrap()]);
        assert_eq!(
            other.json(&["show", "Sam"])["birthday"],
            "1985-11-26",
            "{file}"
        );
    }
    // Apple's year-less BDAY.
    let other = Env::new();
    let path = other.dir.path().join("apple.vcf");
    std::fs::write(
        &path,
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Mia Wong\r\nBDAY:--1125\r\nEND:VCARD\r\n",
    )
    .unwrap();
    other.ok(&["import", path.to_str().unwrap()]);
    assert_eq!(other.json(&["show", "Mia"])["birthday"], "--11-25");
}

/// Moving a received referral along is a touch with the person, so a won client has
/// a history; a stale item can be let go and stays gone.
#[test]
fn the_pipeline_is_contact_and_stale_items_can_be_let_go() {
    let env = Env::new();
    env.ok(&["add", "Sam Lee"]);
    env.ok(&["refer", "Dana Hart", "--by", "Sam", "--on", "2026-01-10"]);
    env.ok(&["thank", "1", "--on", "2026-01-11"]);
    let out = env.ok(&["referral", "status", "1", "met", "--on", "2026-01-20"]);
    assert!(out.contains("Logged a meeting with Dana Hart"), "{out}");
    env.ok(&[
        "referral",
        "status",
        "1",
        "won",
        "--on",
        "2026-02-01",
        "--value",
        "900",
    ]);
    let kinds: Vec<String> = env.json(&["show", "Dana"])["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["kind"] != "referral")
        .map(|t| t["kind"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(kinds, ["job", "meeting"]);
    assert!(env.json(&["list"])[0]["last_touch"].is_string());
    // Sam was never told about the win, long ago: stale, with a way out.
    let items = env.json(&["today", "--all"]);
    let inform = items
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["key"] == "inform:r1")
        .unwrap()
        .clone();
    assert_eq!(inform["stale"], true);
    assert_eq!(inform["card"]["ways_out"][0], "ties let-go inform:r1");
    assert!(
        inform["card"]["draft"]
            .as_str()
            .unwrap()
            .contains("became a client")
    );
    env.ok(&["let-go", "inform:r1"]);
    assert!(!env.ok(&["today", "--all"]).contains("inform:r1"));
}

/// `ties undo` takes back the newest change whole, leaving exactly what was there
/// before (the lossless export is byte-identical), newest first, one at a time.
#[test]
fn undo_restores_exactly_what_was_there() {
    let env = Env::new();
    env.ok(&["demo", "--contacts", "40", "--seed", "2"]);
    env.fails(&["undo"], 2); // the demo fill is not journaled: a restore takes it back
    let export = |env: &Env| env.ok(&["export", "--format", "json"]);
    let before = export(&env);
    let merged = env.json(&["show", "#5"])["name"]
        .as_str()
        .unwrap()
        .to_string();
    let vcf = env.dir.path().join("more.vcf");
    std::fs::write(
        &vcf,
        "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Zoe Quill\r\nEMAIL:zoe@q.example\r\nEND:VCARD\r\n\
         BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Yann Quill\r\nEND:VCARD\r\n",
    )
    .unwrap();
    let steps: Vec<Vec<String>> = vec![
        vec!["log", "#1", "call", "--label", "catch-up"],
        vec![
            "edit",
            "#2",
            "--company",
            "New Co",
            "--tag",
            "vip",
            "--email",
            "n@new.example",
        ],
        vec!["import", vcf.to_str().unwrap()],
        vec!["refer", "Ana Brand New", "--by", "#3"],
        vec!["merge", "#4", "#5", "--drop-referrals"],
        vec!["snooze", "ask:c1", "3"],
        vec!["archive", "#6"],
    ]
    .into_iter()
    .map(|v| v.into_iter().map(String::from).collect())
    .collect();
    let mut exports = vec![before];
    for step in &steps {
        let args: Vec<&str> = step.iter().map(String::as_str).collect();
        // A snooze of an item that is not due is refused: then it changed nothing.
        if env.ties().args(&args).output().unwrap().status.success() {
            exports.push(export(&env));
        }
    }
    assert!(exports.len() >= 6, "most steps changed something");
    // Undo them all, newest first: each undo gives back the export before it.
    while exports.len() > 1 {
        let now = exports.pop().unwrap();
        assert_eq!(export(&env), now);
        let undone = env.json(&["undo"]);
        assert!(undone["undone"]["rows"].as_u64().unwrap() > 0);
        assert!(
            undone["undone"]["what"]
                .as_str()
                .unwrap()
                .starts_with("ties ")
        );
        assert_eq!(export(&env), *exports.last().unwrap());
    }
    env.ok(&["check"]);
    // Search still finds what came back (the index follows the rows).
    assert!(
        env.ok(&["list", "--search", "Quill"])
            .contains("No contacts")
    );
    let found = env.json(&["list", "--search", &merged]);
    assert_eq!(found[0]["id"], 5, "{found}");
}

/// `refer PERSON` means an existing contact only exactly (id, name, email, phone); a
/// fragment of someone else's name is refused with the way out (`--new`).
#[test]
fn refer_person_is_exact() {
    let env = Env::new();
    env.ok(&["add", "Sam Lee"]);
    env.ok(&["add", "Dana Hart", "--email", "dana@hart.example"]);
    let e = env.fails(&["refer", "Ana", "--by", "Sam"], 2);
    assert!(
        e.contains("\"Dana Hart\" (#2)") && e.contains("--new"),
        "{e}"
    );
    assert!(
        env.json(&["referral", "list"])
            .as_array()
            .unwrap()
            .is_empty()
    );
    let r = env.json(&["refer", "Ana", "--by", "Sam", "--new"]);
    assert_eq!(r["person_created"], true);
    let r = env.json(&["refer", "dana hart", "--by", "Sam"]);
    assert_eq!(
        (r["person_id"].as_i64(), &r["person_created"]),
        (Some(2), &serde_json::json!(false))
    );
    let r = env.json(&["refer", "DANA@hart.example", "--by", "Sam"]);
    assert_eq!(r["person_id"], 2);
    let r = env.json(&["refer", "#2", "--by", "Sam"]);
    assert_eq!(r["person_id"], 2);
    let e = env.fails(&["refer", "#99", "--by", "Sam"], 2);
    assert!(e.contains("no contact has id"), "{e}");
    // Dates in words.
    let i = env.json(&["log", "Sam", "call", "--on", "yesterday"]);
    assert_eq!(i["occurred_on"], "2026-11-23");
    let i = env.json(&["log", "Sam", "call", "--on", "3d"]);
    assert_eq!(i["occurred_on"], "2026-11-21");
    let i = env.json(&["log", "Sam", "call", "--on", "mon"]);
    assert_eq!(i["occurred_on"], "2026-11-23");
    let e = env.fails(&["log", "Sam", "call", "--on", "tomorrow"], 2);
    assert!(e.contains("yesterday"), "{e}");
}

/// `ties completions SHELL` prints a script each shell loads; `ties man` a roff page
/// with every subcommand. Neither needs a database or a config.
#[test]
fn completions_and_the_man_page() {
    let env = Env::new();
    for (shell, mark) in [
        ("bash", "complete -F _ties"),
        ("zsh", "#compdef ties"),
        ("fish", "complete -c ties"),
        ("elvish", "edit:completion:arg-completer[ties]"),
        ("powershell", "Register-ArgumentCompleter"),
    ] {
        let script = env.ok(&["completions", shell]);
        assert!(
            script.contains(mark),
            "{shell}: {}",
            &script[..script.len().min(200)]
        );
        assert!(
            script.contains("let-go") || script.contains("let\\-go"),
            "{shell}"
        );
    }
    let man = env.ok(&["man"]);
    assert!(
        man.starts_with(".ie") || man.contains(".TH ties 1"),
        "{}",
        &man[..200]
    );
    for page in [
        "ties\\-done",
        "ties\\-referral\\-status",
        "ties\\-undo",
        "ties\\-today",
    ] {
        assert!(man.contains(page), "no section for {page}");
    }
    assert!(!env.db().exists(), "neither touched a database");
    env.fails(&["completions", "tcsh"], 2);
}

/// `ties stats --json`: the documented shape, every rung, twelve months, `--since`.
#[test]
fn stats_json_shape() {
    let env = Env::new();
    env.ok(&["add", "Sam Lee"]);
    env.ok(&[
        "refer",
        "Dana Hart",
        "--by",
        "Sam",
        "--on",
        "2026-09-01",
        "--quality",
        "three_way_meeting",
    ]);
    env.ok(&[
        "referral",
        "status",
        "1",
        "won",
        "--on",
        "2026-10-01",
        "--value",
        "4000",
    ]);
    env.ok(&["refer", "Priya Shah", "--to", "Sam", "--on", "2026-11-01"]);
    let s = env.json(&["stats"]);
    let keys = |v: &serde_json::Value| -> Vec<String> {
        let mut k: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
        k.sort();
        k
    };
    assert_eq!(
        keys(&s),
        [
            "by_quality",
            "by_referrer",
            "given",
            "monthly",
            "pipeline",
            "received"
        ]
    );
    assert_eq!(
        keys(&s["received"]),
        [
            "conversion",
            "decided",
            "dormant",
            "lost",
            "median_days_to_won",
            "open",
            "referrals",
            "value",
            "won"
        ]
    );
    assert_eq!(s["received"]["conversion"], 1.0);
    assert_eq!(s["received"]["median_days_to_won"], 30.0);
    assert_eq!(s["given"]["referrals"], 1);
    assert_eq!(s["given"]["conversion"], serde_json::Value::Null);
    let rungs: Vec<&str> = s["by_quality"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| q["quality"].as_str().unwrap())
        .collect();
    assert_eq!(
        rungs,
        [
            "name_only",
            "permission",
            "warm_handoff",
            "email_intro",
            "three_way_meeting"
        ]
    );
    assert_eq!(s["by_referrer"][0]["name"], "Sam Lee");
    assert_eq!(s["by_referrer"][0]["value"], 4000.0);
    let months = s["monthly"].as_array().unwrap();
    assert_eq!(months.len(), 12);
    assert_eq!(months[11]["month"], "2026-11");
    assert_eq!(months[10]["won"], 1);
    assert_eq!(months[11]["given"], 1);
    assert_eq!(s["pipeline"].as_array().unwrap().len(), 4);
    let since = env.json(&["stats", "--since", "2026-10-01"]);
    assert_eq!(since["received"]["referrals"], 0);
    assert!(env.ok(&["stats"]).contains("100% of 1"));
    env.fails(&["stats", "--since", "soon"], 2);
}

/// `ties show` says why a referral was lost, and a referral won, reopened and won again
/// shows the newest value on the newest win only (status events keep no value).
#[test]
fn show_says_why_lost_and_each_win_keeps_its_own_value() {
    let env = Env::new();
    env.ok(&["add", "Sam Lee"]);
    env.ok(&["refer", "Nina New", "--by", "Sam"]);
    env.ok(&["referral", "status", "1", "won", "--value", "1500"]);
    env.ok(&["referral", "status", "1", "proposal", "--reopen"]);
    env.ok(&["referral", "status", "1", "won", "--value", "2500"]);
    env.ok(&["refer", "Leah Walsh", "--by", "Sam"]);
    env.ok(&[
        "referral",
        "status",
        "2",
        "lost",
        "--reason",
        "went with a cheaper quote",
    ]);
    let nina = env.ok(&["show", "Nina New"]);
    let wins: Vec<&str> = nina.lines().filter(|l| l.contains(": won")).collect();
    assert_eq!(wins.len(), 2, "{nina}");
    assert!(wins[0].ends_with("won ($2,500)"), "{nina}");
    assert!(wins[1].trim_end().ends_with(": won"), "{nina}");
    let leah = env.ok(&["show", "Leah Walsh"]);
    assert!(
        leah.contains("lost (name only, went with a cheaper quote)"),
        "{leah}"
    );
}
