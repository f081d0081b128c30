//! Two machines, one book (`ties sync`): replicas edited apart and synced on random
//! schedules, with files delivered late, twice, and as a sync tool's conflict copies,
//! end with the same book (compared by uid); merging is commutative and idempotent;
//! the database passes its integrity and foreign-key checks throughout.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use proptest::prelude::*;
use serde_json::Value;
use ties::cli::run_line;
use ties::config::Config;
use ties::store::Store;

const TODAY: &str = "2026-11-24";

fn today() -> NaiveDate {
    NaiveDate::parse_from_str(TODAY, "%Y-%m-%d").unwrap()
}

/// One machine: its book and the folder its sync tool keeps.
struct Replica {
    db: PathBuf,
    folder: PathBuf,
    store: Store,
    device: String,
    /// Every version of its own file it wrote, oldest first (for late re-delivery).
    written: Vec<Vec<u8>>,
}

impl Replica {
    fn new(root: &Path, i: usize) -> Replica {
        let dir = root.join(format!("r{i}"));
        let folder = root.join(format!("folder{i}"));
        std::fs::create_dir_all(&folder).unwrap();
        let db = dir.join("ties.db");
        let store = Store::open(&db).unwrap();
        let mut r = Replica {
            db,
            folder,
            store,
            device: String::new(),
            written: Vec::new(),
        };
        r.device = r.json("sync --status")["device"]
            .as_str()
            .map(String::from)
            .unwrap_or_default();
        r
    }

    /// Runs a `ties` command line on this replica's book; the outcome's error, if any.
    fn run(&mut self, line: &str) -> Result<String, String> {
        let mut config = Config::defaults().unwrap();
        // "Me" of the mail fixtures (tests/fixtures/email/README.md).
        config.me.emails = vec!["dana@hart.studio".into()];
        let out = run_line(&mut self.store, &config, today(), &self.db, line);
        match out.error {
            Some(e) => Err(e),
            None => Ok(out.output),
        }
    }

    fn json(&mut self, line: &str) -> Value {
        let out = self
            .run(&format!("{line} --json"))
            .unwrap_or_else(|e| panic!("{line}: {e}"));
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("{line}: {e}: {out}"))
    }

    fn own_file(&self) -> PathBuf {
        self.folder.join(format!("ties-{}.automerge", self.device))
    }

    fn sync(&mut self) -> Value {
        let folder = self.folder.display().to_string();
        let out = self.json(&format!("sync {folder}"));
        if self.device.is_empty() {
            self.device = out["device"].as_str().unwrap().to_string();
        }
        if let Ok(bytes) = std::fs::read(self.own_file())
            && self.written.last() != Some(&bytes)
        {
            self.written.push(bytes);
        }
        assert_sound(&self.db);
        out
    }
}

/// `PRAGMA integrity_check` and `foreign_key_check` pass.
fn assert_sound(db: &Path) {
    let conn = rusqlite::Connection::open(db).unwrap();
    let integrity: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(integrity, "ok");
    let broken: i64 = conn
        .query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(broken, 0, "foreign keys broken in {}", db.display());
}

