//! The terminal interface without a terminal: scripted keys through the same
//! `Session::press` dispatch the real loop uses, against a real in-memory store,
//! rendered to a `TestBackend`. Snapshots use the demo data (300 contacts, seed 1)
//! on a fixed today.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

use chrono::NaiveDate;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ties::app::Pane;
use ties::config::Config;
use ties::domain::agenda::{AgendaKind, snooze_until};
use ties::domain::ask::AskStatus;
use ties::domain::chain::all_chains;
use ties::domain::interaction::{InteractionKind, NewInteraction};
use ties::domain::referral::Status;
use ties::keymap::{Key, KeyCode, Keymap};
use ties::runtime::Session;
use ties::store::Store;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 24).unwrap()
}

fn session_on(store: Store) -> Session {
    session_with(store, Config::defaults().unwrap())
}

fn session_with(store: Store, config: Config) -> Session {
    let keymap = Keymap::from_config(&config.keys, Path::new("<defaults>")).unwrap();
    Session::new(store, config, keymap, false, today()).unwrap()
}

fn demo(n: usize) -> Session {
    let mut store = Store::open_in_memory().unwrap();
    store
        .fill_demo(&ties::demo::generate(n, 1, today()), today(), false)
        .unwrap();
    session_on(store)
}

/// Presses keys named like `[keys]` does ("enter", "esc", "tab", "ctrl-c") or plain
/// text typed one character at a time (prefix `'` to type, e.g. "'kitchen").
fn keys(s: &mut Session, script: &[&str]) {
    for k in script {
        if let Some(text) = k.strip_prefix('\'') {
            for c in text.chars() {
                s.press(Key::char(c));
            }
        } else {
            s.press(Key::parse(k).unwrap_or_else(|| panic!("bad key name {k}")));
        }
    }
}

fn screen(s: &Session, w: u16, h: u16) -> String {
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    t.draw(|f| s.draw(f)).unwrap();
    t.backend().to_string()
}

fn count_interactions(s: &Session) -> usize {
    s.store.all_interactions().unwrap().len()
}

// ---- snapshots -------------------------------------------------------------------

macro_rules! snap {
    ($name:literal, $session:expr, $w:literal, $h:literal) => {
        insta::assert_snapshot!($name, screen(&$session, $w, $h));
    };
}

#[test]
fn every_pane_at_80x24_and_120x40() {
    let mut s = demo(300);
    snap!("today_80x24", s, 80, 24);
    snap!("today_120x40", s, 120, 40);
    keys(&mut s, &["2"]);
    snap!("contacts_80x24", s, 80, 24);
    snap!("contacts_120x40", s, 120, 40);
    keys(&mut s, &["3"]);
    snap!("referrals_pipeline_80x24", s, 80, 24);
    snap!("referrals_pipeline_120x40", s, 120, 40);
    keys(&mut s, &["c"]);
    snap!("referrals_chains_80x24", s, 80, 24);
    snap!("referrals_chains_120x40", s, 120, 40);
    keys(&mut s, &["4"]);
    snap!("ask_80x24", s, 80, 24);
    snap!("ask_120x40", s, 120, 40);
}

#[test]
fn overlays_review_and_too_small() {
    let mut s = demo(300);
    keys(&mut s, &["?"]);
    snap!("help_80x24", s, 80, 24);
    keys(&mut s, &["esc", "2", "l", "tab", "tab", "'kitchen remodel"]);
    snap!("log_form_80x24", s, 80, 24);
    keys(&mut s, &["esc", "R", "'dana h"]);
    snap!("referral_form_80x24", s, 80, 24);
    keys(&mut s, &["esc", "1", "r", "n", "n"]);
    snap!("review_80x24", s, 80, 24);
    snap!("too_small_59x16", s, 59, 16);
}

// ---- flows -----------------------------------------------------------------------

#[test]
fn logging_from_contacts_shows_in_timeline_and_strength() {
    let mut s = demo(300);
    keys(&mut s, &["2", "/", "'aisha hart", "enter"]);
    let before = s.app.contacts.detail.clone().unwrap();
    assert_eq!(before.name, "Aisha Hart");
    keys(
        &mut s,
        &[
            "l",
            "right",
            "right",
            "tab",
            "tab",
            "'kitchen remodel",
            "enter",
        ],
    );
    assert!(s.app.overlay.is_none(), "the form closes on save");
    let after = s.app.contacts.detail.clone().unwrap();
    assert_eq!(after.id, before.id, "the same contact stays selected");
    assert_eq!(after.timeline.len(), before.timeline.len() + 1);
    let (date, kind, text) = &after.timeline[0];
    assert_eq!(
        (*date, kind.as_str(), text.as_str()),
        (today(), "job", "kitchen remodel")
    );
    assert!(
        after.strength > before.strength,
        "{} → {}",
        before.strength,
        after.strength
    );
    let shown = screen(&s, 120, 40);
    assert!(shown.contains("kitchen remodel"), "{shown}");
    assert!(shown.contains("Logged a job with Aisha Hart"), "{shown}");
}

/// The book holds histories packed for scoring, without notes or most labels: the
/// detail's timeline reads its one contact's whole history when it shows that contact,
/// and again after a write.
#[test]
fn the_timeline_shows_notes_the_book_does_not_hold() {
    let mut s = demo(300);
    keys(&mut s, &["2", "/", "'aisha hart", "enter"]);
    keys(
        &mut s,
        &[
            "l",
            "tab",
            "tab",
            "'coffee at Kiko",
            "tab",
            "'asked about her move",
            "enter",
        ],
    );
    let id = s.app.contacts.detail.as_ref().unwrap().id;
    let lean = s.app.data.book.interactions_of(id);
    let newest = lean.last().unwrap();
    assert_eq!(newest.kind.as_str(), "call");
    assert!(
        newest.label.is_none() && newest.note().is_none(),
        "the book keeps what scoring reads: {newest:?}"
    );
    let (date, kind, text) = &s.app.contacts.detail.as_ref().unwrap().timeline[0];
    assert_eq!(
        (*date, kind.as_str(), text.as_str()),
        (today(), "call", "coffee at Kiko — asked about her move")
    );
    let shown = screen(&s, 120, 40);
    assert!(
        shown.contains("coffee at Kiko — asked about her move"),
        "{shown}"
    );
    // Moving away and back reads it again.
    keys(&mut s, &["esc", "down", "up"]);
    let shown = screen(&s, 120, 40);
    assert!(shown.contains("coffee at Kiko"), "{shown}");
}

#[test]
fn escape_cancels_a_form_without_writing() {
    let mut s = demo(300);
    let n = count_interactions(&s);
    keys(&mut s, &["2", "l", "tab", "tab", "'never saved", "esc"]);
    assert!(s.app.overlay.is_none());
    assert_eq!(count_interactions(&s), n);
    keys(&mut s, &["a", "'Nobody New", "esc"]);
    assert!(
        s.store
            .name_entries()
            .unwrap()
            .iter()
            .all(|e| e.name != "Nobody New")
    );
}

#[test]
fn forms_validate_as_you_type() {
    let mut s = demo(300);
    keys(&mut s, &["2", "l", "tab", "ctrl-u", "'2099-01-01", "enter"]);
    let shown = screen(&s, 100, 30);
    assert!(s.app.overlay.is_some(), "an invalid form stays open");
    assert!(shown.contains("✗"), "{shown}");
    keys(
        &mut s,
        &[
            "esc",
            "a",
            "'Zed Example",
            "tab",
            "tab",
            "tab",
            "tab",
            "tab",
            "'not-an-email",
            "enter",
        ],
    );
    assert!(s.app.overlay.is_some());
    keys(&mut s, &["ctrl-u", "'zed@example.com", "enter"]);
    assert!(s.app.overlay.is_none(), "{}", screen(&s, 100, 30));
    assert!(
        s.store
            .name_entries()
            .unwrap()
            .iter()
            .any(|e| e.name == "Zed Example")
    );
}

