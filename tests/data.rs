//! Backup, restore and check through the CLI: round trips keep every row, bad sources
//! are refused with the current database untouched.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{Env, row_counts, sha};

fn dump(db: &std::path::Path) -> Vec<String> {
    let conn = rusqlite::Connection::open(db).unwrap();
    let mut out = Vec::new();
    for t in [
        "contacts",
        "contact_fields",
        "tags",
        "interactions",
        "referrals",
        "referral_events",
        "snoozes",
    ] {
        let mut stmt = conn
            .prepare(&format!("SELECT * FROM {t} ORDER BY 1, 2"))
            .unwrap();
        let n = stmt.column_count();
        let rows = stmt
            .query_map([], |r| {
                let cells: Vec<String> = (0..n)
                    .map(|i| format!("{:?}", r.get_ref(i).unwrap()))
                    .collect();
                Ok(format!("{t}: {}", cells.join(" | ")))
            })
            .unwrap();
        out.extend(rows.map(Result::unwrap));
    }
    out
}

fn seed(env: &Env) {
    env.ok(&[
        "add",
        "Sam Lee",
        "--email",
        "sam@lee.example",
        "--tag",
        "plumber",
        "--note",
        "multi\nline ✓",
    ]);
    env.ok(&["add", "Ana Ruiz"]);
    env.ok(&[
        "refer",
        "Dana Hart",
        "--by",
        "Sam",
        "--on",
        "2026-11-01",
        "--quality",
        "email_intro",
    ]);
    env.ok(&[
        "log",
        "Sam",
        "meeting",
        "--on",
        "2026-11-02",
        "--label",
        "coffee",
    ]);
    env.ok(&["thank", "1", "--with", "gift", "--amount", "40"]);
}

#[test]
fn backup_then_restore_round_trips_every_row() {
    let env = Env::new();
    seed(&env);
    let original = dump(&env.db());
    let backup = env.dir.path().join("b.db");
    let out = env.json(&["backup", backup.to_str().unwrap()]);
    assert_eq!(out["counts"]["contacts"], 3);
    // The backup passes integrity_check on its own and is a ties database.
    let conn = rusqlite::Connection::open(&backup).unwrap();
    let ok: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(ok, "ok");
    let app: i64 = conn
        .query_row("PRAGMA application_id", [], |r| r.get(0))
        .unwrap();
    assert_eq!(app, ties::store::APPLICATION_ID);
    drop(conn);
    // Never overwritten.
    env.fails(&["backup", backup.to_str().unwrap()], 2);

    env.ok(&["add", "Someone New"]);
    env.ok(&["log", "Ana Ruiz", "call"]);
    assert_ne!(dump(&env.db()), original);
    let r = env.json(&["restore", backup.to_str().unwrap()]);
    assert!(
        r["previous_saved_to"]
            .as_str()
            .unwrap()
            .contains("before-restore")
    );
    assert_eq!(
        dump(&env.db()),
        original,
        "restore brings back exactly the backed-up rows"
    );
    env.ok(&["check"]);
}

#[test]
fn default_backups_are_timestamped_and_pruned() {
    let env = Env::new();
    seed(&env);
    let cfg = env.dir.path().join("c.toml");
    std::fs::write(&cfg, "[backup]\nkeep = 2\n").unwrap();
    let mut paths = Vec::new();
    for _ in 0..4 {
        let out = env.json(&["--config", cfg.to_str().unwrap(), "backup"]);
        paths.push(out["path"].as_str().unwrap().to_string());
    }
    assert!(paths[0].contains("/backups/ties-"), "{}", paths[0]);
    let left: Vec<_> = std::fs::read_dir(env.db().parent().unwrap().join("backups"))
        .unwrap()
        .flatten()
        .collect();
    assert_eq!(
        left.len(),
        2,
        "only the newest two automatic backups are kept"
    );
    assert!(std::path::Path::new(&paths[3]).exists());
}

