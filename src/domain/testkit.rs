//! Test fixtures for the scoring modules: fixed dates, contacts, histories and the
//! SCORING.md §5 fixtures (Strong, Kitchen, NewClient).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{Days, NaiveDate};

use super::contact::{Circle, Contact};
use super::interaction::{Direction, Interaction, InteractionKind};
use super::referral::{Quality, Referral, Status, StatusEvent};

/// Day 0 of every scenario.
pub fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 24).unwrap()
}

/// `n` days before [`today`] (negative: after).
pub fn ago(n: i64) -> NaiveDate {
    if n >= 0 {
        today() - Days::new(n as u64)
    } else {
        today() + Days::new((-n) as u64)
    }
}

pub fn contact(id: i64, name: &str) -> Contact {
    Contact {
        id,
        uid: format!("uid-{id}"),
        name: name.to_string(),
        company: None,
        title: None,
        circle: Circle::Client,
        tags: vec![],
        fields: vec![],
        how_met: None,
        notes: None,
        cadence_days: None,
        do_not_ask: false,
        closeness: None,
        created_on: ago(2000),
        archived_on: None,
    }
}

/// A contact's interactions under construction; ids are unique across all histories.
#[derive(Debug, Clone)]
pub struct Hist {
    pub contact_id: i64,
    pub items: Vec<Interaction>,
}

static NEXT_ID: std::sync::atomic::AtomicI64 = std::sync::atomic::AtomicI64::new(1);

pub fn interaction(contact_id: i64, kind: InteractionKind, days_ago: i64) -> Interaction {
    Interaction {
        id: NEXT_ID.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
        contact_id,
        occurred_on: ago(days_ago),
        kind,
        direction: (kind == InteractionKind::Message).then_some(Direction::Out),
        label: None,
        referral_id: None,
        extra: None,
    }
}

impl Hist {
    pub fn new(contact_id: i64) -> Self {
        Hist {
            contact_id,
            items: vec![],
        }
    }
    pub fn add(mut self, kind: InteractionKind, days_ago: &[i64]) -> Self {
        for &d in days_ago {
            self.items.push(interaction(self.contact_id, kind, d));
        }
        self
    }
    pub fn labelled(mut self, kind: InteractionKind, days_ago: i64, label: &str) -> Self {
        let mut i = interaction(self.contact_id, kind, days_ago);
        i.label = Some(label.into());
        self.items.push(i);
        self
    }
    pub fn msg(mut self, dir: Direction, days_ago: &[i64]) -> Self {
        for &d in days_ago {
            let mut i = interaction(self.contact_id, InteractionKind::Message, d);
            i.direction = Some(dir);
            self.items.push(i);
        }
        self
    }
    pub fn linked(mut self, kind: InteractionKind, days_ago: i64, referral_id: i64) -> Self {
        let mut i = interaction(self.contact_id, kind, days_ago);
        i.referral_id = Some(referral_id);
        self.items.push(i);
        self
    }
}

/// `by` referred `person` to me, `days_ago`.
pub fn received(id: i64, by: i64, person: i64, days_ago: i64) -> Referral {
    Referral {
        id,
        referrer_id: Some(by),
        person_id: person,
        recipient_id: None,
        quality: Quality::WarmHandoff,
        status: Status::New,
        referred_on: ago(days_ago),
        value: None,
        reason: None,
        note: None,
        won_value: None,
        history: vec![StatusEvent {
            status: Status::New,
            date: ago(days_ago),
        }],
    }
}

/// I referred `person` to `to`, `days_ago`.
pub fn given(id: i64, to: i64, person: i64, days_ago: i64) -> Referral {
    Referral {
        referrer_id: None,
        recipient_id: Some(to),
        ..received(id, 0, person, days_ago)
    }
}

/// Moves a referral to `status` `days_ago` (with `value` when won).
pub fn change(mut r: Referral, status: Status, days_ago: i64, value: Option<f64>) -> Referral {
    r.status = status;
    r.history.push(StatusEvent {
        status,
        date: ago(days_ago),
    });
    if status == Status::Won {
        r.value = value;
    }
    r
}

/// Ages `from, from+step, …` up to and including `to`.
pub fn every(from: i64, step: i64, to: i64) -> Vec<i64> {
    (0..)
        .map(|k| from + k * step)
        .take_while(|&d| d <= to)
        .collect()
}

/// Strong: a call every 21 days from −3 back to −1093, a meeting every 90 days from −20 back to −920.
pub fn strong(contact_id: i64) -> Hist {
    Hist::new(contact_id)
        .add(InteractionKind::Call, &every(3, 21, 1093))
        .add(InteractionKind::Meeting, &every(20, 90, 920))
}

/// Kitchen: meetings, two-way message-days, job −5 and praise −2 "kitchen remodel".
pub fn kitchen(contact_id: i64) -> Hist {
    Hist::new(contact_id)
        .add(InteractionKind::Meeting, &[75, 60, 45, 30, 10])
        .msg(Direction::Both, &[74, 66, 58, 50, 41, 33, 25, 18, 12, 7])
        .labelled(InteractionKind::Job, 5, "kitchen remodel")
        .labelled(InteractionKind::Praise, 2, "kitchen remodel")
}

/// NewClient: meetings −40 −25 −12, two-way message-days, job −3.
pub fn new_client(contact_id: i64) -> Hist {
    Hist::new(contact_id)
        .add(InteractionKind::Meeting, &[40, 25, 12])
        .msg(Direction::Both, &[39, 30, 20, 14, 8])
        .add(InteractionKind::Job, &[3])
}
