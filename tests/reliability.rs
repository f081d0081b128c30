//! Reliability under faults (DESIGN.md §8): a SIGKILL in the middle of a large import,
//! concurrent writers, hostile database files, a full disk. Each test states what a
//! user would notice if it broke: lost or half-written data, or an unclear error.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{Env, TODAY, row_counts, sha};

fn bin() -> PathBuf {
    assert_cmd::cargo::cargo_bin("ties")
}

fn ties_at(db: &Path) -> Command {
    let mut c = ties_as_user(db, false);
    c.stdout(Stdio::null());
    c
}

fn contacts(db: &Path) -> i64 {
    row_counts(db)
        .iter()
        .find(|(t, _)| t == "contacts")
        .unwrap()
        .1
}

/// A ties JSON document with `n` contacts, each with an email and a phone.
fn big_document(n: usize) -> String {
    let mut s = String::from("{\"format\":\"ties\",\"version\":1,\"contacts\":[");
    for i in 0..n {
        if i > 0 {
            s.push(',');
        }
        s.push_str(&format!(
            "{{\"id\":{id},\"uid\":\"bulk-{i}\",\"name\":\"Bulk Person {i}\",\"company\":\"Firm {m}\",\"title\":null,\"circle\":\"other\",\"tags\":[\"bulk\"],\"fields\":[{{\"kind\":\"email\",\"label\":null,\"value\":\"p{i}@bulk.example\"}},{{\"kind\":\"phone\",\"label\":\"mobile\",\"value\":\"+1 555 {i:07}\"}}],\"how_met\":null,\"notes\":null,\"cadence_days\":null,\"do_not_ask\":false,\"closeness\":null,\"created_on\":\"2026-01-01\",\"archived_on\":null,\"vcard_extra\":null}}",
            id = i + 1,
            m = i % 97
        ));
    }
    s.push_str("],\"referrals\":[],\"interactions\":[],\"snoozes\":[]}");
    s
}

/// A vCard file of `n` cards, each with a UID, an email and a phone.
fn big_vcard(n: usize) -> String {
    let mut s = String::with_capacity(n * 200);
    for i in 0..n {
        s.push_str(&format!(
            "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:bulk-{i}\r\nFN:Bulk Person {i}\r\nN:Person {i};Bulk;;;\r\nORG:Firm {m}\r\nEMAIL;TYPE=work:p{i}@bulk.example\r\nTEL;TYPE=cell:+1 555 {i:07}\r\nCATEGORIES:bulk\r\nEND:VCARD\r\n",
            m = i % 97
        ));
    }
    s
}