/// The book as every machine must agree on it: each row by its uid, every reference
/// by the uid it names, review keys by the uid of the row they are about.
fn book(db: &Path) -> BTreeSet<String> {
    let conn = rusqlite::Connection::open(db).unwrap();
    let queries = [
        "SELECT 'contact', uid, name, company, title, circle, how_met, notes, cadence_days,
                do_not_ask, closeness, vcard_extra, created_on, archived_on FROM contacts",
        "SELECT 'field', f.uid, c.uid, f.kind, f.label, f.value, f.position
         FROM contact_fields f JOIN contacts c ON c.id = f.contact_id",
        "SELECT 'tag', c.uid, t.tag FROM tags t JOIN contacts c ON c.id = t.contact_id",
        "SELECT 'referral', r.uid, a.uid, p.uid, b.uid, r.quality, r.status, r.referred_on,
                r.value, r.reason, r.note, r.won_value
         FROM referrals r JOIN contacts p ON p.id = r.person_id
         LEFT JOIN contacts a ON a.id = r.referrer_id LEFT JOIN contacts b ON b.id = r.recipient_id",
        "SELECT 'event', e.uid, r.uid, e.status, e.occurred_on
         FROM referral_events e JOIN referrals r ON r.id = e.referral_id",
        "SELECT 'interaction', i.uid, c.uid, i.occurred_on, i.kind, i.direction, i.label, i.note,
                r.uid, i.channel, i.reward, i.amount
         FROM interactions i JOIN contacts c ON c.id = i.contact_id
         LEFT JOIN referrals r ON r.id = i.referral_id",
        // A snooze of an item whose row is gone here (a referral deleted by a merge)
        // names nothing: it is this machine's leftover, not part of the book.
        "SELECT * FROM (SELECT 'snooze', coalesce(
             (SELECT uid FROM contacts WHERE 'c' || id = substr(s.key, instr(s.key, ':') + 1)),
             (SELECT uid FROM referrals WHERE 'r' || id = substr(s.key, instr(s.key, ':') + 1)),
             (SELECT uid FROM interactions WHERE 'i' || id = substr(s.key, instr(s.key, ':') + 1))) AS about,
             substr(s.key, 1, instr(s.key, ':')), s.until FROM snoozes s) WHERE about IS NOT NULL",
    ];
    let mut out = BTreeSet::new();
    for q in queries {
        let mut stmt = conn.prepare(q).unwrap();
        let n = stmt.column_count();
        let rows = stmt
            .query_map([], |r| {
                Ok((0..n)
                    .map(|i| format!("{:?}", r.get_ref(i).unwrap()))
                    .collect::<Vec<_>>()
                    .join(" | "))
            })
            .unwrap();
        out.extend(rows.map(Result::unwrap));
    }
    out
}