#[test]
fn a_referral_won_with_a_value_raises_the_chain_total() {
    let mut s = demo(300);
    let total = |s: &Session| -> f64 {
        all_chains(&s.app.data.book.referrals, &s.app.data.book)
            .iter()
            .map(|t| t.first_touch_value)
            .sum()
    };
    let before = total(&s);
    keys(&mut s, &["3", "right", "right"]);
    // Pick a received referral in the met column and move it to proposal.
    let col = &s.app.data.columns[2];
    let pos = col
        .iter()
        .position(|&i| s.app.data.book.referrals[i].referrer_id.is_some())
        .unwrap();
    for _ in 0..pos {
        keys(&mut s, &["down"]);
    }
    let r = ties::app::selected_referral(&s.app).unwrap().clone();
    assert_eq!(r.status, Status::Met);
    keys(&mut s, &[">"]);
    for _ in 0..100 {
        if ties::app::selected_referral(&s.app).unwrap().id == r.id {
            break;
        }
        keys(&mut s, &["down"]);
    }
    assert_eq!(ties::app::selected_referral(&s.app).unwrap().id, r.id);
    keys(&mut s, &[">"]);
    assert!(s.app.overlay.is_some(), "won asks for the value");
    keys(&mut s, &["'abc", "enter"]);
    assert!(
        s.app.overlay.is_some(),
        "a value that is not a number is refused"
    );
    keys(&mut s, &["ctrl-u", "'5000", "enter"]);
    let now = s.store.referral(r.id).unwrap().unwrap();
    assert_eq!((now.status, now.value), (Status::Won, Some(5000.0)));
    assert_eq!(total(&s), before + 5000.0);
    // The pipeline is contact: the win is a job with the person, so they have a history.
    let jobs = s.store.interactions_for(r.person_id).unwrap();
    assert!(
        jobs.iter()
            .any(|i| i.kind == InteractionKind::Job && i.referral_id == Some(r.id)),
        "{jobs:?}"
    );
    assert!(
        s.app
            .data
            .assessed
            .summary(&s.app.data.book, r.person_id)
            .last_touch
            .is_some()
    );
    keys(&mut s, &["c"]);
    let line = s
        .app
        .data
        .chains
        .iter()
        .find(|l| l.referral_id == Some(r.id))
        .unwrap();
    assert!(line.text.contains("won, $5,000"), "{}", line.text);
}

#[test]
fn status_moves_back_and_lost_needs_a_reason() {
    let mut s = demo(300);
    keys(&mut s, &["3", "right"]);
    let r = ties::app::selected_referral(&s.app).unwrap().clone();
    assert_eq!(r.status, Status::Contacted);
    keys(&mut s, &["<"]);
    assert_eq!(s.store.referral(r.id).unwrap().unwrap().status, Status::New);
    // The referral moved to the first column; find it there and mark it lost.
    keys(&mut s, &["left"]);
    for _ in 0..100 {
        if ties::app::selected_referral(&s.app).unwrap().id == r.id {
            break;
        }
        keys(&mut s, &["down"]);
    }
    assert_eq!(ties::app::selected_referral(&s.app).unwrap().id, r.id);
    keys(&mut s, &["x", "enter"]);
    assert!(s.app.overlay.is_some(), "lost without a reason is refused");
    keys(&mut s, &["'went elsewhere", "enter"]);
    let now = s.store.referral(r.id).unwrap().unwrap();
    assert_eq!(
        (now.status, now.reason.as_deref()),
        (Status::Lost, Some("went elsewhere"))
    );
}

#[test]
fn thank_and_inform_link_to_the_referral() {
    let mut s = demo(300);
    keys(&mut s, &["3"]);
    let r = ties::app::selected_referral(&s.app).unwrap().clone();
    let by = r.referrer_id.unwrap();
    keys(&mut s, &["t", "u"]);
    let linked: Vec<InteractionKind> = s
        .store
        .interactions_for(by)
        .unwrap()
        .into_iter()
        .filter(|i| i.referral_id == Some(r.id) && i.occurred_on == today())
        .map(|i| i.kind)
        .collect();
    assert_eq!(
        linked,
        vec![InteractionKind::Thanks, InteractionKind::Update]
    );
}

#[test]
fn done_offers_its_choices_acts_by_key_and_the_day_does_not_refill() {
    let mut s = demo(300);
    let day = s.app.data.agenda_today;
    assert!(day <= 12, "the day is bounded: {day}");
    let items = s.app.today_items().to_vec();
    // Obligations first: what is owed to a referrer.
    let first = items[0].clone();
    assert_eq!(first.kind, AgendaKind::Thank, "{items:#?}");
    let suggested = s.app.data.card(&first, &s.app.config).suggested_reward;
    keys(&mut s, &["d"]);
    assert!(
        matches!(s.app.overlay, Some(ties::app::Overlay::Done { .. })),
        "d offers the ways to do it"
    );
    assert!(screen(&s, 80, 24).contains("(suggested)"));
    keys(&mut s, &["enter"]);
    let thanks = s
        .store
        .interactions_for(first.contact_id)
        .unwrap()
        .into_iter()
        .find(|i| i.kind == InteractionKind::Thanks && i.occurred_on == today())
        .expect("a thanks was logged");
    assert_eq!(
        (thanks.referral_id, thanks.reward()),
        (first.referral_id, suggested)
    );
    // The item left; nobody waiting took its place; the selection is on the item that
    // was below it, one the user has seen.
    assert!(s.app.data.agenda.iter().all(|i| i.key != first.key));
    assert_eq!(s.app.data.agenda_today, day - 1);
    assert_eq!(s.app.today_items()[0].key, items[1].key);

    // An ask done by its second way (another channel); the other asks stay, none is added.
    let asks = |s: &Session| -> Vec<String> {
        s.app
            .today_items()
            .iter()
            .filter(|i| i.kind == AgendaKind::Ask)
            .map(|i| i.key.clone())
            .collect()
    };
    let before = asks(&s);
    assert!(!before.is_empty());
    // Today's asks are the Ask pane's, in its order.
    let pane: Vec<String> = s
        .app
        .data
        .ask_now
        .iter()
        .map(|c| format!("ask:c{}", s.app.data.assessed.ranking[c.suggestion].id))
        .collect();
    assert_eq!(before, pane);
    let pos = s
        .app
        .today_items()
        .iter()
        .position(|i| i.key == before[0])
        .unwrap();
    while s.app.today.selected < pos {
        keys(&mut s, &["down"]);
    }
    keys(&mut s, &["d", "2"]);
    assert_eq!(asks(&s), before[1..].to_vec());
    assert_eq!(s.app.data.ask_now.len(), before.len() - 1);
    assert_eq!(s.app.data.agenda_today, day - 2);

    // Review mode counts the day, and Esc leaves it.
    let n = s.app.today_items().len();
    keys(&mut s, &["g", "r"]);
    assert!(screen(&s, 80, 24).contains(&format!("1 of {n}")));
    keys(&mut s, &["n"]);
    assert!(screen(&s, 80, 24).contains(&format!("2 of {n}")));
    keys(&mut s, &["esc"]);
    assert_eq!(s.app.today.review, None);
    // w shows everything due, the waiting too.
    keys(&mut s, &["w"]);
    assert_eq!(s.app.today_items().len(), s.app.data.agenda.len());
    assert!(s.app.today_items().iter().any(|i| i.waiting));
}

#[test]
fn snoozed_items_can_be_seen_and_ended() {
    let mut s = demo(300);
    keys(&mut s, &["down"]);
    let item = s.app.today_items()[1].clone();
    keys(&mut s, &["s", "7"]);
    assert!(s.app.data.agenda.iter().all(|i| i.key != item.key));
    assert!(screen(&s, 120, 40).contains("1 snoozed"));
    keys(&mut s, &["S"]);
    let shown = screen(&s, 80, 24);
    assert!(
        shown.contains("1 snoozed") && shown.contains("until"),
        "{shown}"
    );
    keys(&mut s, &["enter"]);
    assert!(s.store.snoozes().unwrap().is_empty());
    assert!(s.app.data.agenda.iter().any(|i| i.key == item.key));
}

#[test]
fn snoozing_hides_an_item_until_the_chosen_day() {
    let mut s = demo(300);
    keys(&mut s, &["down"]);
    let item = s.app.data.agenda[1].clone();
    keys(&mut s, &["s", "7"]);
    assert!(s.app.data.agenda.iter().all(|i| i.key != item.key));
    assert_eq!(
        s.store.snoozes().unwrap().get(&item.key),
        Some(&snooze_until(today(), 7))
    );
    // Esc in the picker snoozes nothing.
    let next = s.app.data.agenda[1].key.clone();
    keys(&mut s, &["s", "esc"]);
    assert!(s.app.data.agenda.iter().any(|i| i.key == next));
}

#[test]
fn enter_on_today_opens_the_contact() {
    let mut s = demo(300);
    let item = s.app.data.agenda[0].clone();
    keys(&mut s, &["enter"]);
    assert_eq!(s.app.pane, Pane::Contacts);
    assert_eq!(s.app.contacts.detail.as_ref().unwrap().id, item.contact_id);
}

#[test]
fn recording_an_ask_moves_the_contact_to_wait_until() {
    let mut s = demo(300);
    keys(&mut s, &["4"]);
    let card = s.app.data.ask_now[0].clone();
    let id = s.app.data.assessed.ranking[card.suggestion].id;
    keys(&mut s, &["enter"]);
    let asked = s
        .store
        .interactions_for(id)
        .unwrap()
        .into_iter()
        .find(|i| i.kind == InteractionKind::Ask && i.occurred_on == today())
        .unwrap();
    assert_eq!(asked.channel(), Some(card.channel));
    let now = s
        .app
        .data
        .assessed
        .ranking
        .iter()
        .find(|x| x.id == id)
        .unwrap();
    assert_eq!(now.status, AskStatus::WaitUntil);
    assert!(
        s.app
            .data
            .ask_now
            .iter()
            .all(|c| s.app.data.assessed.ranking[c.suggestion].id != id)
    );
}

