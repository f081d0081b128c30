//! Relationship strength 0–100 with its band and breakdown (SCORING.md §2), computed
//! from a contact's touch-days and `today`. Pure: std, serde and the domain types only.

use serde::Serialize;

use super::history::{days_ago, plural};
use super::params::ScoringParams;
use super::touch::{TouchDay, TouchKind};

super::vocabulary! {
    /// Strength band (SCORING.md §2).
    Band, "band" {
        NoHistory,
        Weak,
        Acquaintance,
        Active,
        Close,
        InnerCircle,
    }
}

impl Band {
    /// The band of a score, for a contact with at least one touch.
    pub fn of_score(score: u8) -> Band {
        match score {
            0..=19 => Band::Weak,
            20..=39 => Band::Acquaintance,
            40..=59 => Band::Active,
            60..=79 => Band::Close,
            _ => Band::InnerCircle,
        }
    }

    /// A phrase for reasons: "Close relationship", "Still acquaintance".
    pub fn phrase(self) -> &'static str {
        match self {
            Band::NoHistory => "No history",
            Band::Weak => "Weak tie",
            Band::Acquaintance => "Acquaintance",
            Band::Active => "Active relationship",
            Band::Close => "Close relationship",
            Band::InnerCircle => "Inner circle",
        }
    }

    /// A plain word for "Still acquaintance (26)": the band name with spaces.
    pub fn word(self) -> &'static str {
        match self {
            Band::NoHistory => "no history",
            Band::Weak => "weak",
            Band::Acquaintance => "acquaintance",
            Band::Active => "active",
            Band::Close => "close",
            Band::InnerCircle => "inner circle",
        }
    }
}

/// A contact's relationship strength and the facts behind it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Strength {
    /// 0..=100, after the one-way cap and the user's closeness.
    pub score: u8,
    pub band: Band,
    /// Eng, 0..1.
    pub engagement: f64,
    /// Dur, 0..1.
    pub duration: f64,
    /// Serv, 0..1.
    pub services: f64,
    /// True when the contact has no live two-way touch and the cap lowered the score.
    pub one_way_capped: bool,
    /// True when there is history but no live two-way touch within `dormant_days`.
    pub dormant: bool,
    /// Number of touch-days (all time, up to `today`).
    pub touch_days: usize,
    /// Touch-days in the last 90 days (ages 0..=90).
    pub recent_touch_days: usize,
    /// Age in days of the newest touch-day of any kind.
    pub last_touch_age: Option<u32>,
    /// Age in days and kind of the newest live two-way touch-day.
    pub last_live: Option<(u32, TouchKind)>,
}

/// Days counted as "recent" in the strength summary.
pub const RECENT_DAYS: u32 = 90;

/// Strength from touch-days as returned by [`super::touch::TouchBuffer::collect`]
/// (any order works; the sums are taken in a fixed order). `closeness` is the user's
/// optional 1..=5; it does not apply to a contact with no history.
pub fn strength(days: &[TouchDay], closeness: Option<u8>, p: &ScoringParams) -> Strength {
    let Some(newest) = days.iter().map(|d| d.age).min() else {
        return Strength {
            score: 0,
            band: Band::NoHistory,
            engagement: 0.0,
            duration: 0.0,
            services: 0.0,
            one_way_capped: false,
            dormant: false,
            touch_days: 0,
            recent_touch_days: 0,
            last_touch_age: None,
            last_live: None,
        };
    };
    let oldest = days.iter().map(|d| d.age).max().unwrap_or(newest);
    let span = f64::from(oldest - newest);
    let last = f64::from(newest);

    let h = p.half_life_days
        * (1.0 + p.half_life_span_factor * (span / 365.0).min(p.half_life_span_cap_years));
    let inv_h = 1.0 / h;
    let inv_serv = 1.0 / p.services_half_life_days;
    let mut e = 0.0;
    let mut x = 0.0;
    let mut recent = 0;
    let mut last_live: Option<(u32, TouchKind)> = None;
    for d in days {
        let age = f64::from(d.age);
        e += d.kind.weight(&p.weights) * (-age * inv_h).exp2();
        let u = d.kind.service_unit(&p.services);
        if u != 0.0 {
            x += u * (-age * inv_serv).exp2();
        }
        if d.age <= RECENT_DAYS {
            recent += 1;
        }
        if d.kind.is_live() {
            // Newest first; on the same day the heavier kind names the touch.
            let better = match last_live {
                None => true,
                Some((a, k)) => {
                    d.age < a || (d.age == a && d.kind.weight(&p.weights) > k.weight(&p.weights))
                }
            };
            if better {
                last_live = Some((d.age, d.kind));
            }
        }
    }
    let engagement = 1.0 - (-e / p.engagement_scale).exp();
    let duration = ((1.0 + span / p.duration_unit_days).ln() / p.duration_saturation.ln()).min(1.0)
        * (-last / p.duration_decay_days).exp2();
    let services = 1.0 - (-x / p.services_scale).exp();
    let raw = 100.0
        * (p.weight_engagement * engagement
            + p.weight_duration * duration
            + p.weight_services * services);
    let mut score = raw.round().clamp(0.0, 100.0);
    let mut one_way_capped = false;
    let cap = f64::from(p.one_way_cap);
    if last_live.is_none() && score > cap {
        score = cap;
        one_way_capped = true;
    }
    if let Some(c) = closeness.filter(|c| (1..=5).contains(c)) {
        score = (0.5 * score + 0.5 * 20.0 * f64::from(c)).round();
    }
    let score = score.clamp(0.0, 100.0) as u8;
    let dormant = last_live.is_none_or(|(age, _)| i64::from(age) > p.dormant_days);
    Strength {
        score,
        band: Band::of_score(score),
        engagement,
        duration,
        services,
        one_way_capped,
        dormant,
        touch_days: days.len(),
        recent_touch_days: recent,
        last_touch_age: Some(newest),
        last_live,
    }
}