#[derive(Debug, Clone)]
enum Op {
    Add(usize),
    Edit(usize, usize, &'static str, u8),
    Log(usize, usize, &'static str),
    Refer(usize, usize, usize),
    Status(usize, usize, &'static str),
    Archive(usize, usize),
    Tag(usize, usize, &'static str),
    Snooze(usize, usize),
    Merge(usize, usize, usize),
    Sync(usize),
    /// From, to, how: the newest file, the newest as a conflict copy too, or an older one.
    Deliver(usize, usize, u8),
}

fn op() -> impl Strategy<Value = Op> {
    let r = 0..3usize;
    let who = 0..12usize;
    prop_oneof![
        2 => r.clone().prop_map(Op::Add),
        2 => (r.clone(), who.clone(), prop::sample::select(vec!["company", "title"]), 0..3u8)
            .prop_map(|(r, w, f, v)| Op::Edit(r, w, f, v)),
        3 => (r.clone(), who.clone(), prop::sample::select(vec!["call", "meeting", "praise", "job"]))
            .prop_map(|(r, w, k)| Op::Log(r, w, k)),
        1 => (r.clone(), who.clone(), who.clone()).prop_map(|(r, a, b)| Op::Refer(r, a, b)),
        1 => (r.clone(), 0..4usize, prop::sample::select(vec!["contacted", "met", "won", "lost"]))
            .prop_map(|(r, i, s)| Op::Status(r, i, s)),
        1 => (r.clone(), who.clone()).prop_map(|(r, w)| Op::Archive(r, w)),
        1 => (r.clone(), who.clone(), prop::sample::select(vec!["vip", "VIP", "gym"]))
            .prop_map(|(r, w, t)| Op::Tag(r, w, t)),
        1 => (r.clone(), 0..6usize).prop_map(|(r, i)| Op::Snooze(r, i)),
        1 => (r.clone(), who.clone(), who.clone()).prop_map(|(r, a, b)| Op::Merge(r, a, b)),
        3 => r.clone().prop_map(Op::Sync),
        3 => (r.clone(), r, 0..3u8).prop_map(|(a, b, m)| Op::Deliver(a, b, m)),
    ]
}

/// Copies `from`'s own file into `to`'s folder as a sync tool would.
/// Two machines sync, each gets the other's file, and both sync again: what two
/// machines sharing a folder do.
fn exchange(reps: &mut [Replica]) {
    reps[0].sync();
    reps[1].sync();
    deliver(reps, 0, 1, 0);
    deliver(reps, 1, 0, 0);
    reps[0].sync();
    reps[1].sync();
}

fn deliver(reps: &[Replica], from: usize, to: usize, how: u8) {
    if from == to {
        return;
    }
    let src = &reps[from];
    let Some(bytes) = (match how {
        2 => src.written.first(),
        _ => src.written.last(),
    }) else {
        return;
    };
    let name = format!("ties-{}.automerge", src.device);
    std::fs::write(reps[to].folder.join(&name), bytes).unwrap();
    if how == 1 {
        let copy = format!(
            "ties-{}.sync-conflict-20261124-101010-ABCDEFG.automerge",
            src.device
        );
        std::fs::write(reps[to].folder.join(copy), bytes).unwrap();
    }
}

fn apply(reps: &mut [Replica], names: &mut Vec<String>, op: &Op) {
    let name = |names: &Vec<String>, i: usize| names.get(i % names.len().max(1)).cloned();
    match op {
        Op::Add(r) => {
            let n = format!("P{}", names.len());
            reps[*r].run(&format!("add {n} --company Start")).unwrap();
            names.push(n);
        }
        Op::Edit(r, w, field, v) => {
            if let Some(n) = name(names, *w) {
                let _ = reps[*r].run(&format!("edit {n} --{field} v{v}-r{r}"));
            }
        }
        Op::Log(r, w, kind) => {
            if let Some(n) = name(names, *w) {
                let _ = reps[*r].run(&format!("log {n} {kind} --note from-r{r}"));
            }
        }
        Op::Refer(r, a, b) => {
            if let (Some(a), Some(b)) = (name(names, *a), name(names, *b)) {
                let _ = reps[*r].run(&format!("refer {a} --by {b}"));
            }
        }
        Op::Status(r, i, s) => {
            let list = reps[*r].json("referral list");
            if let Some(ids) = list.as_array().filter(|a| !a.is_empty()) {
                let id = &ids[i % ids.len()]["id"];
                let extra = match *s {
                    "won" => " --value 100",
                    "lost" => " --reason gone-quiet",
                    _ => "",
                };
                let _ = reps[*r].run(&format!("referral status {id} {s}{extra}"));
            }
        }
        Op::Archive(r, w) => {
            if let Some(n) = name(names, *w) {
                let _ = reps[*r].run(&format!("archive {n}"));
            }
        }
        Op::Tag(r, w, t) => {
            if let Some(n) = name(names, *w) {
                let _ = reps[*r].run(&format!("edit {n} --tag {t}"));
            }
        }
        Op::Snooze(r, i) => {
            let items = reps[*r].json("today --all");
            if let Some(items) = items.as_array().filter(|a| !a.is_empty()) {
                let key = items[i % items.len()]["key"].as_str().unwrap().to_string();
                let _ = reps[*r].run(&format!("snooze {key} 3"));
            }
        }
        Op::Merge(r, a, b) => {
            if let (Some(a), Some(b)) = (name(names, *a), name(names, *b)) {
                let _ = reps[*r].run(&format!("merge {a} {b} --drop-referrals"));
            }
        }
        Op::Sync(r) => {
            reps[*r].sync();
        }
        Op::Deliver(a, b, how) => deliver(reps, *a, *b, *how),
    }
}

/// Every replica gets every other's newest file and syncs, until nothing moves.
fn settle(reps: &mut [Replica]) {
    for _ in 0..3 {
        for r in reps.iter_mut() {
            r.sync();
        }
        for a in 0..reps.len() {
            for b in 0..reps.len() {
                deliver(reps, a, b, 0);
            }
        }
    }
    for r in reps.iter_mut() {
        r.sync();
    }
}

fn unchanged(out: &Value) -> bool {
    out["changed"]
        .as_object()
        .is_some_and(|m| m.values().all(|n| n == 0))
}

proptest! {
    // 24 cases in CI; `TIES_SYNC_CASES=200 cargo test --test sync` runs more.
    #![proptest_config(ProptestConfig {
        cases: std::env::var("TIES_SYNC_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(24),
        ..ProptestConfig::default()
    })]

    #[test]
    fn replicas_synced_on_any_schedule_end_with_the_same_book(
        ops in prop::collection::vec(op(), 1..40)
    ) {
        let root = tempfile::tempdir().unwrap();
        let mut reps: Vec<Replica> = (0..3).map(|i| Replica::new(root.path(), i)).collect();
        let mut names = Vec::new();
        for op in &ops {
            apply(&mut reps, &mut names, op);
        }
        settle(&mut reps);
        let books: Vec<_> = reps.iter().map(|r| book(&r.db)).collect();
        prop_assert_eq!(&books[0], &books[1]);
        prop_assert_eq!(&books[1], &books[2]);
        // Idempotent: syncing again, with every file delivered again, changes nothing.
        for a in 0..3 {
            for b in 0..3 {
                deliver(&reps, a, b, 1);
            }
        }
        for r in &mut reps {
            let out = r.sync();
            prop_assert!(unchanged(&out), "a sync after settling changed the book: {}", out);
        }
        prop_assert_eq!(&book(&reps[0].db), &books[0]);
    }
}

/// Merging is commutative: A then B gives the same book as B then A.
#[test]
fn merge_order_does_not_matter() {
    let root = tempfile::tempdir().unwrap();
    let mut reps: Vec<Replica> = (0..4).map(|i| Replica::new(root.path(), i)).collect();
    reps[0].run("add Dana --company Acme").unwrap();
    reps[0].run("log Dana call").unwrap();
    reps[0].sync();
    reps[1].run("add Sam --title Plumber").unwrap();
    reps[1].run("refer Priya --by Sam").unwrap();
    reps[1].sync();
    // Replica 2 takes A then B; replica 3 takes B then A.
    deliver(&reps, 0, 2, 0);
    reps[2].sync();
    deliver(&reps, 1, 2, 0);
    reps[2].sync();
    deliver(&reps, 1, 3, 0);
    reps[3].sync();
    deliver(&reps, 0, 3, 0);
    reps[3].sync();
    assert_eq!(book(&reps[2].db), book(&reps[3].db));
    assert_eq!(book(&reps[2].db).len(), {
        let mut n = book(&reps[0].db);
        n.extend(book(&reps[1].db));
        n.len()
    });
}

/// A field edited on two machines settles on one value everywhere; the other value is
/// reported on both, and editing it away clears the report after the next sync.
#[test]
fn a_field_edited_twice_settles_and_is_reported() {
    let root = tempfile::tempdir().unwrap();
    let mut reps: Vec<Replica> = (0..2).map(|i| Replica::new(root.path(), i)).collect();
    reps[0].run("add Dana --company Start").unwrap();
    reps[0].sync();
    deliver(&reps, 0, 1, 0);
    reps[1].sync();
    reps[0].run("edit Dana --company Acme").unwrap();
    reps[1].run("edit Dana --company Beta").unwrap();
    reps[0].sync();
    deliver(&reps, 0, 1, 0);
    let out = reps[1].sync();
    assert_eq!(out["conflicts"].as_array().unwrap().len(), 1, "{out}");
    deliver(&reps, 1, 0, 0);
    reps[0].sync();
    let a = reps[0].json("show Dana");
    let b = reps[1].json("show Dana");
    assert_eq!(a["company"], b["company"]);
    for r in reps.iter_mut() {
        let c = r.json("sync --conflicts");
        let c = c.as_array().unwrap();
        assert_eq!(c.len(), 1, "{c:?}");
        assert_eq!(c[0]["field"], "company");
        assert_eq!(c[0]["contact"], "Dana");
        let kept = c[0]["kept"].as_str().unwrap();
        let other = c[0]["other"].as_str().unwrap();
        assert_eq!(Value::from(kept), a["company"]);
        assert!(["Acme", "Beta"].contains(&other) && other != kept);
    }
    // The user picks the other value.
    let other = reps[0].json("sync --conflicts")[0]["other"]
        .as_str()
        .unwrap()
        .to_string();
    reps[0]
        .run(&format!("edit Dana --company {other}"))
        .unwrap();
    reps[0].sync();
    deliver(&reps, 0, 1, 0);
    reps[1].sync();
    for r in reps.iter_mut() {
        assert_eq!(r.json("show Dana")["company"], Value::from(other.as_str()));
        assert!(r.json("sync --conflicts").as_array().unwrap().is_empty());
    }
}

/// Archived on one machine and touched on the other: archived, and the touch kept. A
/// touch logged on a contact another machine merged away lands on the one it was merged
/// into.
#[test]
fn archive_and_merge_keep_every_touch() {
    let root = tempfile::tempdir().unwrap();
    let mut reps: Vec<Replica> = (0..2).map(|i| Replica::new(root.path(), i)).collect();
    reps[0].run("add Dana").unwrap();
    reps[0]
        .run("add \"Dana Hart\" --email dana@example.com")
        .unwrap();
    reps[0].run("add Sam").unwrap();
    reps[0].sync();
    deliver(&reps, 0, 1, 0);
    reps[1].sync();
    reps[0].run("archive Sam").unwrap();
    reps[1].run("log Sam call --note kept").unwrap();
    reps[0].run("merge \"Dana Hart\" \"Dana\"").unwrap();
    reps[1]
        .run("log \"Dana\" meeting --note on-the-merged-one")
        .unwrap();
    exchange(&mut reps);
    assert_eq!(book(&reps[0].db), book(&reps[1].db));
    for r in reps.iter_mut() {
        let sam = r.json("show Sam");
        assert!(
            sam["timeline"]
                .as_array()
                .unwrap()
                .iter()
                .any(|t| t["note"] == "kept"),
            "{sam}"
        );
        let archived = r.json("list --archived");
        assert!(
            archived
                .as_array()
                .unwrap()
                .iter()
                .any(|c| c["name"] == "Sam"),
            "{archived}"
        );
        let dana = r.json("show \"Dana Hart\"");
        assert!(
            dana["timeline"]
                .as_array()
                .unwrap()
                .iter()
                .any(|t| t["note"] == "on-the-merged-one"),
            "{dana}"
        );
        let all = r.json("list");
        assert!(!all.as_array().unwrap().iter().any(|c| c["name"] == "Dana"));
    }
}

/// Two machines merging two contacts each into the other (a circle of merges) end
/// with the same one contact, holding every touch of both.
#[test]
fn merges_in_opposite_directions_settle_on_one_contact() {
    let root = tempfile::tempdir().unwrap();
    let mut reps: Vec<Replica> = (0..2).map(|i| Replica::new(root.path(), i)).collect();
    reps[0].run("add Ben").unwrap();
    reps[0].run("add \"Ben Rossi\" --company Rossi").unwrap();
    reps[0].run("log Ben call --note first").unwrap();
    reps[0]
        .run("log \"Ben Rossi\" meeting --note second")
        .unwrap();
    reps[0].sync();
    deliver(&reps, 0, 1, 0);
    reps[1].sync();
    reps[0].run("merge Ben \"Ben Rossi\"").unwrap();
    reps[1].run("merge \"Ben Rossi\" Ben").unwrap();
    reps[1]
        .run("log \"Ben Rossi\" praise --note third")
        .unwrap();
    reps[0].sync();
    reps[1].sync();
    for _ in 0..2 {
        deliver(&reps, 0, 1, 0);
        deliver(&reps, 1, 0, 0);
        let a = reps[0].sync();
        let b = reps[1].sync();
        assert!(a["refused"].as_array().unwrap().is_empty(), "{a}");
        assert!(b["refused"].as_array().unwrap().is_empty(), "{b}");
    }
    assert_eq!(book(&reps[0].db), book(&reps[1].db));
    for r in reps.iter_mut() {
        let list = r.json("list");
        let list = list.as_array().unwrap();
        assert_eq!(list.len(), 1, "{list:?}");
        let one = r.json(&format!("show {}", list[0]["id"]));
        let notes: BTreeSet<&str> = one["timeline"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|t| t["note"].as_str())
            .collect();
        assert_eq!(notes, BTreeSet::from(["first", "second", "third"]));
    }
}

/// The same introduction imported from email on two machines is one referral once
/// they sync (its uid is named after the mail's Message-ID, unique in either book).
#[test]
fn the_same_mail_imported_on_two_machines_is_one_referral() {
    let root = tempfile::tempdir().unwrap();
    let mut reps: Vec<Replica> = (0..2).map(|i| Replica::new(root.path(), i)).collect();
    let mail = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/email/gmail-intro.eml");
    for r in reps.iter_mut() {
        r.run(&format!("import \"{}\"", mail.display())).unwrap();
        r.sync();
    }
    deliver(&reps, 0, 1, 0);
    deliver(&reps, 1, 0, 0);
    for r in reps.iter_mut() {
        let out = r.sync();
        assert!(out["refused"].as_array().unwrap().is_empty(), "{out}");
    }
    for r in reps.iter_mut() {
        let list = r.json("referral list");
        assert_eq!(list.as_array().unwrap().len(), 1, "{list}");
    }
}

/// The same email added on both machines is one email after they sync; two birthdays
/// given apart settle on one, the other reported.
#[test]
fn fields_added_on_both_machines_are_not_doubled() {
    let root = tempfile::tempdir().unwrap();
    let mut reps: Vec<Replica> = (0..2).map(|i| Replica::new(root.path(), i)).collect();
    reps[0].run("add Ana").unwrap();
    reps[0].sync();
    deliver(&reps, 0, 1, 0);
    reps[1].sync();
    reps[0]
        .run("edit Ana --email shared@x.com --birthday 1980-05-01")
        .unwrap();
    reps[1]
        .run("edit Ana --email SHARED@x.com --birthday 1981-06-02")
        .unwrap();
    exchange(&mut reps);
    assert_eq!(book(&reps[0].db), book(&reps[1].db));
    for r in reps.iter_mut() {
        let ana = r.json("show Ana");
        let fields = ana["fields"].as_array().unwrap();
        let emails = fields.iter().filter(|f| f["kind"] == "email").count();
        let birthdays = fields.iter().filter(|f| f["kind"] == "birthday").count();
        assert_eq!((emails, birthdays), (1, 1), "{ana}");
        let c = r.json("sync --conflicts");
        assert!(
            c.as_array()
                .unwrap()
                .iter()
                .any(|c| c["field"] == "birthday"),
            "{c}"
        );
    }
}

/// `sync --file` refuses a file that is another book, not a copy of this one; `sync`
/// without a folder syncs through the last one.
#[test]
fn another_book_is_not_merged_as_a_copy_and_the_last_folder_is_remembered() {
    let env = common::Env::new();
    env.ok(&["add", "Dana"]);
    let other = common::Env::new();
    other.ok(&["add", "Sam"]);
    let e = env.fails(&["sync", "--file", other.db().to_str().unwrap()], 2);
    assert!(e.contains("another book"), "{e}");
    assert_eq!(env.json(&["list"]).as_array().unwrap().len(), 1);
    let e = env.fails(&["sync"], 2);
    assert!(e.contains("say where to sync"), "{e}");
    let folder = env.dir.path().join("shared");
    std::fs::create_dir_all(&folder).unwrap();
    env.ok(&["sync", folder.to_str().unwrap()]);
    env.ok(&["log", "Dana", "call"]);
    let out = env.json(&["sync"]);
    assert_eq!(out["merged"].as_array().unwrap().len(), 0, "{out}");
    let status = env.json(&["sync", "--status"]);
    assert_eq!(status["pending"], 0, "{status}");
}

/// A snooze of a birthday (`occasion:c12:DATE`) travels like any other.
#[test]
fn occasion_snoozes_travel() {
    let env = common::Env::new();
    env.ok(&["add", "Bruno", "--birthday", "11-26"]);
    let items = env.json(&["today", "--all"]);
    let key = items
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|i| i["key"].as_str())
        .find(|k| k.starts_with("occasion:"))
        .expect("a birthday item")
        .to_string();
    env.ok(&["snooze", &key, "3"]);
    let folder = env.dir.path().join("shared");
    std::fs::create_dir_all(&folder).unwrap();
    env.ok(&["sync", folder.to_str().unwrap()]);
    let other = common::Env::new();
    other.ok(&["sync", folder.to_str().unwrap()]);
    let snoozes = other.json(&["snoozes"]);
    assert_eq!(snoozes.as_array().unwrap().len(), 1, "{snoozes}");
    assert!(snoozes[0]["key"].as_str().unwrap().starts_with("occasion:"));
}

/// Garbage, truncated and newer files in the folder are skipped by name with a reason;
/// the rest merges.
#[test]
fn bad_files_are_skipped_and_the_rest_merges() {
    let root = tempfile::tempdir().unwrap();
    let mut reps: Vec<Replica> = (0..2).map(|i| Replica::new(root.path(), i)).collect();
    reps[0].run("add Dana").unwrap();
    reps[0].sync();
    deliver(&reps, 0, 1, 0);
    let folder = reps[1].folder.clone();
    std::fs::write(
        folder.join("ties-garbage.automerge"),
        b"\x00\x01 not a document",
    )
    .unwrap();
    let good = std::fs::read(reps[0].own_file()).unwrap();
    std::fs::write(
        folder.join("ties-truncated.automerge"),
        &good[..good.len() / 2],
    )
    .unwrap();
    std::fs::write(folder.join("notes.txt"), b"not ours").unwrap();
    let out = reps[1].sync();
    let skipped: Vec<&str> = out["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["file"].as_str().unwrap())
        .collect();
    assert_eq!(
        skipped,
        ["ties-garbage.automerge", "ties-truncated.automerge"]
    );
    assert!(
        out["skipped"]
            .as_array()
            .unwrap()
            .iter()
            .all(|s| !s["reason"].as_str().unwrap().is_empty())
    );
    assert_eq!(out["changed"]["contacts"], 1);
    reps[1].json("show Dana");
}

/// An empty book joining a folder receives everything, including what was snoozed.
#[test]
fn an_empty_book_joining_receives_everything() {
    let env = common::Env::new();
    env.ok(&["demo", "--contacts", "60"]);
    let items = env.json(&["today", "--all"]);
    let key = items[0]["key"].as_str().unwrap().to_string();
    env.ok(&["snooze", &key, "5"]);
    let folder = env.dir.path().join("shared");
    std::fs::create_dir_all(&folder).unwrap();
    let first = env.json(&["sync", folder.to_str().unwrap()]);
    assert!(unchanged(&first));
    let other = common::Env::new();
    let out = other.json(&["sync", folder.to_str().unwrap()]);
    assert_eq!(out["changed"]["contacts"], 60);
    assert_eq!(book(&env.db()), book(&other.db()));
    let status = other.json(&["sync", "--status"]);
    assert_eq!(status["devices"].as_array().unwrap().len(), 2, "{status}");
    // The first machine takes the second's (unchanged) file: nothing changes.
    let again = env.json(&["sync", folder.to_str().unwrap()]);
    assert!(unchanged(&again), "{again}");
    // Bad usage: one sentence, exit 2.
    let e = env.fails(&["sync", "/no/such/folder"], 2);
    assert!(e.contains("no folder"), "{e}");
}

/// The names of the sync log's triggers in a book's file.
fn log_triggers(db: &Path) -> Vec<String> {
    let conn = rusqlite::Connection::open(db).unwrap();
    let mut stmt = conn
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'trigger' AND name LIKE 'sync\\_%' ESCAPE '\\' AND name <> 'sync_merged_undone'")
        .unwrap();
    stmt.query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

/// A book carries the sync log's triggers only once it has synced (before, they had
/// nothing to do but cost every command their parsing); from then on a change made
/// with `sqlite3` is logged like one of ties' and reaches the other machine.
#[test]
fn the_log_starts_with_the_first_sync_and_catches_edits_by_hand() {
    let env = common::Env::new();
    env.ok(&["add", "Sam Lee", "--company", "Lee Plumbing"]);
    assert_eq!(log_triggers(&env.db()), Vec::<String>::new());
    let folder = env.dir.path().join("shared");
    std::fs::create_dir_all(&folder).unwrap();
    env.json(&["sync", folder.to_str().unwrap()]);
    assert_eq!(log_triggers(&env.db()).len(), 24);
    // The sync's lock beside the book is private, like every file ties writes.
    let name = env.db().file_name().unwrap().to_string_lossy().into_owned();
    let lock = env.db().with_file_name(format!(".{name}.sync-lock"));
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(
        std::fs::metadata(&lock).unwrap().permissions().mode() & 0o777,
        0o600
    );
    let other = common::Env::new();
    other.json(&["sync", folder.to_str().unwrap()]);
    rusqlite::Connection::open(env.db())
        .unwrap()
        .execute(
            "UPDATE contacts SET company = 'Hand Co' WHERE name = 'Sam Lee'",
            [],
        )
        .unwrap();
    let status = env.json(&["sync", "--status"]);
    assert_eq!(status["pending"], 1, "{status}");
    env.json(&["sync"]);
    let out = other.json(&["sync", folder.to_str().unwrap()]);
    assert_eq!(out["changed"]["contacts"], 1, "{out}");
    let sam = other.json(&["show", "Sam Lee"]);
    assert_eq!(sam["company"], "Hand Co", "{sam}");
}

/// A conflict copy of the database beside it (a sync tool's) is named at open, and
/// `ties sync --file` merges it; the copy itself is not written.
#[test]
fn a_conflict_copy_of_the_database_is_named_and_merged() {
    let env = common::Env::new();
    env.ok(&["add", "Dana"]);
    env.ok(&["log", "Dana", "call"]);
    let copy = env
        .db()
        .with_file_name("ties.sync-conflict-20261124-101010-ABCDEFG.db");
    std::fs::copy(env.db(), &copy).unwrap();
    // The two copies go apart: each gets a touch of its own.
    env.ok(&["log", "Dana", "meeting", "--note", "here"]);
    let mut other = env.ties();
    other
        .env("TIES_DB", &copy)
        .args(["log", "Dana", "praise", "--note", "there"])
        .assert()
        .success();
    let before = common::sha(&copy);
    let out = env.ties().args(["list"]).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("sync-conflict") && stderr.contains("sync --file"),
        "{stderr}"
    );
    env.ok(&["sync", "--file", copy.to_str().unwrap()]);
    assert_eq!(common::sha(&copy), before, "the copy was written");
    let dana = env.json(&["show", "Dana"]);
    let notes: Vec<&str> = dana["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|t| t["note"].as_str())
        .collect();
    assert!(
        notes.contains(&"here") && notes.contains(&"there"),
        "{notes:?}"
    );
    // The touch they shared before the copy was made is there once.
    let calls = dana["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["kind"] == "call")
        .count();
    assert_eq!(calls, 1);
}

fn ties_at(db: &Path) -> std::process::Command {
    let mut c = std::process::Command::new(assert_cmd::cargo::cargo_bin("ties"));
    c.env_clear()
        .env("TIES_DB", db)
        .env("TIES_TODAY", TODAY)
        .env("HOME", db.parent().unwrap())
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    c
}

fn count(db: &Path, table: &str) -> i64 {
    let conn = rusqlite::Connection::open(db).unwrap();
    conn.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
        .unwrap()
}

/// SIGKILL at many moments of a sync: the book passes `ties check` every time, holds
/// the merge whole or not at all, and the next sync converges.
#[test]
fn kill_during_sync_leaves_the_book_sound_and_the_next_sync_converges() {
    let root = tempfile::tempdir().unwrap();
    let a = root.path().join("a/ties.db");
    let folder = root.path().join("folder");
    std::fs::create_dir_all(&folder).unwrap();
    let run = |db: &Path, args: &[&str]| {
        let st = ties_at(db).args(args).status().unwrap();
        assert!(st.success(), "ties {args:?} failed");
    };
    run(&a, &["demo", "--contacts", "400"]);
    run(&a, &["sync", folder.to_str().unwrap()]);
    let (contacts, interactions) = (count(&a, "contacts"), count(&a, "interactions"));
    // The joining book has a touch of its own, so its own file and rows change too.
    let base = root.path().join("base/ties.db");
    run(&base, &["add", "Local Only"]);
    run(&base, &["log", "Local Only", "call"]);

    let fresh = |round: usize| {
        let dir = root.path().join(format!("round-{round}"));
        let f = dir.join("folder");
        std::fs::create_dir_all(&f).unwrap();
        for e in std::fs::read_dir(&folder).unwrap().flatten() {
            std::fs::copy(e.path(), f.join(e.file_name())).unwrap();
        }
        let db = dir.join("ties.db");
        std::fs::copy(&base, &db).unwrap();
        (db, f)
    };
    let (db, f) = fresh(99);
    let t = std::time::Instant::now();
    run(&db, &["sync", f.to_str().unwrap()]);
    let whole = t.elapsed();
    assert_eq!(count(&db, "contacts"), contacts + 1);

    let mut rng = fastrand::Rng::with_seed(20_261_206);
    for round in 0..12 {
        let (db, f) = fresh(round);
        let delay = whole.mul_f64(0.05 + 1.1 * rng.f64());
        let mut child = ties_at(&db)
            .args(["sync", f.to_str().unwrap()])
            .spawn()
            .unwrap();
        std::thread::sleep(delay);
        let _ = child.kill();
        let _ = child.wait();
        let check = ties_at(&db).arg("check").status().unwrap();
        assert!(
            check.success(),
            "round {round}: check failed after a kill at {delay:?}"
        );
        let n = count(&db, "contacts");
        assert!(
            n == 1 || n == contacts + 1,
            "round {round}: {n} contacts after a kill at {delay:?}: a partial merge"
        );
        run(&db, &["sync", f.to_str().unwrap()]);
        assert_eq!(count(&db, "contacts"), contacts + 1, "round {round}");
        assert_eq!(
            count(&db, "interactions"),
            interactions + 1,
            "round {round}"
        );
        assert_sound(&db);
    }
}