#[test]
fn filtering_1000_contacts_by_a_fuzzy_fragment() {
    let mut s = demo(1000);
    assert_eq!(s.app.data.rows.len(), 1000);
    let target = s.app.data.rows[500].clone();
    // First three letters of the first name, first three of the last: "alihar".
    let mut parts = target.name.split_whitespace();
    let fragment: String = parts
        .next()
        .unwrap()
        .chars()
        .take(3)
        .chain(parts.next().unwrap().chars().take(3))
        .collect::<String>()
        .to_lowercase();
    keys(&mut s, &["2", "/", &format!("'{fragment}")]);
    let visible = &s.app.contacts.visible;
    assert!(
        !visible.is_empty() && visible.len() < 1000,
        "{}",
        visible.len()
    );
    assert!(visible.iter().any(|&i| s.app.data.rows[i].id == target.id));
    assert!(screen(&s, 80, 24).contains(&format!("/{fragment}")));
    keys(&mut s, &["esc"]);
    assert_eq!(s.app.contacts.visible.len(), 1000);
}

#[test]
fn writes_by_another_process_appear_on_the_next_tick() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ties.db");
    let mut store = Store::open(&path).unwrap();
    store
        .fill_demo(&ties::demo::generate(50, 1, today()), today(), false)
        .unwrap();
    let mut s = session_on(store);
    keys(&mut s, &["1", "down", "2", "down", "down", "down"]);
    let id = s.app.selected_contact().unwrap().id;
    let item = s.app.today.selected;
    let before = s.app.contacts.detail.as_ref().unwrap().timeline.len();
    let mut other = Store::open(&path).unwrap();
    let mut i = NewInteraction::new(id, today(), InteractionKind::Meeting);
    i.label = Some("from the CLI".into());
    other.insert_interaction(&i).unwrap();
    s.tick();
    // The reload let the old data go first: the view finds its places again by id.
    assert_eq!(s.app.selected_contact().unwrap().id, id);
    assert_eq!(s.app.today.selected, item);
    let d = s.app.contacts.detail.as_ref().unwrap();
    assert_eq!(d.id, id);
    assert_eq!(d.timeline.len(), before + 1);
    assert_eq!(d.timeline[0].2, "from the CLI");
}

#[test]
fn hostile_text_is_drawn_safely() {
    let mut store = Store::open_in_memory().unwrap();
    let evil = ties::domain::contact::NewContact {
        name: "\u{1b}[31mEvil\u{7}\u{202e}Name".into(),
        tags: vec!["x".repeat(10_000)],
        ..Default::default()
    };
    store.insert_contact(&evil, today()).unwrap();
    let mut s = session_on(store);
    keys(&mut s, &["2"]);
    let shown = screen(&s, 80, 24);
    assert!(shown.contains("␛[31mEvil␇⟨U+202E⟩Name"), "{shown}");
    assert!(!shown.contains('\u{1b}') && !shown.contains('\u{7}') && !shown.contains('\u{202e}'));
}

#[test]
fn an_empty_book_opens_on_a_welcome_and_a_quiet_one_is_all_clear() {
    let s = session_on(Store::open_in_memory().unwrap());
    let shown = screen(&s, 80, 24);
    for part in [
        "Welcome to ties",
        "ties import",
        "ties --demo",
        "ideal referral",
    ] {
        assert!(shown.contains(part), "{part}: {shown}");
    }
    let mut store = Store::open_in_memory().unwrap();
    let c = ties::domain::contact::NewContact {
        name: "Sam Lee".into(),
        ..Default::default()
    };
    store.insert_contact(&c, today()).unwrap();
    let s = session_on(store);
    assert!(screen(&s, 80, 24).contains("All clear"));
}

#[test]
fn keys_come_from_the_config() {
    let config = Config::from_overlay(
        "[keys.global]\nz = \"go_contacts\"\n[keys.contacts]\nn = \"add_contact\"\n",
        Path::new("u.toml"),
    )
    .unwrap();
    let keymap = Keymap::from_config(&config.keys, Path::new("u.toml")).unwrap();
    let mut s = Session::new(
        Store::open_in_memory().unwrap(),
        config,
        keymap,
        false,
        today(),
    )
    .unwrap();
    keys(&mut s, &["z"]);
    assert_eq!(s.app.pane, Pane::Contacts);
    let bar = screen(&s, 120, 24);
    assert!(bar.contains("a add"), "{bar}");
    keys(&mut s, &["n"]);
    assert!(s.app.overlay.is_some());
    keys(&mut s, &["esc", "?"]);
    let help = screen(&s, 120, 40);
    assert!(
        help.contains("z Contacts") && help.contains("a/n add"),
        "{help}"
    );
    s.press(Key::plain(KeyCode::Esc));
    keys(&mut s, &["q"]);
    assert!(s.quit);
}

#[test]
fn typing_a_filter_finds_what_filtering_from_scratch_finds() {
    // Each keystroke only tries the rows the previous query matched when it may;
    // the result must be the full filter's, in the same order.
    let mut s = demo(1000);
    keys(&mut s, &["2", "/"]);
    let script = [
        "'a",
        "'l",
        "'i",
        "' ",
        "'h",
        "backspace",
        "backspace",
        "'x",
        "backspace",
        "left",
        "left",
        "'r",
        "ctrl-u",
        "'!a",
        "'l",
        "' ",
        "'^",
        "'d",
        "'a",
        "'$",
    ];
    for k in script {
        keys(&mut s, &[k]);
        let query = s.app.contacts.filter.value.clone();
        assert_eq!(
            s.app.contacts.visible,
            ties::app::filter(&s.app.data.haystacks, &query),
            "after {k:?}: {query:?}"
        );
    }
}

/// Hostile text in every field — escape sequences, BEL, NUL, bidi overrides, 10,000
/// characters, emoji and combining marks — is drawn in every pane with no raw control
/// byte reaching the terminal and the frame intact (tabs on top, keys at the bottom).
#[test]
fn hostile_text_in_every_field_and_every_pane() {
    use ties::domain::contact::{Field, FieldKind, NewContact};
    use ties::domain::referral::{NewReferral, Quality, Side};
    let evil = |tag: &str| {
        format!(
            "\u{1b}[2J\u{1b}]0;{tag}\u{7}\u{0}\u{202e}é\u{301}👩‍👩‍👧{}",
            "w".repeat(10_000)
        )
    };
    let mut store = Store::open_in_memory().unwrap();
    let day = |n: i64| today() - chrono::Duration::days(n);
    let person = |name: String| NewContact {
        name,
        company: Some(evil("company")),
        title: Some(evil("title")),
        notes: Some(evil("notes") + "\nsecond line"),
        how_met: Some(evil("how")),
        tags: vec![evil("tag").to_lowercase()],
        fields: vec![
            Field {
                kind: FieldKind::Email,
                label: Some(evil("label")),
                value: "evil@x.example".into(),
            },
            Field {
                kind: FieldKind::Address,
                label: None,
                value: evil("address"),
            },
        ],
        ..NewContact::default()
    };
    let a = store.insert_contact(&person(evil("A")), day(400)).unwrap();
    let b = store.insert_contact(&person(evil("B")), day(400)).unwrap();
    for (n, kind) in [
        (300, InteractionKind::Meeting),
        (100, InteractionKind::Call),
        (5, InteractionKind::Job),
        (2, InteractionKind::Praise),
        (1, InteractionKind::Message),
    ] {
        let mut i = NewInteraction::new(a, day(n), kind);
        i.label = Some(evil("label"));
        i.note = Some(evil("note"));
        if kind == InteractionKind::Message {
            i.direction = Some(ties::domain::interaction::Direction::Both);
        }
        store.insert_interaction(&i).unwrap();
    }
    let rid = store
        .insert_referral(&NewReferral {
            side: Side::ReceivedFrom(a),
            person_id: b,
            quality: Quality::WarmHandoff,
            referred_on: day(3),
            note: Some(evil("ref")),
        })
        .unwrap();
    store
        .change_status(
            rid,
            &ties::domain::referral::StatusChange {
                to: Status::Won,
                on: day(1),
                value: Some(1e12),
                reason: None,
                reopen: false,
            },
        )
        .unwrap();
    let mut s = session_on(store);
    let frames: &[&[&str]] = &[
        &["1"],
        &["2"],
        &["2", "enter"],
        &["3"],
        &["3", "c"],
        &["4"],
        &["1", "r"],
        &["?"],
    ];
    for script in frames {
        keys(&mut s, &["esc", "esc"]);
        keys(&mut s, script);
        for (w, h) in [(80, 24), (120, 40)] {
            let shown = screen(&s, w, h);
            for bad in ['\u{1b}', '\u{7}', '\u{0}', '\u{202e}'] {
                assert!(
                    !shown.contains(bad),
                    "{script:?} at {w}x{h} drew {bad:?}:\n{shown}"
                );
            }
            let lines: Vec<&str> = shown.lines().collect();
            assert_eq!(
                lines.len(),
                h as usize,
                "{script:?} at {w}x{h}: the frame has its size"
            );
            assert!(
                lines[0].contains("ties") && lines[0].contains("1 Today"),
                "{script:?} at {w}x{h}: tabs intact:\n{shown}"
            );
        }
        keys(&mut s, &["esc"]);
    }
    keys(&mut s, &["2"]);
    insta::assert_snapshot!("hostile_contacts_120x40", screen(&s, 120, 40));
}