impl Strength {
    /// One line of facts: "Close relationship (63): 12 touches in the last 90 days;
    /// last meeting 10 days ago".
    pub fn summary(&self) -> String {
        if self.band == Band::NoHistory {
            return "No history yet: nothing logged with them".to_string();
        }
        let touches = plural(self.recent_touch_days as u32, "touch", "touches");
        let mut s = format!(
            "{} ({}): {} in the last {} days",
            self.band.phrase(),
            self.score,
            touches,
            RECENT_DAYS
        );
        match self.last_live {
            Some((age, kind)) => {
                s.push_str(&format!(
                    "; last {} {}",
                    kind.noun(),
                    days_ago(i64::from(age))
                ));
            }
            None => s.push_str("; never a two-way conversation"),
        }
        s
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::domain::interaction::{Direction, InteractionKind as K};
    use crate::domain::params::default_params;
    use crate::domain::testkit::*;
    use crate::domain::touch::touch_days;
    use proptest::prelude::*;

    fn score_of(h: &Hist) -> Strength {
        let days = touch_days(h.contact_id, &h.items, &[], today());
        strength(&days, None, &default_params())
    }

    fn assert_near(got: u8, want: u8, what: &str) {
        assert!(
            (i32::from(got) - i32::from(want)).abs() <= 3,
            "{what}: S = {got}, expected ≈ {want}"
        );
    }

    #[test]
    fn scenario_1_no_history() {
        let s = score_of(&Hist::new(1));
        assert_eq!((s.score, s.band), (0, Band::NoHistory));
    }

    #[test]
    fn scenario_2_one_old_meeting() {
        let s = score_of(&Hist::new(1).add(K::Meeting, &[1095]));
        assert_eq!((s.score, s.band, s.dormant), (0, Band::Weak, true));
    }

    #[test]
    fn scenario_3_one_long_thread_is_weaker_than_one_meeting() {
        let mut a = Hist::new(1);
        for day in [12, 11, 10] {
            a = a
                .msg(Direction::In, &[day; 17])
                .msg(Direction::Out, &[day; 17]);
        }
        let b = Hist::new(2).add(K::Meeting, &[5]);
        let (sa, sb) = (score_of(&a), score_of(&b));
        assert_near(sa.score, 9, "A");
        assert_near(sb.score, 15, "B");
        assert!(sa.score < sb.score);
        assert_eq!((sa.band, sb.band), (Band::Weak, Band::Weak));
    }

    #[test]
    fn scenario_4_many_message_days_beat_one_meeting() {
        let days: Vec<i64> = (1..=60).filter(|d| d % 3 != 0).collect();
        assert_eq!(days.len(), 40);
        let a = score_of(&Hist::new(1).msg(Direction::Both, &days));
        let b = score_of(&Hist::new(2).add(K::Meeting, &[1]));
        assert_near(a.score, 62, "A");
        assert_eq!(a.band, Band::Close);
        assert_near(b.score, 15, "B");
        assert!(a.score > b.score);
    }

    #[test]
    fn scenario_5_call_cadence_matches_dunbar_layers() {
        let cases = [
            (7, 3, 90, Band::InnerCircle),
            (30, 15, 70, Band::Close),
            (90, 45, 43, Band::Active),
            (365, 182, 22, Band::Acquaintance),
        ];
        for (every_days, last, want, band) in cases {
            let s = score_of(&Hist::new(1).add(K::Call, &every(last, every_days, last + 3 * 365)));
            assert_near(s.score, want, &format!("a call every {every_days} days"));
            assert_eq!(s.band, band, "a call every {every_days} days");
        }
    }

    #[test]
    fn one_way_history_is_capped_and_closeness_blends() {
        let h = Hist::new(1)
            .add(K::Gift, &every(1, 5, 200))
            .add(K::Extra, &every(2, 5, 200));
        let days = touch_days(1, &h.items, &[], today());
        let s = strength(&days, None, &default_params());
        assert_eq!(s.score, 19);
        assert!(s.one_way_capped && s.dormant);
        let c = strength(&days, Some(5), &default_params());
        assert_eq!(c.score, 60); // round(0.5·19 + 50)
    }

    #[test]
    fn summary_states_the_facts() {
        let s = score_of(&kitchen(1));
        assert!(
            s.summary().starts_with(&format!(
                "Close relationship ({}): 17 touches in the last 90 days; last praise 2 days ago",
                s.score
            )),
            "{}",
            s.summary()
        );
    }

    fn kind_strategy() -> impl Strategy<Value = (K, Option<Direction>)> {
        prop_oneof![
            Just((K::Meeting, None)),
            Just((K::Call, None)),
            Just((K::Message, Some(Direction::In))),
            Just((K::Message, Some(Direction::Out))),
            Just((K::Message, Some(Direction::Both))),
            Just((K::Job, None)),
            Just((K::Praise, None)),
            Just((K::Gift, None)),
            Just((K::Extra, None)),
            Just((K::Thanks, None)),
            Just((K::Update, None)),
            Just((K::Ask, None)),
            Just((K::Complaint, None)),
        ]
    }

    fn history() -> impl Strategy<Value = Vec<(K, Option<Direction>, i64)>> {
        prop::collection::vec(
            (kind_strategy(), 0i64..2000).prop_map(|((k, d), age)| (k, d, age)),
            0..40,
        )
    }

    fn build(h: &[(K, Option<Direction>, i64)]) -> Vec<crate::domain::interaction::Interaction> {
        h.iter()
            .map(|&(k, d, age)| {
                let mut i = interaction(1, k, age);
                i.direction = d;
                i
            })
            .collect()
    }

    fn s_at(
        items: &[crate::domain::interaction::Interaction],
        referrals: &[crate::domain::referral::Referral],
        at: chrono::NaiveDate,
        closeness: Option<u8>,
    ) -> u8 {
        strength(
            &touch_days(1, items, referrals, at),
            closeness,
            &default_params(),
        )
        .score
    }

    fn referral_strategy() -> impl Strategy<Value = Vec<(bool, i64)>> {
        prop::collection::vec((any::<bool>(), 0i64..2000), 0..4)
    }

    fn build_refs(r: &[(bool, i64)]) -> Vec<crate::domain::referral::Referral> {
        r.iter()
            .enumerate()
            .map(|(n, &(got, age))| {
                if got {
                    received(n as i64, 1, 99, age)
                } else {
                    given(n as i64, 1, 99, age)
                }
            })
            .collect()
    }

    proptest! {
        #[test]
        fn adding_a_touch_never_lowers_strength(h in history(), refs in referral_strategy(), extra in kind_strategy(), age in 0i64..2000, closeness in prop::option::of(1u8..=5)) {
            let items = build(&h);
            let refs = build_refs(&refs);
            let before = s_at(&items, &refs, today(), closeness);
            let mut more = items.clone();
            let mut i = interaction(1, extra.0, age);
            i.direction = extra.1;
            more.push(i);
            prop_assert!(s_at(&more, &refs, today(), closeness) >= before);
            let mut more_refs = refs.clone();
            more_refs.push(received(1000, 1, 98, age));
            prop_assert!(s_at(&items, &more_refs, today(), closeness) >= before);
        }

        #[test]
        fn time_passing_never_raises_strength(h in history(), refs in referral_strategy(), later in 0u64..1500, closeness in prop::option::of(1u8..=5)) {
            let items = build(&h);
            let refs = build_refs(&refs);
            let now = s_at(&items, &refs, today(), closeness);
            prop_assert!(s_at(&items, &refs, today() + chrono::Days::new(later), closeness) <= now);
        }

        #[test]
        fn strength_is_bounded_and_order_independent(h in history(), refs in referral_strategy(), seed in any::<u64>(), closeness in prop::option::of(1u8..=5)) {
            let items = build(&h);
            let refs = build_refs(&refs);
            let s = strength(&touch_days(1, &items, &refs, today()), closeness, &default_params());
            prop_assert!(s.score <= 100);
            let mut shuffled = items.clone();
            let mut rev_refs = refs.clone();
            rev_refs.reverse();
            // A deterministic shuffle driven by the seed.
            let n = shuffled.len();
            let mut x = seed | 1;
            for k in (1..n).rev() {
                x ^= x << 13; x ^= x >> 7; x ^= x << 17;
                shuffled.swap(k, (x % (k as u64 + 1)) as usize);
            }
            let t = strength(&touch_days(1, &shuffled, &rev_refs, today()), closeness, &default_params());
            prop_assert_eq!(s, t);
        }
    }
}
