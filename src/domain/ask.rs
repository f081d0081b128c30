//! Ask readiness (SCORING.md §4): blocks, readiness R, status, action and fact-based
//! reasons for each contact, and the one assessment of a contact (strength, ledger,
//! readiness). The ranking behind `ties suggest` is in [`super::ranking`]. Pure: std,
//! chrono, serde and the domain types only.

use chrono::{Days, NaiveDate};
use serde::Serialize;

use super::contact::Contact;
use super::date::days_between;
use super::history::{NameLookup, days_ago, plural};
use super::interaction::{Interaction, InteractionKind};
use super::ledger::{Ledger, ledger};
use super::params::ScoringParams;
use super::referral::Referral;
use super::strength::{Band, Strength, strength};
use super::touch::TouchBuffer;
use super::vocabulary;

vocabulary! {
    /// Where a contact stands for an ask, in ranking order.
    AskStatus, "ask status" {
        AskNow,
        DoFirst,
        WaitUntil,
        WaitForMoment,
        NotYet,
        NotSuitable,
    }
}

vocabulary! {
    /// What to do before asking (with `do_first`).
    AskAction, "ask action" {
        Thank,
        SendUpdate,
        OverDeliver,
        Reconnect,
        ResolveComplaint,
    }
}

impl AskAction {
    /// The verb phrase for "Readiness would be 72 once you thank them".
    fn once_you(self) -> &'static str {
        match self {
            AskAction::Thank => "thank them",
            AskAction::SendUpdate => "update them",
            AskAction::OverDeliver => "over-deliver",
            AskAction::Reconnect => "reconnect",
            AskAction::ResolveComplaint => "resolve the complaint",
        }
    }
}

/// A contact's ask readiness.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Readiness {
    pub status: AskStatus,
    /// Set with `do_first` only.
    pub action: Option<AskAction>,
    /// R, 0..=100, computed for everyone, blocked or not.
    pub readiness: f64,
    /// Set with `wait_until` only: the first day an ask is fine again.
    pub wait_until: Option<NaiveDate>,
    /// Facts, most important first: the block's reason when blocked, the trigger for `ask_now`.
    pub reasons: Vec<String>,
    /// The newest trigger (praise within the window, or the newest gift / extra /
    /// referral given when the balance is a trigger); used to rank `ask_now`.
    pub trigger_on: Option<NaiveDate>,
}

/// Everything scoring says about one contact.
#[derive(Debug, Clone, PartialEq)]
pub struct Assessment {
    pub strength: Strength,
    pub ledger: Ledger,
    pub readiness: Readiness,
}

/// Scores one contact. `interactions` are this contact's; `referrals` those where it is
/// referrer or recipient (see [`super::history::referrals_of`] / [`super::history::ReferralIndex`]);
/// `names` resolves the referred people for reasons; `buf` is reusable scratch space.
pub fn assess(
    contact: &Contact,
    interactions: &[Interaction],
    referrals: &[&Referral],
    names: &dyn NameLookup,
    p: &ScoringParams,
    today: NaiveDate,
    buf: &mut TouchBuffer,
) -> Assessment {
    assess_as(contact, interactions, referrals, names, p, today, buf, true)
}

/// [`assess`], its readiness with reasons (`words`) or without ([`readiness`]).
#[allow(clippy::too_many_arguments)]
pub fn assess_as(
    contact: &Contact,
    interactions: &[Interaction],
    referrals: &[&Referral],
    names: &dyn NameLookup,
    p: &ScoringParams,
    today: NaiveDate,
    buf: &mut TouchBuffer,
    words: bool,
) -> Assessment {
    let days = buf.collect(contact.id, interactions, referrals.iter().copied(), today);
    let s = strength(days, contact.closeness, p);
    let l = ledger(
        contact.id,
        interactions,
        referrals.iter().copied(),
        p,
        today,
    );
    let r = readiness(
        contact,
        interactions,
        referrals,
        &s,
        &l,
        names,
        p,
        today,
        words,
    );
    Assessment {
        strength: s,
        ledger: l,
        readiness: r,
    }
}

/// The newest of two dated interactions (ties: the higher id, so input order never matters).
fn newer<'a>(a: Option<&'a Interaction>, b: &'a Interaction) -> Option<&'a Interaction> {
    match a {
        Some(x) if (x.occurred_on, x.id) >= (b.occurred_on, b.id) => Some(x),
        _ => Some(b),
    }
}

