//! The items each referral raises: thank the referrer (and reward a win), keep them
//! informed of its news, and follow up while it is open.

use chrono::{Days, NaiveDate};

use super::{
    AgendaInput, AgendaKind, Builder, ById, FIRST_FOLLOW_UP_DAYS, FOLLOW_UP_DAYS, INFORM_DAYS,
    Words, span, time_ago,
};
use crate::domain::date::days_between;
use crate::domain::history::{NameLookup, days_ago};
use crate::domain::interaction::{Interaction, InteractionKind};
use crate::domain::referral::{Referral, Status};

/// The day a referral was won: the last `won` event, else its last change.
pub fn won_on(r: &Referral) -> Option<NaiveDate> {
    (r.status == Status::Won).then(|| {
        r.history
            .iter()
            .rev()
            .find(|e| e.status == Status::Won)
            .map_or_else(|| r.last_change(), |e| e.date)
    })
}

/// The newest status change after the initial `new`, as (status, date).
fn newest_change(r: &Referral) -> Option<(Status, NaiveDate)> {
    // A step back along the pipeline (met → contacted, back to new) corrects the record;
    // it is not news for the referrer.
    let rank = |s: Status| match s {
        Status::New => Some(0),
        Status::Contacted => Some(1),
        Status::Met => Some(2),
        Status::Proposal => Some(3),
        _ => None,
    };
    match r.history.len() {
        0 => (r.status != Status::New).then_some((r.status, r.referred_on)),
        1 => None,
        n => {
            let (before, last) = (&r.history[n - 2], &r.history[n - 1]);
            match (rank(before.status), rank(last.status)) {
                (Some(b), Some(l)) if l < b => None,
                _ => Some((last.status, last.date)),
            }
        }
    }
}

/// Dates of a contact's interactions (of `kind`, or any kind) linked to `referral_id`, up to today.
fn linked(
    interactions: &[Interaction],
    kind: Option<InteractionKind>,
    referral_id: i64,
    today: NaiveDate,
) -> impl Iterator<Item = NaiveDate> + '_ {
    interactions
        .iter()
        .filter(move |i| {
            kind.is_none_or(|k| i.kind == k)
                && i.referral_id == Some(referral_id)
                && i.occurred_on <= today
        })
        .map(|i| i.occurred_on)
}