/// On a short screen a contact with many fields keeps its timeline in sight (where `J`
/// scrolls it): the fields above are cut, and a row says where they all are.
#[test]
fn many_fields_leave_the_timeline_in_sight_at_80x24() {
    use ties::domain::contact::{Field, FieldKind};
    let mut store = Store::open_in_memory().unwrap();
    let field = |kind, n: usize| Field {
        kind,
        label: Some(format!("label {n}")),
        value: format!("value number {n} of a contact with many fields"),
    };
    let c = ties::domain::contact::NewContact {
        name: "Sam Lee".into(),
        company: Some("Lee Plumbing and Heating of the Eastern Suburbs".into()),
        fields: (0..6)
            .map(|n| field(FieldKind::Phone, n))
            .chain((0..4).map(|n| field(FieldKind::Address, n)))
            .collect(),
        ..Default::default()
    };
    let id = store.insert_contact(&c, today()).unwrap();
    for n in 1..=8 {
        let mut i = NewInteraction::new(
            id,
            today() - chrono::Days::new(n * 7),
            InteractionKind::Call,
        );
        i.note = Some(format!("call number {n}"));
        store.insert_interaction(&i).unwrap();
    }
    let mut s = session_on(store);
    keys(&mut s, &["2"]);
    let shown = screen(&s, 80, 24);
    assert!(
        shown.contains("Timeline (8)") && shown.contains("call number 1"),
        "{shown}"
    );
    assert!(shown.contains("e shows every field"), "{shown}");
    keys(&mut s, &["J"]);
    let shown = screen(&s, 80, 24);
    assert!(shown.contains("from entry 6"), "{shown}");
    // Where there is room, everything shows and nothing says it was cut.
    let shown = screen(&s, 120, 60);
    assert!(!shown.contains("e shows every field"), "{shown}");
}

/// Entries that wrap take several rows each: J moves by the entries the screen showed
/// whole, so paging through the timeline shows every one of them.
#[test]
fn paging_the_timeline_skips_no_entry() {
    let mut store = Store::open_in_memory().unwrap();
    let c = ties::domain::contact::NewContact {
        name: "Sam Lee".into(),
        ..Default::default()
    };
    let id = store.insert_contact(&c, today()).unwrap();
    for n in 1..=15u64 {
        let mut i = NewInteraction::new(id, today() - chrono::Days::new(n), InteractionKind::Call);
        i.note = Some(format!(
            "entry{n:02} talked at length about the fair, the stand and who else comes"
        ));
        store.insert_interaction(&i).unwrap();
    }
    let mut s = session_on(store);
    keys(&mut s, &["2"]);
    let mut seen = std::collections::BTreeSet::new();
    for _ in 0..15 {
        let shown = screen(&s, 80, 24);
        for n in 1..=15 {
            if shown.contains(&format!("entry{n:02}")) {
                seen.insert(n);
            }
        }
        keys(&mut s, &["J"]);
    }
    assert_eq!(seen.len(), 15, "entries never shown: {seen:?}");
}

/// The contact's timeline scrolls to older entries and back, and starts at the newest
/// again for the next contact.
#[test]
fn the_timeline_scrolls() {
    let mut s = demo(300);
    keys(&mut s, &["2"]);
    // Find a contact with a long history.
    let mut guard = 0;
    while s
        .app
        .contacts
        .detail
        .as_ref()
        .is_none_or(|d| d.timeline.len() < 30)
    {
        keys(&mut s, &["down"]);
        guard += 1;
        assert!(
            guard < 300,
            "no contact with 30 timeline entries in the demo"
        );
    }
    let d = s.app.contacts.detail.clone().unwrap();
    let newest = d.timeline[0].0.to_string();
    let sixth = d.timeline[5].0.to_string();
    keys(&mut s, &["J"]);
    let shown = screen(&s, 120, 40);
    assert!(shown.contains("from entry 6"), "{shown}");
    let after = shown.split("from entry 6").nth(1).unwrap();
    assert!(
        after.contains(&sixth),
        "the timeline starts at the sixth entry:\n{shown}"
    );
    keys(&mut s, &["K"]);
    let shown = screen(&s, 120, 40);
    assert!(!shown.contains("from entry"), "{shown}");
    assert!(shown.split("Timeline (").nth(1).unwrap().contains(&newest));
    keys(&mut s, &["J", "down"]);
    assert_eq!(
        s.app.contacts.timeline_offset, 0,
        "another contact starts at its newest entry"
    );
}

/// What every pane shows, in one comparable text.
fn derived(d: &ties::app::Data) -> String {
    format!(
        "{:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{:?}",
        d.assessed,
        d.agenda,
        d.tomorrow,
        d.rows,
        d.ask_now,
        d.waiting,
        d.columns,
        d.chains,
        {
            let names: Vec<_> = d.book.contacts.iter().map(|c| (c.id, &c.name)).collect();
            names
        },
        {
            let mut histories: Vec<_> = d.book.interactions.unpacked().into_iter().collect();
            histories.sort_by_key(|h| h.0);
            histories
        }
    )
}

/// A write from the interface updates the book in place and re-assesses only what it
/// touched: after every kind of write, what the panes show is exactly what a fresh load
/// of the whole file shows.
#[test]
fn writes_in_place_give_what_a_fresh_load_gives() {
    let mut s = demo(300);
    let config = Config::defaults().unwrap();
    let check = |s: &mut Session, step: &str, script: &[&str]| {
        keys(s, script);
        assert!(
            s.app.message.as_ref().is_none_or(|m| !m.error),
            "{step}: {:?}",
            s.app.message
        );
        let fresh = ties::app::Data::build(
            s.store.book(ties::domain::contact::Shape::Lists).unwrap(),
            &config,
            today(),
        );
        assert_eq!(derived(&s.app.data), derived(&fresh), "after {step}");
    };
    check(&mut s, "done (an ask)", &["1", "d"]);
    check(&mut s, "done twice more", &["d", "d"]);
    check(&mut s, "snooze", &["down", "s", "7"]);
    check(&mut s, "thank and inform", &["3", "t", "u"]);
    check(&mut s, "status forward", &["3", ">"]);
    check(
        &mut s,
        "log an interaction",
        &["2", "l", "tab", "tab", "'kitchen remodel", "enter"],
    );
    check(&mut s, "add a contact", &["2", "a", "'Nobody New", "enter"]);
    check(&mut s, "archive", &["2", "A", "y"]);
    check(&mut s, "ask", &["4", "enter"]);
}

/// A `ties restore` in another shell replaces the file the interface has open: its next
/// write is refused (never written to the old file and lost), the new book is shown, and
/// the write succeeds when made again. A tick notices too.
#[test]
fn a_restore_elsewhere_is_noticed_before_the_next_write() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("ties.db");
    let ties = |args: &[&str]| {
        let out = assert_cmd::Command::cargo_bin("ties")
            .unwrap()
            .env_clear()
            .env("HOME", dir.path())
            .env("TIES_DB", &db)
            .env("TIES_TODAY", "2026-11-24")
            .args(args)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    ties(&["add", "Sam Lee"]);
    let backup = dir.path().join("bk.db");
    ties(&["backup", backup.to_str().unwrap()]);
    ties(&["add", "Ana Park"]);
    let mut s = session_on(Store::open(&db).unwrap());
    assert_eq!(s.app.data.rows.len(), 2);
    ties(&["restore", backup.to_str().unwrap()]);
    keys(&mut s, &["2", "a", "'Bo Chen", "enter"]);
    let m = s.app.message.clone().unwrap();
    assert!(m.error && m.text.contains("replaced"), "{m:?}");
    assert_eq!(s.app.data.rows.len(), 1, "the restored book is shown");
    assert!(!ties(&["list"]).contains("Bo Chen"));
    keys(&mut s, &["esc", "2", "a", "'Bo Chen", "enter"]);
    assert!(
        ties(&["list"]).contains("Bo Chen"),
        "the second try is saved"
    );
    // A tick notices a replacement without a write.
    ties(&["restore", backup.to_str().unwrap()]);
    s.tick();
    assert_eq!(s.app.data.rows.len(), 1);
    assert!(s.app.message.as_ref().unwrap().text.contains("replaced"));
}

