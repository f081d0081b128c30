//! Property tests: the CLI's input parsers never panic on any input, and arbitrary
//! Unicode (control characters, bidi overrides, NUL, emoji, combining marks) in every
//! text field survives store → JSON export → import into an empty database unchanged.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::NaiveDate;
use proptest::prelude::*;
use ties::domain::contact::{Field, FieldKind, NameEntry, NewContact, resolve};
use ties::domain::date::parse_date;
use ties::domain::interaction::{InteractionKind, NewInteraction};
use ties::domain::referral::{NewReferral, Quality, Side, Status, StatusChange};
use ties::interop::json::Document;
use ties::store::Store;

/// Text that likes the awkward corners of Unicode.
fn hostile() -> impl Strategy<Value = String> {
    let pieces = prop_oneof![
        Just("\u{1b}[31m".to_string()),
        Just("\u{7}".to_string()),
        Just("\u{0}".to_string()),
        Just("\u{202e}".to_string()),
        Just("\u{2066}".to_string()),
        Just("e\u{301}".to_string()),
        Just("👩‍👩‍👧".to_string()),
        Just("\r\n".to_string()),
        Just("\\,;:\"'".to_string()),
        "\\PC{0,8}",
        any::<char>().prop_map(String::from),
    ];
    prop::collection::vec(pieces, 1..6).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn date_parser_never_panics_and_accepts_only_real_dates(s in "\\PC{0,14}|[0-9]{4}-[0-9]{2}-[0-9]{2}") {
        match parse_date(&s) {
            Ok(d) => prop_assert_eq!(d.format("%Y-%m-%d").to_string(), s.trim()),
            Err(e) => prop_assert!(!e.to_string().is_empty()),
        }
    }

    #[test]
    fn contact_reference_resolution_never_panics(q in "\\PC{0,12}|#[0-9]{1,20}|[0-9]{1,25}", names in prop::collection::vec("\\PC{1,10}", 0..8)) {
        let entries: Vec<NameEntry> = names.into_iter().enumerate().map(|(i, name)| NameEntry { id: i as i64 + 1, name, archived: i % 3 == 0 }).collect();
        let _ = resolve(&q, &entries);
    }

    #[test]
    fn hostile_text_survives_store_export_import(
        name in hostile(), company in hostile(), notes in hostile(), tag in hostile(),
        email_local in "[a-z]{1,8}", address in hostile(), label in hostile(), note in hostile(), reason in hostile(),
    ) {
        prop_assume!(!name.trim().is_empty() && !tag.trim().is_empty() && !address.trim().is_empty());
        let today = NaiveDate::from_ymd_opt(2026, 11, 24).unwrap();
        let mut a = Store::open_in_memory().unwrap();
        let new = NewContact {
            name: name.clone(),
            company: Some(company.clone()),
            title: Some(label.clone()),
            notes: Some(notes.clone()),
            how_met: Some(note.clone()),
            tags: vec![tag.trim().to_lowercase()],
            fields: vec![
                Field { kind: FieldKind::Email, label: Some(label.clone()), value: format!("{email_local}@x.example") },
                Field { kind: FieldKind::Address, label: None, value: address.clone() },
            ],
            ..NewContact::default()
        };
        let id = a.insert_contact(&new, today).unwrap();
        let other = a.insert_contact(&NewContact { name: "Other".into(), ..NewContact::default() }, today).unwrap();
        let rid = a.insert_referral(&NewReferral { side: Side::ReceivedFrom(id), person_id: other, quality: Quality::Permission, referred_on: today, note: Some(note.clone()) }).unwrap();
        a.change_status(rid, &StatusChange { to: Status::Lost, on: today, value: None, reason: Some(reason.clone()), reopen: false }).unwrap();
        let mut i = NewInteraction::new(id, today, InteractionKind::Meeting);
        i.label = Some(label.clone());
        i.note = Some(note.clone());
        a.insert_interaction(&i).unwrap();

        let first = a.export_document().unwrap();
        let text = first.to_json();
        let mut b = Store::open_in_memory().unwrap();
        b.import_document(&Document::parse(&text).unwrap(), false).unwrap();
        let second = b.export_document().unwrap();
        prop_assert_eq!(&first, &second);
        prop_assert_eq!(&second.contacts[0].name, &name);
        prop_assert_eq!(second.contacts[0].notes.as_deref(), Some(notes.as_str()));
        prop_assert_eq!(second.referrals[0].reason.as_deref(), Some(reason.as_str()));
        prop_assert_eq!(second.interactions[0].note.as_deref(), Some(note.as_str()));
    }
}

