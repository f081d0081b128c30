//! Touches: a contact's interactions and referrals collapsed to model touch-days
//! (SCORING.md §1). Pure: std, chrono and the domain types only.
//!
//! Collapsing packs each raw touch into one `u64` key (age in days, kind code), sorts the
//! keys once and walks them, so scoring a contact allocates nothing per touch; a
//! [`TouchBuffer`] reuses its two vectors across contacts.

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use super::interaction::{Direction, Interaction, InteractionKind};
use super::params::{ServiceUnits, TouchWeights};
use super::referral::Referral;

/// A model touch kind (SCORING.md §1 table). Messages are per day, by direction.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    strum::VariantArray,
    strum::IntoStaticStr,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum TouchKind {
    Meeting,
    Call,
    MessageTwoWay,
    MessageOneWayOut,
    MessageOneWayIn,
    Job,
    Praise,
    Gift,
    Extra,
    ReferralGiven,
    ReferralReceived,
    Thanks,
    Update,
    Ask,
    Complaint,
}

// Raw message codes, collapsed per day into one of the three message kinds.
const MSG_IN: u64 = 0x40;
const MSG_OUT: u64 = 0x41;
const MSG_BOTH: u64 = 0x42;

impl TouchKind {
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// A noun for reasons: "last meeting 10 days ago".
    pub fn noun(self) -> &'static str {
        match self {
            TouchKind::MessageTwoWay | TouchKind::MessageOneWayOut | TouchKind::MessageOneWayIn => {
                "message"
            }
            TouchKind::ReferralGiven => "referral given",
            TouchKind::ReferralReceived => "referral received",
            other => other.as_str(),
        }
    }

    /// Live two-way touches (SCORING.md §1): they prove a real conversation.
    pub fn is_live(self) -> bool {
        matches!(
            self,
            TouchKind::Meeting
                | TouchKind::Call
                | TouchKind::MessageTwoWay
                | TouchKind::MessageOneWayIn
                | TouchKind::Job
                | TouchKind::Praise
                | TouchKind::ReferralReceived
        )
    }

    /// Engagement weight `w`.
    pub fn weight(self, w: &TouchWeights) -> f64 {
        match self {
            TouchKind::Meeting => w.meeting,
            TouchKind::Call => w.call,
            TouchKind::MessageTwoWay => w.message_two_way,
            TouchKind::MessageOneWayOut => w.message_one_way_out,
            TouchKind::MessageOneWayIn => w.message_one_way_in,
            TouchKind::Job => w.job,
            TouchKind::Praise => w.praise,
            TouchKind::Gift => w.gift,
            TouchKind::Extra => w.extra,
            TouchKind::ReferralGiven => w.referral_given,
            TouchKind::ReferralReceived => w.referral_received,
            TouchKind::Thanks => w.thanks,
            TouchKind::Update => w.update,
            TouchKind::Ask => w.ask,
            TouchKind::Complaint => w.complaint,
        }
    }

    /// Services unit `u` (0 for kinds that are not reciprocal services).
    pub fn service_unit(self, u: &ServiceUnits) -> f64 {
        match self {
            TouchKind::Gift => u.gift,
            TouchKind::Extra => u.extra,
            TouchKind::ReferralGiven => u.referral_given,
            TouchKind::ReferralReceived => u.referral_received,
            _ => 0.0,
        }
    }

    /// The non-message touch kind of an interaction kind (`None` for messages).
    fn of_interaction(kind: InteractionKind) -> Option<TouchKind> {
        Some(match kind {
            InteractionKind::Meeting => TouchKind::Meeting,
            InteractionKind::Call => TouchKind::Call,
            InteractionKind::Message => return None,
            InteractionKind::Job => TouchKind::Job,
            InteractionKind::Praise => TouchKind::Praise,
            InteractionKind::Gift => TouchKind::Gift,
            InteractionKind::Extra => TouchKind::Extra,
            InteractionKind::Thanks => TouchKind::Thanks,
            InteractionKind::Update => TouchKind::Update,
            InteractionKind::Ask => TouchKind::Ask,
            InteractionKind::Complaint => TouchKind::Complaint,
        })
    }
}

/// One touch-day: at most one per (day, kind). `age` is whole days before `today` (≥ 0).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TouchDay {
    pub age: u32,
    pub kind: TouchKind,
}

impl TouchDay {
    /// The calendar day of this touch, given the `today` it was collected for.
    pub fn date(self, today: NaiveDate) -> NaiveDate {
        today - chrono::Days::new(u64::from(self.age))
    }
}

/// Reusable scratch space for collecting touch-days; keep one per thread and call
/// [`TouchBuffer::collect`] for each contact.
#[derive(Debug, Default, Clone)]
pub struct TouchBuffer {
    keys: Vec<u64>,
    days: Vec<TouchDay>,
}

impl TouchBuffer {
    pub fn new() -> Self {
        Self::default()
    }

