//! Referrals: introductions received (`by` a contact) or given (`to` a contact),
//! their quality, and their pipeline with a dated history.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::{DomainError, vocabulary};

vocabulary! {
    /// The quality ladder, weakest to strongest (DESIGN.md §1): the order is meaningful.
    Quality, "referral quality" {
        NameOnly,
        Permission,
        WarmHandoff,
        EmailIntro,
        ThreeWayMeeting,
    }
}

vocabulary! {
    /// Pipeline status: `new → contacted → met → proposal → won`, or `lost` / `dormant`.
    Status, "referral status" {
        New,
        Contacted,
        Met,
        Proposal,
        Won,
        Lost,
        Dormant,
    }
}

impl Status {
    /// `won` and `lost` end a referral; everything else is still open.
    pub fn is_closed(self) -> bool {
        matches!(self, Status::Won | Status::Lost)
    }

    /// The next step forward along the pipeline, if any.
    pub fn next(self) -> Option<Status> {
        match self {
            Status::New => Some(Status::Contacted),
            Status::Contacted => Some(Status::Met),
            Status::Met => Some(Status::Proposal),
            Status::Proposal => Some(Status::Won),
            Status::Dormant => Some(Status::Contacted),
            Status::Won | Status::Lost => None,
        }
    }

    /// The previous step back along the pipeline, if any.
    pub fn prev(self) -> Option<Status> {
        match self {
            Status::Contacted => Some(Status::New),
            Status::Met => Some(Status::Contacted),
            Status::Proposal => Some(Status::Met),
            Status::Won | Status::Lost | Status::Dormant => Some(Status::Proposal),
            Status::New => None,
        }
    }
}

/// Which side of a referral is "me".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// `refer PERSON --by REFERRER`: they referred PERSON to me.
    ReceivedFrom(i64),
    /// `refer PERSON --to RECIPIENT`: I referred PERSON to them.
    GivenTo(i64),
}

/// One dated status change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusEvent {
    pub status: Status,
    pub date: NaiveDate,
}

/// A stored referral. Exactly one of `referrer_id` / `recipient_id` is `None` ("me").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Referral {
    pub id: i64,
    pub referrer_id: Option<i64>,
    pub person_id: i64,
    pub recipient_id: Option<i64>,
    pub quality: Quality,
    pub status: Status,
    pub referred_on: NaiveDate,
    pub value: Option<f64>,
    pub reason: Option<String>,
    pub note: Option<String>,
    /// What it was last won for, kept when it is reopened (so winning it again can
    /// offer it); `value` is the value of a referral won now.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub won_value: Option<f64>,
    /// Oldest first; the first event is the `new` on `referred_on`.
    pub history: Vec<StatusEvent>,
}

impl Referral {
    pub fn side(&self) -> Side {
        match (self.referrer_id, self.recipient_id) {
            (Some(by), _) => Side::ReceivedFrom(by),
            (None, Some(to)) => Side::GivenTo(to),
            // The store's CHECK constraint makes this unreachable; treat it as received from nobody.
            (None, None) => Side::GivenTo(self.person_id),
        }
    }

    pub fn is_received(&self) -> bool {
        self.referrer_id.is_some()
    }

    /// The contact on the other side of me: the referrer, or the recipient.
    pub fn counterpart(&self) -> i64 {
        match self.side() {
            Side::ReceivedFrom(id) | Side::GivenTo(id) => id,
        }
    }

    /// The date of the latest status change (the referral date if none).
    pub fn last_change(&self) -> NaiveDate {
        self.history.last().map_or(self.referred_on, |e| e.date)
    }
}

/// A referral about to be recorded.
#[derive(Debug, Clone, PartialEq)]
pub struct NewReferral {
    pub side: Side,
    pub person_id: i64,
    pub quality: Quality,
    pub referred_on: NaiveDate,
    pub note: Option<String>,
}

impl NewReferral {
    pub fn validated(self, today: NaiveDate) -> Result<Self, DomainError> {
        super::date::not_in_future(self.referred_on, today)?;
        let other = match self.side {
            Side::ReceivedFrom(id) | Side::GivenTo(id) => id,
        };
        if other == self.person_id {
            return Err(DomainError::invalid(
                "a person cannot be referred by or to themselves; pick a different contact",
            ));
        }
        Ok(self)
    }
}

impl Quality {
    /// The quality in the words a person uses: "warm hand-off", "three-way meeting".
    pub fn words(self) -> &'static str {
        match self {
            Quality::NameOnly => "name only",
            Quality::Permission => "permission",
            Quality::WarmHandoff => "warm hand-off",
            Quality::EmailIntro => "email intro",
            Quality::ThreeWayMeeting => "three-way meeting",
        }
    }
}

