//! The reciprocity ledger (SCORING.md §3): what you gave a contact and what they gave
//! you over a window, and the lifetime referral deficit. Pure: std, chrono and the
//! domain types only.

use chrono::NaiveDate;
use serde::Serialize;

use super::date::days_between;
use super::interaction::{Interaction, InteractionKind};
use super::params::ScoringParams;
use super::referral::Referral;

/// Counts are raw events (two referrals on one day are two), unlike strength's touch-days.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Ledger {
    /// Referrals given ×1 + gifts ×0.5 + extras ×0.5, within the window.
    pub given: f64,
    /// Referrals received ×1, within the window.
    pub received: f64,
    /// `given − received`.
    pub balance: f64,
    /// Lifetime referrals received minus referrals given.
    pub deficit: i64,
    /// Within the window.
    pub referrals_given: u32,
    pub referrals_received: u32,
    pub gifts: u32,
    pub extras: u32,
    /// Lifetime counts.
    pub lifetime_received: u32,
    pub lifetime_given: u32,
}

/// The ledger of one contact. The window covers ages `0..window_days` (today and the
/// 364 days before it by default); events after `today` are ignored. `referrals` may be
/// any set: only those with this contact as referrer or recipient count.
pub fn ledger<'r>(
    contact_id: i64,
    interactions: &[Interaction],
    referrals: impl IntoIterator<Item = &'r Referral>,
    p: &ScoringParams,
    today: NaiveDate,
) -> Ledger {
    let window = p.ledger.window_days;
    let in_window = |d: NaiveDate| (0..window).contains(&days_between(d, today));
    let mut l = Ledger {
        given: 0.0,
        received: 0.0,
        balance: 0.0,
        deficit: 0,
        referrals_given: 0,
        referrals_received: 0,
        gifts: 0,
        extras: 0,
        lifetime_received: 0,
        lifetime_given: 0,
    };
    for i in interactions {
        if !in_window(i.occurred_on) {
            continue;
        }
        match i.kind {
            InteractionKind::Gift => l.gifts += 1,
            InteractionKind::Extra => l.extras += 1,
            _ => {}
        }
    }
    for r in referrals {
        if r.referred_on > today {
            continue;
        }
        if r.referrer_id == Some(contact_id) {
            l.lifetime_received += 1;
            if in_window(r.referred_on) {
                l.referrals_received += 1;
            }
        } else if r.recipient_id == Some(contact_id) {
            l.lifetime_given += 1;
            if in_window(r.referred_on) {
                l.referrals_given += 1;
            }
        }
    }
    let lp = &p.ledger;
    l.given = f64::from(l.referrals_given) * lp.referral_given
        + f64::from(l.gifts) * lp.gift
        + f64::from(l.extras) * lp.extra;
    l.received = f64::from(l.referrals_received) * lp.referral_received;
    l.balance = l.given - l.received;
    l.deficit = i64::from(l.lifetime_received) - i64::from(l.lifetime_given);
    l
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::domain::params::default_params;
    use crate::domain::testkit::*;

    #[test]
    fn gives_and_receives_over_a_year() {
        let h = Hist::new(1)
            .add(InteractionKind::Gift, &[10, 400])
            .add(InteractionKind::Extra, &[20])
            .add(InteractionKind::Job, &[5]);
        let refs = [
            given(1, 1, 50, 40),
            given(2, 1, 51, 150),
            given(3, 1, 52, 365),
            received(4, 1, 53, 30),
            received(5, 1, 54, 700),
            received(6, 1, 55, 800),
        ];
        let l = ledger(1, &h.items, &refs, &default_params(), today());
        // Window: referrals −40 and −150, gift −10, extra −20 (−365 and −400 are outside); a job counts 0.
        assert_eq!((l.given, l.received, l.balance), (3.0, 1.0, 2.0));
        assert_eq!(
            (l.referrals_given, l.gifts, l.extras, l.referrals_received),
            (2, 1, 1, 1)
        );
        // Lifetime: 3 received − 3 given.
        assert_eq!(l.deficit, 0);
        let l = ledger(1, &[], &refs[3..], &default_params(), today());
        assert_eq!((l.deficit, l.balance), (3, -1.0));
    }
}
