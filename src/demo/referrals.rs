//! Referral chains in the demo: referrers send people who later refer others, up to five
//! deep, with mixed qualities and statuses.

use chrono::NaiveDate;

use super::moments::pipeline_touches;
use super::{DemoData, DemoInteraction, DemoReferral, Gen, Layer};
use crate::domain::contact::Circle;
use crate::domain::interaction::{InteractionKind, NewInteraction, Reward};
use crate::domain::referral::{Quality, Status, StatusEvent};

/// Referral chains: a referrer sends someone, who later refers someone else, up to five deep.
pub(super) fn referrals(g: &mut Gen, data: &mut DemoData, layers: &[Layer]) {
    let n = data.contacts.len();
    if n < 3 {
        return;
    }
    let target = (n / 10).max(1);
    let mut made = 0;
    // Referrers come mostly from the closer layers.
    let warm: Vec<usize> = (0..n)
        .filter(|&i| layers[i] != Layer::Acquaintance)
        .collect();
    let pool = if warm.is_empty() {
        (0..n).collect::<Vec<_>>()
    } else {
        warm
    };
    let mut used_person = vec![false; n];
    while made < target {
        let mut referrer = *g.pick(&pool);
        let depth = 1 + match g.rng.u8(..10) {
            0..=5 => 0,
            6..=7 => 1,
            8 => 2,
            _ => g.rng.usize(3..5),
        };
        let mut start_age = g.rng.i64(1..900);
        for _ in 0..depth {
            if made >= target {
                break;
            }
            let person = g.rng.usize(..n);
            if person == referrer || used_person[person] {
                break;
            }
            used_person[person] = true;
            let given = g.chance(0.15);
            let r = one_referral(g, referrer, person, given, start_age);
            let won = r.history.last().is_some_and(|e| e.status == Status::Won);
            let today = g.today;
            let age_of = |d: NaiveDate| (today - d).num_days();
            let referred_age = age_of(r.referred_on);
            if !given {
                pipeline_touches(data, &r, data.referrals.len());
            }
            data.referrals.push(r);
            let ri = data.referrals.len() - 1;
            made += 1;
            if !given {
                // Thank most referrers promptly; leave some unthanked (the review shows them).
                if g.chance(if referred_age < 10 { 0.3 } else { 0.97 }) {
                    let a = (referred_age - g.rng.i64(0..3)).max(0);
                    let reward = *g.pick(&[Reward::Note, Reward::Call, Reward::Gift, Reward::Meal]);
                    data.interactions.push(DemoInteraction {
                        contact: referrer,
                        referral: Some(ri),
                        interaction: {
                            let mut x =
                                NewInteraction::new(0, g.days_ago(a), InteractionKind::Thanks);
                            x.reward = Some(reward);
                            x
                        },
                    });
                }
                // Keep referrers informed: after the last change, and within the month
                // while it is open; a few updates stay owed (the review shows them).
                let open = !data.referrals[ri]
                    .history
                    .last()
                    .is_some_and(|e| e.status.is_closed() || e.status == Status::Dormant);
                if g.chance(0.9) {
                    let last = data.referrals[ri]
                        .history
                        .last()
                        .map_or(g.today, |e| e.date);
                    let after = age_of(last) - g.rng.i64(0..5);
                    let a = if open {
                        after.min(g.rng.i64(0..28))
                    } else {
                        after
                    }
                    .max(0);
                    data.interactions.push(DemoInteraction {
                        contact: referrer,
                        referral: Some(ri),
                        interaction: {
                            let mut x =
                                NewInteraction::new(0, g.days_ago(a), InteractionKind::Update);
                            x.note = Some("Told them how it went".into());
                            x
                        },
                    });
                }
            }
            // Most won referrals earn a second thank-you, a reward, after the win.
            if won && !given && g.chance(0.8) {
                let won_on = data.referrals[ri]
                    .history
                    .last()
                    .map_or(g.today, |e| e.date);
                let a = (age_of(won_on) - g.rng.i64(0..7)).max(0);
                let reward = *g.pick(&[
                    Reward::Gift,
                    Reward::Meal,
                    Reward::Fee,
                    Reward::ReferralBack,
                ]);
                data.interactions.push(DemoInteraction {
                    contact: referrer,
                    referral: Some(ri),
                    interaction: {
                        let mut x = NewInteraction::new(0, g.days_ago(a), InteractionKind::Thanks);
                        x.reward = Some(reward);
                        x
                    },
                });
            }
            // The referred person, once won, becomes a client and may refer onwards.
            if won && !given {
                data.contacts[person].circle = Some(Circle::Client);
                referrer = person;
                start_age = (referred_age - g.rng.i64(20..120)).max(1);
            } else {
                break;
            }
        }
    }
}