/// SIGKILL at many moments of a 20,000-card vCard import: every time the database opens,
/// `ties check` passes, and the import is all there or not there at all.
#[test]
fn kill_during_import_leaves_all_or_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("big.vcf");
    std::fs::write(&file, big_vcard(20_000)).unwrap();
    let base = dir.path().join("base.db");
    let st = ties_at(&base)
        .args(["add", "Existing Person"])
        .status()
        .unwrap();
    assert!(st.success());
    let before = contacts(&base);

    // How long a whole import takes here, to spread the kills over it.
    let full = dir.path().join("full.db");
    std::fs::copy(&base, &full).unwrap();
    let t = Instant::now();
    let out = ties_at(&full)
        .args(["import", file.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let whole = t.elapsed();
    assert_eq!(contacts(&full), before + 20_000);

    let mut rng = fastrand::Rng::with_seed(20_261_124);
    let (mut none, mut all) = (0, 0);
    for round in 0..20 {
        let db = dir.path().join(format!("kill-{round}.db"));
        std::fs::copy(&base, &db).unwrap();
        // From early on to past the end, so some kills land in the commit and fsync.
        let delay = whole.mul_f64(0.05 + 1.1 * rng.f64());
        let mut child = ties_at(&db)
            .args(["import", file.to_str().unwrap()])
            .spawn()
            .unwrap();
        std::thread::sleep(delay);
        let _ = child.kill(); // SIGKILL
        let _ = child.wait();
        let check = ties_at(&db).args(["check"]).output().unwrap();
        assert!(
            check.status.success(),
            "round {round}: check failed after a kill at {delay:?}: {}",
            String::from_utf8_lossy(&check.stderr)
        );
        let n = contacts(&db);
        assert!(
            n == before || n == before + 20_000,
            "round {round}: {n} contacts after a kill at {delay:?}: a partial import"
        );
        if n == before { none += 1 } else { all += 1 }
    }
    eprintln!("20 kills over a {whole:?} import: {none} left nothing, {all} completed");
}

/// A long-lived reader holding the file open (as the terminal interface does) while a
/// CLI loop writes 500 interactions, and two CLI writers at once: no "database is
/// locked" reaches the user and every row is there.
#[test]
fn concurrent_writers_lose_nothing() {
    let env = Env::new();
    env.ok(&["add", "Sam Lee"]);
    env.ok(&["add", "Ana Ruiz"]);
    let db = env.db();
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let reader = {
        let stop = stop.clone();
        let db = db.clone();
        std::thread::spawn(move || {
            let store = ties::store::Store::open(&db).unwrap();
            let mut seen = 0;
            let mut last = store.data_version().unwrap();
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                let v = store.data_version().unwrap();
                if v != last {
                    last = v;
                    seen = store
                        .book(ties::domain::contact::Shape::Scoring)
                        .unwrap()
                        .interactions
                        .interaction_count();
                }
                std::thread::sleep(Duration::from_millis(5));
            }
            seen
        })
    };
    let writer = |who: &'static str, n: usize| {
        let db = db.clone();
        std::thread::spawn(move || {
            let mut errors = Vec::new();
            for i in 0..n {
                let out = ties_at(&db)
                    .args(["log", who, "message", "--note", &format!("{who} {i}")])
                    .output()
                    .unwrap();
                if !out.status.success() {
                    errors.push(String::from_utf8_lossy(&out.stderr).into_owned());
                }
            }
            errors
        })
    };
    // One writer with the reader, then two writers at once.
    let e1 = writer("Sam Lee", 250).join().unwrap();
    let (a, b) = (writer("Sam Lee", 125), writer("Ana Ruiz", 125));
    let (e2, e3) = (a.join().unwrap(), b.join().unwrap());
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let seen = reader.join().unwrap();
    let errors: Vec<String> = e1.into_iter().chain(e2).chain(e3).collect();
    assert!(
        errors.is_empty(),
        "{} writes failed, e.g. {}",
        errors.len(),
        errors[0]
    );
    let n = row_counts(&db)
        .iter()
        .find(|(t, _)| t == "interactions")
        .unwrap()
        .1;
    assert_eq!(n, 500, "every row is present");
    assert!(
        seen > 0,
        "the long-lived reader saw the other processes' writes"
    );
    env.ok(&["check"]);
}

/// Corrupt, truncated, zero-length, foreign and newer files: a clear error, exit 1,
/// and the file's bytes unchanged.
#[test]
fn hostile_database_files_are_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("good.db");
    let st = ties_at(&good)
        .args(["demo", "--contacts", "200"])
        .status()
        .unwrap();
    assert!(st.success());
    let bytes = std::fs::read(&good).unwrap();

    let mut cases: Vec<(&str, Vec<u8>, &str)> = Vec::new();
    let mut corrupt = bytes.clone();
    let mid = corrupt.len() / 2;
    let mut rng = fastrand::Rng::with_seed(7);
    for b in &mut corrupt[mid..mid + 8192] {
        *b = rng.u8(..);
    }
    cases.push(("corrupt", corrupt, ""));
    cases.push(("truncated", bytes[..bytes.len() / 3].to_vec(), ""));
    cases.push(("zero-length", Vec::new(), "empty"));
    let mut header_smashed = bytes.clone();
    header_smashed[..16].copy_from_slice(b"not sqlite here!");
    cases.push(("not sqlite", header_smashed, "not a ties database"));
    let foreign = dir.path().join("foreign-src.db");
    rusqlite::Connection::open(&foreign)
        .unwrap()
        .execute_batch("CREATE TABLE x (y); INSERT INTO x VALUES (1);")
        .unwrap();
    cases.push((
        "another app's SQLite",
        std::fs::read(&foreign).unwrap(),
        "another application",
    ));
    let newer = dir.path().join("newer-src.db");
    std::fs::copy(&good, &newer).unwrap();
    rusqlite::Connection::open(&newer)
        .unwrap()
        .pragma_update(None, "user_version", 99)
        .unwrap();
    cases.push(("newer schema", std::fs::read(&newer).unwrap(), "newer"));

    for (what, content, expect) in cases {
        let db = dir.path().join(format!("{}.db", what.replace(' ', "-")));
        std::fs::write(&db, &content).unwrap();
        let before = sha(&db);
        // Reading commands and a writing one alike. Damage in pages a command never reads
        // goes unnoticed by it (a full integrity check on every open would cost seconds
        // at 100 MB), so the corrupt file gets reading commands only, and `check`.
        let commands: Vec<Vec<&str>> = if what == "corrupt" {
            vec![vec!["list"], vec!["today"]]
        } else {
            vec![vec!["list"], vec!["today"], vec!["add", "Someone"]]
        };
        for args in commands {
            let out = ties_at(&db).args(&args).output().unwrap();
            let err = String::from_utf8_lossy(&out.stderr);
            if what == "corrupt" && out.status.success() {
                continue;
            }
            assert_eq!(out.status.code(), Some(1), "{what} / {args:?}: {err}");
            assert!(
                err.starts_with("error: ") && err.trim_end().lines().count() == 1,
                "{what}: {err}"
            );
            assert!(err.contains(expect), "{what}: expected {expect:?} in {err}");
            assert!(!err.contains("panicked"), "{what}: {err}");
        }
        if what == "corrupt" {
            let out = ties_at(&db).args(["check"]).output().unwrap();
            assert_eq!(out.status.code(), Some(1), "check must report the damage");
        }
        assert_eq!(sha(&db), before, "{what}: the file was modified");
    }
}