/// Facts gathered in one pass over a contact's interactions and referrals.
#[derive(Default)]
struct Facts<'a> {
    praise: Option<&'a Interaction>,
    complaint: Option<&'a Interaction>,
    ask: Option<&'a Interaction>,
    job: Option<&'a Interaction>,
    gift: Option<&'a Interaction>,
    extra: Option<&'a Interaction>,
    /// Referral ids with a linked `thanks` / `update` (up to today).
    thanked: Vec<i64>,
    updated: Vec<i64>,
    /// Newest referral given to them.
    given: Option<&'a Referral>,
    /// Referrals received from them, oldest first.
    received: Vec<&'a Referral>,
}

impl<'a> Facts<'a> {
    fn gather(
        contact_id: i64,
        interactions: &'a [Interaction],
        referrals: &[&'a Referral],
        today: NaiveDate,
    ) -> Self {
        let mut f = Facts::default();
        for i in interactions.iter().filter(|i| i.occurred_on <= today) {
            match i.kind {
                InteractionKind::Praise => f.praise = newer(f.praise, i),
                InteractionKind::Complaint => f.complaint = newer(f.complaint, i),
                InteractionKind::Ask => f.ask = newer(f.ask, i),
                InteractionKind::Job => f.job = newer(f.job, i),
                InteractionKind::Gift => f.gift = newer(f.gift, i),
                InteractionKind::Extra => f.extra = newer(f.extra, i),
                InteractionKind::Thanks => f.thanked.extend(i.referral_id),
                InteractionKind::Update => f.updated.extend(i.referral_id),
                _ => {}
            }
        }
        for &r in referrals.iter().filter(|r| r.referred_on <= today) {
            if r.referrer_id == Some(contact_id) {
                f.received.push(r);
            } else if r.recipient_id == Some(contact_id)
                && f.given
                    .is_none_or(|g| (g.referred_on, g.id) < (r.referred_on, r.id))
            {
                f.given = Some(r);
            }
        }
        f.received.sort_by_key(|r| (r.referred_on, r.id));
        f
    }

    /// The newest gift / extra / referral given, as (date, what); without `words`,
    /// "what" is left empty.
    fn newest_give(&self, names: &dyn NameLookup, words: bool) -> Option<(NaiveDate, String)> {
        let mut best: Option<(NaiveDate, String)> = None;
        let mut consider = |d: NaiveDate, what: &dyn Fn() -> String| {
            if best.as_ref().is_none_or(|(b, _)| d > *b) {
                best = Some((d, if words { what() } else { String::new() }));
            }
        };
        if let Some(g) = self.given {
            consider(g.referred_on, &|| {
                format!("You referred {} to them", names.name_or_id(g.person_id))
            });
        }
        if let Some(x) = self.extra {
            consider(x.occurred_on, &|| "You went the extra mile".to_string());
        }
        if let Some(g) = self.gift {
            consider(g.occurred_on, &|| "You sent them a gift".to_string());
        }
        best
    }
}

#[allow(clippy::too_many_arguments)]
pub fn readiness(
    contact: &Contact,
    interactions: &[Interaction],
    referrals: &[&Referral],
    s: &Strength,
    l: &Ledger,
    names: &dyn NameLookup,
    p: &ScoringParams,
    today: NaiveDate,
    words: bool,
) -> Readiness {
    // A reason, formatted only when the readiness is worded.
    macro_rules! say {
        ($($arg:tt)*) => {
            if words { format!($($arg)*) } else { String::new() }
        };
    }
    let a = &p.ask;
    let f = Facts::gather(contact.id, interactions, referrals, today);
    let age = |d: NaiveDate| days_between(d, today);
    let ago = |d: NaiveDate| days_ago(age(d));
    let person = |r: &Referral| names.name_or_id(r.person_id);

    // Readiness R, for everyone.
    let praise_age = f
        .praise
        .map(|x| age(x.occurred_on))
        .filter(|&d| d <= a.praise_window_days);
    let give = f.newest_give(names, words);
    let recent_give = give.as_ref().filter(|(d, _)| age(*d) <= a.recent_give_days);
    let n_referrals = f
        .received
        .iter()
        .filter(|r| age(r.referred_on) <= a.referrer_window_days)
        .count() as f64;
    let mut r = a.strength_weight * f64::from(s.score);
    if let Some(d) = praise_age {
        r += a.praise_bonus * (-(d as f64) / a.praise_half_life_days).exp2();
    }
    if l.balance > 0.0 {
        r += (a.balance_bonus_per * l.balance).min(a.balance_bonus_cap);
    }
    if recent_give.is_some() {
        r += a.recent_give_bonus;
    }
    if n_referrals >= 1.0 {
        r += (a.referrer_base + a.referrer_step * (n_referrals - 1.0)).min(a.referrer_cap);
    }
    if l.deficit >= a.deficit_min {
        r -= (a.deficit_penalty_per * (l.deficit - 1) as f64).min(a.deficit_penalty_cap);
    }
    let r = r.clamp(0.0, 100.0);

    // Facts, in a fixed order; the status decides which comes first.
    let praise_fact = praise_age.and(f.praise).filter(|_| words).map(|x| {
        let label = x
            .label
            .as_deref()
            .or_else(|| f.job.and_then(|j| j.label.as_deref()));
        match label {
            Some(label) => format!("Thanked you for the {label} {}", ago(x.occurred_on)),
            None => format!("Thanked you {}", ago(x.occurred_on)),
        }
    });
    let balance_fact = (words && l.balance > 0.0).then(|| {
        let mut parts = Vec::new();
        if l.referrals_given > 0 {
            parts.push(plural(l.referrals_given, "referral", "referrals"));
        }
        if l.gifts > 0 {
            parts.push(plural(l.gifts, "gift", "gifts"));
        }
        if l.extras > 0 {
            parts.push(plural(l.extras, "extra", "extras"));
        }
        let back = if l.gifts + l.extras == 0 {
            l.referrals_received.to_string()
        } else {
            plural(l.referrals_received, "referral", "referrals")
        };
        format!(
            "You sent them {} this year; they sent you {back}",
            parts.join(" and ")
        )
    });
    let give_fact = recent_give
        .filter(|_| words)
        .map(|(d, what)| format!("{what} {}", ago(*d)));
    let referrer_fact = f
        .received
        .last()
        .filter(|_| words && n_referrals >= 1.0)
        .map(|last| {
            format!(
                "Has referred {} to you before (last: {}, {})",
                plural(n_referrals as u32, "person", "people"),
                person(last),
                ago(last.referred_on)
            )
        });
    let deficit_fact = (words && l.deficit >= a.deficit_min).then(|| {
        format!(
            "They sent you {} more than you sent them: give back",
            plural(l.deficit as u32, "referral", "referrals")
        )
    });
    let summary = if words { s.summary() } else { String::new() };
    let trigger_praise = praise_age.is_some();
    let trigger_balance = l.balance >= a.trigger_balance;
    let trigger_on = [
        f.praise.filter(|_| trigger_praise).map(|x| x.occurred_on),
        give.as_ref().filter(|_| trigger_balance).map(|(d, _)| *d),
    ]
    .into_iter()
    .flatten()
    .max();
    let facts = |first: Option<String>| -> Vec<String> {
        if !words {
            return Vec::new();
        }
        let mut out: Vec<String> = first.into_iter().collect();
        for fact in [
            &praise_fact,
            &balance_fact,
            &give_fact,
            &referrer_fact,
            &deficit_fact,
        ]
        .into_iter()
        .flatten()
        {
            if !out.contains(fact) {
                out.push(fact.clone());
            }
        }
        out.push(summary.clone());
        out
    };

    let done = |status: AskStatus,
                action: Option<AskAction>,
                wait_until: Option<NaiveDate>,
                reasons: Vec<String>| Readiness {
        status,
        action,
        readiness: r,
        wait_until,
        reasons,
        trigger_on,
    };
    let do_first = |action: AskAction, why: String| {
        if !words {
            return done(AskStatus::DoFirst, Some(action), None, Vec::new());
        }
        let mut reasons = vec![
            why,
            format!(
                "Readiness would be {} once you {}",
                r.round(),
                action.once_you()
            ),
        ];
        reasons.extend(facts(None));
        done(AskStatus::DoFirst, Some(action), None, reasons)
    };

    // Block 0: not suitable.
    if contact.archived_on.is_some() {
        return done(
            AskStatus::NotSuitable,
            None,
            None,
            if words {
                vec!["Archived".to_string()]
            } else {
                Vec::new()
            },
        );
    }
    if contact.do_not_ask {
        return done(
            AskStatus::NotSuitable,
            None,
            None,
            if words {
                vec!["Marked do-not-ask".to_string()]
            } else {
                Vec::new()
            },
        );
    }
    if s.band == Band::NoHistory {
        return done(
            AskStatus::NotSuitable,
            None,
            None,
            if words {
                vec![summary.clone()]
            } else {
                Vec::new()
            },
        );
    }
    // Block 1: an unresolved complaint.
    if let Some(c) = f
        .complaint
        .filter(|c| age(c.occurred_on) <= a.complaint_days)
    {
        let resolved = f.praise.is_some_and(|x| x.occurred_on >= c.occurred_on);
        if !resolved {
            let why = match c.label.as_deref() {
                Some(label) => say!(
                    "Complained about the {label} {}: resolve that first",
                    ago(c.occurred_on)
                ),
                None => say!("Complained {}: resolve that first", ago(c.occurred_on)),
            };
            return do_first(AskAction::ResolveComplaint, why);
        }
    }
    // Block 2: an unthanked referral (the oldest first).
    if let Some(rf) = f.received.iter().find(|rf| !f.thanked.contains(&rf.id)) {
        let why = say!("Thank {} for referring {} first", contact.name, person(rf));
        return do_first(AskAction::Thank, why);
    }
    // Block 3: a thanked referral whose outcome was never reported.
    if let Some(rf) = f
        .received
        .iter()
        .find(|rf| age(rf.referred_on) > a.update_after_days && !f.updated.contains(&rf.id))
    {
        let why = say!("Tell {} how it went with {}", contact.name, person(rf));
        return do_first(AskAction::SendUpdate, why);
    }
    // Block 4: asked recently.
    if let Some(x) = f.ask.filter(|x| age(x.occurred_on) < a.ask_cooldown_days) {
        let until = x.occurred_on + Days::new(a.ask_cooldown_days.unsigned_abs());
        let why = say!("You asked {}; wait until {until}", ago(x.occurred_on));
        return done(AskStatus::WaitUntil, None, Some(until), facts(Some(why)));
    }
    // Block 5: a balanced sale.
    if let Some(job) = f.job.filter(|j| age(j.occurred_on) <= a.balanced_sale_days) {
        let since = |d: Option<NaiveDate>| d.is_some_and(|d| d >= job.occurred_on);
        if !since(f.praise.map(|x| x.occurred_on)) && !since(give.as_ref().map(|(d, _)| *d)) {
            let mut out = do_first(
                AskAction::OverDeliver,
                say!("The exchange is just balanced: over-deliver first"),
            );
            if words {
                let delivered = match job.label.as_deref() {
                    Some(label) => format!("Delivered the {label} {}", ago(job.occurred_on)),
                    None => format!("Delivered a job {}", ago(job.occurred_on)),
                };
                out.reasons.insert(1, delivered);
            }
            return out;
        }
    }
    // Block 6: stale.
    let last_live = s.last_live.map(|(age, _)| i64::from(age));
    if last_live.is_none_or(|d| d > a.stale_days) {
        let why = match last_live {
            Some(d) => say!("No real conversation in {d} days: reconnect first"),
            None => say!("No real conversation on record: reconnect first"),
        };
        return do_first(AskAction::Reconnect, why);
    }
    // Block 7: weak tie.
    if u32::from(s.score) < a.weak_tie_below {
        let why = say!("Still {} ({}): build rapport first", s.band.word(), s.score);
        return done(AskStatus::NotYet, None, None, facts(Some(why)));
    }
    // Unblocked: ask only on a trigger.
    if (trigger_praise || trigger_balance) && r >= a.ask_now_min {
        let first = if trigger_praise {
            praise_fact.clone()
        } else {
            balance_fact.clone()
        };
        return done(AskStatus::AskNow, None, None, facts(first));
    }
    let why = say!("No moment yet: ask when they next thank you, or give first");
    done(AskStatus::WaitForMoment, None, None, facts(Some(why)))
}

pub use super::ranking::{ScoreReport, Suggestion, compare, rank};

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::domain::interaction::InteractionKind as K;
    use crate::domain::params::default_params;
    use crate::domain::testkit::*;
    use std::collections::HashMap;

