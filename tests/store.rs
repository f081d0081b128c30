//! Store: migrations, opening rules (refuse foreign or newer files untouched), schema
//! fixtures, and the basic write paths with an in-memory database per test.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use chrono::NaiveDate;
use ties::domain::contact::NewContact;
use ties::domain::interaction::{InteractionKind, NewInteraction};
use ties::domain::referral::{NewReferral, Quality, Side, Status, StatusChange};
use ties::store::{LATEST_VERSION, Store, StoreError, schema};

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn contact(name: &str) -> NewContact {
    NewContact {
        name: name.into(),
        ..NewContact::default()
    }
}

#[test]
fn migrations_validate() {
    schema::migrations()
        .validate()
        .expect("migrations validate");
}

#[test]
fn in_memory_round_trip() {
    let mut s = Store::open_in_memory().unwrap();
    assert_eq!(s.schema_version().unwrap(), LATEST_VERSION);
    let today = day("2026-11-24");
    let sam = s.insert_contact(&contact("Sam"), today).unwrap();
    let dana = s.insert_contact(&contact("Dana"), today).unwrap();
    let rid = s
        .insert_referral(&NewReferral {
            side: Side::ReceivedFrom(sam),
            person_id: dana,
            quality: Quality::EmailIntro,
            referred_on: day("2026-11-01"),
            note: None,
        })
        .unwrap();
    s.change_status(
        rid,
        &StatusChange {
            to: Status::Won,
            on: day("2026-11-20"),
            value: Some(900.0),
            reason: None,
            reopen: false,
        },
    )
    .unwrap();
    let mut i = NewInteraction::new(sam, day("2026-11-21"), InteractionKind::Thanks);
    i.referral_id = Some(rid);
    s.insert_interaction(&i).unwrap();
    let r = s.referral(rid).unwrap().unwrap();
    assert_eq!(
        (r.status, r.value, r.history.len()),
        (Status::Won, Some(900.0), 2)
    );
    assert_eq!(s.interactions_for(sam).unwrap().len(), 1);
    let counts = s.row_counts().unwrap();
    assert!(counts.contains(&("contacts", 2)) && counts.contains(&("referral_events", 2)));
}

#[test]
fn database_constraints_hold() {
    let s = Store::open_in_memory().unwrap();
    drop(s);
    // A referral must have exactly one side as "me": enforced by the schema itself.
    let conn = rusqlite::Connection::open_in_memory().unwrap();
    conn.execute_batch(include_str!("../src/store/migrations/001_initial.sql"))
        .unwrap();
    conn.execute_batch("INSERT INTO contacts (uid, name, created_on) VALUES ('a', 'A', '2026-01-01'), ('b', 'B', '2026-01-01'), ('c', 'C', '2026-01-01');").unwrap();
    for bad in [
        "INSERT INTO referrals (referrer_id, person_id, recipient_id, quality, status, referred_on) VALUES (1, 2, 3, 'permission', 'new', '2026-01-02')",
        "INSERT INTO referrals (referrer_id, person_id, recipient_id, quality, status, referred_on) VALUES (NULL, 2, NULL, 'permission', 'new', '2026-01-02')",
        "INSERT INTO referrals (referrer_id, person_id, quality, status, referred_on) VALUES (2, 2, 'permission', 'new', '2026-01-02')",
        "INSERT INTO referrals (referrer_id, person_id, quality, status, referred_on) VALUES (1, 2, 'great', 'new', '2026-01-02')",
        "INSERT INTO interactions (contact_id, occurred_on, kind) VALUES (1, '2026-01-02', 'lunch')",
        "INSERT INTO contacts (uid, name, created_on) VALUES ('d', '   ', '2026-01-01')",
    ] {
        assert!(conn.execute(bad, []).is_err(), "schema accepted: {bad}");
    }
}

fn write_sqlite(path: &std::path::Path, app_id: i64, user_version: i64) {
    let conn = rusqlite::Connection::open(path).unwrap();
    conn.execute_batch("CREATE TABLE notes (x TEXT); INSERT INTO notes VALUES ('precious');")
        .unwrap();
    conn.pragma_update(None, "application_id", app_id).unwrap();
    conn.pragma_update(None, "user_version", user_version)
        .unwrap();
}