/// A file or folder the user cannot write: a clear error, exit 1, nothing changed.
/// Root ignores permissions, so this is skipped (with a message) when run as root.
/// True when this process ignores file permissions (root).
fn ignores_permissions(dir: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    let probe = dir.join("probe");
    std::fs::write(&probe, b"x").unwrap();
    std::fs::set_permissions(&probe, std::fs::Permissions::from_mode(0o400)).unwrap();
    let root = std::fs::OpenOptions::new().write(true).open(&probe).is_ok();
    std::fs::remove_file(&probe).unwrap();
    root
}

/// A folder `book` inside `tmp` that the user of [`ties_as_user`] owns.
fn folder_for_user(tmp: &Path, root: bool) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(tmp, std::fs::Permissions::from_mode(0o755)).unwrap();
    let dir = tmp.join("book");
    std::fs::create_dir(&dir).unwrap();
    if root {
        std::os::unix::fs::chown(&dir, Some(65534), Some(65534)).unwrap();
    }
    dir
}

/// `ties` at `db` as a user that file permissions apply to: as root (as CI runs), through
/// `setpriv` as nobody, so read-only cases are tested for real.
fn ties_as_user(db: &Path, root: bool) -> Command {
    let mut c = if root {
        let mut c = Command::new("setpriv");
        c.args(["--reuid=65534", "--regid=65534", "--clear-groups", "--"])
            .arg(bin());
        c
    } else {
        Command::new(bin())
    };
    c.env_clear()
        .env("TIES_DB", db)
        .env("TIES_TODAY", TODAY)
        .env("HOME", db.parent().unwrap())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    c
}

/// A read-only file or folder (a backup on a mounted drive, a shared machine): read
/// commands work, writes fail with one sentence that says the book is read-only, and the
/// file is untouched. Runs as an ordinary user even when the tests run as root.
#[test]
fn read_only_file_and_folder() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().unwrap();
    let root = ignores_permissions(tmp.path());
    if root && Command::new("setpriv").arg("--version").output().is_err() {
        assert!(
            std::env::var_os("CI").is_none(),
            "setpriv (util-linux) is needed to test read-only files as root"
        );
        eprintln!("skipped: running as root without setpriv (util-linux)");
        return;
    }
    let dir = folder_for_user(tmp.path(), root);
    let db = dir.join("ro.db");
    let run = |args: &[&str]| ties_as_user(&db, root).args(args).output().unwrap();
    assert!(
        run(&["add", "Sam Lee", "--email", "sam@lee.example"])
            .status
            .success()
    );
    assert!(run(&["log", "Sam", "call"]).status.success());
    // A read-only file.
    std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o400)).unwrap();
    let before = sha(&db);
    let out = run(&["add", "Ana"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("read-only") && err.lines().count() == 1,
        "{err}"
    );
    for args in [
        &["list"][..],
        &["show", "Sam"],
        &["today"],
        &["suggest", "--all"],
        &["score", "sam"],
        &["export", "--format", "vcard"],
        &["check"],
    ] {
        let out = run(args);
        assert!(
            out.status.success(),
            "{args:?} on a read-only file: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    assert!(String::from_utf8_lossy(&run(&["list"]).stdout).contains("Sam Lee"));
    assert_eq!(sha(&db), before, "a read-only book was changed");
    // A read-only folder (with a writable file in it).
    std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o600)).unwrap();
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o500)).unwrap();
    let out = run(&["list", "--json"]);
    assert!(
        out.status.success(),
        "list in a read-only folder: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("Sam Lee"));
    let out = run(&["add", "Ana"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).starts_with("error: "));
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700)).unwrap();
}

