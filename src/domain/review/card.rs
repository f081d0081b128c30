//! The card a review item shows to act with: the referral in words, the words to ask
//! with and how, a thank-you that fits, a draft update, how to reach them.

use chrono::NaiveDate;
use serde::Serialize;

use crate::domain::agenda::{AgendaItem, AgendaKind};
use crate::domain::book::Book;
use crate::domain::contact::{Contact, FieldKind};
use crate::domain::date::days_between;
use crate::domain::history::{days_ago, with_article};
use crate::domain::interaction::{Channel, Direction, InteractionKind, Reward};
use crate::domain::referral::{Quality, Referral, Status, StatusEvent};

/// What the card of an item shows to act with. Empty parts are left out of the JSON.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Card {
    /// Ask: the ideal referral, in your words.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ideal_referral: Option<String>,
    /// Ask: the words to say.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub script: Option<String>,
    /// Ask: how to ask, and why.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub channel: Option<Channel>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub channel_why: Option<String>,
    /// Thank, close the loop, follow up: the referral in words.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub referral: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quality: Option<Quality>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<f64>,
    /// Thank: a thank-you that fits what the referral was worth.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suggested_reward: Option<Reward>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reward_why: Option<String>,
    /// Close the loop: the referral's status history, oldest first.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub history: Vec<StatusEvent>,
    /// Close the loop: a one-line draft of the update.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub draft: Option<String>,
    /// How to reach them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// The newest touch of any kind.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_touch: Option<NaiveDate>,
    /// Keep in touch: the last real conversation, in words.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_conversation: Option<String>,
    /// Over-deliver, give back: a way to do it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub idea: Option<String>,
    /// A stale item's ways out, as commands.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub ways_out: Vec<String>,
}

/// The user's words the cards use (`[ask]` of the config).
#[derive(Debug, Clone, Copy)]
pub struct Words<'a> {
    pub ideal_referral: &'a str,
    /// The ask script; `{name}`, `{label}`, `{ideal_referral}` are filled in.
    pub script: &'a str,
    /// The ask script after recent praise (it opens with thanks for their words).
    pub script_after_praise: &'a str,
    /// Praise this recent is "recent".
    pub praise_days: u32,
}

/// The ask's script and channel for a contact, as the Ask pane and the review card
/// show them.
#[derive(Debug, Clone, PartialEq)]
pub struct AskWords {
    pub script: String,
    pub channel: Channel,
    pub channel_why: String,
}

/// The script (after recent praise, the praise script), filled in, and the channel:
/// in person when you met in the last half year, else a call.
pub fn ask_words(
    book: &Book,
    id: i64,
    name: &str,
    words: &Words<'_>,
    today: NaiveDate,
) -> AskWords {
    let history = book.interactions_of(id);
    let past = || history.iter().rev().filter(|x| x.occurred_on <= today);
    let label = past()
        .find(|x| {
            matches!(x.kind, InteractionKind::Praise | InteractionKind::Job) && x.label.is_some()
        })
        .and_then(|x| x.label.as_deref())
        .unwrap_or("project");
    let praised = past().any(|x| {
        x.kind == InteractionKind::Praise
            && days_between(x.occurred_on, today) <= i64::from(words.praise_days)
    });
    let template = if praised {
        words.script_after_praise
    } else {
        words.script
    };
    let first = name.split_whitespace().next().unwrap_or(name);
    let script = template
        .replace("{name}", first)
        .replace("{label}", label)
        .replace("{ideal_referral}", words.ideal_referral);
    let met = past()
        .find(|x| x.kind == InteractionKind::Meeting)
        .map(|x| days_between(x.occurred_on, today));
    let (channel, channel_why) = match met {
        Some(d) if d <= 180 => (
            Channel::InPerson,
            format!("in person: you met {d} days ago; ask face to face"),
        ),
        _ => (
            Channel::Call,
            "call: no recent meeting; a call beats a message".to_string(),
        ),
    };
    AskWords {
        script,
        channel,
        channel_why,
    }
}

/// The thank-you a referral's worth suggests, and why: a won referral worth 5,000 or
/// more earns a gift, a won one a meal; a warm introduction a call; a name a note.
pub fn suggested_reward(r: &Referral, currency: &str) -> (Reward, String) {
    let worth = r.value.unwrap_or(0.0);
    if r.status == Status::Won && worth >= 5000.0 {
        (
            Reward::Gift,
            format!(
                "a gift: it became work worth {}",
                crate::domain::chain::format_money(worth, currency)
            ),
        )
    } else if r.status == Status::Won {
        (Reward::Meal, "a meal: it became a client".to_string())
    } else {
        match r.quality {
            Quality::NameOnly | Quality::Permission => (
                Reward::Note,
                format!("a note: a {} referral", r.quality.words()),
            ),
            _ => (
                Reward::Call,
                format!("a call: {}", with_article(r.quality.words())),
            ),
        }
    }
}

fn first_name(name: &str) -> &str {
    name.split_whitespace().next().unwrap_or(name)
}