#[test]
fn foreign_and_newer_files_are_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let foreign = dir.path().join("other.db");
    write_sqlite(&foreign, 0, 0);
    let before = common::sha(&foreign);
    assert!(matches!(
        Store::open(&foreign),
        Err(StoreError::NotTies { .. })
    ));
    assert_eq!(common::sha(&foreign), before);

    let newer = dir.path().join("newer.db");
    write_sqlite(&newer, ties::store::APPLICATION_ID, LATEST_VERSION + 1);
    let before = common::sha(&newer);
    let e = Store::open(&newer).err().expect("refused");
    assert!(matches!(e, StoreError::Newer { .. }), "{e}");
    assert!(e.to_string().contains("newer"));
    assert_eq!(common::sha(&newer), before);

    let garbage = dir.path().join("garbage.db");
    std::fs::write(
        &garbage,
        b"this is not a database at all, just some text that is long enough".repeat(100),
    )
    .unwrap();
    let before = common::sha(&garbage);
    assert!(matches!(
        Store::open(&garbage),
        Err(StoreError::NotTies { .. })
    ));
    assert_eq!(common::sha(&garbage), before);

    let empty = dir.path().join("empty.db");
    std::fs::write(&empty, b"").unwrap();
    assert!(matches!(
        Store::open(&empty),
        Err(StoreError::NotTies { .. })
    ));
    assert_eq!(std::fs::metadata(&empty).unwrap().len(), 0);
}

#[test]
fn cli_refuses_foreign_file_with_exit_1() {
    let env = common::Env::new();
    std::fs::create_dir_all(env.db().parent().unwrap()).unwrap();
    write_sqlite(&env.db(), 0, 0);
    let before = common::sha(&env.db());
    let e = env.fails(&["list"], 1);
    assert!(e.contains("not a ties database"), "{e}");
    assert_eq!(common::sha(&env.db()), before);
}

#[test]
fn new_file_is_0600_in_a_0700_folder() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nested/data/ties.db");
    let s = Store::open(&path).unwrap();
    drop(s);
    assert_eq!(
        std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
        0o600
    );
    assert_eq!(
        std::fs::metadata(path.parent().unwrap())
            .unwrap()
            .permissions()
            .mode()
            & 0o777,
        0o700
    );
    // Reopening an existing ties file works and keeps its version.
    let s = Store::open(&path).unwrap();
    assert_eq!(s.schema_version().unwrap(), LATEST_VERSION);
}

/// Every schema version has a fixture; opening it (migrating when older) keeps its rows.
#[test]
fn schema_fixtures_open_and_keep_their_rows() {
    let fixtures = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    for v in 1..=LATEST_VERSION {
        let src = fixtures.join(format!("schema-v{v}.db"));
        assert!(src.exists(), "missing fixture {}", src.display());
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ties.db");
        std::fs::copy(&src, &path).unwrap();
        let s = Store::open(&path).unwrap();
        assert_eq!(s.schema_version().unwrap(), LATEST_VERSION);
        let counts = s.row_counts().unwrap();
        assert!(counts.contains(&("contacts", 3)), "v{v}: {counts:?}");
        assert!(counts.contains(&("referrals", 1)), "v{v}: {counts:?}");
        let names: Vec<String> = s
            .name_entries()
            .unwrap()
            .into_iter()
            .map(|e| e.name)
            .collect();
        assert_eq!(names, ["Sam Lee", "Dana Hart", "Priya Shah"]);
        // Migration 008 packs every history (store::packed) as it opens.
        assert_eq!(
            s.histories().unwrap().unpacked(),
            s.lean_interactions_from_table().unwrap(),
            "v{v}: packed histories"
        );
        if v < LATEST_VERSION {
            assert!(
                dir.path().join(format!("ties-v{v}.bak.db")).exists(),
                "v{v} was backed up before migrating"
            );
        }
    }
}

/// Reading must not write: a read-only command leaves the file's bytes as they were.
#[test]
fn read_only_commands_do_not_modify_the_file() {
    let env = common::Env::new();
    env.ok(&["add", "Sam Lee"]);
    env.ok(&["log", "Sam", "call"]);
    let before = common::sha(&env.db());
    env.ok(&["list"]);
    env.ok(&["show", "Sam"]);
    env.ok(&["referral", "list"]);
    env.ok(&["check"]);
    assert_eq!(common::sha(&env.db()), before);
}