/// Thank, inform and follow-up items for every referral made by `input.today`. Their
/// words are made only when the builder asks for them (see `Words`).
pub(super) fn items(b: &mut Builder<'_>, input: &AgendaInput<'_>, names: &ById<'_>) {
    let today = input.today;
    let age = |d: NaiveDate| days_between(d, today);
    for r in input.referrals.iter().filter(|r| r.referred_on <= today) {
        if let Words::Only(ids) = b.words
            && !ids.contains(&r.id)
        {
            continue;
        }
        let worth = r.value.unwrap_or(0.0);
        // Names are looked up only when an item is worded.
        let person = || names.name_or_id(r.person_id);
        if let Some(by) = r.referrer_id {
            let referrer = || names.name_or_id(by);
            let rix = &*input.interactions.get(by);
            let thanks: Option<NaiveDate> =
                linked(rix, Some(InteractionKind::Thanks), r.id, today).max();
            let update: Option<NaiveDate> =
                linked(rix, Some(InteractionKind::Update), r.id, today).max();
            let won = won_on(r).filter(|&w| w <= today);
            if let Some(w) = won.filter(|&w| thanks.is_none_or(|t| t < w)) {
                let again = if thanks.is_some() { " again" } else { "" };
                b.push(
                    format!("reward:r{}", r.id),
                    AgendaKind::Thank,
                    by,
                    Some(r.id),
                    w,
                    || {
                        let (person, referrer) = (person(), referrer());
                        (
                            format!(
                                "{person} signed (won {w}); thank {referrer}{again} with a reward"
                            ),
                            format!(
                                "Thank {referrer}{again} — {person} signed ({})",
                                time_ago(age(w))
                            ),
                        )
                    },
                    worth,
                );
            } else if thanks.is_none() {
                b.push(
                    format!("thank:r{}", r.id),
                    AgendaKind::Thank,
                    by,
                    Some(r.id),
                    r.referred_on,
                    || {
                        let (person, referrer) = (person(), referrer());
                        (
                            format!(
                                "{referrer} referred {person} to you {}; thank {referrer}",
                                days_ago(age(r.referred_on))
                            ),
                            format!(
                                "Thank {referrer} — referred {person} {}",
                                time_ago(age(r.referred_on))
                            ),
                        )
                    },
                    worth,
                );
            }
            let change =
                newest_change(r).filter(|&(_, d)| d <= today && update.is_none_or(|u| u < d));
            if let Some((status, d)) = change {
                b.push(
                    format!("inform:r{}", r.id),
                    AgendaKind::Inform,
                    by,
                    Some(r.id),
                    d,
                    || {
                        let (person, referrer) = (person(), referrer());
                        let what = match status {
                            Status::Won => format!("{person} signed (won {d})"),
                            Status::Lost => match r.reason.as_deref() {
                                Some(why) => {
                                    format!("{person} did not go ahead (lost {d}: {why})")
                                }
                                None => format!("{person} did not go ahead (lost {d})"),
                            },
                            Status::Dormant => format!("{person} went quiet (dormant since {d})"),
                            Status::Met => format!("{person} met you (on {d})"),
                            Status::Proposal => format!("{person} has your proposal (since {d})"),
                            other => format!("{person} is now {} (since {d})", other.as_str()),
                        };
                        (
                            format!("{what}; tell {referrer}"),
                            format!("Tell {referrer} — {what}"),
                        )
                    },
                    worth,
                );
            } else if !r.status.is_closed() && r.status != Status::Dormant {
                let base = update.map_or(r.referred_on, |u| u.max(r.referred_on));
                if age(base) >= INFORM_DAYS {
                    b.push(
                        format!("inform:r{}", r.id),
                        AgendaKind::Inform,
                        by,
                        Some(r.id),
                        base + Days::new(INFORM_DAYS as u64),
                        || {
                            let (person, referrer) = (person(), referrer());
                            match update {
                                Some(u) => (
                                    format!(
                                        "Last told {referrer} about {person} {}; send an update",
                                        days_ago(age(u))
                                    ),
                                    format!(
                                        "Update {referrer} — last told about {person} {}",
                                        time_ago(age(u))
                                    ),
                                ),
                                None => (
                                    format!(
                                        "{referrer} has heard nothing about {person} in {} days; send an update",
                                        age(base)
                                    ),
                                    format!(
                                        "Update {referrer} — nothing heard about {person} for {}",
                                        span(age(base))
                                    ),
                                ),
                            }
                        },
                        worth,
                    );
                }
            }
            if !r.status.is_closed() && r.status != Status::Dormant {
                let pix = input.interactions.get(r.person_id);
                let touched = pix
                    .iter()
                    .filter(|i| i.occurred_on >= r.referred_on && i.occurred_on <= today)
                    .map(|i| i.occurred_on)
                    .max();
                if r.status == Status::New && touched.is_none() {
                    if age(r.referred_on) >= FIRST_FOLLOW_UP_DAYS {
                        let due = r.referred_on + Days::new(FIRST_FOLLOW_UP_DAYS as u64);
                        b.push(
                            format!("follow_up:r{}", r.id),
                            AgendaKind::FollowUp,
                            r.person_id,
                            Some(r.id),
                            due,
                            || {
                                let (person, referrer) = (person(), referrer());
                                (
                                    format!(
                                        "{referrer} referred {person} {} and you have not reached out; contact {person}",
                                        days_ago(age(r.referred_on))
                                    ),
                                    format!(
                                        "Contact {person} — referred by {referrer} {}, not reached yet",
                                        time_ago(age(r.referred_on))
                                    ),
                                )
                            },
                            worth,
                        );
                    }
                } else {
                    let base = [Some(r.referred_on), Some(r.last_change()), touched]
                        .into_iter()
                        .flatten()
                        .max()
                        .unwrap_or(r.referred_on);
                    if age(base) >= FOLLOW_UP_DAYS {
                        b.push(
                            format!("follow_up:r{}", r.id),
                            AgendaKind::FollowUp,
                            r.person_id,
                            Some(r.id),
                            base + Days::new(FOLLOW_UP_DAYS as u64),
                            || {
                                let (person, referrer) = (person(), referrer());
                                (
                                    format!(
                                        "Nothing with {person} for {} days ({}, referred by {referrer}); follow up",
                                        age(base),
                                        r.status.as_str()
                                    ),
                                    format!(
                                        "Follow up with {person} — nothing for {} ({}, from {referrer})",
                                        span(age(base)),
                                        r.status.as_str()
                                    ),
                                )
                            },
                            worth,
                        );
                    }
                }
            }
        } else if let Some(to) = r.recipient_id
            && !r.status.is_closed()
            && r.status != Status::Dormant
        {
            let recipient = || names.name_or_id(to);
            let asked = linked(&input.interactions.get(to), None, r.id, today).max();
            let base = asked.map_or(r.last_change(), |a| a.max(r.last_change()));
            if age(base) >= FOLLOW_UP_DAYS {
                b.push(
                    format!("follow_up:r{}", r.id),
                    AgendaKind::FollowUp,
                    to,
                    Some(r.id),
                    base + Days::new(FOLLOW_UP_DAYS as u64),
                    || {
                        let (person, recipient) = (person(), recipient());
                        (
                            format!(
                                "You referred {person} to {recipient} {}; no news for {} days: did they connect?",
                                days_ago(age(r.referred_on)),
                                age(base)
                            ),
                            format!(
                                "Ask {recipient} about {person} — no news for {} since your referral",
                                span(age(base))
                            ),
                        )
                    },
                    worth,
                );
            }
        }
    }
}