    const DANA: i64 = 50;

    fn names() -> HashMap<i64, String> {
        [(1, "Sam"), (2, "Lee"), (DANA, "Dana"), (51, "Priya")]
            .into_iter()
            .map(|(i, n)| (i, n.to_string()))
            .collect()
    }

    /// Every scenario also checks that its readiness without words is the same but for
    /// the reasons.
    fn run(c: &Contact, h: &Hist, referrals: &[Referral]) -> Assessment {
        let refs: Vec<&Referral> = crate::domain::history::referrals_of(c.id, referrals);
        let at = |words| {
            assess_as(
                c,
                &h.items,
                &refs,
                &names(),
                &default_params(),
                today(),
                &mut TouchBuffer::new(),
                words,
            )
        };
        let worded = at(true);
        let mut bare = worded.clone();
        bare.readiness.reasons.clear();
        assert_eq!(at(false), bare, "without words, the same readiness");
        worded
    }

    fn sam() -> Contact {
        contact(1, "Sam")
    }

    #[track_caller]
    fn check(
        a: &Assessment,
        s: Option<u8>,
        r: Option<f64>,
        status: AskStatus,
        action: Option<AskAction>,
    ) {
        let got = (
            a.strength.score,
            a.readiness.readiness,
            a.readiness.status,
            a.readiness.action,
        );
        if let Some(s) = s {
            assert!(
                (i32::from(a.strength.score) - i32::from(s)).abs() <= 3,
                "S: {got:?}, expected ≈ {s}"
            );
        }
        if let Some(r) = r {
            assert!(
                (a.readiness.readiness - r).abs() <= 4.0,
                "R: {got:?}, expected ≈ {r}"
            );
        }
        assert_eq!(
            (a.readiness.status, a.readiness.action),
            (status, action),
            "{got:?} {:?}",
            a.readiness.reasons
        );
    }