/// Migration 012 takes the undo and sync triggers out of the file, and puts the sync
/// log's back in the same step when the book had synced: a synced book goes on logging
/// (an edit by hand too), one that never synced parses 51 triggers fewer at every open.
#[test]
fn migration_12_keeps_the_sync_log_of_a_book_that_synced() {
    let fixture =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/schema-v11.db");
    let triggers = |path: &std::path::Path, like: &str| -> i64 {
        rusqlite::Connection::open(path)
            .unwrap()
            .query_row(
                "SELECT count(*) FROM sqlite_schema WHERE type = 'trigger' AND name LIKE ?1",
                [like],
                |r| r.get(0),
            )
            .unwrap()
    };
    for synced in [false, true] {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ties.db");
        std::fs::copy(&fixture, &path).unwrap();
        assert_eq!(triggers(&path, "undo_%"), 27);
        if synced {
            rusqlite::Connection::open(&path)
                .unwrap()
                .execute("UPDATE sync_meta SET logging = 1", [])
                .unwrap();
        }
        drop(Store::open(&path).unwrap());
        assert_eq!(triggers(&path, "undo_%"), 0);
        // 24 for the log, and the one that forgets a merge undone.
        assert_eq!(triggers(&path, "sync_%"), if synced { 25 } else { 1 });
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute(
            "UPDATE contacts SET company = 'Hand Co' WHERE name = 'Sam Lee'",
            [],
        )
        .unwrap();
        let logged: i64 = conn
            .query_row("SELECT count(*) FROM sync_pending", [], |r| r.get(0))
            .unwrap();
        assert_eq!(logged, i64::from(synced));
    }
}

/// A reader that closes last folds what a writer committed while it read: the writer
/// could not (the reader still needed the pages those rows replace), and a read-only
/// connection cannot checkpoint, so the reader opens one that may. `ties.db` alone holds
/// everything again.
#[test]
fn a_reader_closing_last_leaves_the_book_whole() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ties.db");
    let today = NaiveDate::from_ymd_opt(2026, 12, 6).unwrap();
    let add = |store: &mut Store, name: &str| {
        let c = NewContact {
            name: name.into(),
            ..Default::default()
        };
        store.insert_contact(&c, today).unwrap();
    };
    add(&mut Store::open(&path).unwrap(), "Sam Lee");
    let reader = Store::open_for_reading(&path).unwrap();
    assert!(reader.is_read_only());
    // Another reader pins the book as it is while a writer commits and leaves.
    let pin = rusqlite::Connection::open(&path).unwrap();
    pin.execute_batch("BEGIN; SELECT count(*) FROM contacts;")
        .unwrap();
    add(&mut Store::open(&path).unwrap(), "Ana Ruiz");
    let wal = dir.path().join("ties.db-wal");
    assert!(
        std::fs::metadata(&wal).unwrap().len() > 0,
        "the writer could not fold it"
    );
    pin.execute_batch("COMMIT").unwrap();
    drop(pin);
    drop(reader);
    assert_eq!(std::fs::metadata(&wal).map_or(0, |m| m.len()), 0);
    let alone = dir.path().join("alone.db");
    std::fs::copy(&path, &alone).unwrap();
    let n: i64 = rusqlite::Connection::open(&alone)
        .unwrap()
        .query_row("SELECT count(*) FROM contacts", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 2, "the .db alone holds both contacts");
}

/// The undo journal follows the tables as they are: a column added by hand (a name with
/// a digit and a capital, quoted) is restored by an undo like the others.
#[test]
fn the_journal_covers_a_column_added_later() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ties.db");
    let today = NaiveDate::from_ymd_opt(2026, 12, 6).unwrap();
    drop(Store::open(&path).unwrap());
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch("ALTER TABLE contacts ADD COLUMN \"Extra 2\" TEXT DEFAULT 'kept'")
        .unwrap();
    let mut store = Store::open(&path).unwrap();
    let c = NewContact {
        name: "Sam Lee".into(),
        ..Default::default()
    };
    let id = store.insert_contact(&c, today).unwrap();
    conn.execute(
        "UPDATE contacts SET \"Extra 2\" = 'it''s mine' WHERE id = ?1",
        [id],
    )
    .unwrap();
    store.describe("archive Sam");
    store.set_archived(id, Some(today)).unwrap();
    store.undo().unwrap().expect("the archive is undone");
    let (archived, extra): (Option<String>, String) = conn
        .query_row(
            "SELECT archived_on, \"Extra 2\" FROM contacts WHERE id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((archived, extra.as_str()), (None, "it's mine"));
}