impl Status {
    /// Where the referral stands, as a phrase: "at the proposal stage", "signed".
    pub fn phrase(self) -> &'static str {
        match self {
            Status::New => "new",
            Status::Contacted => "in touch",
            Status::Met => "met",
            Status::Proposal => "at the proposal stage",
            Status::Won => "signed",
            Status::Lost => "lost",
            Status::Dormant => "gone quiet",
        }
    }

    /// The touch with the referred person that moving a received referral to this
    /// status is: contacted → an outgoing message, met → a meeting, won → a job.
    /// The pipeline is contact, so a won client has a history and a strength.
    pub fn pipeline_touch(
        self,
    ) -> Option<(
        super::interaction::InteractionKind,
        Option<super::interaction::Direction>,
    )> {
        use super::interaction::{Direction, InteractionKind as K};
        match self {
            Status::Contacted => Some((K::Message, Some(Direction::Out))),
            Status::Met => Some((K::Meeting, None)),
            Status::Won => Some((K::Job, None)),
            _ => None,
        }
    }
}

/// A requested status change, checked against the current state.
#[derive(Debug, Clone, PartialEq)]
pub struct StatusChange {
    pub to: Status,
    pub on: NaiveDate,
    pub value: Option<f64>,
    pub reason: Option<String>,
    pub reopen: bool,
}

/// Validates a status change: `won` needs a value, `lost` a reason, leaving `won` or
/// `lost` needs `reopen`, and the date is neither in the future nor before the last change.
pub fn validate_change(
    current: &Referral,
    change: &StatusChange,
    today: NaiveDate,
) -> Result<(), DomainError> {
    super::date::not_in_future(change.on, today)?;
    if change.on < current.last_change() {
        return Err(DomainError::invalid(format!(
            "{} is before the referral's last change on {}; use that date or later",
            change.on,
            current.last_change()
        )));
    }
    if change.to == current.status {
        return Err(DomainError::invalid(format!(
            "referral #{} is already {}; nothing to change",
            current.id, current.status
        )));
    }
    if current.status.is_closed() && !change.reopen {
        return Err(DomainError::invalid(format!(
            "referral #{} is {}; add --reopen to move it to {}",
            current.id, current.status, change.to
        )));
    }
    match change.to {
        Status::Won => match change.value {
            None => {
                return Err(DomainError::invalid(
                    "a won referral needs its value; add --value N (0 if it had none)",
                ));
            }
            Some(v) => {
                super::interaction::validate_amount(v)?;
            }
        },
        _ if change.value.is_some() => {
            return Err(DomainError::invalid(
                "--value applies only when the status becomes won; leave it out",
            ));
        }
        _ => {}
    }
    let has_reason = !change
        .reason
        .as_deref()
        .map(str::trim)
        .unwrap_or("")
        .is_empty();
    match change.to {
        Status::Lost if !has_reason => {
            return Err(DomainError::invalid(
                "a lost referral needs a reason; add --reason \"why it ended\"",
            ));
        }
        Status::Lost => {}
        _ if change.reason.is_some() => {
            return Err(DomainError::invalid(
                "--reason applies only when the status becomes lost; leave it out",
            ));
        }
        _ => {}
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(n: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, n).unwrap()
    }

    fn referral(status: Status) -> Referral {
        Referral {
            id: 1,
            referrer_id: Some(2),
            person_id: 3,
            recipient_id: None,
            quality: Quality::WarmHandoff,
            status,
            referred_on: day(1),
            value: None,
            reason: None,
            note: None,
            won_value: None,
            history: vec![StatusEvent {
                status: Status::New,
                date: day(1),
            }],
        }
    }

    fn change(to: Status) -> StatusChange {
        StatusChange {
            to,
            on: day(10),
            value: None,
            reason: None,
            reopen: false,
        }
    }

    #[test]
    fn won_needs_value_lost_needs_reason() {
        let today = day(24);
        let r = referral(Status::Proposal);
        assert!(validate_change(&r, &change(Status::Won), today).is_err());
        assert!(
            validate_change(
                &r,
                &StatusChange {
                    value: Some(5000.0),
                    ..change(Status::Won)
                },
                today
            )
            .is_ok()
        );
        assert!(validate_change(&r, &change(Status::Lost), today).is_err());
        assert!(
            validate_change(
                &r,
                &StatusChange {
                    reason: Some("went elsewhere".into()),
                    ..change(Status::Lost)
                },
                today
            )
            .is_ok()
        );
    }

    #[test]
    fn leaving_a_closed_status_needs_reopen() {
        let today = day(24);
        let r = referral(Status::Won);
        assert!(validate_change(&r, &change(Status::Proposal), today).is_err());
        assert!(
            validate_change(
                &r,
                &StatusChange {
                    reopen: true,
                    ..change(Status::Proposal)
                },
                today
            )
            .is_ok()
        );
    }

    #[test]
    fn dates_are_checked() {
        let r = referral(Status::New);
        assert!(
            validate_change(
                &r,
                &StatusChange {
                    on: day(25),
                    ..change(Status::Contacted)
                },
                day(24)
            )
            .is_err()
        );
        let mut before = change(Status::Contacted);
        before.on = NaiveDate::from_ymd_opt(2026, 10, 1).unwrap();
        assert!(validate_change(&r, &before, day(24)).is_err());
    }

    #[test]
    fn quality_ladder_is_ordered() {
        assert!(Quality::NameOnly < Quality::Permission);
        assert!(Quality::EmailIntro < Quality::ThreeWayMeeting);
    }
}