    #[test]
    fn scenario_1_and_2() {
        let a = run(&sam(), &Hist::new(1), &[]);
        check(&a, Some(0), None, AskStatus::NotSuitable, None);
        assert_eq!(a.strength.band, Band::NoHistory);
        let a = run(&sam(), &Hist::new(1).add(K::Meeting, &[1095]), &[]);
        check(
            &a,
            Some(0),
            None,
            AskStatus::DoFirst,
            Some(AskAction::Reconnect),
        );
        assert!(a.strength.dormant);
        assert_eq!(
            a.readiness.reasons[0],
            "No real conversation in 1095 days: reconnect first"
        );
    }

    #[test]
    fn scenario_3_weak_ties_are_not_yet() {
        let mut h = Hist::new(1);
        for day in [12, 11, 10] {
            h = h
                .msg(crate::domain::interaction::Direction::In, &[day; 17])
                .msg(crate::domain::interaction::Direction::Out, &[day; 17]);
        }
        let a = run(&sam(), &h, &[]);
        check(&a, Some(9), None, AskStatus::NotYet, None);
        let b = run(&sam(), &Hist::new(1).add(K::Meeting, &[5]), &[]);
        check(&b, Some(15), None, AskStatus::NotYet, None);
        assert!(a.strength.score < b.strength.score);
        assert_eq!(
            b.readiness.reasons[0],
            format!("Still weak ({}): build rapport first", b.strength.score)
        );
    }