/// The first run: the welcome names the ways in, and `i` saves the ideal referral in
/// the user's words to their config file (created when missing), comments kept.
#[test]
fn the_first_run_asks_for_the_ideal_referral_and_saves_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("conf").join("config.toml");
    let mut s = session_on(Store::open_in_memory().unwrap()).with_config_path(path.clone());
    keys(&mut s, &["2"]);
    assert!(screen(&s, 80, 24).contains("No contacts yet"));
    keys(&mut s, &["1", "i"]);
    assert!(screen(&s, 80, 24).contains("Your ideal referral"));
    keys(
        &mut s,
        &[
            "ctrl-u",
            "'  Do you know anyone who is opening a café?  ",
            "enter",
        ],
    );
    let text = std::fs::read_to_string(&path).unwrap();
    let saved: toml::Table = text.parse().unwrap();
    assert_eq!(
        saved["ask"]["ideal_referral"].as_str(),
        Some("is opening a café")
    );
    assert_eq!(s.app.config.ask.ideal_referral, "is opening a café");
    assert!(screen(&s, 80, 24).contains("is opening a café"));
    // An existing file keeps its other keys and comments.
    std::fs::write(&path, "# mine\n[ask]\nasks_per_day = 2 # two\n").unwrap();
    keys(&mut s, &["i", "ctrl-u", "'is buying a first home", "enter"]);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(
        text.contains("# mine") && text.contains("asks_per_day = 2 # two"),
        "{text}"
    );
    assert!(
        text.contains("ideal_referral = \"is buying a first home\""),
        "{text}"
    );
    Config::load(&path, true).unwrap();
    // Nothing said: not saved.
    keys(&mut s, &["i", "ctrl-u", "enter"]);
    assert!(s.app.message.as_ref().is_some_and(|m| m.error));
    keys(&mut s, &["esc"]);
    assert!(
        std::fs::read_to_string(&path)
            .unwrap()
            .contains("first home")
    );
}

/// The review card of every kind of item, at both sizes: what you need to act.
#[test]
fn every_card_kind_at_80x24_and_120x40() {
    let mut s = demo(300);
    keys(&mut s, &["w"]);
    let kinds = [
        AgendaKind::Thank,
        AgendaKind::Inform,
        AgendaKind::FollowUp,
        AgendaKind::Ask,
        AgendaKind::OverDeliver,
        AgendaKind::GiveBack,
        AgendaKind::Occasion,
        AgendaKind::KeepInTouch,
    ];
    for kind in kinds {
        let pos = s
            .app
            .today_items()
            .iter()
            .position(|i| i.kind == kind)
            .unwrap_or_else(|| panic!("the demo has no {kind} item"));
        keys(&mut s, &["g"]);
        while s.app.today.selected < pos {
            keys(&mut s, &["down"]);
        }
        keys(&mut s, &["r"]);
        for (w, h) in [(80, 24), (120, 40)] {
            insta::assert_snapshot!(format!("card_{kind}_{w}x{h}"), screen(&s, w, h));
        }
        keys(&mut s, &["esc"]);
    }
}

/// The demo is a user who mostly keeps up: every kind of item is there, a few stale,
/// and not a backlog (at most a quarter of everything due is more than 90 days late).
#[test]
fn the_demo_is_a_user_who_mostly_keeps_up() {
    let s = demo(300);
    let all = &s.app.data.agenda;
    for kind in [
        AgendaKind::Thank,
        AgendaKind::Inform,
        AgendaKind::FollowUp,
        AgendaKind::Ask,
        AgendaKind::OverDeliver,
        AgendaKind::GiveBack,
        AgendaKind::Occasion,
        AgendaKind::KeepInTouch,
    ] {
        assert!(all.iter().any(|i| i.kind == kind), "no {kind} item");
    }
    let stale = all.iter().filter(|i| i.stale).count();
    assert!((1..=12).contains(&stale), "{stale} stale items");
    let late = all.iter().filter(|i| i.late(today()) > 90).count();
    assert!(
        late * 4 <= all.len(),
        "{late} of {} items over 90 days late",
        all.len()
    );
    assert!(all.len() < 80, "{} items due: a backlog", all.len());
}

/// `z` undoes the interface's writes, newest first, and says what it undid.
#[test]
fn z_undoes_the_newest_change_and_says_what() {
    let mut s = demo(300);
    let first = s.app.today_items()[0].clone();
    let before = s.store.interactions_for(first.contact_id).unwrap().len();
    keys(&mut s, &["d", "enter"]);
    keys(&mut s, &["down", "s", "7"]);
    assert_eq!(s.store.snoozes().unwrap().len(), 1);
    keys(&mut s, &["z"]);
    assert!(
        s.store.snoozes().unwrap().is_empty(),
        "the snooze went first"
    );
    let said = s.app.message.clone().unwrap();
    assert!(said.text.starts_with("Undid “Snoozed"), "{}", said.text);
    keys(&mut s, &["z"]);
    assert_eq!(
        s.store.interactions_for(first.contact_id).unwrap().len(),
        before
    );
    assert!(
        s.app.today_items().iter().any(|i| i.key == first.key),
        "the item is back"
    );
    // The demo fill itself is not journaled: nothing more to undo.
    keys(&mut s, &["z"]);
    assert!(
        s.app
            .message
            .as_ref()
            .is_some_and(|m| m.error && m.text.contains("Nothing to undo"))
    );
}

/// Pipeline moves: the selection follows the card; reopening a won referral asks
/// first; dormant can be set; a demo asks before quitting.
#[test]
fn pipeline_moves_are_safe_and_the_selection_follows_the_card() {
    let mut s = demo(300);
    keys(&mut s, &["3", "right"]);
    let r = ties::app::selected_referral(&s.app).unwrap().clone();
    assert_eq!(r.status, Status::Contacted);
    keys(&mut s, &[">"]);
    let now = ties::app::selected_referral(&s.app).unwrap().clone();
    assert_eq!(
        (now.id, now.status),
        (r.id, Status::Met),
        "the cursor moved with the card"
    );
    keys(&mut s, &[">"]);
    assert_eq!(
        s.store.referral(r.id).unwrap().unwrap().status,
        Status::Proposal
    );
    keys(&mut s, &["D"]);
    assert_eq!(
        s.store.referral(r.id).unwrap().unwrap().status,
        Status::Dormant
    );
    // A won referral: back asks first; anything but y changes nothing.
    keys(&mut s, &["z"]);
    keys(&mut s, &[">"]);
    keys(&mut s, &["'1200", "enter"]);
    assert_eq!(s.store.referral(r.id).unwrap().unwrap().status, Status::Won);
    keys(&mut s, &["<"]);
    assert!(
        screen(&s, 80, 24).contains("Reopen #"),
        "{}",
        screen(&s, 80, 24)
    );
    keys(&mut s, &["n"]);
    assert_eq!(s.store.referral(r.id).unwrap().unwrap().status, Status::Won);
    keys(&mut s, &["<", "y"]);
    assert_eq!(
        s.store.referral(r.id).unwrap().unwrap().status,
        Status::Proposal
    );
    // Winning it again offers the value it was won for.
    keys(&mut s, &[">"]);
    let form = screen(&s, 80, 24);
    assert!(form.contains("value: 1200"), "{form}");
    keys(&mut s, &["enter"]);
    let back = s.store.referral(r.id).unwrap().unwrap();
    assert_eq!((back.status, back.value), (Status::Won, Some(1200.0)));
    // The demo asks before quitting.
    s.app.demo = true;
    keys(&mut s, &["q"]);
    assert!(!s.quit && screen(&s, 80, 24).contains("Quit the demo?"));
    keys(&mut s, &["esc", "q", "y"]);
    assert!(s.quit);
}

/// Help stays open until Esc or `?`, filters as you type after `/`, and scrolls.
#[test]
fn help_searches_scrolls_and_stays_open() {
    let mut s = demo(300);
    keys(&mut s, &["?"]);
    keys(&mut s, &["j", "k", "down"]);
    assert!(s.app.overlay.is_some(), "moving does not close help");
    keys(&mut s, &["/", "'undo"]);
    let shown = screen(&s, 80, 24);
    assert!(
        shown.contains("z undo") && !shown.contains("pipeline"),
        "{shown}"
    );
    keys(&mut s, &["enter"]);
    insta::assert_snapshot!("help_search_80x24", screen(&s, 80, 24));
    keys(&mut s, &["esc"]);
    assert!(s.app.overlay.is_none());
    keys(&mut s, &["?", "/", "'zzzz"]);
    assert!(screen(&s, 80, 24).contains("No key matches"));
    keys(&mut s, &["esc", "?"]);
    assert!(s.app.overlay.is_none(), "? closes it too");
}

