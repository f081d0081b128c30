//! Tests of the vCard importer and exporter: the real-world corpus, round trips, the
//! referred-by spellings, hostile input. Tests may read files; the module may not.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::write::push_folded;
use super::*;
use crate::domain::contact::NewContact;
use crate::domain::contact::{Circle, Contact, Field};
use crate::interop::{ExportContact, decode_text};
use chrono::NaiveDate;
use proptest::prelude::*;

/// The real-world corpus, kept in the repository (origin and licence beside it).
fn corpus() -> String {
    concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/vcard-calcard").to_string()
}

fn one(text: &str) -> NewContact {
    let p = parse(text);
    assert_eq!(p.contacts.len(), 1, "{:?}", p.skipped);
    p.contacts.into_iter().next().unwrap()
}

fn field_values(c: &NewContact, kind: FieldKind) -> Vec<&str> {
    c.fields
        .iter()
        .filter(|f| f.kind == kind)
        .map(|f| f.value.as_str())
        .collect()
}

#[test]
fn every_corpus_file_imports_or_is_skipped_with_a_reason() {
    let mut files: Vec<_> = std::fs::read_dir(corpus())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "vcf"))
        .collect();
    files.sort();
    let (mut contacts, mut skipped) = (0, 0);
    println!(
        "{:<10} {:>8} {:>6}  skip reasons",
        "file", "contacts", "skips"
    );
    for path in &files {
        let bytes = std::fs::read(path).unwrap();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let parsed = match decode_text(&bytes) {
            Ok(text) => parse(&text),
            Err(e) => panic!("{name}: {e}"),
        };
        for c in &parsed.contacts {
            assert!(!c.name.trim().is_empty(), "{name}: blank name");
        }
        for s in &parsed.skipped {
            assert!(!s.reason.is_empty() && s.record >= 1, "{name}: {s:?}");
        }
        let reasons: Vec<String> = parsed
            .skipped
            .iter()
            .map(|s| format!("#{}: {}", s.record, s.reason))
            .collect();
        println!(
            "{name:<10} {:>8} {:>6}  {}",
            parsed.contacts.len(),
            parsed.skipped.len(),
            reasons.join("; ")
        );
        contacts += parsed.contacts.len();
        skipped += parsed.skipped.len();
    }
    println!("{:<10} {contacts:>8} {skipped:>6}", "total");
    assert_eq!(files.len(), 78);
    assert_eq!((contacts, skipped), (97, 14));
}

#[test]
fn apple_google_and_rfc_referred_by_forms_are_recognized() {
    let apple = one(
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ben Okafor\r\nitem1.X-ABRELATEDNAMES:Dana Hart\r\nitem1.X-ABLabel:Referred by\r\nitem2.X-ABRELATEDNAMES:Jenny\r\nitem2.X-ABLabel:_$!<Spouse>!$_\r\nEND:VCARD\r\n",
    );
    assert_eq!(apple.referred_by.as_deref(), Some("Dana Hart"));
    // The spouse relation is kept with its label; the referred-by pair is not.
    let extra = apple.vcard_extra.unwrap();
    assert!(
        extra.contains("item2.X-ABRELATEDNAMES:Jenny\r\n"),
        "{extra}"
    );
    assert!(
        extra.contains("item2.X-ABLabel:_$!<Spouse>!$_\r\n"),
        "{extra}"
    );
    assert!(
        !extra.contains("Dana") && !extra.contains("item1"),
        "{extra}"
    );

    // Google's export: upper-case group and label names, built-in label spelling.
    let google = one(
        "BEGIN:VCARD\nVERSION:3.0\nN:Okafor;Ben;;;\nITEM3.X-ABRELATEDNAMES:Dana Hart\nITEM3.X-ABLABEL:_$!<Referred By>!$_\nEND:VCARD\n",
    );
    assert_eq!(google.name, "Ben Okafor");
    assert_eq!(google.referred_by.as_deref(), Some("Dana Hart"));

    let rfc = one(
        "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Ben Okafor\r\nRELATED;TYPE=x-referred-by;VALUE=text:Dana Hart\r\nRELATED;TYPE=friend:urn:uuid:1234\r\nEND:VCARD\r\n",
    );
    assert_eq!(rfc.referred_by.as_deref(), Some("Dana Hart"));
    assert!(
        rfc.vcard_extra
            .unwrap()
            .contains("RELATED;TYPE=FRIEND:urn:uuid:1234")
    );

    let labelled = one(
        "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Ben\r\nitem1.RELATED;VALUE=text:Dana Hart\r\nitem1.X-ABLabel:referred-by\r\nEND:VCARD\r\n",
    );
    assert_eq!(labelled.referred_by.as_deref(), Some("Dana Hart"));
    assert_eq!(labelled.vcard_extra, None);
}

