//! Import and export through the CLI: lossless JSON round trips, idempotent re-imports,
//! dry runs that write nothing, and bad input that is refused whole.

#![allow(clippy::unwrap_used, clippy::expect_used)]

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
    // A review item done and a stale one let go travel too.
    let done = a.json(&["today"])[0]["key"].as_str().unwrap().to_string();
    a.ok(&["done", &done]);
    let all = a.json(&["today", "--all"]);
    let stale = all
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["stale"] == true)
        .expect("the demo has a stale item");
    a.ok(&["let-go", stale["key"].as_str().unwrap()]);
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

/// The real-world corpus, kept in the repository (origin and licence beside it).
fn corpus_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/vcard-calcard")
}

/// Every file of the real-world corpus imports or is skipped with a reason, never a
/// panic; importing it a second time changes nothing.
#[test]
fn vcard_corpus_imports_and_reimports_as_a_no_op() {
    let dir = corpus_dir();
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "vcf"))
        .collect();
    files.sort();
    assert_eq!(files.len(), 78, "the corpus has 78 files");
    let (mut created, mut skipped, mut refused) = (0, 0, 0);
    for f in &files {
        let env = Env::new();
        let out = env
            .ties()
            .args(["import", f.to_str().unwrap(), "--json"])
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!stderr.contains("panicked"), "{}: {stderr}", f.display());
        if !out.status.success() {
            // A file with no usable card at all is refused whole, with a reason.
            assert_eq!(out.status.code(), Some(2), "{}: {stderr}", f.display());
            assert!(stderr.starts_with("error: "), "{stderr}");
            refused += 1;
            continue;
        }
        let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        created += r["created"].as_array().unwrap().len();
        for s in r["skipped"].as_array().unwrap() {
            assert!(!s["reason"].as_str().unwrap().is_empty());
            skipped += 1;
        }
        let before = row_counts(&env.db());
        let again = env.json(&["import", f.to_str().unwrap()]);
        assert_eq!(
            again["created"].as_array().unwrap().len(),
            0,
            "{}: re-import created contacts",
            f.display()
        );
        assert_eq!(
            again["updated"].as_array().unwrap().len(),
            0,
            "{}: re-import updated contacts",
            f.display()
        );
        assert_eq!(
            row_counts(&env.db()),
            before,
            "{}: re-import changed rows",
            f.display()
        );
    }
    eprintln!(
        "corpus: {created} contacts created, {skipped} records skipped with a reason, {refused} files refused whole"
    );
    // 97 cards parse; duplicates within a file merge (97 → 88); 14 cards have nothing to
    // name a contact by, and one names a referrer who is not in its file.
    assert_eq!((created, skipped, refused), (88, 15, 0));
}

/// vCard 4.0 and Google CSV exports carry names, emails, phones, organizations, notes,
/// tags and referred-by back in.
#[test]
fn vcard_and_csv_round_trips_keep_what_matters() {
    let a = Env::new();
    a.ok(&[
        "add",
        "Sam Lee",
        "--company",
        "Lee Plumbing",
        "--email",
        "sam@lee.example",
        "--phone",
        "+1 555 0100",
        "--tag",
        "plumber",
        "--tag",
        "bni",
        "--note",
        "Prefers calls; not before 9",
    ]);
    a.ok(&[
        "add",
        "Dana Hart",
        "--company",
        "Hart, Ltd.",
        "--email",
        "dana@hart.example",
        "--note",
        "line one\nline two",
    ]);
    a.ok(&[
        "refer",
        "Dana Hart",
        "--by",
        "Sam Lee",
        "--on",
        "2026-11-01",
    ]);
    for (format, file) in [("vcard", "out.vcf"), ("csv", "out.csv")] {
        let path = a.dir.path().join(file);
        a.ok(&["export", "--format", format, "-o", path.to_str().unwrap()]);
        let b = Env::new();
        let r = b.json(&["import", path.to_str().unwrap()]);
        assert_eq!(r["created"].as_array().unwrap().len(), 2, "{format}");
        assert_eq!(
            r["referrals_created"], 1,
            "{format}: referred-by comes back as a referral"
        );
        let dana = b.json(&["show", "Dana Hart"]);
        assert_eq!(dana["company"], "Hart, Ltd.", "{format}");
        assert_eq!(dana["notes"], "line one\nline two", "{format}");
        assert!(
            dana["fields"]
                .as_array()
                .unwrap()
                .iter()
                .any(|f| f["value"] == "dana@hart.example"),
            "{format}"
        );
        let sam = b.json(&["show", "Sam Lee"]);
        assert_eq!(
            sam["tags"],
            serde_json::json!(["bni", "plumber"]),
            "{format}"
        );
        assert_eq!(sam["notes"], "Prefers calls; not before 9", "{format}");
        assert!(
            sam["fields"]
                .as_array()
                .unwrap()
                .iter()
                .any(|f| f["kind"] == "phone" && f["value"] == "+1 555 0100"),
            "{format}"
        );
        let refs = b.json(&["referral", "list"]);
        assert_eq!(refs[0]["referrer_id"], sam["id"], "{format}");
        assert_eq!(refs[0]["person_id"], dana["id"], "{format}");
    }
}