/// The Insights pane (5): conversion by quality with its n, the months, who sends it
/// (Enter opens them) and the open pipeline, at both sizes.
#[test]
fn the_insights_pane() {
    let mut s = demo(300);
    keys(&mut s, &["5"]);
    assert_eq!(s.app.pane, Pane::Insights);
    for (w, h) in [(80, 24), (120, 40)] {
        insta::assert_snapshot!(format!("insights_{w}x{h}"), screen(&s, w, h));
    }
    let top = s.app.data.stats.by_referrer[1].clone();
    keys(&mut s, &["down", "enter"]);
    assert_eq!(s.app.pane, Pane::Contacts);
    assert_eq!(s.app.selected_contact().map(|r| r.id), Some(top.id));
    // An empty book says how to begin.
    let mut e = session_on(Store::open_in_memory().unwrap());
    keys(&mut e, &["5"]);
    assert!(screen(&e, 80, 24).contains("No referrals yet"));
}

/// Referrals → I: a mail file's path typed in shows what it would record, nothing
/// written; Enter records it, z takes it back; a wrong path says so in the status bar.
#[test]
fn a_mail_file_is_previewed_then_recorded_from_the_referrals_pane() {
    let mut config = Config::defaults().unwrap();
    config.me.emails = vec!["dana@hart.studio".to_string()];
    let mut s = session_with(Store::open_in_memory().unwrap(), config);
    keys(&mut s, &["3", "I", "'no/such/file.eml", "enter"]);
    let bar = screen(&s, 80, 24);
    assert!(
        bar.contains("not imported: there is no file no/such/file.eml"),
        "{bar}"
    );
    // The prompt stays with what was typed, to fix it. Integration tests run in the
    // package folder: a relative path, as a user types it.
    assert!(bar.contains("File: no/such/file.eml"), "{bar}");
    keys(&mut s, &["ctrl-u", "'tests/fixtures/email/thread.mbox"]);
    snap!("import_path_80x24", s, 80, 24);
    keys(&mut s, &["enter"]);
    assert!(
        s.store.referrals().unwrap().is_empty(),
        "a preview writes nothing"
    );
    snap!("import_preview_80x24", s, 80, 24);
    snap!("import_preview_120x40", s, 120, 40);
    keys(&mut s, &["enter"]);
    let refs = s.store.referrals().unwrap();
    assert_eq!(refs.len(), 1);
    let bar = screen(&s, 120, 40);
    assert!(bar.contains("Recorded 1 introduction"), "{bar}");
    assert!(
        bar.contains("Mia Chen"),
        "the new referral is on the board: {bar}"
    );
    keys(&mut s, &["z"]);
    assert!(
        s.store.referrals().unwrap().is_empty(),
        "z undoes the whole import"
    );
    // Esc on the preview changes nothing.
    keys(
        &mut s,
        &["I", "'tests/fixtures/email/thread.mbox", "enter", "esc"],
    );
    assert!(s.store.referrals().unwrap().is_empty());
}

/// `:` runs the CLI's own commands on the open book: the output or error in the status
/// bar (or an overlay when it is long), ↑ brings back the last line, Tab completes
/// commands and contact names, and what cannot run here says why.
#[test]
fn the_command_line_runs_cli_commands_on_this_book() {
    let mut s = session_on(Store::open_in_memory().unwrap());
    keys(
        &mut s,
        &[
            ":",
            "'add \"Sam Lee\" --tag VIP --email sam@lee.example",
            "enter",
        ],
    );
    assert_eq!(s.store.name_entries().unwrap().len(), 1);
    let bar = screen(&s, 80, 24);
    assert!(bar.contains("Added #1 Sam Lee"), "{bar}");
    keys(
        &mut s,
        &[":", "'log sa", "tab", "'call --label catch-up", "enter"],
    );
    assert_eq!(count_interactions(&s), 1, "{}", screen(&s, 80, 24));
    keys(&mut s, &[":", "up"]);
    snap!("command_line_80x24", s, 80, 24);
    keys(&mut s, &["esc", ":", "'lgo sam call", "enter"]);
    let bar = screen(&s, 80, 24);
    assert!(
        bar.contains("unrecognized subcommand") && bar.contains("log"),
        "{bar}"
    );
    keys(&mut s, &[":", "'show sam", "enter"]);
    snap!("command_output_80x24", s, 80, 24);
    keys(&mut s, &["esc", ":", "'demo", "enter"]);
    let bar = screen(&s, 80, 24);
    assert!(
        bar.contains("not here: demo fills a book of its own"),
        "{bar}"
    );
    // A missing argument is named; an unknown command says where the list is.
    keys(&mut s, &[":", "'add", "enter"]);
    let bar = screen(&s, 80, 24);
    assert!(bar.contains("not provided: <NAME>"), "{bar}");
    keys(&mut s, &[":", "'frobnicate", "enter"]);
    let bar = screen(&s, 80, 24);
    assert!(bar.contains("`help` lists the commands"), "{bar}");
    keys(&mut s, &[":", "'undo", "enter"]);
    assert_eq!(count_interactions(&s), 0, "undo from the command line");
    keys(&mut s, &[":", "'--db /tmp/x list", "enter"]);
    let bar = screen(&s, 80, 24);
    assert!(bar.contains("--db is not available here"), "{bar}");
}

/// The mouse: a click on a tab switches to it, on a row selects it (again: opens it),
/// on a pipeline card selects the card; the wheel moves the list under it and scrolls
/// the timeline; under an overlay a click does nothing.
#[test]
fn clicks_and_the_wheel() {
    use ties::app::{Action, Hit};
    let mut s = demo(300);
    let at = |s: &Session, x: u16, y: u16| {
        screen(s, 120, 40);
        s.app.hits.borrow().at(x, y)
    };
    let top = screen(&s, 120, 40);
    let first = top.lines().next().unwrap().trim_start_matches('"');
    let col = first.find("2 Contacts").unwrap() as u16;
    let hit = at(&s, col, 0).unwrap();
    assert_eq!(hit, Hit::Tab(Pane::Contacts));
    s.dispatch(Action::Click(hit));
    assert_eq!(s.app.pane, Pane::Contacts);
    // The list starts under the filter line: row 2 of the screen is the first contact.
    let hit = at(&s, 3, 4).unwrap();
    assert_eq!(hit, Hit::ContactRow(2));
    s.dispatch(Action::Click(hit));
    assert_eq!(s.app.contacts.selected, 2);
    s.dispatch(Action::Wheel {
        hit: at(&s, 3, 10),
        down: true,
    });
    assert_eq!(s.app.contacts.selected, 3);
    let timeline = at(&s, 100, 20);
    assert_eq!(timeline, Some(Hit::Timeline));
    s.dispatch(Action::Wheel {
        hit: timeline,
        down: true,
    });
    assert!(
        s.app.contacts.timeline_offset > 0,
        "the wheel scrolls the timeline"
    );
    // Referrals: a card in the second column.
    s.dispatch(Action::Click(Hit::Tab(Pane::Referrals)));
    let hit = at(&s, 25, 5).unwrap();
    assert!(matches!(hit, Hit::Card { column: 1, .. }), "{hit:?}");
    s.dispatch(Action::Click(hit));
    assert_eq!(s.app.referrals.column, 1);
    // Today: a click selects, a second one opens the contact.
    s.dispatch(Action::Click(Hit::Tab(Pane::Today)));
    let hit = (1..30)
        .find_map(|y| at(&s, 5, y).filter(|h| matches!(h, Hit::TodayItem(i) if *i > 0)))
        .unwrap();
    s.dispatch(Action::Click(hit));
    assert_ne!(s.app.today.selected, 0);
    s.dispatch(Action::Click(hit));
    assert_eq!(
        s.app.pane,
        Pane::Contacts,
        "a click on the selected item opens it"
    );
    // Under help, a click is nothing.
    keys(&mut s, &["?"]);
    assert_eq!(at(&s, col, 0), Some(Hit::Covered));
    s.dispatch(Action::Click(Hit::Tab(Pane::Ask)));
    assert_eq!(s.app.pane, Pane::Contacts);
}

/// CJK, emoji and combining marks take the columns the terminal gives them: the
/// strength bars of the Contacts list stay in one column whatever the names hold.
#[test]
fn wide_characters_keep_the_contact_columns_in_line() {
    use ratatui::buffer::Buffer;
    let mut store = Store::open_in_memory().unwrap();
    for name in [
        "王小明 Wáng",
        "Zoë 🎉 Party planner for every wedding",
        "Ana Ruiz",
        "김민준 Kim",
        "Ame\u{301}lie",
    ] {
        store
            .insert_contact(
                &ties::domain::contact::NewContact {
                    name: name.into(),
                    ..Default::default()
                },
                today(),
            )
            .unwrap();
    }
    let mut s = session_on(store);
    keys(&mut s, &["2"]);
    for (w, h) in [(80u16, 24u16), (120, 40)] {
        let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
        t.draw(|f| s.draw(f)).unwrap();
        let buf: &Buffer = t.backend().buffer();
        let mut columns = Vec::new();
        for y in 0..h {
            // The cell where the first bar glyph is drawn (cells, not characters).
            if let Some(x) = (0..w).find(|&x| ["▮", "▯"].contains(&buf[(x, y)].symbol())) {
                columns.push(x);
            }
        }
        assert_eq!(columns.len(), 5, "{}", screen(&s, w, h));
        assert!(
            columns.windows(2).all(|p| p[0] == p[1]),
            "bars out of line at {w}x{h}: {columns:?}\n{}",
            screen(&s, w, h)
        );
    }
}