#[test]
fn names_fall_back_from_fn_to_n_to_org_to_email() {
    let n = one("BEGIN:VCARD\nVERSION:3.0\nN:Hart;Dana;Q.;Dr.;\nEND:VCARD\n");
    assert_eq!(n.name, "Dana Q. Hart");
    let org = one("BEGIN:VCARD\nVERSION:3.0\nORG:Hart Design;Studio\nEND:VCARD\n");
    assert_eq!(org.name, "Hart Design");
    assert_eq!(org.company.as_deref(), Some("Hart Design"));
    let email = one("BEGIN:VCARD\nVERSION:3.0\nEMAIL;TYPE=INTERNET:dana@hart.example\nEND:VCARD\n");
    assert_eq!(email.name, "dana@hart.example");
    let none =
        parse("BEGIN:VCARD\nVERSION:3.0\nTEL:555\nEND:VCARD\nBEGIN:VCARD\nFN:Ok\nEND:VCARD\n");
    assert_eq!(none.contacts.len(), 1);
    assert_eq!(none.skipped.len(), 1);
    assert_eq!(none.skipped[0].record, 1);
    assert!(none.skipped[0].reason.contains("FN, N, ORG or EMAIL"));
}

#[test]
fn legacy_quoted_printable_labels_and_bad_values_are_handled() {
    let c = one(concat!(
        "BEGIN:VCARD\r\nVERSION:2.1\r\n",
        "FN;ENCODING=QUOTED-PRINTABLE;CHARSET=UTF-8:Jos=C3=A9 Garc=C3=ADa\r\n",
        "TEL;WORK;VOICE:(111) 555-1212\r\n",
        "item1.TEL:555 2222\r\nitem1.X-ABLabel:_$!<Mobile>!$_\r\n",
        "EMAIL;INTERNET:not-an-address\r\n",
        "BDAY;X-APPLE-OMIT-YEAR=1604:1604-03-15\r\n",
        "CATEGORIES:Clients,VIP, clients\r\n",
        "NOTE:Line one\\nLine two\\, with comma\r\n",
        "X-CUSTOM;FOO=bar:kept value\r\n",
        "END:VCARD\r\n"
    ));
    assert_eq!(c.name, "José García");
    assert_eq!(c.tags, vec!["Clients", "VIP"]);
    assert_eq!(c.notes.as_deref(), Some("Line one\nLine two, with comma"));
    let phones: Vec<(Option<&str>, &str)> = c
        .fields
        .iter()
        .filter(|f| f.kind == FieldKind::Phone)
        .map(|f| (f.label.as_deref(), f.value.as_str()))
        .collect();
    assert_eq!(
        phones,
        vec![
            (Some("work"), "(111) 555-1212"),
            (Some("mobile"), "555 2222")
        ]
    );
    assert_eq!(field_values(&c, FieldKind::Birthday), vec!["--03-15"]);
    assert!(field_values(&c, FieldKind::Email).is_empty());
    let extra = c.vcard_extra.unwrap();
    // The invalid e-mail and the unknown property are kept, not lost.
    assert!(extra.contains("not-an-address"), "{extra}");
    assert!(extra.contains("X-CUSTOM;FOO=bar:kept value\r\n"), "{extra}");
    assert!(!extra.contains("X-ABLabel"), "{extra}");
}

