//! Import and export through the CLI: lossless JSON round trips, idempotent re-imports,
//! dry runs that write nothing, and bad input that is refused whole.

#![allow(clippy::unwrap_used)]

mod common;

use common::{Env, row_counts, sha};

#[test]
fn json_round_trip_is_byte_identical_and_reimport_is_a_no_op() {
    let a = Env::new();
    a.ok(&["demo", "--contacts", "300", "--seed", "3"]);
    // Some of everything the demo may lack: a snooze, hostile text, an archived contact.
    a.ok(&[
        "add",
        "\u{1b}[31mEvil\u{7} ☃ \u{202e}",
        "--note",
        "two\nlines",
        "--closeness",
        "4",
        "--do-not-ask",
    ]);
    a.ok(&["archive", "Evil"]);
    let key = a.json(&["today"])[0]["key"].as_str().unwrap().to_string();
    a.ok(&["snooze", &key, "7"]);
    let first = a.dir.path().join("first.json");
    a.ok(&["export", "--format", "json", "-o", first.to_str().unwrap()]);

    let b = Env::new();
    let dry = b.json(&["import", first.to_str().unwrap(), "--dry-run"]);
    assert_eq!(dry["created"].as_array().unwrap().len(), 301);
    assert!(
        !b.db().exists() || row_counts(&b.db()).iter().all(|(_, n)| *n == 0),
        "a dry run writes nothing"
    );
    b.ok(&["import", first.to_str().unwrap()]);
    let second = b.dir.path().join("second.json");
    b.ok(&["export", "-o", second.to_str().unwrap()]);
    assert_eq!(
        sha(&first),
        sha(&second),
        "export → import into empty → export is identical"
    );
    assert_eq!(row_counts(&a.db()), row_counts(&b.db()));

    // Importing the same file again changes nothing.
    let before = row_counts(&b.db());
    let again = b.json(&["import", first.to_str().unwrap()]);
    assert_eq!(again["created"].as_array().unwrap().len(), 0);
    assert_eq!(again["interactions_created"], 0);
    assert_eq!(row_counts(&b.db()), before);

    use std::os::unix::fs::PermissionsExt;
    assert_eq!(
        std::fs::metadata(&second).unwrap().permissions().mode() & 0o777,
        0o600,
        "exports are private"
    );
}

#[test]
fn bad_files_are_refused_whole() {
    let env = Env::new();
    env.ok(&["add", "Sam Lee"]);
    let before = row_counts(&env.db());
    let dir = env.dir.path();
    let garbage = dir.join("garbage.bin");
    std::fs::write(
        &garbage,
        (0..4096u32)
            .map(|i| (i * 7919 % 251) as u8)
            .collect::<Vec<_>>(),
    )
    .unwrap();
    let empty = dir.join("empty.json");
    std::fs::write(&empty, b"").unwrap();
    let not_ours = dir.join("other.json");
    std::fs::write(&not_ours, br#"{"contacts": []}"#).unwrap();
    let broken_ref = dir.join("broken.json");
    std::fs::write(&broken_ref, br#"{"format":"ties","version":1,"contacts":[],"referrals":[],"interactions":[{"id":1,"contact_id":9,"occurred_on":"2026-01-01","kind":"call","direction":null,"label":null,"note":null,"referral_id":null,"channel":null,"reward":null,"amount":null}],"snoozes":[]}"#).unwrap();
    let bad_utf8 = dir.join("bad.json");
    std::fs::write(&bad_utf8, b"{\"format\": \"ties\xff\xfe\"}").unwrap();
    for f in [&garbage, &empty, &not_ours, &broken_ref, &bad_utf8] {
        let e = env.fails(&["import", f.to_str().unwrap()], 2);
        assert!(
            e.starts_with("error: ") && e.trim_end().lines().count() == 1,
            "{}: {e}",
            f.display()
        );
        assert_eq!(row_counts(&env.db()), before);
    }
    env.fails(&["import", dir.join("missing.json").to_str().unwrap()], 1);
}