/// Garbage, empty, a 50 MB line, invalid UTF-8, CSVs with missing or extra columns: a
/// clear error or skip reasons, never a panic, and nothing half-written.
#[test]
fn hostile_import_files() {
    let env = Env::new();
    env.ok(&["add", "Sam Lee"]);
    let dir = env.dir.path();
    let write = |name: &str, bytes: &[u8]| {
        let p = dir.join(name);
        std::fs::write(&p, bytes).unwrap();
        p
    };
    let mut long = b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Long Line\r\nNOTE:".to_vec();
    long.extend(std::iter::repeat_n(b'x', 50 << 20));
    long.extend_from_slice(b"\r\nEND:VCARD\r\n");
    let cases = [
        write("garbage.vcf", &(0..65_536u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect::<Vec<_>>()),
        write("empty.vcf", b""),
        write("long.vcf", &long),
        write("latin1.vcf", b"BEGIN:VCARD\r\nVERSION:2.1\r\nFN:Jos\xe9 M\xfcller\r\nEND:VCARD\r\n"),
        write("missing.csv", b"First Name,Last Name,E-mail 1 - Value\nAna\n,,\nBen,Okafor,ben@x.example,extra,columns\n"),
        write("weird.csv", b"a,b,c\n1,2,3\n"),
    ];
    for f in &cases {
        let out = env
            .ties()
            .args(["import", f.to_str().unwrap(), "--json"])
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!stderr.contains("panicked"), "{}: {stderr}", f.display());
        match out.status.code() {
            Some(0) => {
                let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
                eprintln!(
                    "{}: created {}, skipped {}",
                    f.display(),
                    r["created"],
                    r["skipped"]
                );
            }
            Some(2) => assert!(
                stderr.starts_with("error: ") && stderr.trim_end().lines().count() == 1,
                "{stderr}"
            ),
            other => panic!("{}: exit {other:?}: {stderr}", f.display()),
        }
        env.ok(&["check"]);
    }
    let latin = env.json(&["show", "José"]);
    assert_eq!(
        latin["name"], "José Müller",
        "a vCard 2.1 in Latin-1 decodes"
    );
    let long = env.json(&["show", "Long Line"]);
    assert_eq!(
        long["notes"].as_str().unwrap().len(),
        50 << 20,
        "a 50 MB line is kept whole"
    );
}

/// Every input kept under `tests/fixtures/fuzz/TARGET/` (interesting cases, and every
/// crash or hang `scripts/fuzz.sh` ever finds, copied there from `fuzz/found/`) goes
/// through the importer it was found against, as the fuzz target runs it: it must return
/// (contacts, skips or an error), never panic.
#[test]
fn fuzz_finds_stay_fixed() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fuzz");
    let today = ties::domain::date::parse_date("2026-11-24").unwrap();
    let mut replayed = 0;
    for target in ["vcard", "google_csv", "linkedin_csv", "json", "email"] {
        let Ok(entries) = std::fs::read_dir(root.join(target)) else {
            continue;
        };
        for e in entries {
            let path = e.unwrap().path();
            let data = std::fs::read(&path).unwrap();
            let run = std::panic::catch_unwind(|| {
                let _ = ties::interop::detect(&data);
                match target {
                    "vcard" => {
                        if let Ok(text) = ties::interop::decode_text(&data) {
                            let _ = ties::interop::vcard::parse(&text);
                        }
                    }
                    "google_csv" => drop(ties::interop::google_csv::parse(&data)),
                    "linkedin_csv" => drop(ties::interop::linkedin_csv::parse(&data)),
                    "email" => {
                        let (mails, _) = ties::interop::email::parse(&data);
                        let me = ties::interop::email::Me::new(&["me@example.com".to_string()]);
                        let _ = ties::interop::email::plan(mails, &me);
                    }
                    _ => {
                        if let Ok(text) = std::str::from_utf8(&data)
                            && let Ok(doc) = ties::interop::json::Document::parse(text)
                        {
                            let _ = doc.validate(today);
                        }
                    }
                }
            });
            assert!(
                run.is_ok(),
                "{} panics the {target} importer",
                path.display()
            );
            replayed += 1;
        }
    }
    assert!(
        replayed >= 6,
        "the fuzz fixtures are missing ({replayed} found)"
    );
    // The case that used to lose a card reads both.
    let text = std::fs::read_to_string(root.join("vcard/soft-break-before-end.vcf")).unwrap();
    assert_eq!(ties::interop::vcard::parse(&text).contacts.len(), 2);
}

