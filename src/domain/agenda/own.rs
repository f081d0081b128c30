//! The items a contact's own history raises: over-deliver after a job, give back after
//! referrals received, keep in touch past the cadence.

use chrono::{Days, NaiveDate};

use super::{AgendaItem, AgendaKind, OVER_DELIVER_DAYS, STALE_CADENCES, stale_by_age, time_ago};
use crate::domain::ask::Assessment;
use crate::domain::contact::Contact;
use crate::domain::date::days_between;
use crate::domain::history::{days_ago, plural};
use crate::domain::interaction::{Interaction, InteractionKind};
use crate::domain::params::{CadenceDefaults, ScoringParams};
use crate::domain::referral::Referral;

/// The items a contact's own history raises, before snoozes: over-deliver after a job,
/// give back after referrals received, keep in touch past the cadence. None for an
/// archived contact. `a` is the contact's assessment, `ix` its interactions, `refs` the
/// referrals it refers or receives.
pub fn contact_items(
    c: &Contact,
    a: &Assessment,
    ix: &[Interaction],
    refs: &[&Referral],
    cadence: &CadenceDefaults,
    p: &ScoringParams,
    today: NaiveDate,
) -> Vec<AgendaItem> {
    let mut items = Vec::new();
    if c.archived_on.is_some() {
        return items;
    }
    let age = |d: NaiveDate| days_between(d, today);
    // Every item here is the contact's own, about no referral.
    let mut push =
        |key: String, kind: AgendaKind, due: NaiveDate, reason: (String, String), weight: f64| {
            let mut item = AgendaItem::new(key, kind, (c.id, &c.name), None, due, reason);
            item.weight = weight;
            item.stale = stale_by_age(kind, item.late(today));
            items.push(item);
        };
    let gives = ix
        .iter()
        .filter(|i| {
            matches!(i.kind, InteractionKind::Gift | InteractionKind::Extra)
                && i.occurred_on <= today
        })
        .map(|i| i.occurred_on)
        .chain(
            refs.iter()
                .filter(|r| r.recipient_id == Some(c.id) && r.referred_on <= today)
                .map(|r| r.referred_on),
        )
        .max();
    // over_deliver: the newest job within the window with nothing extra on or after it.
    let job = ix
        .iter()
        .filter(|i| i.kind == InteractionKind::Job && i.occurred_on <= today)
        .max_by_key(|i| (i.occurred_on, i.id));
    if let Some(job) = job.filter(|j| {
        age(j.occurred_on) <= OVER_DELIVER_DAYS && gives.is_none_or(|g| g < j.occurred_on)
    }) {
        let what = job
            .label
            .as_deref()
            .map_or_else(|| "a job".to_string(), |l| format!("the {l}"));
        let reason = format!(
            "Delivered {what} {}; nothing extra since: over-deliver",
            days_ago(age(job.occurred_on))
        );
        push(
            format!("over_deliver:i{}", job.id),
            AgendaKind::OverDeliver,
            job.occurred_on,
            (
                reason,
                format!(
                    "Over-deliver for {} — delivered {what} {}",
                    c.name,
                    time_ago(age(job.occurred_on))
                ),
            ),
            0.0,
        );
    }
    // give_back: a lifetime deficit, and nothing given since their latest referral.
    if a.ledger.deficit >= p.ask.deficit_min {
        let latest = refs
            .iter()
            .filter(|r| r.referrer_id == Some(c.id) && r.referred_on <= today)
            .map(|r| r.referred_on)
            .max();
        if let Some(latest) = latest.filter(|&l| gives.is_none_or(|g| g < l)) {
            let reason = format!(
                "{} has sent you {}; you sent back {}: give back",
                c.name,
                plural(a.ledger.lifetime_received, "referral", "referrals"),
                a.ledger.lifetime_given
            );
            push(
                format!("give_back:c{}", c.id),
                AgendaKind::GiveBack,
                latest,
                (
                    reason,
                    format!(
                        "Give back to {} — sent you {}, you sent {}",
                        c.name,
                        plural(a.ledger.lifetime_received, "referral", "referrals"),
                        a.ledger.lifetime_given
                    ),
                ),
                a.ledger.deficit as f64,
            );
        }
    }
    // keep_in_touch: the last live touch (or the day they were added) is older than the cadence.
    if let Some(cadence) = c.cadence_days.or_else(|| cadence.for_circle(c.circle)) {
        let last_live = a
            .strength
            .last_live
            .map(|(d, _)| today - Days::new(u64::from(d)));
        let base = last_live.unwrap_or(c.created_on);
        if age(base) > i64::from(cadence) {
            let since = match last_live {
                Some(d) => format!("Last real conversation {}", days_ago(age(d))),
                None => format!(
                    "No real conversation since you added them {}",
                    days_ago(age(base))
                ),
            };
            let reason = format!("{since}; you keep in touch every {cadence} days");
            let summary = match last_live {
                Some(d) => format!(
                    "Catch up with {} — last real conversation {}",
                    c.name,
                    time_ago(age(d))
                ),
                None => format!(
                    "Catch up with {} — nothing real since you added them {}",
                    c.name,
                    time_ago(age(base))
                ),
            };
            push(
                format!("keep_in_touch:c{}", c.id),
                AgendaKind::KeepInTouch,
                base + Days::new(u64::from(cadence)),
                (reason, summary),
                f64::from(a.strength.score),
            );
            if let Some(item) = items.last_mut() {
                item.stale = age(base) > STALE_CADENCES * i64::from(cadence);
            }
        }
    }
    items
}
