//! The ranking of SCORING.md §4 (`ties suggest`): one [`Suggestion`] per contact from
//! its assessment, their total order, today's offered asks, and the `ties score`
//! report. Pure: std, serde and the domain types only.

use std::cmp::Ordering;

use chrono::NaiveDate;
use serde::Serialize;

use super::ask::{AskAction, AskStatus, Readiness};
use super::contact::Contact;
use super::ledger::Ledger;
use super::strength::{Band, Strength};

/// One row of `ties suggest --json` (DESIGN.md §3).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Suggestion {
    pub id: i64,
    pub name: String,
    pub strength: u8,
    pub band: Band,
    pub status: AskStatus,
    /// R rounded to a whole number.
    pub readiness: u8,
    pub action: Option<AskAction>,
    pub wait_until: Option<NaiveDate>,
    pub reasons: Vec<String>,
    /// R unrounded, for ranking.
    #[serde(skip)]
    pub readiness_exact: f64,
    #[serde(skip)]
    pub trigger_on: Option<NaiveDate>,
    /// True for the `ask_now` suggestions offered today (at most `asks_per_day`);
    /// set by [`rank`]. `ties suggest` without `--all` prints exactly these.
    #[serde(skip)]
    pub offered: bool,
}

impl Suggestion {
    pub fn new(contact: &Contact, s: &Strength, r: &Readiness) -> Self {
        Suggestion {
            id: contact.id,
            name: contact.name.clone(),
            strength: s.score,
            band: s.band,
            status: r.status,
            readiness: r.readiness.round().clamp(0.0, 100.0) as u8,
            action: r.action,
            wait_until: r.wait_until,
            reasons: r.reasons.clone(),
            readiness_exact: r.readiness,
            trigger_on: r.trigger_on,
            offered: false,
        }
    }

    /// [`Suggestion::new`] from a readiness no longer needed: its reasons move over
    /// instead of being copied.
    pub fn taking(contact: &Contact, s: &Strength, mut r: Readiness) -> Self {
        let mut reasons = std::mem::take(&mut r.reasons);
        reasons.shrink_to_fit();
        Suggestion {
            reasons,
            ..Suggestion::new(contact, s, &r)
        }
    }
}

fn status_order(s: AskStatus) -> u8 {
    match s {
        AskStatus::AskNow => 0,
        AskStatus::DoFirst => 1,
        AskStatus::WaitUntil => 2,
        AskStatus::WaitForMoment => 3,
        AskStatus::NotYet => 4,
        AskStatus::NotSuitable => 5,
    }
}

/// The ranking of SCORING.md §4: `ask_now` by R desc, S desc, newest trigger, name,
/// id; then the other statuses in order `do_first, wait_until, wait_for_moment,
/// not_yet, not_suitable`, each by R desc (then S desc, name, id, for a total order).
pub fn compare(a: &Suggestion, b: &Suggestion) -> Ordering {
    status_order(a.status)
        .cmp(&status_order(b.status))
        .then_with(|| b.readiness_exact.total_cmp(&a.readiness_exact))
        .then_with(|| b.strength.cmp(&a.strength))
        .then_with(|| {
            if a.status == AskStatus::AskNow {
                b.trigger_on.cmp(&a.trigger_on)
            } else {
                Ordering::Equal
            }
        })
        .then_with(|| a.name.cmp(&b.name))
        .then_with(|| a.id.cmp(&b.id))
}

/// Sorts by [`compare`] and offers the first `asks_per_day` `ask_now`, less the
/// `asked_today` asks already made today (an ask done never promotes another the same
/// day). The surplus keep status `ask_now` (they are ready) but are not offered, and
/// say so in a last reason. Ranking again after some suggestions changed gives the
/// same result as ranking fresh ones: the surplus reason is added once.
pub fn rank(suggestions: &mut [Suggestion], asks_per_day: usize, asked_today: usize) {
    suggestions.sort_by(compare);
    let surplus = format!("Today's {asks_per_day} asks are already offered: ask another day");
    let mut offered = asked_today;
    for s in suggestions
        .iter_mut()
        .filter(|s| s.status == AskStatus::AskNow)
    {
        let has = s.reasons.last() == Some(&surplus);
        if offered < asks_per_day {
            s.offered = true;
            offered += 1;
            if has {
                s.reasons.pop();
            }
        } else {
            s.offered = false;
            if !has {
                s.reasons.push(surplus.clone());
            }
        }
    }
}

/// `ties score --json` (DESIGN.md §3). Fractions are rounded to three decimals.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScoreReport {
    pub id: i64,
    pub name: String,
    pub strength: u8,
    pub band: Band,
    pub engagement: f64,
    pub duration: f64,
    pub services: f64,
    pub one_way_capped: bool,
    pub given: f64,
    pub received: f64,
    pub balance: f64,
}

impl ScoreReport {
    pub fn new(contact: &Contact, s: &Strength, l: &Ledger) -> Self {
        let r3 = |x: f64| (x * 1000.0).round() / 1000.0;
        ScoreReport {
            id: contact.id,
            name: contact.name.clone(),
            strength: s.score,
            band: s.band,
            engagement: r3(s.engagement),
            duration: r3(s.duration),
            services: r3(s.services),
            one_way_capped: s.one_way_capped,
            given: l.given,
            received: l.received,
            balance: l.balance,
        }
    }
}