#[test]
fn restoring_a_bad_file_is_refused_and_changes_nothing() {
    let env = Env::new();
    seed(&env);
    let dir = env.dir.path();
    // A corrupt copy of a real backup: bytes overwritten in the middle.
    let good = dir.join("good.db");
    env.ok(&["backup", good.to_str().unwrap()]);
    let before = sha(&env.db());
    let counts = row_counts(&env.db());
    let mut bytes = std::fs::read(&good).unwrap();
    let mid = bytes.len() / 2;
    for b in &mut bytes[mid..mid + 4096] {
        *b = 0xA5;
    }
    let corrupt = dir.join("corrupt.db");
    std::fs::write(&corrupt, &bytes).unwrap();
    let garbage = dir.join("garbage.db");
    std::fs::write(&garbage, vec![7u8; 10_000]).unwrap();
    let empty = dir.join("empty.db");
    std::fs::write(&empty, b"").unwrap();
    let foreign = dir.join("foreign.db");
    rusqlite::Connection::open(&foreign)
        .unwrap()
        .execute_batch("CREATE TABLE t (x); INSERT INTO t VALUES (1);")
        .unwrap();

    for bad in [
        &corrupt,
        &garbage,
        &empty,
        &foreign,
        &dir.join("missing.db"),
    ] {
        let e = env.fails(&["restore", bad.to_str().unwrap()], 1);
        assert!(e.starts_with("error: "), "{e}");
        // About the file named, not the book: no advice to change --db.
        assert!(!e.contains("--db"), "{e}");
        if bad == &empty || bad == &foreign {
            assert!(e.contains("cannot be restored from"), "{e}");
        }
        assert_eq!(
            sha(&env.db()),
            before,
            "restore of {} touched the database",
            bad.display()
        );
    }
    assert_eq!(row_counts(&env.db()), counts);
    assert!(
        !env.db().parent().unwrap().join("backups").exists(),
        "nothing was saved or replaced"
    );
}

#[test]
fn check_reports_counts() {
    let env = Env::new();
    seed(&env);
    let c = env.json(&["check"]);
    assert_eq!(c["ok"], true);
    assert_eq!(c["integrity"], serde_json::json!(["ok"]));
    assert_eq!(c["counts"]["referrals"], 1);
}

#[test]
fn demo_fills_deterministically_and_guards_real_data() {
    let a = Env::new();
    let b = Env::new();
    let out = a.json(&["demo", "--contacts", "200", "--seed", "7"]);
    assert_eq!(out["counts"]["contacts"], 200);
    b.ok(&["demo", "--contacts", "200", "--seed", "7"]);
    assert_eq!(dump(&a.db()).len(), dump(&b.db()).len());
    // Uids are random (contacts' whole rows lead with theirs; the tables migration 010
    // gave one end with it).
    let strip_uid = |rows: Vec<String>| {
        rows.into_iter()
            .filter(|r| !r.starts_with("contacts:"))
            .map(|r| {
                let has_uid = [
                    "contact_fields:",
                    "interactions:",
                    "referrals:",
                    "referral_events:",
                ]
                .iter()
                .any(|t| r.starts_with(t));
                match r.rsplit_once(" | ") {
                    Some((rest, _)) if has_uid => rest.to_string(),
                    _ => r,
                }
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(
        strip_uid(dump(&a.db())),
        strip_uid(dump(&b.db())),
        "same seed and today, same data"
    );
    // A non-empty database is refused without --force, and untouched.
    let before = sha(&a.db());
    let e = a.fails(&["demo"], 2);
    assert!(e.contains("--force"), "{e}");
    assert_eq!(sha(&a.db()), before);
    let out = a.json(&["demo", "--contacts", "50", "--force"]);
    assert_eq!(out["counts"]["contacts"], 50);
    assert!(
        out["previous_saved_to"]
            .as_str()
            .unwrap()
            .contains("before-demo")
    );
    a.ok(&["check"]);
}

/// A backup taken while another process writes in a loop is consistent on its own:
/// it passes `integrity_check` and opens as a ties database.
#[test]
fn backup_while_another_process_writes() {
    let env = Env::new();
    env.ok(&["demo", "--contacts", "300"]);
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let writer = {
        let stop = stop.clone();
        let db = env.db();
        let home = env.home();
        std::thread::spawn(move || {
            let mut n = 0;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                let out = std::process::Command::new(assert_cmd::cargo::cargo_bin("ties"))
                    .env("TIES_DB", &db)
                    .env("HOME", &home)
                    .env("TIES_TODAY", common::TODAY)
                    .args(["log", "#1", "message", "--note", &format!("write {n}")])
                    .output()
                    .unwrap();
                assert!(
                    out.status.success(),
                    "{}",
                    String::from_utf8_lossy(&out.stderr)
                );
                n += 1;
            }
            n
        })
    };
    let mut backups = Vec::new();
    for k in 0..5 {
        let p = env.dir.path().join(format!("during-{k}.db"));
        env.ok(&["backup", p.to_str().unwrap()]);
        backups.push(p);
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let writes = writer.join().unwrap();
    assert!(writes > 0, "the writer ran during the backups");
    for p in &backups {
        let conn = rusqlite::Connection::open(p).unwrap();
        let ok: String = conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .unwrap();
        assert_eq!(ok, "ok", "{}", p.display());
        drop(conn);
        let s = ties::store::Store::open(p).unwrap();
        assert!(
            s.row_counts()
                .unwrap()
                .iter()
                .any(|(t, n)| *t == "contacts" && *n == 300)
        );
    }
}