/// An environment whose user is Dana Hart <dana@hart.studio>, on 2026-12-01.
struct MailEnv {
    env: Env,
    config: std::path::PathBuf,
}

impl MailEnv {
    fn new() -> MailEnv {
        let env = Env::new();
        let config = env.dir.path().join("config.toml");
        std::fs::write(
            &config,
            "[me]\nname = \"Dana Hart\"\nemails = [\"dana@hart.studio\"]\n",
        )
        .unwrap();
        MailEnv { env, config }
    }

    fn run(&self, args: &[&str]) -> std::process::Output {
        self.env
            .ties()
            .env("TIES_CONFIG", &self.config)
            .env("TIES_TODAY", "2026-12-01")
            .args(args)
            .output()
            .unwrap()
    }

    fn json(&self, args: &[&str]) -> serde_json::Value {
        let mut a = vec!["--json"];
        a.extend_from_slice(args);
        let out = self.run(&a);
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap()
    }

    fn import(&self, fixture: &str, extra: &[&str]) -> serde_json::Value {
        let path = mail_fixture(fixture);
        let mut a = vec!["import", path.to_str().unwrap()];
        a.extend_from_slice(extra);
        self.json(&a)
    }
}

fn mail_fixture(name: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/email")
        .join(name)
}

/// A Gmail introduction (the referrer writes to the person, copying me) becomes a
/// received email-intro referral dated by the Date header's own day, with the subject
/// as its note and both people created with their decoded names and addresses; the
/// same mail again adds nothing.
#[test]
fn an_intro_email_becomes_its_referral_once() {
    let m = MailEnv::new();
    let r = m.import("gmail-intro.eml", &[]);
    assert_eq!(r["format"], "email");
    assert_eq!(r["referrals_created"], 1, "{r}");
    let got = &r["referrals"][0];
    assert_eq!(got["referrer"], "Jonas Reyes");
    assert_eq!(got["person"], "Kofi Weber");
    assert_eq!(got["recipient"], serde_json::Value::Null);
    assert_eq!(got["date"], "2026-11-30");
    assert_eq!(got["note"], "Intro: Kofi <> Dana — the café renovation");
    assert_eq!(got["message_id"], "CAJx9Kq3=intro-kofi-dana@mail.gmail.com");
    assert_eq!(
        r["created"],
        serde_json::json!(["Jonas Reyes", "Kofi Weber"])
    );
    let list = m.json(&["referral", "list"]);
    assert_eq!(list[0]["quality"], "email_intro", "{list}");
    let kofi = m.json(&["show", "Kofi"]);
    assert_eq!(kofi["fields"][0]["value"], "kofi@weber.cafe", "{kofi}");
    let before = row_counts(&m.env.db());
    let again = m.import("gmail-intro.eml", &[]);
    assert_eq!(again["referrals_created"], 0, "{again}");
    assert!(
        again["skipped"][0]["reason"]
            .as_str()
            .unwrap()
            .contains("already imported, as referral #1"),
        "{again}"
    );
    assert_eq!(
        row_counts(&m.env.db()),
        before,
        "a second import writes nothing"
    );
}

/// Outlook writes "Last, First" and encoded words in a legacy charset; the person may be
/// in Cc after me in To. Apple Mail from me to two people is a referral I gave.
#[test]
fn outlook_and_apple_mail_headers() {
    let m = MailEnv::new();
    let r = m.import("outlook-intro.eml", &[]);
    let got = &r["referrals"][0];
    assert_eq!(got["referrer"], "Priya Shah", "{r}");
    assert_eq!(got["person"], "Renée Dubois");
    assert_eq!(got["date"], "2026-11-24");
    let priya = m.json(&["show", "Priya Shah"]);
    assert_eq!(priya["fields"][0]["value"], "Priya.Shah@contoso.com");
    let r = m.import("apple-mail-given.eml", &[]);
    let got = &r["referrals"][0];
    assert_eq!(got["referrer"], serde_json::Value::Null, "{r}");
    assert_eq!(got["person"], "Ana Ruiz");
    assert_eq!(got["recipient"], "Ben Okafor");
    assert_eq!(got["date"], "2026-11-27", "the sender's own day (-0500)");
}