    #[test]
    fn scenario_5_the_yearly_call_is_stale() {
        let a = run(
            &sam(),
            &Hist::new(1).add(K::Call, &every(182, 365, 182 + 3 * 365)),
            &[],
        );
        check(
            &a,
            Some(22),
            None,
            AskStatus::DoFirst,
            Some(AskAction::Reconnect),
        );
        assert_eq!(a.strength.band, Band::Acquaintance);
    }

    #[test]
    fn scenario_6_kitchen_asks_now() {
        let a = run(&sam(), &kitchen(1), &[]);
        check(&a, Some(63), Some(66.0), AskStatus::AskNow, None);
        assert_eq!(a.strength.band, Band::Close);
        assert_eq!(
            a.readiness.reasons[0],
            "Thanked you for the kitchen remodel 2 days ago"
        );
    }

    #[test]
    fn praise_without_label_falls_back_to_the_job_label() {
        let h = Hist::new(1)
            .add(K::Meeting, &[75, 60, 45, 30, 10])
            .msg(
                crate::domain::interaction::Direction::Both,
                &[74, 66, 58, 50, 41, 33, 25, 18, 12, 7],
            )
            .labelled(K::Job, 5, "bathroom")
            .add(K::Praise, &[2]);
        assert_eq!(
            run(&sam(), &h, &[]).readiness.reasons[0],
            "Thanked you for the bathroom 2 days ago"
        );
    }

