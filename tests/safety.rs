//! Nothing lost, nothing leaked, every input bounded: imports read only files (and
//! standard input) up to a limit; no "database is locked" reaches a user while an import
//! runs; every file ties writes is private whatever the umask; a `--db` link and an
//! export to a link, a pipe or a device do what the user meant.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::io::Write;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{Env, TODAY, row_counts};

fn mode(p: &Path) -> u32 {
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

fn ties(env: &Env) -> Command {
    env.process()
}

#[test]
fn import_reads_only_files_within_the_limit() {
    let env = Env::new();
    env.ok(&["add", "Sam"]);
    let before = row_counts(&env.db());
    // Devices and folders are refused by name, at once.
    let start = Instant::now();
    for (path, what) in [
        ("/dev/zero", "a device"),
        ("/dev/urandom", "a device"),
        ("/tmp", "a folder"),
    ] {
        let e = env.fails(&["import", path, "--format", "vcard"], 2);
        assert!(e.contains(path) && e.contains(what), "{e}");
    }
    assert!(start.elapsed() < Duration::from_secs(20), "a refusal hung");
    // A named pipe with no writer would block forever if opened.
    let fifo = env.dir.path().join("pipe.vcf");
    assert!(
        Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    let e = env.fails(&["import", fifo.to_str().unwrap()], 2);
    assert!(e.contains("named pipe"), "{e}");
    // Past [import] max_bytes: refused before reading, with the setting named.
    let cfg = env.dir.path().join("small.toml");
    std::fs::write(&cfg, "[import]\nmax_bytes = 100\n").unwrap();
    let big = env.dir.path().join("big.vcf");
    let card = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ana Example\r\nEND:VCARD\r\n";
    std::fs::write(&big, card.repeat(5)).unwrap();
    let e = env.fails(
        &[
            "--config",
            cfg.to_str().unwrap(),
            "import",
            big.to_str().unwrap(),
        ],
        2,
    );
    assert!(e.contains("max_bytes"), "{e}");
    // Standard input, with the same limit.
    let mut child = ties(&env)
        .args(["--config", cfg.to_str().unwrap(), "import", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let _ = child
        .stdin
        .take()
        .unwrap()
        .write_all(card.repeat(5).as_bytes());
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("standard input"));
    assert_eq!(row_counts(&env.db()), before, "a refused import wrote");
    let mut child = ties(&env)
        .args(["import", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(card.as_bytes())
        .unwrap();
    assert!(child.wait_with_output().unwrap().status.success());
    assert_eq!(env.json(&["show", "Ana Example"])["name"], "Ana Example");
}

/// An import of 20,000 cards while other shells log and list in loops: every command
/// succeeds (the short writes wait their turn), nothing is lost.
#[test]
fn an_import_never_makes_another_command_fail_with_locked() {
    let env = Env::new();
    env.ok(&["add", "Sam Lee"]);
    let mut cards = String::new();
    for i in 0..20_000 {
        cards.push_str(&format!(
            "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:bulk-{i}\r\nFN:Bulk Person {i}\r\nEMAIL:p{i}@bulk.example\r\nTEL:+1 555 {i:07}\r\nCATEGORIES:bulk\r\nEND:VCARD\r\n"
        ));
    }
    let file = env.dir.path().join("big.vcf");
    std::fs::write(&file, cards).unwrap();
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let spawn_loop = |args: Vec<&'static str>| {
        let stop = stop.clone();
        let mut cmd = ties(&env);
        cmd.args(&args).stdout(Stdio::null()).stderr(Stdio::piped());
        std::thread::spawn(move || {
            let mut runs = 0;
            let mut failures = Vec::new();
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                let out = cmd.output().unwrap();
                runs += 1;
                if !out.status.success() {
                    failures.push(String::from_utf8_lossy(&out.stderr).into_owned());
                }
            }
            (runs, failures)
        })
    };
    let logger = spawn_loop(vec!["log", "#1", "call"]);
    let lister = spawn_loop(vec!["list", "--search", "sam"]);
    let out = ties(&env)
        .args(["import", file.to_str().unwrap()])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    std::thread::sleep(Duration::from_millis(300));
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let (logs, log_failures) = logger.join().unwrap();
    let (lists, list_failures) = lister.join().unwrap();
    assert!(
        out.status.success(),
        "the import failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(log_failures.is_empty(), "log failed: {log_failures:?}");
    assert!(list_failures.is_empty(), "list failed: {list_failures:?}");
    assert!(logs > 0 && lists > 0);
    let counts = row_counts(&env.db());
    let get = |t: &str| counts.iter().find(|(n, _)| n == t).unwrap().1;
    assert_eq!(get("contacts"), 20_001);
    assert_eq!(get("interactions"), logs, "a logged call was lost");
}

/// With a permissive umask, the database, its folder, backups (named and automatic,
/// and those taken before a restore or a demo fill), and exports are private.
#[test]
fn every_file_ties_writes_is_private_whatever_the_umask() {
    let env = Env::new();
    let sh = |script: &str| {
        let out = Command::new("sh")
            .arg("-c")
            .arg(format!("umask 000; {script}"))
            .env("TIES", assert_cmd::cargo::cargo_bin("ties"))
            .env("TIES_DB", env.db())
            .env("TIES_TODAY", TODAY)
            .env("HOME", env.home())
            .current_dir(env.dir.path())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{script}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    sh("\"$TIES\" add Sam");
    assert_eq!(mode(&env.db()), 0o600);
    assert_eq!(mode(env.db().parent().unwrap()), 0o700);
    sh("\"$TIES\" backup named/b1.db");
    assert_eq!(mode(&env.dir.path().join("named/b1.db")), 0o600);
    assert_eq!(mode(&env.dir.path().join("named")), 0o700);
    sh("\"$TIES\" backup");
    let backups = env.db().parent().unwrap().join("backups");
    assert_eq!(mode(&backups), 0o700);
    sh("\"$TIES\" restore named/b1.db");
    sh("\"$TIES\" demo --contacts 20 --force");
    sh("\"$TIES\" export -o out.json && \"$TIES\" export --format vcard -o out.vcf");
    assert_eq!(mode(&env.dir.path().join("out.json")), 0o600);
    assert_eq!(mode(&env.dir.path().join("out.vcf")), 0o600);
    let mut names = Vec::new();
    for e in std::fs::read_dir(&backups).unwrap() {
        let p = e.unwrap().path();
        names.push(p.file_name().unwrap().to_string_lossy().into_owned());
        assert_eq!(mode(&p), 0o600, "{}", p.display());
    }
    assert!(
        names.iter().any(|n| n.contains("before-restore"))
            && names.iter().any(|n| n.contains("before-demo")),
        "{names:?}"
    );
    assert_eq!(mode(&env.db()), 0o600, "the restored database");
    // Nothing temporary is left behind.
    let leftovers: Vec<_> = std::fs::read_dir(env.db().parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

/// A `--db` that is a link reads and writes the file it points to; a restore through it
/// replaces the real database and leaves the link a link.
#[test]
fn a_db_link_acts_on_its_target() {
    let env = Env::new();
    let real = env.dir.path().join("real/ties.db");
    let link = env.dir.path().join("link.db");
    let at = |db: &Path, args: &[&str]| {
        let out = ties(&env).env("TIES_DB", db).args(args).output().unwrap();
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    at(&real, &["add", "Sam"]);
    std::os::unix::fs::symlink(&real, &link).unwrap();
    at(&link, &["add", "Ana"]);
    let backup = env.dir.path().join("bk.db");
    at(&link, &["backup", backup.to_str().unwrap()]);
    at(&link, &["add", "Bo"]);
    assert!(at(&real, &["list"]).contains("Bo"));
    at(&link, &["restore", backup.to_str().unwrap()]);
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink(),
        "the restore replaced the link"
    );
    let listed = at(&real, &["list"]);
    assert!(listed.contains("Ana") && !listed.contains("Bo"), "{listed}");
    // A dangling link is one clear sentence, and nothing is created.
    let dangling = env.dir.path().join("dangling.db");
    std::os::unix::fs::symlink(env.dir.path().join("nowhere/ties.db"), &dangling).unwrap();
    let out = ties(&env)
        .env("TIES_DB", &dangling)
        .args(["add", "X"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("does not exist"));
    assert!(!env.dir.path().join("nowhere").exists());
}

/// `export -o` writes through a pipe or device, refuses to replace a link or a
/// read-only file unless told to, and never replaces a device node.
#[test]
fn export_output_to_pipes_devices_links_and_read_only_files() {
    let env = Env::new();
    env.ok(&["add", "Sam Lee"]);
    // Through /dev/stdout into a pipe.
    let out = ties(&env)
        .args(["export", "--format", "vcard", "-o", "/dev/stdout"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("FN:Sam Lee"));
    // A device stays a device.
    env.ok(&["export", "-o", "/dev/null"]);
    let meta = std::fs::metadata("/dev/null").unwrap();
    assert!(!meta.is_file(), "/dev/null was replaced by a file");
    // A link to a file: refused, then written through with --force.
    let target = env.dir.path().join("target.json");
    std::fs::write(&target, "old").unwrap();
    let link = env.dir.path().join("link.json");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    let e = env.fails(&["export", "-o", link.to_str().unwrap()], 2);
    assert!(e.contains("link") && e.contains("--force"), "{e}");
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "old");
    env.ok(&["export", "-o", link.to_str().unwrap(), "--force"]);
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert!(
        std::fs::read_to_string(&target)
            .unwrap()
            .contains("Sam Lee")
    );
    // A read-only file: refused, then replaced with --force.
    let ro = env.dir.path().join("ro.json");
    std::fs::write(&ro, "keep").unwrap();
    std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o444)).unwrap();
    let e = env.fails(&["export", "-o", ro.to_str().unwrap()], 2);
    assert!(e.contains("read-only"), "{e}");
    assert_eq!(std::fs::read_to_string(&ro).unwrap(), "keep");
    env.ok(&["export", "-o", ro.to_str().unwrap(), "--force"]);
    assert!(std::fs::read_to_string(&ro).unwrap().contains("Sam Lee"));
}

/// A read command never creates a database, and temporary files a killed ties left
/// beside the database are removed at the next start.
#[test]
fn read_commands_create_nothing_and_stale_temporaries_go() {
    let env = Env::new();
    let e = env.fails(&["list"], 2);
    assert!(e.contains("no ties database"), "{e}");
    env.fails(&["check"], 2);
    assert!(!env.db().exists(), "a read command created the database");
    env.ok(&["add", "Sam"]);
    let dir = env.db().parent().unwrap().to_path_buf();
    // A process id that cannot be running (above the kernel's maximum).
    let stale = dir.join(".ties.db.4999999.tmp");
    std::fs::write(&stale, "half a backup").unwrap();
    let mine = dir.join(format!(".ties.db.{}.tmp", std::process::id()));
    std::fs::write(&mine, "in use").unwrap();
    env.ok(&["add", "Ana"]);
    assert!(!stale.exists(), "a stale temporary file was left");
    assert!(
        mine.exists(),
        "the temporary file of a running process was removed"
    );
}

/// The JSON importer applies the CLI's rules to every field: one sentence naming the
/// record and the field, exit 2, nothing imported.
#[test]
fn json_import_refuses_what_the_cli_refuses() {
    let env = Env::new();
    env.ok(&["add", "Sam Lee", "--email", "sam@lee.example"]);
    env.ok(&["add", "Dana Hart"]);
    env.ok(&["refer", "Dana Hart", "--by", "Sam"]);
    env.ok(&["log", "Sam", "call"]);
    let doc: serde_json::Value =
        serde_json::from_str(&env.ok(&["export", "--format", "json"])).unwrap();
    let fresh = Env::new();
    type Edit = Box<dyn Fn(&mut serde_json::Value)>;
    let cases: Vec<(&str, Edit)> = vec![
        (
            "closeness",
            Box::new(|d| d["contacts"][0]["closeness"] = 9.into()),
        ),
        (
            "fields",
            Box::new(|d| d["contacts"][0]["fields"][0]["value"] = "not an email".into()),
        ),
        (
            "amount",
            Box::new(|d| d["interactions"][0]["amount"] = (-5).into()),
        ),
        (
            "direction",
            Box::new(|d| {
                d["interactions"][0]["kind"] = "meeting".into();
                d["interactions"][0]["direction"] = "in".into();
            }),
        ),
        (
            "occurred_on",
            Box::new(|d| d["interactions"][0]["occurred_on"] = "2099-01-01".into()),
        ),
        (
            "created_on",
            Box::new(|d| d["contacts"][0]["created_on"] = "26-1-1".into()),
        ),
        (
            "value",
            Box::new(|d| d["referrals"][0]["value"] = (-100).into()),
        ),
        (
            "value",
            Box::new(|d| {
                d["referrals"][0]["status"] = "won".into();
                d["referrals"][0]["history"][0]["status"] = "won".into();
            }),
        ),
        (
            "history",
            Box::new(|d| d["referrals"][0]["history"] = serde_json::json!([])),
        ),
    ];
    for (field, change) in cases {
        let mut d = doc.clone();
        change(&mut d);
        let file = fresh.dir.path().join("bad.json");
        std::fs::write(&file, d.to_string()).unwrap();
        let e = fresh.fails(&["import", file.to_str().unwrap()], 2);
        assert!(
            e.contains(field) && e.lines().count() == 1 && !e.contains("CHECK"),
            "{field}: {e}"
        );
    }
    assert!(!fresh.db().exists() || row_counts(&fresh.db()).iter().all(|(_, n)| *n == 0));
    // The unchanged export still imports.
    let file = fresh.dir.path().join("good.json");
    std::fs::write(&file, doc.to_string()).unwrap();
    fresh.ok(&["import", file.to_str().unwrap()]);
}

/// Small holes: a thanks or an update dated before its referral, a CSV cell a
/// spreadsheet would run, and JSON that would carry DEL or C1 bytes to a terminal.
#[test]
fn dates_before_a_referral_csv_formulas_and_json_controls() {
    let env = Env::new();
    env.ok(&["add", "Sam Lee"]);
    let r = env.json(&["refer", "Dana Hart", "--by", "Sam", "--on", "2026-11-01"]);
    let id = r["id"].to_string();
    let e = env.fails(&["thank", &id, "--on", "2026-10-01"], 2);
    assert!(e.contains("2026-11-01"), "{e}");
    env.fails(&["inform", &id, "--on", "2026-10-31"], 2);
    env.ok(&["thank", &id, "--on", "2026-11-01"]);
    env.ok(&["add", "=cmd|' /C calc'!A0", "--phone", "+1 555 0100"]);
    let csv = env.ok(&["export", "--format", "csv"]);
    assert!(csv.contains("'=cmd|"), "{csv}");
    assert!(
        csv.contains(",+1 555 0100,") || csv.contains("\"+1 555 0100\""),
        "{csv}"
    );
    env.ok(&["add", "Del\u{7f} C1\u{9b} Zero\u{200b}"]);
    let out = ties(&env).args(["list", "--json"]).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(!text.contains('\u{7f}') && !text.contains('\u{9b}') && !text.contains('\u{200b}'));
    assert!(
        text.contains("\\u007f") && text.contains("\\u009b"),
        "{text}"
    );
    let parsed: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert!(
        parsed
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["name"] == "Del\u{7f} C1\u{9b} Zero\u{200b}")
    );
}

/// A referral recorded by mistake can be deleted (its thanks stay, unlinked), and a
/// merge of a referrer with the person they referred says how to drop that referral.
#[test]
fn referral_delete_and_merge_across_a_referral() {
    let env = Env::new();
    env.ok(&["add", "Sam Lee"]);
    let r = env.json(&["refer", "Dana Hart", "--by", "Sam"]);
    let id = r["id"].to_string();
    env.ok(&["thank", &id]);
    let e = env.fails(&["merge", "Sam Lee", "Dana Hart"], 2);
    assert!(
        e.contains("--drop-referrals") && e.contains(&format!("#{id}")),
        "{e}"
    );
    let deleted = env.json(&["referral", "delete", &id]);
    assert_eq!(deleted["id"].to_string(), id);
    assert!(
        env.json(&["referral", "list"])
            .as_array()
            .unwrap()
            .is_empty()
    );
    let timeline = env.json(&["show", "Sam Lee"])["timeline"].clone();
    assert!(
        timeline
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["kind"] == "thanks" && t["referral_id"].is_null()),
        "{timeline}"
    );
    env.fails(&["referral", "delete", &id], 2);
    let r = env.json(&["refer", "Dana Hart", "--by", "Sam"]);
    env.ok(&["merge", "Sam Lee", "Dana Hart", "--drop-referrals"]);
    assert!(
        env.json(&["referral", "list"])
            .as_array()
            .unwrap()
            .is_empty(),
        "{r}"
    );
    assert_eq!(env.json(&["list"]).as_array().unwrap().len(), 1);
}

/// `ties check` on a damaged book says what is wrong and which backup to restore, and
/// every database error names the file.
#[test]
fn check_on_a_damaged_book_names_the_backup_to_restore() {
    let env = Env::new();
    env.ok(&["add", "Sam Lee"]);
    env.ok(&["backup"]);
    let mut bytes = std::fs::read(env.db()).unwrap();
    let n = bytes.len();
    for b in &mut bytes[4096 * 3..(4096 * 3 + 3000).min(n)] {
        *b = 0xff;
    }
    std::fs::write(env.db(), bytes).unwrap();
    let e = env.fails(&["check"], 1);
    assert!(
        e.contains("ties restore")
            && e.contains("backups/ties-")
            && !e.contains("run `ties check`"),
        "{e}"
    );
    let e = env.fails(&["list"], 1);
    assert!(e.contains(env.db().to_str().unwrap()), "{e}");
}

/// A search index out of step and rows pointing at a deleted contact leave every row
/// readable: `ties check` says so and names `--repair`, which backs up, fixes both in
/// place, and leaves a book that passes the check and finds the contact again.
#[test]
fn check_repair_fixes_what_is_repairable_in_place() {
    let env = Env::new();
    env.ok(&["add", "Sam Lee", "--email", "sam@lee.dev"]);
    env.ok(&["add", "Ana Ruiz"]);
    env.ok(&["log", "Ana", "call"]);
    {
        let conn = rusqlite::Connection::open(env.db()).unwrap();
        conn.execute_batch(
            "INSERT INTO contact_text (contact_text, rowid, name, company, title)
                 SELECT 'delete', id, name, company, title FROM contacts WHERE name = 'Sam Lee';
             PRAGMA foreign_keys = OFF;
             DELETE FROM contacts WHERE name = 'Ana Ruiz';",
        )
        .unwrap();
    }
    let e = env.fails(&["check"], 1);
    assert!(
        e.contains("contact_text")
            && e.contains("points at a row that no longer exists")
            && e.contains("ties check --repair")
            && !e.contains("run `ties check`"),
        "{e}"
    );
    let out = env.ok(&["check", "--repair"]);
    assert!(
        out.contains("before-repair") && out.contains("The book is healthy."),
        "{out}"
    );
    let c = env.json(&["check"]);
    assert_eq!(c["ok"], true, "{c}");
    assert_eq!(
        c["counts"]["interactions"], 0,
        "the orphaned interaction is gone"
    );
    let found = env.json(&["list", "--search", "Sam L"]);
    assert_eq!(found.as_array().unwrap().len(), 1, "{found}");
    let out = env.ok(&["check", "--repair"]);
    assert!(out.contains("nothing to repair"), "{out}");
}

/// The packed histories scoring reads (migration 008) are a derived copy: one out of
/// step is found by `ties check`, repaired by `--repair`, and until then never read
/// wrong by a command that writes nothing.
#[test]
fn a_stale_scoring_cache_is_found_and_repaired() {
    let env = Env::new();
    env.ok(&["add", "Sam Lee"]);
    env.ok(&["log", "Sam", "call"]);
    env.ok(&["log", "Sam", "praise", "--label", "great work"]);
    let before = env.json(&["suggest", "--all"]);
    {
        let conn = rusqlite::Connection::open(env.db()).unwrap();
        // A packed history that says nothing happened.
        conn.execute("UPDATE scoring_history SET history = x'01'", [])
            .unwrap();
    }
    let e = env.fails(&["check"], 1);
    assert!(
        e.contains("scoring cache of 1 contact") && e.contains("ties check --repair"),
        "{e}"
    );
    let r = env.ok(&["check", "--repair"]);
    assert!(r.contains("packed the scoring cache again"), "{r}");
    env.ok(&["check"]);
    assert_eq!(env.json(&["suggest", "--all"]), before);
}

/// Interactions left behind by a contact deleted with foreign keys off (a hand edit in
/// `sqlite3`) never block a write: the scoring cache packs nothing for them, `ties
/// check` names them as rows pointing at nothing, and `--repair` removes them.
#[test]
fn orphan_interactions_never_block_a_write() {
    let env = Env::new();
    env.ok(&["add", "Sam Lee"]);
    env.ok(&["add", "Ana Ruiz"]);
    env.ok(&["log", "Ana", "call"]);
    {
        let conn = rusqlite::Connection::open(env.db()).unwrap();
        conn.execute_batch(
            "PRAGMA foreign_keys = OFF;
             DELETE FROM contacts WHERE name = 'Ana Ruiz';
             UPDATE interactions SET occurred_on = occurred_on;",
        )
        .unwrap();
    }
    env.ok(&["log", "Sam", "call"]);
    env.ok(&["suggest", "--all"]);
    let e = env.fails(&["check"], 1);
    assert!(
        e.contains("at a row that no longer exists") && !e.contains("scoring cache"),
        "{e}"
    );
    env.ok(&["check", "--repair"]);
    env.ok(&["check"]);
}