/// A missing data folder is created (mode 0700) on first use: that is the first run.
#[test]
fn missing_folder_is_created_privately() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("a/b/c/ties.db");
    assert!(
        ties_at(&db)
            .args(["add", "Sam"])
            .status()
            .unwrap()
            .success()
    );
    assert_eq!(
        std::fs::metadata(db.parent().unwrap())
            .unwrap()
            .permissions()
            .mode()
            & 0o777,
        0o700
    );
}

/// On a tiny filesystem, a write that does not fit fails with a clear error and the
/// database stays consistent. Needs a tmpfs mount; skipped with a message otherwise.
#[test]
fn full_disk_fails_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let mnt = dir.path().join("tiny");
    std::fs::create_dir(&mnt).unwrap();
    let mounted = Command::new("mount")
        .args([
            "-t",
            "tmpfs",
            "-o",
            "size=400k",
            "tmpfs",
            mnt.to_str().unwrap(),
        ])
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !mounted {
        eprintln!("skipped: cannot mount a tmpfs here (needs root and mount rights)");
        return;
    }
    struct Unmount(PathBuf);
    impl Drop for Unmount {
        fn drop(&mut self) {
            let _ = Command::new("umount").arg(&self.0).status();
        }
    }
    let _guard = Unmount(mnt.clone());
    let db = mnt.join("ties.db");
    assert!(
        ties_at(&db)
            .args(["add", "Sam Lee"])
            .status()
            .unwrap()
            .success()
    );
    let file = dir.path().join("big.json");
    std::fs::write(&file, big_document(5_000)).unwrap();
    let out = ties_at(&db)
        .args(["import", file.to_str().unwrap()])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(1),
        "the import cannot fit in 400 KB: {err}"
    );
    assert!(
        err.starts_with("error: ") && !err.contains("panicked"),
        "{err}"
    );
    // Consistent, and the import is absent as a whole.
    let check = ties_at(&db).args(["check"]).output().unwrap();
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );
    assert_eq!(contacts(&db), 1);
}

/// The interface on a read-only book opens (instead of refusing to start), says so in
/// its tab bar, and a write fails with a message instead of being lost or crashing. The
/// real binary in tmux, as an ordinary user.
#[test]
fn the_interface_opens_a_read_only_book_read_only() {
    use std::os::unix::fs::PermissionsExt;
    if Command::new("tmux").arg("-V").output().is_err() {
        assert!(
            std::env::var_os("CI").is_none(),
            "tmux is needed (CI installs it)"
        );
        eprintln!("skipped: tmux is not installed");
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let root = ignores_permissions(tmp.path());
    let dir = folder_for_user(tmp.path(), root);
    let db = dir.join("ro.db");
    let out = ties_as_user(&db, root)
        .args(["add", "Sam Lee"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o400)).unwrap();
    let socket = format!("ties-ro-{}", std::process::id());
    let tmux = |args: &[&str]| {
        Command::new("tmux")
            .args(["-L", &socket])
            .args(args)
            .output()
            .unwrap()
    };
    let user = if root {
        "setpriv --reuid=65534 --regid=65534 --clear-groups -- "
    } else {
        ""
    };
    let cmd = format!(
        "env HOME={home} TIES_DB={db} TIES_TODAY={TODAY} {user}{bin}; sleep 5",
        home = dir.display(),
        db = db.display(),
        bin = bin().display()
    );
    assert!(
        tmux(&["new-session", "-d", "-x", "100", "-y", "30", &cmd])
            .status
            .success()
    );
    let screen = || String::from_utf8_lossy(&tmux(&["capture-pane", "-p"]).stdout).into_owned();
    let wait = |text: &str| {
        let start = Instant::now();
        loop {
            let s = screen();
            if s.contains(text) {
                return s;
            }
            assert!(
                start.elapsed() < Duration::from_secs(20),
                "waiting for {text:?}:\n{s}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    };
    let s = wait("read-only");
    assert!(s.lines().next().unwrap_or("").contains("read-only"), "{s}");
    tmux(&["send-keys", "2"]);
    wait("Sam Lee");
    tmux(&["send-keys", "a", "B", "o", "Enter"]);
    let s = wait("nothing was written");
    assert!(s.contains("Sam Lee"), "{s}");
    tmux(&["send-keys", "q"]);
    let _ = tmux(&["kill-server"]);
    let out = ties_as_user(&db, root).args(["list"]).output().unwrap();
    assert!(!String::from_utf8_lossy(&out.stdout).contains("Bo"));
}