fn one_referral(g: &mut Gen, other: usize, person: usize, given: bool, age: i64) -> DemoReferral {
    let referred_on = g.days_ago(age);
    let quality = *g.pick(&[
        Quality::NameOnly,
        Quality::Permission,
        Quality::Permission,
        Quality::WarmHandoff,
        Quality::WarmHandoff,
        Quality::EmailIntro,
        Quality::ThreeWayMeeting,
    ]);
    let mut history = vec![StatusEvent {
        status: Status::New,
        date: referred_on,
    }];
    let mut day = age;
    // Warmer introductions convert better (the claim `ties stats` lets a user test):
    // from about one in six for a bare name to over half for a three-way meeting; the
    // rest are lost, go quiet, or are still in the pipeline.
    let wins = match quality {
        Quality::NameOnly => 0.15,
        Quality::Permission => 0.25,
        Quality::WarmHandoff => 0.4,
        Quality::EmailIntro => 0.45,
        Quality::ThreeWayMeeting => 0.6,
    };
    let roll = g.rng.f64();
    let bucket = if roll < wins {
        0
    } else if roll < wins + 0.25 {
        3
    } else if roll < wins + 0.35 {
        5
    } else {
        9
    };
    let (path, steps): (&[Status], usize) = match bucket {
        0..=2 => (
            &[
                Status::Contacted,
                Status::Met,
                Status::Proposal,
                Status::Won,
            ],
            4,
        ),
        3..=4 => (&[Status::Contacted, Status::Met, Status::Lost], 3),
        5 => (&[Status::Contacted, Status::Dormant], 2),
        _ => (
            &[Status::Contacted, Status::Met, Status::Proposal],
            g.rng.usize(0..4),
        ),
    };
    // Young referrals have not got far yet.
    let steps = if age < 45 {
        steps.min(g.rng.usize(0..3))
    } else {
        steps
    };
    let mut value = None;
    let mut reason = None;
    for &s in path.iter().take(steps) {
        let gap = g.rng.i64(2..20);
        if day - gap < 0 {
            break;
        }
        day -= gap;
        history.push(StatusEvent {
            status: s,
            date: g.days_ago(day),
        });
        match s {
            Status::Won => {
                value = Some(1000.0 * g.rng.u32(1..25) as f64);
                break;
            }
            Status::Lost => {
                reason = Some(
                    (*g.pick(&[
                        "went with a cheaper quote",
                        "project postponed",
                        "no budget this year",
                    ]))
                    .to_string(),
                );
                break;
            }
            _ => {}
        }
    }
    // Keeping up means closing what went quiet: an old open referral is dormant.
    let open = history
        .last()
        .is_some_and(|e| !e.status.is_closed() && e.status != Status::Dormant);
    if open && age > 300 {
        let quiet = (day - g.rng.i64(60..120)).max(1);
        history.push(StatusEvent {
            status: Status::Dormant,
            date: g.days_ago(quiet),
        });
    }
    DemoReferral {
        referrer: (!given).then_some(other),
        person,
        recipient: given.then_some(other),
        quality,
        referred_on,
        history,
        value,
        reason,
    }
}