    #[test]
    fn scenario_7_asked_recently() {
        let base = || strong(1).labelled(K::Praise, 3, "audit");
        let a = run(&sam(), &base().add(K::Ask, &[1]), &[]);
        check(&a, Some(86), None, AskStatus::WaitUntil, None);
        assert_eq!(a.readiness.wait_until, Some(ago(-89)));
        assert_eq!(
            a.readiness.reasons[0],
            format!("You asked 1 day ago; wait until {}", ago(-89))
        );
        let a = run(&sam(), &base().add(K::Ask, &[90]), &[]);
        check(&a, Some(86), Some(72.0), AskStatus::AskNow, None);
        let a = run(&sam(), &base().add(K::Ask, &[89]), &[]);
        check(&a, None, None, AskStatus::WaitUntil, None);
        assert_eq!(a.readiness.wait_until, Some(ago(-1)));
    }

    #[test]
    fn scenario_8_thank_first_then_ask() {
        let referrals = [received(7, 1, DANA, 9)];
        let h = strong(1).add(K::Praise, &[9]);
        let a = run(&sam(), &h, &referrals);
        check(&a, None, None, AskStatus::DoFirst, Some(AskAction::Thank));
        assert_eq!(a.readiness.reasons[0], "Thank Sam for referring Dana first");
        let a = run(&sam(), &h.linked(K::Thanks, 0, 7), &referrals);
        check(&a, None, Some(72.0), AskStatus::AskNow, None);
        assert!(
            a.readiness.reasons.contains(
                &"Has referred 1 person to you before (last: Dana, 9 days ago)".to_string()
            )
        );
    }

    #[test]
    fn scenario_9_new_client_over_deliver_first() {
        let a = run(&sam(), &new_client(1), &[]);
        check(
            &a,
            Some(48),
            None,
            AskStatus::DoFirst,
            Some(AskAction::OverDeliver),
        );
        assert_eq!(a.strength.band, Band::Active);
        assert_eq!(
            a.readiness.reasons[0],
            "The exchange is just balanced: over-deliver first"
        );
        let a = run(&sam(), &new_client(1).add(K::Extra, &[1]), &[]);
        check(&a, None, Some(37.0), AskStatus::WaitForMoment, None);
        let a = run(
            &sam(),
            &new_client(1).add(K::Extra, &[1]).add(K::Praise, &[0]),
            &[],
        );
        check(&a, None, Some(89.0), AskStatus::AskNow, None);
    }

    #[test]
    fn scenario_10_giving_first_is_a_trigger() {
        let referrals = [given(1, 1, 51, 40), given(2, 1, 52, 150)];
        let a = run(&sam(), &strong(1), &referrals);
        check(&a, Some(92), Some(61.0), AskStatus::AskNow, None);
        assert_eq!(
            a.readiness.reasons[0],
            "You sent them 2 referrals this year; they sent you 0"
        );
        let a = run(&sam(), &strong(1), &[]);
        check(&a, Some(85), None, AskStatus::WaitForMoment, None);
    }