/// Contacts: adding someone already there warns and offers to open them; M merges
/// another contact in (after a question; z undoes it); H shows the archived ones and A
/// brings one back.
#[test]
fn contacts_duplicates_merge_and_the_archive() {
    let mut s = session_on(Store::open_in_memory().unwrap());
    keys(
        &mut s,
        &[":", "'add \"Sam Lee\" --email sam@lee.example", "enter"],
    );
    keys(&mut s, &[":", "'add \"Ana Ruiz\"", "enter"]);
    keys(&mut s, &[":", "'add \"S. Lee\" --phone 555-0100", "enter"]);
    keys(&mut s, &[":", "'log \"S. Lee\" call", "enter"]);
    assert_eq!(s.store.name_entries().unwrap().len(), 3);
    keys(&mut s, &["2", "a", "'sam lee", "enter"]);
    snap!("duplicate_80x24", s, 80, 24);
    keys(&mut s, &["o"]);
    assert_eq!(
        s.store.name_entries().unwrap().len(),
        3,
        "nothing was added"
    );
    assert_eq!(s.app.selected_contact().unwrap().name, "Sam Lee");
    // The same phone is a duplicate too; y adds anyway.
    keys(
        &mut s,
        &[
            "a",
            "'Samuel",
            "tab",
            "tab",
            "tab",
            "tab",
            "tab",
            "tab",
            "'555 0100",
            "enter",
        ],
    );
    let screen80 = screen(&s, 80, 24);
    assert!(
        screen80.contains("You already have S. Lee (the same phone"),
        "{screen80}"
    );
    keys(&mut s, &["y"]);
    assert_eq!(s.store.name_entries().unwrap().len(), 4);
    keys(&mut s, &["z"]);
    // Merge S. Lee into Sam Lee.
    keys(&mut s, &["M", "'S. Lee", "enter"]);
    let screen80 = screen(&s, 80, 24);
    assert!(
        screen80.contains("Merge S. Lee into Sam Lee?"),
        "{screen80}"
    );
    keys(&mut s, &["y"]);
    assert_eq!(s.store.name_entries().unwrap().len(), 2);
    let sam = s.app.selected_contact().unwrap().id;
    assert_eq!(
        s.store.interactions_for(sam).unwrap().len(),
        1,
        "the call moved"
    );
    keys(&mut s, &["z"]);
    assert_eq!(
        s.store.name_entries().unwrap().len(),
        3,
        "z undoes the merge"
    );
    // Archive Ana, see her among the archived, bring her back.
    keys(&mut s, &["g"]);
    assert_eq!(
        s.app.selected_contact().unwrap().name,
        "Ana Ruiz",
        "names sort first"
    );
    keys(&mut s, &["A", "y", "H"]);
    snap!("archived_80x24", s, 80, 24);
    assert_eq!(s.app.selected_contact().unwrap().name, "Ana Ruiz");
    keys(&mut s, &["A", "y"]);
    keys(&mut s, &["H"]);
    assert_eq!(s.app.contact_rows().len(), 3, "Ana is back");
}

/// The Ask pane's Waiting list can be reached and read: ↓ past the last ask moves into
/// it, the card says every reason it is not yet time, Enter opens the person; PgDn
/// moves by the list's height on screen.
#[test]
fn the_waiting_list_is_navigable_and_pages_are_pages() {
    let mut s = demo(300);
    keys(&mut s, &["4"]);
    let asks = s.app.data.ask_now.len();
    assert!(!s.app.data.waiting.is_empty());
    for _ in 0..asks {
        keys(&mut s, &["down"]);
    }
    assert_eq!(s.app.ask, asks, "on the first waiting person");
    let who = s.app.data.assessed.ranking[s.app.data.waiting[0]]
        .name
        .clone();
    let shown = screen(&s, 80, 24);
    assert!(shown.contains("not yet") && shown.contains(&who), "{shown}");
    snap!("ask_waiting_80x24", s, 80, 24);
    keys(&mut s, &["enter"]);
    assert_eq!(s.app.pane, Pane::Contacts);
    assert_eq!(s.app.selected_contact().unwrap().name, who);
    // Contacts: a page is the rows on screen (24 lines: 20 of them), not 10.
    keys(&mut s, &["g"]);
    screen(&s, 80, 24);
    keys(&mut s, &["pagedown"]);
    assert!(s.app.contacts.selected > 10, "{}", s.app.contacts.selected);
}

/// The edit form lists the existing emails, phones, urls and addresses: editing one
/// changes it where it stands, clearing one removes it, a bad one is refused with the
/// reason.
#[test]
fn the_edit_form_changes_and_removes_existing_fields() {
    let mut s = session_on(Store::open_in_memory().unwrap());
    keys(
        &mut s,
        &[
            ":",
            "'add \"Sam Lee\" --email old@lee.example --email work@lee.example --phone 555-0100 --url https://lee.example",
            "enter",
            "2",
            "e",
        ],
    );
    snap!("edit_existing_80x24", s, 80, 24);
    // Twelve fixed fields, then the existing ones in order: email, email, phone, url.
    keys(&mut s, &["tab"; 12]);
    keys(
        &mut s,
        &[
            "ctrl-u",
            "'new@lee.example",
            "tab",
            "tab",
            "ctrl-u",
            "tab",
            "ctrl-u",
            "'not a url, kept as typed",
            "enter",
        ],
    );
    let sam = s.store.name_entries().unwrap()[0].id;
    let c = s.store.contact(sam).unwrap().unwrap();
    let values: Vec<&str> = c.fields.iter().map(|f| f.value.as_str()).collect();
    // Changed where it stood: the first email is still the first.
    assert_eq!(
        values[..2],
        ["new@lee.example", "work@lee.example"],
        "{values:?}"
    );
    assert!(!values.contains(&"old@lee.example"), "{values:?}");
    assert!(
        !values.iter().any(|v| v.contains("555")),
        "the phone was cleared: {values:?}"
    );
    // A bad email is refused in the form, nothing written.
    keys(&mut s, &["e"]);
    keys(&mut s, &["tab"; 12]);
    keys(&mut s, &["ctrl-u", "'@@", "enter"]);
    let shown = screen(&s, 80, 24);
    assert!(shown.contains("is not an email address"), "{shown}");
    keys(&mut s, &["esc"]);
}

/// The add and edit forms take a url and a birthday: a birthday typed is checked,
/// changed it replaces the old one, cleared it goes, and left as shown it stays.
#[test]
fn the_forms_take_a_url_and_a_birthday() {
    let mut s = session_on(Store::open_in_memory().unwrap());
    // name, company, title, circle, tags, email, phone, then url and birthday.
    keys(&mut s, &["2", "a", "'Sam Lee"]);
    keys(&mut s, &["tab"; 7]);
    keys(&mut s, &["'https://lee.example", "tab", "'4-12", "enter"]);
    let shown = screen(&s, 80, 24);
    assert!(shown.contains("is not a birthday"), "{shown}");
    keys(&mut s, &["ctrl-u", "'04-12", "enter"]);
    let sam = s.store.name_entries().unwrap()[0].id;
    let fields = |s: &Session| {
        let c = s.store.contact(sam).unwrap().unwrap();
        c.fields
            .iter()
            .map(|f| format!("{}={}", f.kind.as_str(), f.value))
            .collect::<Vec<_>>()
    };
    assert_eq!(fields(&s), ["url=https://lee.example", "birthday=--04-12"]);
    // The edit form shows it as typed; changed, it replaces the old one.
    keys(&mut s, &["e"]);
    keys(&mut s, &["tab"; 8]);
    let shown = screen(&s, 80, 24);
    assert!(shown.contains("birthday: 04-12"), "{shown}");
    keys(&mut s, &["esc"]);
    // The detail shows it as typed too, not as stored (`--04-12`).
    let shown = screen(&s, 120, 40);
    assert!(
        shown.contains("birthday: 04-12") && !shown.contains("--04-12"),
        "{shown}"
    );
    keys(&mut s, &["e"]);
    keys(&mut s, &["tab"; 8]);
    keys(&mut s, &["ctrl-u", "'1990-05-01", "enter"]);
    assert_eq!(
        fields(&s),
        ["url=https://lee.example", "birthday=1990-05-01"]
    );
    // Saved with something else changed, it stays; cleared, it goes.
    keys(&mut s, &["e", "tab", "'Lee Plumbing", "enter"]);
    assert_eq!(
        fields(&s),
        ["url=https://lee.example", "birthday=1990-05-01"]
    );
    keys(&mut s, &["e"]);
    keys(&mut s, &["tab"; 8]);
    keys(&mut s, &["ctrl-u", "enter"]);
    assert_eq!(fields(&s), ["url=https://lee.example"]);
}

