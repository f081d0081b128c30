//! Today's moments in the demo: one of each review item, fresh.

use chrono::Duration;

use super::{DemoData, DemoInteraction, DemoReferral, Gen, Layer};
use crate::domain::contact::Circle;
use crate::domain::interaction::{InteractionKind, NewInteraction, Reward};
use crate::domain::referral::{Quality, Status, StatusEvent};

/// Today's moments, so every kind of review item shows: a referrer who just sent
/// someone (thank them, follow up), whose earlier referral was just won (thank again
/// with a reward) and who has sent more than you gave back (give back); and one loop
/// left open on a referral lost long ago (stale: let it go).
pub(super) fn moments(g: &mut Gen, data: &mut DemoData, layers: &[Layer]) {
    let n = data.contacts.len();
    let referred: Vec<bool> = (0..n)
        .map(|i| data.referrals.iter().any(|r| r.person == i))
        .collect();
    let warm = (0..n).filter(|&i| layers[i] != Layer::Acquaintance && !referred[i]);
    let free: Vec<usize> = (0..n)
        .filter(|&i| !referred[i] && layers[i] == Layer::Acquaintance)
        .collect();
    let (Some(referrer), Some(other)) = (warm.clone().next(), warm.clone().nth(1)) else {
        return;
    };
    let [won, fresh, lost] = match free.as_slice() {
        [a, b, c, ..] => [*a, *b, *c],
        _ => return,
    };
    let ev = |status, age: i64| StatusEvent {
        status,
        date: g.days_ago(age),
    };
    let add = |data: &mut DemoData, r: DemoReferral, thanked: Option<i64>, told: Option<i64>| {
        let ri = data.referrals.len();
        pipeline_touches(data, &r, ri);
        let by = r.referrer.unwrap_or(0);
        for (age, kind) in [
            (thanked, InteractionKind::Thanks),
            (told, InteractionKind::Update),
        ] {
            if let Some(a) = age {
                let mut x = NewInteraction::new(0, g.today - Duration::days(a), kind);
                if kind == InteractionKind::Thanks {
                    x.reward = Some(Reward::Note);
                }
                data.interactions.push(DemoInteraction {
                    contact: by,
                    referral: Some(ri),
                    interaction: x,
                });
            }
        }
        data.referrals.push(r);
    };
    let base = |person: usize, by: usize, quality, history: Vec<StatusEvent>| DemoReferral {
        referrer: Some(by),
        person,
        recipient: None,
        quality,
        referred_on: history[0].date,
        history,
        value: None,
        reason: None,
    };
    let mut r = base(
        won,
        referrer,
        Quality::WarmHandoff,
        vec![
            ev(Status::New, 45),
            ev(Status::Contacted, 40),
            ev(Status::Met, 30),
            ev(Status::Won, 6),
        ],
    );
    r.value = Some(8000.0);
    add(data, r, Some(43), Some(5));
    data.contacts[won].circle = Some(Circle::Client);
    let r = base(
        fresh,
        referrer,
        Quality::EmailIntro,
        vec![ev(Status::New, 3)],
    );
    add(data, r, None, None);
    let mut r = base(
        lost,
        other,
        Quality::Permission,
        vec![
            ev(Status::New, 260),
            ev(Status::Contacted, 250),
            ev(Status::Lost, 240),
        ],
    );
    r.reason = Some("project postponed".into());
    add(data, r, Some(258), None);
}

/// The pipeline is contact: each step of a received referral (index `ri` once pushed)
/// is a touch with the person, as `ties referral status` records it.
pub(super) fn pipeline_touches(data: &mut DemoData, r: &DemoReferral, ri: usize) {
    for e in &r.history {
        if let Some((kind, direction)) = e.status.pipeline_touch() {
            let mut x = NewInteraction::new(0, e.date, kind);
            x.direction = direction;
            data.interactions.push(DemoInteraction {
                contact: r.person,
                referral: Some(ri),
                interaction: x,
            });
        }
    }
}