    #[test]
    fn blocks_in_order() {
        let p = default_params();
        // Complaint beats an unthanked referral; praise after it resolves it.
        let referrals = [received(7, 1, DANA, 40)];
        let h = strong(1).labelled(K::Complaint, 5, "late invoice");
        let a = run(&sam(), &h, &referrals);
        check(
            &a,
            None,
            None,
            AskStatus::DoFirst,
            Some(AskAction::ResolveComplaint),
        );
        assert_eq!(
            a.readiness.reasons[0],
            "Complained about the late invoice 5 days ago: resolve that first"
        );
        let h = h.add(K::Praise, &[4]);
        check(
            &run(&sam(), &h, &referrals),
            None,
            None,
            AskStatus::DoFirst,
            Some(AskAction::Thank),
        );
        // Thanked but older than 30 days with no update: tell them how it went.
        let h = h.linked(K::Thanks, 39, 7);
        let a = run(&sam(), &h, &referrals);
        check(
            &a,
            None,
            None,
            AskStatus::DoFirst,
            Some(AskAction::SendUpdate),
        );
        assert_eq!(a.readiness.reasons[0], "Tell Sam how it went with Dana");
        let a = run(&sam(), &h.clone().linked(K::Update, 1, 7), &referrals);
        check(&a, None, None, AskStatus::AskNow, None);
        // Archived and do-not-ask are never suitable.
        let mut c = sam();
        c.do_not_ask = true;
        check(
            &run(&c, &kitchen(1), &[]),
            None,
            None,
            AskStatus::NotSuitable,
            None,
        );
        let mut c = sam();
        c.archived_on = Some(ago(3));
        check(
            &run(&c, &kitchen(1), &[]),
            None,
            None,
            AskStatus::NotSuitable,
            None,
        );
        // Deficit penalty: four referrals received, none given.
        let many: Vec<Referral> = (0..4)
            .map(|k| received(20 + k, 1, 60 + k, 100 + k))
            .collect();
        let mut h = strong(1);
        for k in 0..4 {
            h = h
                .linked(K::Thanks, 90, 20 + k)
                .linked(K::Update, 50, 20 + k);
        }
        let a = run(&sam(), &h, &many);
        let expect = p.ask.strength_weight * f64::from(a.strength.score) + 25.0 - 30.0;
        assert!(
            (a.readiness.readiness - expect).abs() < 1e-9,
            "{:?}",
            a.readiness
        );
        assert!(
            a.readiness
                .reasons
                .iter()
                .any(|r| r == "They sent you 4 referrals more than you sent them: give back"),
            "{:?}",
            a.readiness.reasons
        );
    }

    #[test]
    fn ranking_offers_at_most_asks_per_day() {
        let mut contacts = Vec::new();
        let mut by_contact = HashMap::new();
        for (id, name, hist) in [
            (1, "Ada", kitchen(1)),
            (2, "Bo", kitchen(2)),
            (3, "Cy", strong(3).add(K::Praise, &[3])),
            (4, "Di", strong(4).add(K::Praise, &[1])),
            (5, "Ed", new_client(5)),
            (6, "Fa", Hist::new(6).add(K::Meeting, &[5])),
            (7, "Gu", strong(7).add(K::Ask, &[10])),
            (8, "Hy", Hist::new(8)),
            (9, "Io", strong(9)),
        ] {
            contacts.push(contact(id, name));
            by_contact.insert(id, hist.items);
        }
        let book = crate::domain::book::Book {
            contacts,
            interactions: by_contact.into(),
            ..Default::default()
        };
        let ranked = book
            .assess(
                &default_params(),
                &crate::domain::params::default_cadence(),
                3,
                today(),
            )
            .ranking;
        let order: Vec<(&str, AskStatus, bool)> = ranked
            .iter()
            .map(|s| (s.name.as_str(), s.status, s.offered))
            .collect();
        use AskStatus::*;
        assert_eq!(
            order,
            vec![
                ("Di", AskNow, true),
                ("Cy", AskNow, true),
                ("Ada", AskNow, true),
                ("Bo", AskNow, false),
                ("Ed", DoFirst, false),
                ("Gu", WaitUntil, false),
                ("Io", WaitForMoment, false),
                ("Fa", NotYet, false),
                ("Hy", NotSuitable, false),
            ]
        );
        assert!(
            ranked[3]
                .reasons
                .last()
                .unwrap()
                .starts_with("Today's 3 asks are already offered")
        );
        let json = serde_json::to_value(&ranked[0]).unwrap();
        let keys: Vec<&str> = json
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        let mut want = vec![
            "id",
            "name",
            "strength",
            "band",
            "status",
            "readiness",
            "action",
            "wait_until",
            "reasons",
        ];
        want.sort();
        let mut keys = keys;
        keys.sort();
        assert_eq!(keys, want);
        assert_eq!(json["status"], "ask_now");
        assert_eq!(json["action"], serde_json::Value::Null);
        assert_eq!(
            serde_json::to_value(&ranked[5]).unwrap()["wait_until"],
            ago(-80).to_string()
        );
    }

    #[test]
    fn score_report_shape() {
        let c = sam();
        let a = run(&c, &kitchen(1), &[]);
        let json = serde_json::to_value(ScoreReport::new(&c, &a.strength, &a.ledger)).unwrap();
        let mut keys: Vec<&str> = json
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        keys.sort();
        assert_eq!(
            keys,
            [
                "balance",
                "band",
                "duration",
                "engagement",
                "given",
                "id",
                "name",
                "one_way_capped",
                "received",
                "services",
                "strength"
            ]
        );
        assert_eq!(json["band"], "close");
    }
}
