//! One item of the daily review: its kind, what it asks and of whom, when it is due,
//! and the interaction that completes it.

use chrono::NaiveDate;
use serde::Serialize;

use crate::domain::date::days_between;
use crate::domain::interaction::{Direction, InteractionKind, NewInteraction};
use crate::domain::vocabulary;

vocabulary! {
    /// What an agenda item asks you to do, in priority order.
    AgendaKind, "agenda item kind" {
        Thank,
        Inform,
        FollowUp,
        Ask,
        OverDeliver,
        GiveBack,
        Occasion,
        KeepInTouch,
    }
}

impl AgendaKind {
    /// 0 = first in the queue.
    pub fn priority(self) -> u8 {
        self as u8
    }

    /// The review's heading for items of this kind.
    pub fn heading(self) -> &'static str {
        match self {
            AgendaKind::Ask => "Ask for an introduction",
            AgendaKind::Thank => "Thank",
            AgendaKind::Inform => "Close the loop",
            AgendaKind::FollowUp => "Follow up",
            AgendaKind::OverDeliver => "Over-deliver",
            AgendaKind::GiveBack => "Give back",
            AgendaKind::Occasion => "Occasions",
            AgendaKind::KeepInTouch => "Keep in touch",
        }
    }

    /// The interaction "done" records: ask → `ask`, thank → `thanks`, inform → `update`,
    /// follow_up → an outgoing `message`, over_deliver → `extra`, give_back → `gift`,
    /// occasion → an outgoing `message`, keep_in_touch → `call` (a live touch, so the
    /// item clears).
    pub fn done_interaction(self) -> (InteractionKind, Option<Direction>) {
        match self {
            AgendaKind::Ask => (InteractionKind::Ask, None),
            AgendaKind::Thank => (InteractionKind::Thanks, None),
            AgendaKind::Inform => (InteractionKind::Update, None),
            AgendaKind::FollowUp => (InteractionKind::Message, Some(Direction::Out)),
            AgendaKind::OverDeliver => (InteractionKind::Extra, None),
            AgendaKind::GiveBack => (InteractionKind::Gift, None),
            AgendaKind::Occasion => (InteractionKind::Message, Some(Direction::Out)),
            AgendaKind::KeepInTouch => (InteractionKind::Call, None),
        }
    }
}

/// One row of `ties today --json` (DESIGN.md §3).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AgendaItem {
    pub key: String,
    pub kind: AgendaKind,
    pub contact_id: i64,
    pub contact: String,
    pub referral_id: Option<i64>,
    pub due: NaiveDate,
    pub reason: String,
    /// The row of a list: the action first, the person once, then why — "Thank Jonas
    /// Reyes — referred Kofi Weber 2 years ago".
    #[serde(skip)]
    pub summary: String,
    /// Long overdue: offered with a way out (let it go; for keep in touch, a
    /// lower or no cadence). See [`super::STALE_DAYS`], [`super::STALE_CADENCES`].
    pub stale: bool,
    /// Not in today's bounded day: it waits (`ties today --all` shows it).
    pub waiting: bool,
    /// What the review card shows to act with, once filled for an item shown (most
    /// items never are: boxed, an empty card costs a pointer, not its 300 bytes).
    #[serde(serialize_with = "card_or_empty")]
    pub card: Option<Box<crate::domain::review::Card>>,
    /// Its weight within its group of the day: higher first (a referral's value, a
    /// contact's strength, an ask's rank).
    #[serde(skip)]
    pub weight: f64,
}

/// An item not yet given its card shows an empty one in JSON, as before.
fn card_or_empty<S: serde::Serializer>(
    card: &Option<Box<crate::domain::review::Card>>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match card {
        Some(c) => c.serialize(serializer),
        None => crate::domain::review::Card::default().serialize(serializer),
    }
}

impl AgendaItem {
    /// An item as the agenda finds it: not stale, not waiting, no card yet.
    pub fn new(
        key: String,
        kind: AgendaKind,
        contact: (i64, &str),
        referral_id: Option<i64>,
        due: NaiveDate,
        (reason, summary): (String, String),
    ) -> Self {
        AgendaItem {
            key,
            kind,
            contact_id: contact.0,
            contact: contact.1.to_string(),
            referral_id,
            due,
            reason,
            summary,
            stale: false,
            waiting: false,
            card: None,
            weight: 0.0,
        }
    }

    /// Days past due as of `today` (negative when it is not due yet).
    pub fn late(&self, today: NaiveDate) -> i64 {
        days_between(self.due, today)
    }

    /// The interaction that completes this item, dated `on`: on the item's contact and,
    /// for thank / inform / follow_up, linked to the item's referral.
    pub fn done_interaction(&self, on: NaiveDate) -> NewInteraction {
        let (kind, direction) = self.kind.done_interaction();
        let mut i = NewInteraction::new(self.contact_id, on, kind);
        i.direction = direction;
        i.referral_id = self.referral_id;
        i
    }
}
