//! Referral insights (`ties stats`): what converts, who sends the business, and the
//! flow both ways, computed from the referrals alone with `today` as an argument.
//! Pure: std, chrono, serde and the domain types only.
//!
//! Over referrals received unless said otherwise. `decided` = won + lost + dormant;
//! `conversion` = won / decided (`None` when nothing is decided); a referral's won date
//! is its last `won` event, so one won, reopened and won again counts the second win.

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use super::agenda::won_on;
use super::history::NameLookup;
use super::referral::{Quality, Referral, Status};

/// Every figure of `ties stats --json`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Stats {
    pub received: Received,
    pub given: Given,
    pub by_quality: Vec<QualityRow>,
    pub by_referrer: Vec<ReferrerRow>,
    pub monthly: Vec<Month>,
    pub pipeline: Vec<PipelineRow>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Received {
    pub referrals: usize,
    pub won: usize,
    pub lost: usize,
    pub dormant: usize,
    pub open: usize,
    pub decided: usize,
    pub conversion: Option<f64>,
    pub value: f64,
    pub median_days_to_won: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Given {
    pub referrals: usize,
    pub won: usize,
    pub lost: usize,
    pub dormant: usize,
    pub open: usize,
    pub decided: usize,
    pub conversion: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QualityRow {
    pub quality: Quality,
    pub referrals: usize,
    pub won: usize,
    pub decided: usize,
    pub conversion: Option<f64>,
    pub median_days_to_won: Option<f64>,
    pub value: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReferrerRow {
    pub id: i64,
    pub name: String,
    pub referrals: usize,
    pub won: usize,
    pub decided: usize,
    pub conversion: Option<f64>,
    pub value: f64,
    pub last_referred_on: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Month {
    /// `YYYY-MM`.
    pub month: String,
    pub received: usize,
    pub given: usize,
    /// Received referrals won in the month, and what they were worth.
    pub won: usize,
    pub value: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PipelineRow {
    pub status: Status,
    pub count: usize,
    /// Days since the oldest of them was referred; `None` when there are none.
    pub oldest_days: Option<i64>,
}

/// The ladder of qualities, weakest first.
pub const LADDER: [Quality; 5] = [
    Quality::NameOnly,
    Quality::Permission,
    Quality::WarmHandoff,
    Quality::EmailIntro,
    Quality::ThreeWayMeeting,
];

/// The open statuses, in pipeline order.
const OPEN: [Status; 4] = [
    Status::New,
    Status::Contacted,
    Status::Met,
    Status::Proposal,
];

/// Won, lost, dormant, open: the four ways a referral stands.
#[derive(Default)]
struct Tally {
    referrals: usize,
    won: usize,
    lost: usize,
    dormant: usize,
    value: f64,
    days_to_won: Vec<i64>,
}

impl Tally {
    fn add(&mut self, r: &Referral) {
        self.referrals += 1;
        match r.status {
            Status::Won => {
                self.won += 1;
                self.value += r.value.unwrap_or(0.0);
                if let Some(w) = won_on(r) {
                    self.days_to_won.push((w - r.referred_on).num_days().max(0));
                }
            }
            Status::Lost => self.lost += 1,
            Status::Dormant => self.dormant += 1,
            _ => {}
        }
    }

    fn decided(&self) -> usize {
        self.won + self.lost + self.dormant
    }

    fn conversion(&self) -> Option<f64> {
        let d = self.decided();
        (d > 0).then(|| round3(self.won as f64 / d as f64))
    }

    fn median(&self) -> Option<f64> {
        median(&self.days_to_won)
    }
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

/// The middle value (the mean of the two middle ones for an even count).
fn median(v: &[i64]) -> Option<f64> {
    if v.is_empty() {
        return None;
    }
    let mut s = v.to_vec();
    s.sort_unstable();
    let n = s.len();
    Some(if n % 2 == 1 {
        s[n / 2] as f64
    } else {
        (s[n / 2 - 1] + s[n / 2]) as f64 / 2.0
    })
}

/// The first day of the month `back` months before `day`'s.
fn month_start(day: NaiveDate, back: i32) -> NaiveDate {
    let m = day.year() * 12 + day.month0() as i32 - back;
    NaiveDate::from_ymd_opt(m.div_euclid(12), m.rem_euclid(12) as u32 + 1, 1).unwrap_or(day)
}

fn month_key(d: NaiveDate) -> String {
    format!("{:04}-{:02}", d.year(), d.month())
}

/// The insights of `referrals` as of `today`, counting only those referred on or after
/// `since` (when given) and not after today. `names` names the referrers.
pub fn stats(
    referrals: &[Referral],
    names: &dyn NameLookup,
    since: Option<NaiveDate>,
    today: NaiveDate,
) -> Stats {
    let counted: Vec<&Referral> = referrals
        .iter()
        .filter(|r| r.referred_on <= today && since.is_none_or(|s| r.referred_on >= s))
        .collect();
    let (received, given): (Vec<&Referral>, Vec<&Referral>) =
        counted.iter().partition(|r| r.referrer_id.is_some());

    let mut all = Tally::default();
    let mut by_quality: HashMap<Quality, Tally> = HashMap::new();
    let mut by_referrer: HashMap<i64, (Tally, NaiveDate)> = HashMap::new();
    for r in &received {
        all.add(r);
        by_quality.entry(r.quality).or_default().add(r);
        if let Some(by) = r.referrer_id {
            let e = by_referrer
                .entry(by)
                .or_insert_with(|| (Tally::default(), r.referred_on));
            e.0.add(r);
            e.1 = e.1.max(r.referred_on);
        }
    }
    let mut gave = Tally::default();
    for r in &given {
        gave.add(r);
    }

    let by_quality = LADDER
        .iter()
        .map(|&q| {
            let t = by_quality.remove(&q).unwrap_or_default();
            QualityRow {
                quality: q,
                referrals: t.referrals,
                won: t.won,
                decided: t.decided(),
                conversion: t.conversion(),
                median_days_to_won: t.median(),
                value: t.value,
            }
        })
        .collect();

    let mut by_referrer: Vec<ReferrerRow> = by_referrer
        .into_iter()
        .map(|(id, (t, last))| ReferrerRow {
            id,
            name: names.name_or_id(id),
            referrals: t.referrals,
            won: t.won,
            decided: t.decided(),
            conversion: t.conversion(),
            value: t.value,
            last_referred_on: last,
        })
        .collect();
    by_referrer.sort_by(|a, b| {
        b.value
            .total_cmp(&a.value)
            .then(b.referrals.cmp(&a.referrals))
            .then_with(|| a.name.cmp(&b.name))
            .then(a.id.cmp(&b.id))
    });

    let mut monthly: Vec<Month> = (0..12)
        .rev()
        .map(|back| Month {
            month: month_key(month_start(today, back)),
            received: 0,
            given: 0,
            won: 0,
            value: 0.0,
        })
        .collect();
    let slot = |d: NaiveDate| {
        let key = month_key(d);
        monthly_index(&key, today)
    };
    for r in &counted {
        if let Some(i) = slot(r.referred_on) {
            if r.referrer_id.is_some() {
                monthly[i].received += 1;
            } else {
                monthly[i].given += 1;
            }
        }
        if r.referrer_id.is_some()
            && r.status == Status::Won
            && let Some(i) = won_on(r).filter(|&w| w <= today).and_then(slot)
        {
            monthly[i].won += 1;
            monthly[i].value += r.value.unwrap_or(0.0);
        }
    }

    let pipeline = OPEN
        .iter()
        .map(|&s| {
            let these: Vec<&&Referral> = received.iter().filter(|r| r.status == s).collect();
            PipelineRow {
                status: s,
                count: these.len(),
                oldest_days: these
                    .iter()
                    .map(|r| (today - r.referred_on).num_days())
                    .max(),
            }
        })
        .collect();

    let open = all.referrals - all.decided();
    Stats {
        received: Received {
            referrals: all.referrals,
            won: all.won,
            lost: all.lost,
            dormant: all.dormant,
            open,
            decided: all.decided(),
            conversion: all.conversion(),
            value: all.value,
            median_days_to_won: all.median(),
        },
        given: Given {
            referrals: gave.referrals,
            won: gave.won,
            lost: gave.lost,
            dormant: gave.dormant,
            open: gave.referrals - gave.decided(),
            decided: gave.decided(),
            conversion: gave.conversion(),
        },
        by_quality,
        by_referrer,
        monthly,
        pipeline,
    }
}

/// Where the month `key` sits among the 12 ending with `today`'s, if it does.
fn monthly_index(key: &str, today: NaiveDate) -> Option<usize> {
    (0..12).find(|&i| month_key(month_start(today, 11 - i as i32)) == key)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::domain::testkit::{ago, change, given, received, today};

    struct Names;
    impl NameLookup for Names {
        fn name_of(&self, id: i64) -> Option<&str> {
            match id {
                1 => Some("Sam"),
                2 => Some("Lee"),
                _ => None,
            }
        }
    }

    fn with_quality(mut r: Referral, q: Quality) -> Referral {
        r.quality = q;
        r
    }

    #[test]
    fn an_empty_book_has_every_rung_and_twelve_months() {
        let s = stats(&[], &Names, None, today());
        assert_eq!(s.by_quality.len(), 5);
        assert!(
            s.by_quality
                .iter()
                .all(|q| q.referrals == 0 && q.conversion.is_none())
        );
        assert_eq!(s.monthly.len(), 12);
        assert_eq!(s.monthly[11].month, "2026-11");
        assert_eq!(s.monthly[0].month, "2025-12");
        assert_eq!(s.received.conversion, None);
        assert_eq!(s.received.median_days_to_won, None);
        assert_eq!(s.pipeline.len(), 4);
        assert!(s.by_referrer.is_empty());
    }

    #[test]
    fn conversion_value_and_days_to_won_by_quality_and_referrer() {
        // Sam: a three-way meeting won after 20 days (worth 5000), a name that went lost.
        // Lee: a warm hand-off won, reopened and won again (the last win counts), and
        // one lost then dormant. One given referral, won.
        let won = with_quality(
            change(received(1, 1, 50, 30), Status::Won, 10, Some(5000.0)),
            Quality::ThreeWayMeeting,
        );
        let lost = with_quality(
            change(received(2, 1, 51, 60), Status::Lost, 40, None),
            Quality::NameOnly,
        );
        let mut again = change(received(3, 2, 52, 100), Status::Won, 90, Some(1000.0));
        again = change(again, Status::Proposal, 80, None);
        again = change(again, Status::Won, 50, Some(2000.0));
        let quiet = change(
            change(received(4, 2, 53, 70), Status::Lost, 60, None),
            Status::Dormant,
            20,
            None,
        );
        let open = change(received(5, 2, 54, 5), Status::Met, 2, None);
        let gave = change(given(6, 2, 55, 40), Status::Won, 10, Some(300.0));
        let future = received(7, 1, 56, -3);
        let s = stats(
            &[won, lost, again, quiet, open, gave, future],
            &Names,
            None,
            today(),
        );
        let r = &s.received;
        assert_eq!(
            (r.referrals, r.won, r.lost, r.dormant, r.open, r.decided),
            (5, 2, 1, 1, 1, 4)
        );
        assert_eq!(r.conversion, Some(0.5));
        assert_eq!(r.value, 7000.0);
        // 20 days (Sam's) and 50 days (Lee's second win): the median of two is their mean.
        assert_eq!(r.median_days_to_won, Some(35.0));
        let g = &s.given;
        assert_eq!(
            (g.referrals, g.won, g.decided, g.conversion),
            (1, 1, 1, Some(1.0))
        );
        let rung = |q: Quality| s.by_quality.iter().find(|x| x.quality == q).unwrap();
        assert_eq!(rung(Quality::ThreeWayMeeting).conversion, Some(1.0));
        assert_eq!(rung(Quality::NameOnly).conversion, Some(0.0));
        assert_eq!(rung(Quality::EmailIntro).referrals, 0);
        assert_eq!(rung(Quality::WarmHandoff).decided, 2);
        // By value: Sam (5000) before Lee (2000).
        let names: Vec<&str> = s.by_referrer.iter().map(|x| x.name.as_str()).collect();
        assert_eq!(names, ["Sam", "Lee"]);
        assert_eq!(s.by_referrer[1].referrals, 3);
        assert_eq!(s.by_referrer[1].last_referred_on, ago(5));
        // Met is open for 5 days; nothing else is open.
        let met = s.pipeline.iter().find(|p| p.status == Status::Met).unwrap();
        assert_eq!((met.count, met.oldest_days), (1, Some(5)));
        assert!(
            s.pipeline
                .iter()
                .find(|p| p.status == Status::New)
                .unwrap()
                .oldest_days
                .is_none()
        );
        // Months: today is 2026-11-24; Sam's win on 11-14, Lee's second in October.
        assert_eq!(s.monthly[11].won, 1);
        assert_eq!(s.monthly[11].value, 5000.0);
        assert_eq!(s.monthly[10].won, 1);
        assert_eq!(s.monthly[10].value, 2000.0);
        // --since: only what was referred since then.
        let since = stats(
            &[
                change(received(1, 1, 50, 30), Status::Won, 10, Some(5000.0)),
                received(2, 1, 51, 200),
            ],
            &Names,
            Some(ago(100)),
            today(),
        );
        assert_eq!(since.received.referrals, 1);
    }
}