fn sample_contact() -> Contact {
    Contact {
        id: 7,
        uid: "8f1c2a40-1b7e-4c55-9d7a-0d4f5e6a7b8c".into(),
        name: "Dana Q. Hart".into(),
        company: Some("Hart; Sons, \\Design".into()),
        title: Some("Owner".into()),
        circle: Circle::Client,
        tags: vec!["clients".into(), "spring, fair".into()],
        fields: vec![
            Field {
                kind: FieldKind::Email,
                label: Some("work".into()),
                value: "dana@hart.example".into(),
            },
            Field {
                kind: FieldKind::Email,
                label: None,
                value: "dana.hart@gmail.com".into(),
            },
            Field {
                kind: FieldKind::Phone,
                label: Some("mobile".into()),
                value: "+1 555 0100".into(),
            },
            Field {
                kind: FieldKind::Phone,
                label: Some("home,fax".into()),
                value: "+1 555 0101".into(),
            },
            Field {
                kind: FieldKind::Phone,
                label: Some("Assistant (Jo)".into()),
                value: "+1 555 0102".into(),
            },
            Field {
                kind: FieldKind::Url,
                label: None,
                value: "https://hart.example/a,b".into(),
            },
            Field {
                kind: FieldKind::Address,
                label: Some("work".into()),
                value: "1 Main St; Unit 2, Springfield".into(),
            },
            Field {
                kind: FieldKind::Birthday,
                label: None,
                value: "1985-04-12".into(),
            },
            Field {
                kind: FieldKind::Nickname,
                label: None,
                value: "Dee".into(),
            },
        ],
        how_met: Some("Spring fair; she bought a chair".into()),
        notes: Some(format!(
            "Likes tea, not coffee;\r\nback\\slash\nünïcödé {}",
            "long ✓ text ".repeat(20)
        )),
        cadence_days: None,
        do_not_ask: false,
        closeness: None,
        created_on: NaiveDate::from_ymd_opt(2024, 1, 1).unwrap(),
        archived_on: None,
    }
}

fn assert_wire_format(vcf: &str) {
    assert!(vcf.starts_with("BEGIN:VCARD\r\nVERSION:4.0\r\n"), "{vcf}");
    assert!(vcf.ends_with("END:VCARD\r\n"));
    assert!(!vcf.replace("\r\n", "").contains('\n'), "bare LF in {vcf}");
    assert!(!vcf.replace("\r\n", "").contains('\r'), "bare CR in {vcf}");
    for line in vcf.split("\r\n") {
        assert!(line.len() <= 75, "line of {} octets: {line}", line.len());
    }
}

#[test]
fn export_is_well_formed_and_round_trips() {
    let c = sample_contact();
    let vcf = format(&ExportContact {
        contact: &c,
        referred_by: Some("Ana Lima"),
        vcard_extra: None,
    });
    assert_wire_format(&vcf);
    assert!(vcf.contains("\r\nRELATED;TYPE=x-referred-by;VALUE=text:Ana Lima\r\n"));
    assert!(
        vcf.contains("\r\nitem3.X-ABRELATEDNAMES:Ana Lima\r\nitem3.X-ABLabel:Referred by\r\n"),
        "{vcf}"
    );
    assert!(
        vcf.contains("\r\nORG:Hart\\; Sons\\, \\\\Design\r\n"),
        "{vcf}"
    );
    assert!(
        vcf.contains("\r\nTEL;TYPE=home,fax:+1 555 0101\r\n"),
        "{vcf}"
    );
    assert!(vcf.contains("\r\nBDAY:19850412\r\n"), "{vcf}");
    assert!(
        vcf.contains("\r\nCATEGORIES:clients,spring\\, fair\r\n"),
        "{vcf}"
    );
    assert_eq!(
        crate::interop::detect(vcf.as_bytes()),
        Some(crate::interop::Format::Vcard)
    );

    let back = one(&vcf);
    assert_eq!(back.uid.as_deref(), Some(c.uid.as_str()));
    assert_eq!(back.name, c.name);
    assert_eq!(back.company, c.company);
    assert_eq!(back.title, c.title);
    // Line breaks come back as LF; values come back trimmed.
    let note = c.notes.as_deref().unwrap().replace("\r\n", "\n");
    assert_eq!(back.notes.as_deref(), Some(note.trim()));
    assert_eq!(back.tags, c.tags);
    assert_eq!(back.fields, c.fields);
    assert_eq!(back.how_met, c.how_met);
    assert_eq!(back.referred_by.as_deref(), Some("Ana Lima"));
    // Only the structure-bearing N and ORG are kept.
    let extra = back.vcard_extra.clone().unwrap();
    assert!(extra.starts_with("N:Hart;Dana Q.;;;\r\n"), "{extra}");

    // Exporting the re-import again is stable.
    let again = format(&ExportContact {
        contact: &c,
        referred_by: back.referred_by.as_deref(),
        vcard_extra: back.vcard_extra.as_deref(),
    });
    assert_wire_format(&again);
    assert_eq!(one(&again), back);
}