    /// The touch-days of one contact, newest first (ties by kind), so the result does
    /// not depend on input order. `interactions` are this contact's; `referrals` may be
    /// any set: only those with this contact as referrer (a "referral received" touch)
    /// or recipient (a "referral given" touch) count, dated `referred_on`.
    /// Touches after `today` are ignored.
    pub fn collect<'r>(
        &mut self,
        contact_id: i64,
        interactions: &[Interaction],
        referrals: impl IntoIterator<Item = &'r Referral>,
        today: NaiveDate,
    ) -> &[TouchDay] {
        let t = i64::from(today.num_days_from_ce());
        self.keys.clear();
        self.days.clear();
        let mut push = |date: NaiveDate, code: u64| {
            let age = t - i64::from(date.num_days_from_ce());
            if (0..=i64::from(u32::MAX)).contains(&age) {
                // age ≥ 0 checked above, so the cast keeps the value.
                self.keys.push(((age as u64) << 8) | code);
            }
        };
        for i in interactions {
            let code = match TouchKind::of_interaction(i.kind) {
                Some(k) => k as u64,
                None => match i.direction {
                    Some(Direction::In) => MSG_IN,
                    Some(Direction::Both) => MSG_BOTH,
                    Some(Direction::Out) | None => MSG_OUT,
                },
            };
            push(i.occurred_on, code);
        }
        for r in referrals {
            if r.referrer_id == Some(contact_id) {
                push(r.referred_on, TouchKind::ReferralReceived as u64);
            } else if r.recipient_id == Some(contact_id) {
                push(r.referred_on, TouchKind::ReferralGiven as u64);
            }
        }
        self.keys.sort_unstable();
        self.keys.dedup();

        let mut i = 0;
        while i < self.keys.len() {
            let age = self.keys[i] >> 8;
            let mut msg_in = false;
            let mut msg_out = false;
            while i < self.keys.len() && self.keys[i] >> 8 == age {
                let code = self.keys[i] & 0xff;
                match code {
                    MSG_IN => msg_in = true,
                    MSG_OUT => msg_out = true,
                    MSG_BOTH => {
                        msg_in = true;
                        msg_out = true;
                    }
                    c => {
                        if let Some(&kind) =
                            <TouchKind as strum::VariantArray>::VARIANTS.get(c as usize)
                        {
                            self.days.push(TouchDay {
                                age: age as u32,
                                kind,
                            });
                        }
                    }
                }
                i += 1;
            }
            let message = match (msg_in, msg_out) {
                (true, true) => Some(TouchKind::MessageTwoWay),
                (false, true) => Some(TouchKind::MessageOneWayOut),
                (true, false) => Some(TouchKind::MessageOneWayIn),
                (false, false) => None,
            };
            if let Some(kind) = message {
                self.days.push(TouchDay {
                    age: age as u32,
                    kind,
                });
            }
        }
        &self.days
    }

    /// The touch-days of the last [`TouchBuffer::collect`].
    pub fn days(&self) -> &[TouchDay] {
        &self.days
    }
}

/// Convenience for a single contact: [`TouchBuffer::collect`] into a fresh vector.
pub fn touch_days<'r>(
    contact_id: i64,
    interactions: &[Interaction],
    referrals: impl IntoIterator<Item = &'r Referral>,
    today: NaiveDate,
) -> Vec<TouchDay> {
    let mut buf = TouchBuffer::new();
    buf.collect(contact_id, interactions, referrals, today);
    buf.days
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::domain::interaction::InteractionKind as K;
    use crate::domain::testkit::*;

    fn kinds_on(days: &[TouchDay], age: u32) -> Vec<TouchKind> {
        let mut k: Vec<TouchKind> = days
            .iter()
            .filter(|d| d.age == age)
            .map(|d| d.kind)
            .collect();
        k.sort();
        k
    }

    #[test]
    fn messages_collapse_per_day() {
        let h = Hist::new(1)
            .msg(Direction::Out, &[1, 1, 1])
            .msg(Direction::In, &[1]) // in + out the same day: two-way
            .msg(Direction::In, &[2, 2]) // only in: one-way in
            .msg(Direction::Out, &[3]) // only out: one-way out
            .msg(Direction::Both, &[4]) // both: two-way
            .add(K::Call, &[1, 1]) // one call-day
            .add(K::Meeting, &[-1]); // the future is ignored
        let days = touch_days(1, &h.items, &[], today());
        assert_eq!(
            kinds_on(&days, 1),
            vec![TouchKind::Call, TouchKind::MessageTwoWay]
        );
        assert_eq!(kinds_on(&days, 2), vec![TouchKind::MessageOneWayIn]);
        assert_eq!(kinds_on(&days, 3), vec![TouchKind::MessageOneWayOut]);
        assert_eq!(kinds_on(&days, 4), vec![TouchKind::MessageTwoWay]);
        assert_eq!(days.len(), 5);
        assert!(
            days.windows(2).all(|w| w[0].age <= w[1].age),
            "newest first"
        );
        assert_eq!(days[0].date(today()), ago(1));
    }

    #[test]
    fn referrals_are_touches_of_the_referrer_and_the_recipient() {
        let refs = [
            received(1, 7, 50, 3),
            given(2, 7, 51, 5),
            given(3, 8, 52, 6),
            received(4, 7, 53, -2),
        ];
        let days = touch_days(7, &[], &refs, today());
        assert_eq!(
            days,
            vec![
                TouchDay {
                    age: 3,
                    kind: TouchKind::ReferralReceived
                },
                TouchDay {
                    age: 5,
                    kind: TouchKind::ReferralGiven
                },
            ]
        );
        // The referred person gets no touch from being referred.
        assert!(touch_days(50, &[], &refs, today()).is_empty());
    }

    #[test]
    fn a_buffer_is_reusable() {
        let mut buf = TouchBuffer::new();
        assert_eq!(buf.collect(1, &kitchen(1).items, &[], today()).len(), 17);
        assert_eq!(
            buf.collect(2, &Hist::new(2).add(K::Ask, &[4]).items, &[], today())
                .len(),
            1
        );
        assert!(TouchKind::MessageOneWayIn.is_live() && !TouchKind::MessageOneWayOut.is_live());
    }
}
