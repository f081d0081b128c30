//! Interactions: the dated touches between you and a contact.

use chrono::NaiveDate;
use serde::Serialize;

use super::{DomainError, vocabulary};

vocabulary! {
    /// What happened. See DESIGN.md §2 and SCORING.md §1 for what each one means.
    InteractionKind, "interaction kind" {
        Meeting,
        Call,
        Message,
        Job,
        Praise,
        Gift,
        Extra,
        Thanks,
        Update,
        Ask,
        Complaint,
    }
}

vocabulary! {
    /// Who spoke: `in` (they wrote to you), `out` (you wrote), `both`.
    Direction, "direction" {
        In,
        Out,
        Both,
    }
}

vocabulary! {
    /// How an ask was made.
    Channel, "channel" {
        InPerson,
        Call,
        Video,
        Message,
    }
}

vocabulary! {
    /// How a referrer was thanked (`--with`).
    Reward, "thank-you kind" {
        Note,
        Call,
        Gift,
        Meal,
        Fee,
        ReferralBack,
    }
}

/// A stored interaction, as compact as scoring a large book needs it (64 bytes): the
/// label is shared between interactions with the same text, and what only a timeline
/// shows sits behind one pointer that most interactions leave empty.
#[derive(Debug, Clone, PartialEq)]
pub struct Interaction {
    pub id: i64,
    pub contact_id: i64,
    pub occurred_on: NaiveDate,
    pub kind: InteractionKind,
    pub direction: Option<Direction>,
    pub referral_id: Option<i64>,
    pub label: Option<std::sync::Arc<str>>,
    pub extra: Option<Box<InteractionExtra>>,
}

/// The parts of an interaction only a timeline or an export shows.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct InteractionExtra {
    pub note: Option<String>,
    pub channel: Option<Channel>,
    pub reward: Option<Reward>,
    pub amount: Option<f64>,
}

impl InteractionExtra {
    /// `None` when every part is empty, so an interaction without them costs nothing.
    pub fn boxed(self) -> Option<Box<InteractionExtra>> {
        (self != InteractionExtra::default()).then(|| Box::new(self))
    }
}

/// The flat JSON shape of an interaction (`ties log --json`): every part at the top.
impl Serialize for Interaction {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Flat<'a> {
            id: i64,
            contact_id: i64,
            occurred_on: NaiveDate,
            kind: InteractionKind,
            direction: Option<Direction>,
            label: Option<&'a str>,
            note: Option<&'a str>,
            referral_id: Option<i64>,
            channel: Option<Channel>,
            reward: Option<Reward>,
            amount: Option<f64>,
        }
        Flat {
            id: self.id,
            contact_id: self.contact_id,
            occurred_on: self.occurred_on,
            kind: self.kind,
            direction: self.direction,
            label: self.label.as_deref(),
            note: self.note(),
            referral_id: self.referral_id,
            channel: self.channel(),
            reward: self.reward(),
            amount: self.amount(),
        }
        .serialize(serializer)
    }
}

impl Interaction {
    pub fn note(&self) -> Option<&str> {
        self.extra.as_ref().and_then(|e| e.note.as_deref())
    }

    pub fn channel(&self) -> Option<Channel> {
        self.extra.as_ref().and_then(|e| e.channel)
    }

    pub fn reward(&self) -> Option<Reward> {
        self.extra.as_ref().and_then(|e| e.reward)
    }

    pub fn amount(&self) -> Option<f64> {
        self.extra.as_ref().and_then(|e| e.amount)
    }
}

/// An interaction about to be recorded.
#[derive(Debug, Clone, PartialEq)]
pub struct NewInteraction {
    pub contact_id: i64,
    pub occurred_on: NaiveDate,
    pub kind: InteractionKind,
    pub direction: Option<Direction>,
    pub label: Option<String>,
    pub note: Option<String>,
    pub referral_id: Option<i64>,
    pub channel: Option<Channel>,
    pub reward: Option<Reward>,
    pub amount: Option<f64>,
}

impl NewInteraction {
    pub fn new(contact_id: i64, occurred_on: NaiveDate, kind: InteractionKind) -> Self {
        NewInteraction {
            contact_id,
            occurred_on,
            kind,
            direction: None,
            label: None,
            note: None,
            referral_id: None,
            channel: None,
            reward: None,
            amount: None,
        }
    }

    /// Checks that the optional parts fit the kind, filling sensible defaults:
    /// a message without a direction is `out` (you wrote it).
    pub fn validated(mut self, today: NaiveDate) -> Result<Self, DomainError> {
        super::date::not_in_future(self.occurred_on, today)?;
        if self.direction.is_some() && self.kind != InteractionKind::Message {
            return Err(DomainError::invalid(format!(
                "--dir applies only to messages, not to a {}; leave it out",
                self.kind
            )));
        }
        if self.kind == InteractionKind::Message && self.direction.is_none() {
            self.direction = Some(Direction::Out);
        }
        if self.channel.is_some() && self.kind != InteractionKind::Ask {
            return Err(DomainError::invalid(format!(
                "--channel applies only to an ask, not to a {}; leave it out",
                self.kind
            )));
        }
        if self.reward.is_some() && self.kind != InteractionKind::Thanks {
            return Err(DomainError::invalid(format!(
                "--with applies only to thanks, not to a {}; leave it out",
                self.kind
            )));
        }
        if let Some(a) = self.amount {
            validate_amount(a)?;
        }
        Ok(self)
    }
}

/// Money amounts are finite and not negative.
pub fn validate_amount(a: f64) -> Result<f64, DomainError> {
    if !a.is_finite() || a < 0.0 {
        return Err(DomainError::invalid(format!(
            "{a} is not a valid amount; give a number of 0 or more, e.g. 1200 or 49.90"
        )));
    }
    Ok(a)
}

#[cfg(test)]
#[test]
fn an_interaction_is_compact() {
    assert!(std::mem::size_of::<Interaction>() <= 64);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_eleven_kinds_parse() {
        let words = [
            "meeting",
            "call",
            "message",
            "job",
            "praise",
            "gift",
            "extra",
            "thanks",
            "update",
            "ask",
            "complaint",
        ];
        assert_eq!(InteractionKind::ALL.len(), 11);
        for w in words {
            assert_eq!(w.parse::<InteractionKind>().unwrap().as_str(), w);
        }
        assert!("lunch".parse::<InteractionKind>().is_err());
        assert_eq!("in_person".parse::<Channel>(), Ok(Channel::InPerson));
        assert_eq!("referral_back".parse::<Reward>(), Ok(Reward::ReferralBack));
    }

    #[test]
    fn options_must_fit_the_kind() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 24).unwrap();
        let mut i = NewInteraction::new(1, today, InteractionKind::Call);
        i.direction = Some(Direction::In);
        assert!(i.validated(today).is_err());
        let m = NewInteraction::new(1, today, InteractionKind::Message)
            .validated(today)
            .unwrap();
        assert_eq!(m.direction, Some(Direction::Out));
        let tomorrow = today.succ_opt().unwrap();
        assert!(
            NewInteraction::new(1, tomorrow, InteractionKind::Call)
                .validated(today)
                .is_err()
        );
        assert!(validate_amount(-1.0).is_err());
        assert!(validate_amount(f64::NAN).is_err());
    }
}