#[test]
fn kept_properties_are_written_back_and_stale_shadows_replaced() {
    let src = std::fs::read(format!("{}/032.vcf", corpus())).unwrap();
    let imported = one(&decode_text(&src).unwrap());
    let extra = imported.vcard_extra.clone().unwrap();
    assert!(extra.contains("X-PHONETIC-FIRST-NAME:Jon"));

    let mut c = sample_contact();
    c.name = imported.name.clone();
    c.company = imported.company.clone();
    let vcf = format(&ExportContact {
        contact: &c,
        referred_by: None,
        vcard_extra: Some(&extra),
    });
    assert_wire_format(&vcf);
    assert!(vcf.contains("\r\nX-PHONETIC-FIRST-NAME:Jon\r\n"));
    assert!(vcf.contains("\r\nitem2.X-ABRELATEDNAMES:Jenny\r\n"));
    // The kept N and ORG still agree with the contact, so they are the ones written.
    assert_eq!(vcf.matches("\r\nN:").count(), 1);
    assert!(vcf.contains("\r\nN:Doe;John;"), "{vcf}");
    assert!(vcf.contains("\r\nORG:IBM"), "{vcf}");
    // New label groups do not collide with the kept ones.
    assert!(vcf.contains("item3.TEL;TYPE=cell:+1 555 0100"), "{vcf}");

    c.name = "Jane Roe".into();
    c.company = Some("Roe Ltd".into());
    let renamed = format(&ExportContact {
        contact: &c,
        referred_by: None,
        vcard_extra: Some(&extra),
    });
    assert!(renamed.contains("\r\nN:Roe;Jane;;;\r\n"), "{renamed}");
    assert!(!renamed.contains("N:Doe"));
    assert!(renamed.contains("\r\nORG:Roe Ltd\r\n") && !renamed.contains("ORG:IBM"));
}

#[test]
fn photos_survive_the_round_trip_through_kept_lines() {
    let src = std::fs::read(format!("{}/035.vcf", corpus())).unwrap();
    let first = one(&decode_text(&src).unwrap());
    let extra = first.vcard_extra.clone().unwrap();
    assert!(extra.contains("PHOTO") && extra.contains(";base64,") && !extra.contains("base64\\,"));
    let again = one(&format!(
        "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:x\r\n{extra}END:VCARD\r\n"
    ));
    assert_eq!(again.vcard_extra.as_deref(), Some(extra.as_str()));
}

#[test]
fn hostile_extra_cannot_break_out_of_the_card() {
    let c = sample_contact();
    let vcf = format(&ExportContact {
        contact: &c,
        referred_by: Some("Eve\r\nEND:VCARD\r\nBEGIN:VCARD"),
        vcard_extra: Some("X-A:1\nEND:VCARD\nBEGIN:VCARD\nFN:Injected\n\u{0}garbage"),
    });
    assert_wire_format(&vcf);
    let p = parse(&vcf);
    assert_eq!(p.contacts.len(), 1, "{vcf}");
    // The injected lines stay inside escaped values: only one card starts or ends.
    let unfolded = vcf.replace("\r\n ", "");
    let starts = unfolded
        .split("\r\n")
        .filter(|l| l.starts_with("BEGIN:"))
        .count();
    let ends = unfolded
        .split("\r\n")
        .filter(|l| l.starts_with("END:"))
        .count();
    assert_eq!((starts, ends), (1, 1), "{vcf}");
    assert!(!vcf.contains("FN:Injected"), "{vcf}");
}

#[test]
fn folding_respects_utf8_boundaries() {
    let mut out = String::new();
    let line = format!("NOTE:{}", "é".repeat(100));
    push_folded(&mut out, &line);
    for l in out.split("\r\n") {
        assert!(l.len() <= 75);
    }
    assert_eq!(out.replace("\r\n ", ""), format!("{line}\r\n"));
}

