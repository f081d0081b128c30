//! Interactions: the dated touches between you and a contact.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::{DomainError, vocabulary};

vocabulary! {
    /// What happened. See DESIGN.md §2 and SCORING.md §1 for what each one means.
    InteractionKind, "interaction kind" {
        Meeting => "meeting",
        Call => "call",
        Message => "message",
        Job => "job",
        Praise => "praise",
        Gift => "gift",
        Extra => "extra",
        Thanks => "thanks",
        Update => "update",
        Ask => "ask",
        Complaint => "complaint",
    }
}

vocabulary! {
    /// Who spoke: `in` (they wrote to you), `out` (you wrote), `both`.
    Direction, "direction" {
        In => "in",
        Out => "out",
        Both => "both",
    }
}

vocabulary! {
    /// How an ask was made.
    Channel, "channel" {
        InPerson => "in_person",
        Call => "call",
        Video => "video",
        Message => "message",
    }
}

vocabulary! {
    /// How a referrer was thanked (`--with`).
    Reward, "thank-you kind" {
        Note => "note",
        Call => "call",
        Gift => "gift",
        Meal => "meal",
        Fee => "fee",
        ReferralBack => "referral_back",
    }
}

/// A stored interaction.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Interaction {
    pub id: i64,
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