/// An mbox thread: the introduction is recorded; the reply-all that quotes it, a
/// forward without me and my note to one person are skipped, each with its reason. A dry
/// run reports the same and writes nothing.
#[test]
fn an_mbox_thread_records_the_introduction_and_says_why_it_skips_the_rest() {
    let m = MailEnv::new();
    m.json(&["add", "Placeholder"]);
    let before = row_counts(&m.env.db());
    let dry = m.import("thread.mbox", &["--dry-run"]);
    assert_eq!(row_counts(&m.env.db()), before, "a dry run writes nothing");
    let real = m.import("thread.mbox", &[]);
    assert_eq!(dry["referrals"].as_array().unwrap().len(), 1);
    assert_eq!(real["referrals"][0]["person"], "Mia Chen");
    assert_eq!(real["referrals"][0]["referrer"], "Sam Lee");
    let reasons: Vec<&str> = real["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["reason"].as_str().unwrap())
        .collect();
    assert_eq!(reasons.len(), 3, "{reasons:?}");
    assert!(reasons[0].contains("a reply in the thread of the introduction in message 1"));
    assert!(reasons[1].contains("you are not in its To or Cc"));
    assert!(reasons[2].contains("from you to one other person"));
    // The reply imported alone, later, is still that introduction's thread.
    let again = m.import("thread.mbox", &[]);
    assert_eq!(again["referrals_created"], 0, "{again}");
}

/// People are matched by email first, then by exact name (gaining the address), before
/// anyone is created.
#[test]
fn intro_people_are_matched_before_they_are_created() {
    let m = MailEnv::new();
    m.json(&["add", "K. Weber", "--email", "KOFI@weber.cafe"]);
    m.json(&["add", "Jonas Reyes"]);
    let r = m.import("gmail-intro.eml", &[]);
    assert_eq!(r["created"], serde_json::json!([]), "{r}");
    assert_eq!(r["updated"], serde_json::json!(["Jonas Reyes"]));
    assert_eq!(r["referrals"][0]["person"], "K. Weber");
    let jonas = m.json(&["show", "Jonas Reyes"]);
    assert_eq!(jonas["fields"][0]["value"], "jonas.reyes@gmail.com");
}

/// Bad input: a truncated mbox keeps what is whole and names what is not; a file that
/// is not mail, or a user with no [me] address, is refused with what to do; a 50 MB
/// message with a binary attachment imports.
#[test]
fn bad_mail_input_is_refused_or_skipped_never_half_written() {
    let m = MailEnv::new();
    let r = m.import("truncated.mbox", &[]);
    assert_eq!(r["referrals_created"], 1, "{r}");
    assert!(
        r["skipped"][0]["reason"]
            .as_str()
            .unwrap()
            .contains("truncated"),
        "{r}"
    );
    let not = mail_fixture("not-a-mail.txt");
    let out = m.run(&["import", not.to_str().unwrap(), "--format", "email"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("is not an email message or mbox"), "{err}");
    // No [me]: nothing can be read as an introduction.
    let nobody = Env::new();
    let gmail = mail_fixture("gmail-intro.eml");
    let err = nobody.fails(&["import", gmail.to_str().unwrap()], 2);
    assert!(err.contains("[me]") && err.contains("emails"), "{err}");
    // 50 MB, most of it a base64 attachment.
    let big = m.env.dir.path().join("big.eml");
    let mut text = String::from(
        "From: Ben Okafor <ben@okafor.dev>\r\nTo: dana@hart.studio, Zoe <zoe@adams.example>\r\nSubject: plans\r\nDate: Tue, 24 Nov 2026 10:00:00 +0000\r\nMessage-ID: <big@okafor.dev>\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n",
    );
    let line = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4v\r\n";
    while text.len() < 50 << 20 {
        text.push_str(line);
    }
    text.push_str("--b--\r\n");
    std::fs::write(&big, text).unwrap();
    let r = m.json(&["import", big.to_str().unwrap()]);
    // zoe@adams.example is the Zoe Adams the truncated mbox created.
    assert_eq!(r["referrals"][0]["person"], "Zoe Adams", "{r}");
}

/// vCard and CSV imports skip the user's own card, by [me] name or address.
#[test]
fn contact_imports_skip_my_own_card() {
    let m = MailEnv::new();
    let vcf = m.env.dir.path().join("all.vcf");
    std::fs::write(
        &vcf,
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Dana Hart\r\nEND:VCARD\r\nBEGIN:VCARD\r\nVERSION:3.0\r\nFN:D. H.\r\nEMAIL:Dana+work@hart.studio\r\nEND:VCARD\r\nBEGIN:VCARD\r\nVERSION:3.0\r\nFN:Zoe Adams\r\nEND:VCARD\r\n",
    )
    .unwrap();
    let r = m.json(&["import", vcf.to_str().unwrap()]);
    assert_eq!(r["created"], serde_json::json!(["Zoe Adams"]), "{r}");
    let skipped = r["skipped"].as_array().unwrap();
    assert_eq!(skipped.len(), 2);
    assert_eq!(skipped[1]["record"], 2);
    assert!(
        skipped[1]["reason"]
            .as_str()
            .unwrap()
            .contains("your own card")
    );
}
