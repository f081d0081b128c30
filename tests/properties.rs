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