/// The book's lists hold no titles, notes or labels: the detail and the edit form read
/// their contact whole, so what they show and what an edit keeps is all of it.
#[test]
fn the_detail_and_the_edit_form_show_what_the_lists_leave_out() {
    let mut s = session_on(Store::open_in_memory().unwrap());
    keys(
        &mut s,
        &[
            ":",
            "'add \"Sam Lee\" --title Chief --how-met \"a conference\" --note \"likes tea\" --email sam@lee.example --url https://lee.example",
            "enter",
            "2",
        ],
    );
    let sam = s.store.name_entries().unwrap()[0].id;
    let listed = s.app.data.book.contact(sam).unwrap();
    assert!(
        listed.title.is_none() && listed.notes.is_none(),
        "{listed:?}"
    );
    let shown = screen(&s, 120, 40);
    for text in ["Chief", "a conference", "likes tea", "https://lee.example"] {
        assert!(shown.contains(text), "{text}: {shown}");
    }
    keys(&mut s, &["e"]);
    let shown = screen(&s, 120, 40);
    for text in ["Chief", "a conference", "likes tea", "https://lee.example"] {
        assert!(shown.contains(text), "the form shows {text}: {shown}");
    }
    keys(&mut s, &["'!", "enter"]);
    let c = s.store.contact(sam).unwrap().unwrap();
    assert_eq!(c.name, "Sam Lee!");
    assert_eq!(
        (c.title.as_deref(), c.how_met.as_deref(), c.notes.as_deref()),
        (Some("Chief"), Some("a conference"), Some("likes tea"))
    );
    assert_eq!(c.fields.len(), 2, "{:?}", c.fields);
}

/// Text longer than its line keeps the cursor in view: the command line and a form's
/// field show the end of what was typed, the hidden start as "…".
#[test]
fn long_text_keeps_the_cursor_in_view() {
    let mut s = session_on(Store::open_in_memory().unwrap());
    let long = "add \"Zed Test\" --title Chief --how-met \"a fair\" --note \"likes tea\" --email zed@test.example";
    keys(&mut s, &[":", &format!("'{long}")]);
    let shown = screen(&s, 80, 24);
    let bar = shown.lines().last().unwrap();
    assert!(
        bar.contains("…") && bar.contains("zed@test.example"),
        "{bar}"
    );
    keys(
        &mut s,
        &["esc", "2", "a", "'Dana", "tab", "tab", "tab", "tab", "tab"],
    );
    keys(
        &mut s,
        &["'met at the studio on elm street near the park, with her sister and the dog"],
    );
    let shown = screen(&s, 80, 24);
    assert!(shown.contains("and the dog"), "{shown}");
}

/// A form's error wraps under its field in whole words at 80 columns.
#[test]
fn form_errors_wrap_in_whole_words() {
    let mut s = session_on(Store::open_in_memory().unwrap());
    keys(
        &mut s,
        &[
            "2",
            "a",
            "'Dana",
            "tab",
            "tab",
            "tab",
            "tab",
            "tab",
            "'dana at the studio on elm street near the park",
            "enter",
        ],
    );
    snap!("form_error_wraps_80x24", s, 80, 24);
}

/// Saving an edit that changes nothing closes the form (no error under the name), and
/// `<` on a new referral says there is no step before it.
#[test]
fn an_unchanged_edit_closes_and_new_has_no_step_back() {
    let mut s = session_on(Store::open_in_memory().unwrap());
    keys(&mut s, &[":", "'add \"Sam Lee\"", "enter", "2", "e"]);
    assert!(
        matches!(s.app.overlay, Some(ties::app::Overlay::Form(_))),
        "{}",
        screen(&s, 80, 24)
    );
    keys(&mut s, &["enter"]);
    assert!(s.app.overlay.is_none(), "the form closed");
    let shown = screen(&s, 80, 24);
    assert!(
        shown.contains("nothing was saved") && !shown.contains("nothing changed;"),
        "{shown}"
    );
    keys(
        &mut s,
        &[
            ":",
            "'refer \"Dana Hart\" --by Sam",
            "enter",
            "esc",
            "3",
            "<",
        ],
    );
    let shown = screen(&s, 80, 24);
    assert!(shown.contains("no step before it"), "{shown}");
}

/// An edit that gives a contact another contact's email asks first, as adding does.
#[test]
fn an_edit_warns_of_an_email_another_contact_has() {
    let mut s = session_on(Store::open_in_memory().unwrap());
    keys(
        &mut s,
        &[":", "'add \"Ana Ruiz\" --email ana@ruiz.example", "enter"],
    );
    keys(&mut s, &[":", "'add \"Sam Lee\"", "enter", "2"]);
    // Sam is second by name; open his edit form, type Ana's address in "add email".
    keys(
        &mut s,
        &[
            "j",
            "e",
            "tab",
            "tab",
            "tab",
            "tab",
            "tab",
            "'ANA@ruiz.example",
            "enter",
        ],
    );
    let shown = screen(&s, 80, 24);
    assert!(
        matches!(s.app.overlay, Some(ties::app::Overlay::Duplicate { .. }))
            && shown.contains("Ana Ruiz")
            && shown.contains("save anyway"),
        "{shown}"
    );
    keys(&mut s, &["esc"]);
    assert!(screen(&s, 80, 24).contains("Not saved."));
    let sam = s
        .store
        .name_entries()
        .unwrap()
        .into_iter()
        .find(|e| e.name == "Sam Lee")
        .unwrap()
        .id;
    assert!(s.store.contact(sam).unwrap().unwrap().fields.is_empty());
}

/// One effect protocol: the runtime reports facts and the app words them; where the
/// facts call for it, the app asks for a reload, whose message is said once the book is
/// read again. Driven through the pure `update`, no store.
#[test]
fn outcomes_are_facts_the_app_words() {
    use ties::app::{Action, Doing, Effect, Outcome, update};
    let mut s = demo(20);
    let app = &mut s.app;
    let undone = |app: &mut ties::app::App, what: &str, more| {
        let what = what.to_string();
        update(
            app,
            Action::Outcome(Outcome::Undone { what, more }),
            today(),
        )
    };
    let effects = undone(app, "Done: thank Sam Lee.", true);
    assert_eq!(
        effects,
        [Effect::Reload {
            then: Some("Undid “thank Sam Lee” (z: the one before)".into())
        }]
    );
    // The last one left: `z` is not offered again.
    let effects = undone(app, "ties log Sam call", false);
    assert_eq!(
        effects,
        [Effect::Reload {
            then: Some("Undid “ties log Sam call”; nothing older to undo".into())
        }]
    );
    // A long command is cut, so what follows it still shows on an 80-column bar.
    let effects = undone(
        app,
        "ties log 201 gift --on 2026-05-04 --label \"item 24 with a fairly long label\"",
        true,
    );
    let [Effect::Reload { then: Some(said) }] = effects.as_slice() else {
        panic!("{effects:?}");
    };
    assert_eq!(
        said,
        "Undid “ties log 201 gift --on 2026-05-04 --label \"…” (z: the one before)"
    );
    assert!(said.chars().count() <= 78, "{said}");
    let effects = update(
        app,
        Action::Outcome(Outcome::Ran {
            line: "tag Sam vip".into(),
            output: "Tagged Sam Lee: vip\n\n".into(),
            error: None,
            wrote: true,
        }),
        today(),
    );
    assert_eq!(
        effects,
        [Effect::Reload {
            then: Some("Tagged Sam Lee: vip".into())
        }]
    );
    let effects = update(
        app,
        Action::Outcome(Outcome::Ran {
            line: "list".into(),
            output: "one\ntwo\n".into(),
            error: None,
            wrote: false,
        }),
        today(),
    );
    assert!(effects.is_empty());
    assert!(matches!(
        app.overlay,
        Some(ties::app::Overlay::Output { .. })
    ));
    app.overlay = None;
    let effects = update(
        app,
        Action::Outcome(Outcome::Failed {
            doing: Doing::Save,
            error: "the disk is full".into(),
        }),
        today(),
    );
    assert!(effects.is_empty());
    let m = app.message.clone().unwrap();
    assert_eq!(
        (m.text.as_str(), m.error),
        ("not saved: the disk is full", true)
    );
    update(app, Action::Say("Undid it".into()), today());
    assert_eq!(app.message.as_ref().unwrap().text, "Undid it");
}