/// RFC 2047 encoded word (UTF-8, base64) of a display name.
fn encoded_word(name: &str) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let b = name.as_bytes();
    let mut out = String::new();
    for c in b.chunks(3) {
        let n = (u32::from(c[0]) << 16)
            | (u32::from(*c.get(1).unwrap_or(&0)) << 8)
            | u32::from(*c.get(2).unwrap_or(&0));
        for i in 0..4 {
            if i <= c.len() {
                out.push(T[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    format!("=?UTF-8?B?{out}?=")
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Any bytes at the mail parser's boundary: never a panic; every message is read or
    /// skipped with a reason, and the rules never panic either.
    #[test]
    fn mail_parsing_never_panics(data in prop::collection::vec(any::<u8>(), 0..2048), prefix in prop::sample::select(vec!["", "From a@b.c Mon Nov 30 10:00:00 2026\n", "From: a@b.c\nTo: me@x.io, c@d.e\n\n"])) {
        let mut bytes = prefix.as_bytes().to_vec();
        bytes.extend_from_slice(&data);
        let _ = ties::interop::email::looks_like_mail(&bytes);
        let (mails, skipped) = ties::interop::email::parse(&bytes);
        prop_assert!(skipped.iter().all(|s| !s.reason.is_empty()));
        let me = ties::interop::email::Me::new(&["me@x.io".to_string()]);
        let _ = ties::interop::email::plan(mails, &me);
    }

    /// A generated introduction, any display names (encoded words in UTF-8): the
    /// sender, the first other person in To and the names come back exactly.
    #[test]
    fn generated_intros_come_back_exactly(
        names in prop::collection::vec("[\\p{L}\\p{N} .'’-]{1,24}", 3),
        users in prop::collection::vec("[a-z][a-z0-9]{0,8}", 3),
        me_in_cc in any::<bool>(),
    ) {
        let addr = |i: usize| format!("{}{i}@example{i}.org", users[i]);
        let mb = |i: usize| format!("{} <{}>", encoded_word(&names[i]), addr(i));
        let me = "Me <me@x.io>";
        let (to, cc) = if me_in_cc {
            (format!("{}, {}", mb(1), mb(2)), me.to_string())
        } else {
            (format!("{me}, {}", mb(1)), mb(2))
        };
        let text = format!(
            "From: {}\r\nTo: {to}\r\nCc: {cc}\r\nSubject: hi\r\nDate: Mon, 30 Nov 2026 10:00:00 +0000\r\nMessage-ID: <x@y>\r\n\r\nbody\r\n",
            mb(0)
        );
        let (mails, skipped) = ties::interop::email::parse(text.as_bytes());
        prop_assert!(skipped.is_empty(), "{:?}", skipped);
        let me = ties::interop::email::Me::new(&["me@x.io".to_string()]);
        let (intros, skipped) = ties::interop::email::plan(mails, &me);
        prop_assert!(skipped.is_empty(), "{:?}", skipped);
        match &intros[0].intro {
            ties::interop::email::Intro::Received { by, person } => {
                prop_assert_eq!(&by.email, &addr(0));
                prop_assert_eq!(&person.email, &addr(1));
                let clean = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
                prop_assert_eq!(by.name.as_deref().map(clean), Some(clean(&names[0])).filter(|n| !n.is_empty()));
            }
            other => prop_assert!(false, "{:?}", other),
        }
        prop_assert_eq!(intros[0].also.len(), 1);
    }
}