/// A one-line update to the referrer, by where the referral stands.
pub fn draft_update(r: &Referral, referrer: &str, person: &str) -> String {
    let (to, who) = (first_name(referrer), person);
    let since = r.last_change();
    match r.status {
        Status::Won => format!(
            "Hi {to}, good news: {who} became a client on {since}. Thank you again for the introduction!"
        ),
        Status::Lost => match r.reason.as_deref() {
            Some(why) => format!(
                "Hi {to}, a quick update: {who} decided not to go ahead ({why}). Thank you for thinking of me."
            ),
            None => format!(
                "Hi {to}, a quick update: {who} decided not to go ahead. Thank you for thinking of me."
            ),
        },
        Status::Dormant => format!(
            "Hi {to}, a quick update: {who} has gone quiet for now; I'll tell you if that changes."
        ),
        Status::New => format!(
            "Hi {to}, a quick update: I haven't reached {who} yet, but I will this week. Thanks again!"
        ),
        Status::Contacted => format!(
            "Hi {to}, a quick update: {who} and I are in touch now. I'll keep you posted. Thanks again!"
        ),
        Status::Met => {
            format!("Hi {to}, a quick update: {who} and I met. I'll keep you posted. Thanks again!")
        }
        Status::Proposal => format!(
            "Hi {to}, a quick update: I've sent {who} a proposal. I'll keep you posted. Thanks again!"
        ),
    }
}

/// Fills an item's card. `contact` is the item's contact with its fields (the book may
/// hold contacts without them); `currency` prefixes amounts.
pub fn fill_card(
    item: &mut AgendaItem,
    book: &Book,
    contact: Option<&Contact>,
    words: &Words<'_>,
    currency: &str,
    today: NaiveDate,
) {
    let mut card = Card::default();
    let field = |k: FieldKind| {
        contact.and_then(|c| {
            c.fields
                .iter()
                .find(|f| f.kind == k)
                .map(|f| f.value.clone())
        })
    };
    let history = book.interactions_of(item.contact_id);
    let past = || history.iter().rev().filter(|x| x.occurred_on <= today);
    card.last_touch = past().next().map(|x| x.occurred_on);
    let referral = item
        .referral_id
        .and_then(|id| book.referrals.iter().find(|r| r.id == id));
    let name = |id: i64| book.contact(id).map_or("someone", |c| c.name.as_str());
    if let Some(r) = referral {
        let line = match (r.referrer_id, r.recipient_id) {
            (Some(by), _) => format!(
                "{} referred by {} on {} ({}, {})",
                name(r.person_id),
                name(by),
                r.referred_on,
                r.quality.words(),
                r.status.phrase()
            ),
            (None, Some(to)) => format!(
                "{} referred to {} on {} ({})",
                name(r.person_id),
                name(to),
                r.referred_on,
                r.status.phrase()
            ),
            (None, None) => name(r.person_id).to_string(),
        };
        card.referral = Some(line);
        card.quality = Some(r.quality);
        card.value = r.value;
    }
    match item.kind {
        AgendaKind::Ask => {
            let w = ask_words(book, item.contact_id, &item.contact, words, today);
            card.ideal_referral = Some(words.ideal_referral.to_string());
            card.script = Some(w.script);
            card.channel = Some(w.channel);
            card.channel_why = Some(w.channel_why);
        }
        AgendaKind::Thank => {
            if let Some(r) = referral {
                let (reward, why) = suggested_reward(r, currency);
                card.suggested_reward = Some(reward);
                card.reward_why = Some(why);
            }
        }
        AgendaKind::Inform => {
            if let Some(r) = referral {
                card.history = r.history.clone();
                card.draft = Some(draft_update(r, &item.contact, name(r.person_id)));
            }
        }
        AgendaKind::KeepInTouch => {
            // A real conversation, as keep-in-touch counts it (SCORING.md §1): a
            // meeting, a call, a job, praise, or a message they wrote or answered.
            card.last_conversation = past()
                .find(|x| match x.kind {
                    InteractionKind::Meeting
                    | InteractionKind::Call
                    | InteractionKind::Job
                    | InteractionKind::Praise => true,
                    InteractionKind::Message => x.direction != Some(Direction::Out),
                    _ => false,
                })
                .map(|x| {
                    let what = x
                        .label
                        .as_deref()
                        .or(x.note())
                        .map_or(String::new(), |l| format!(": {l}"));
                    format!(
                        "{} {}{what}",
                        x.kind,
                        days_ago(days_between(x.occurred_on, today))
                    )
                });
        }
        AgendaKind::OverDeliver => {
            card.idea = Some(
                "something they did not pay for: a check-in on how it works, a tip, a useful introduction"
                    .to_string(),
            );
        }
        AgendaKind::GiveBack => {
            card.idea = Some(
                "refer someone to them, or send a gift; a referral back counts most".to_string(),
            );
        }
        AgendaKind::FollowUp | AgendaKind::Occasion => {}
    }
    if matches!(
        item.kind,
        AgendaKind::FollowUp | AgendaKind::KeepInTouch | AgendaKind::Occasion | AgendaKind::Ask
    ) {
        card.phone = field(FieldKind::Phone);
        card.email = field(FieldKind::Email);
    }
    if item.stale {
        card.ways_out.push(format!("ties let-go {}", item.key));
        if item.kind == AgendaKind::KeepInTouch {
            let now = contact.and_then(|c| c.cadence_days);
            let slower = now.map_or(180, |d| (d * 3).min(3650));
            card.ways_out
                .push(format!("ties edit #{} --cadence {slower}", item.contact_id));
            card.ways_out
                .push(format!("ties edit #{} --cadence 0", item.contact_id));
        }
    }
    item.card = Some(Box::new(card));
}