#[test]
fn empty_garbage_invalid_utf8_and_huge_input_are_handled() {
    assert_eq!(parse("").contacts.len(), 0);
    assert!(parse("").skipped[0].reason.contains("empty"));
    assert!(
        parse("hello\nworld").skipped[0]
            .reason
            .contains("BEGIN:VCARD")
    );
    assert!(
        parse("BEGIN:VCALENDAR\nEND:VCALENDAR\n").skipped[0]
            .reason
            .contains("iCalendar")
    );

    // Invalid UTF-8 in an otherwise UTF-8 file: lossy, the card still imports.
    let bytes = b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ren\xc3\xa9e \xff\xfe\r\nEND:VCARD\r\n";
    let c = one(&decode_text(bytes).unwrap());
    assert_eq!(c.name, "Renée \u{fffd}\u{fffd}");
    // Latin-1 only: Windows-1252.
    let c = one(&decode_text(b"BEGIN:VCARD\r\nFN:Ren\xe9e\r\nEND:VCARD\r\n").unwrap());
    assert_eq!(c.name, "Renée");

    // A 50 MB single line, alone and inside a card.
    let huge = "x".repeat(50 * 1024 * 1024);
    assert!(parse(&huge).contacts.is_empty());
    let card = format!("BEGIN:VCARD\r\nFN:Big\r\nNOTE:{huge}\r\nEND:VCARD\r\n");
    let big = one(&card);
    assert_eq!(big.notes.map(|n| n.len()), Some(huge.len()));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_text_never_panics(s in "\\PC{0,600}") {
        let _ = parse(&s);
    }

    #[test]
    fn arbitrary_cards_never_panic(body in "([A-Za-z0-9.;:=,\"\\\\ -]{0,40}\r?\n ?){0,20}") {
        let p = parse(&format!("BEGIN:VCARD\r\nVERSION:3.0\r\n{body}END:VCARD\r\n"));
        for c in &p.contacts {
            // Whatever was kept can be written back, and the result is well-formed.
            let contact = Contact {
                id: 1,
                uid: c.uid.clone().unwrap_or_default(),
                name: c.name.clone(),
                company: c.company.clone(),
                title: c.title.clone(),
                circle: Circle::Other,
                tags: c.tags.clone(),
                fields: c.fields.clone(),
                how_met: c.how_met.clone(),
                notes: c.notes.clone(),
                cadence_days: None,
                do_not_ask: false,
                closeness: None,
                created_on: NaiveDate::from_ymd_opt(2024, 1, 1).unwrap(),
                archived_on: None,
            };
            let out = format(&ExportContact { contact: &contact, referred_by: c.referred_by.as_deref(), vcard_extra: c.vcard_extra.as_deref() });
            prop_assert!(out.starts_with("BEGIN:VCARD\r\n") && out.ends_with("END:VCARD\r\n"));
            prop_assert_eq!(parse(&out).contacts.len(), 1);
        }
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        if let Ok(text) = decode_text(&bytes) {
            let _ = parse(&text);
        }
        let _ = parse(&String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn exported_text_fields_round_trip(name in "\\PC{1,80}", note in "\\PC{0,200}", tag in "[^,\\p{C}]{1,20}") {
        prop_assume!(!name.trim().is_empty());
        let mut c = sample_contact();
        c.name = name.trim().to_string();
        c.notes = Some(note.clone()).filter(|n| !n.trim().is_empty());
        c.tags = crate::domain::contact::normalize_tag(&tag).into_iter().collect();
        let vcf = format(&ExportContact { contact: &c, referred_by: None, vcard_extra: None });
        let back = parse(&vcf);
        prop_assert_eq!(back.contacts.len(), 1);
        let b = &back.contacts[0];
        // Line breaks come back as LF, whatever they were.
        let lf = |s: &str| s.replace("\r\n", "\n").replace('\r', "\n").trim().to_string();
        prop_assert_eq!(&b.name, &c.name);
        prop_assert_eq!(b.notes.as_deref().map(lf), c.notes.as_deref().map(lf));
        let tags: Vec<String> = c.tags.iter().map(|t| lf(t)).collect();
        prop_assert_eq!(&b.tags, &tags);
    }
}

#[test]
fn a_soft_line_break_before_end_never_swallows_the_next_card() {
    for eol in ["\r\n", "\n"] {
        let text = [
            "BEGIN:VCARD",
            "VERSION:2.1",
            "FN;ENCODING=QUOTED-PRINTABLE:Good end=",
            "END:VCARD",
            "BEGIN:VCARD",
            "VERSION:2.1",
            "FN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:Ren=C3=A9e=",
            " Two=",
            "END:VCARD",
            "BEGIN:VCARD",
            "VERSION:3.0",
            "FN:Next Person",
            "PHOTO;ENCODING=b:AAAA==",
            "END:VCARD",
            "",
        ]
        .join(eol);
        let p = parse(&text);
        let names: Vec<&str> = p.contacts.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names.len(), 3, "{names:?} {:?}", p.skipped);
        assert_eq!(names[0], "Good end");
        assert!(names[1].starts_with("Ren\u{e9}e"), "{names:?}");
        assert_eq!(names[2], "Next Person");
        assert!(p.skipped.is_empty(), "{:?}", p.skipped);
    }
}