/// A book from before migration 010 gets a uid on every row as it opens, derived from
/// the row: two copies of one database (a sync tool's conflict copy) give their shared
/// rows the same uids, so merging them later does not double a single touch.
#[test]
fn rows_from_before_sync_get_the_same_uids_in_every_copy() {
    let fixture =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/schema-v9.db");
    let uids = |dir: &std::path::Path| {
        let path = dir.join("ties.db");
        std::fs::copy(&fixture, &path).unwrap();
        drop(Store::open(&path).unwrap());
        let conn = rusqlite::Connection::open(&path).unwrap();
        let mut out = Vec::new();
        for t in [
            "interactions",
            "referrals",
            "referral_events",
            "contact_fields",
        ] {
            let mut stmt = conn
                .prepare(&format!("SELECT id, uid FROM {t} ORDER BY id"))
                .unwrap();
            let rows = stmt
                .query_map([], |r| {
                    Ok((t, r.get::<_, i64>(0)?, r.get::<_, Option<String>>(1)?))
                })
                .unwrap();
            out.extend(rows.map(Result::unwrap));
        }
        out
    };
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (ua, ub) = (uids(a.path()), uids(b.path()));
    assert!(!ua.is_empty());
    assert!(
        ua.iter()
            .all(|(_, _, u)| u.as_ref().is_some_and(|u| u.len() == 24)),
        "{ua:?}"
    );
    assert_eq!(ua, ub);
    // Rows written from now on get uids of their own.
    let path = a.path().join("ties.db");
    let mut s = Store::open(&path).unwrap();
    drop(s.sync_device().unwrap());
    drop(s);
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute(
        "INSERT INTO interactions (contact_id, occurred_on, kind) SELECT id, '2026-01-01', 'call' FROM contacts LIMIT 1",
        [],
    )
    .unwrap();
    let missing: i64 = conn
        .query_row(
            "SELECT count(*) FROM interactions WHERE uid IS NULL",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(
        missing, 0,
        "the backstop trigger gives a row written by hand its uid"
    );
}

/// A load of many contacts cut to a shape holds exactly each contact read whole and cut
/// by `Contact::to_shape`: what the interface's write path relies on to put a contact
/// in its book as a fresh load would.
#[test]
fn a_shaped_load_is_each_whole_contact_cut_to_that_shape() {
    use ties::domain::contact::{Field, FieldKind, Shape};
    let mut s = Store::open_in_memory().unwrap();
    let today = day("2026-11-24");
    s.fill_demo(&ties::demo::generate(200, 2, today), today, false)
        .unwrap();
    let field = |kind, label: Option<&str>, value: &str| Field {
        kind,
        label: label.map(str::to_string),
        value: value.to_string(),
    };
    s.insert_contact(
        &NewContact {
            name: "Every Field".into(),
            company: Some("Acme".into()),
            title: Some("Chief".into()),
            tags: vec!["vip".into(), "Alpha".into()],
            fields: vec![
                field(FieldKind::Url, None, "https://example.com"),
                field(FieldKind::Email, Some("work"), "e@example.com"),
                field(FieldKind::Address, Some("home"), "1 Main St"),
                field(FieldKind::Phone, Some("cell"), "+1 555 0100"),
                field(FieldKind::Birthday, None, "1980-02-29"),
            ],
            how_met: Some("a conference".into()),
            notes: Some("likes tea".into()),
            ..NewContact::default()
        },
        today,
    )
    .unwrap();
    let whole = s.all_contacts(Shape::Whole).unwrap();
    assert!(whole.iter().any(|c| c.title.is_some() && c.notes.is_some()));
    for c in &whole {
        assert_eq!(
            s.contact(c.id).unwrap().as_ref(),
            Some(c),
            "whole #{}",
            c.id
        );
    }
    for shape in [Shape::Lists, Shape::Scoring] {
        let cut: Vec<_> = whole.iter().cloned().map(|c| c.to_shape(shape)).collect();
        assert_eq!(s.all_contacts(shape).unwrap(), cut, "{shape:?}");
    }
    let listed = s.all_contacts(Shape::Lists).unwrap();
    let every = listed.iter().find(|c| c.name == "Every Field").unwrap();
    let kinds: Vec<_> = every
        .fields
        .iter()
        .map(|f| (f.kind, f.label.clone()))
        .collect();
    assert_eq!(
        kinds,
        [
            (FieldKind::Email, None),
            (FieldKind::Phone, None),
            (FieldKind::Birthday, None)
        ]
    );
}
