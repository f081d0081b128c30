//! Deterministic demo data: realistic people, touches and referral chains from a seed
//! and a date. Pure (no I/O, no clock); `store::Store::fill_demo` writes it.
//!
//! The shape follows Dunbar's layers: a handful of inner-circle people touched weekly,
//! more close and active ones, and many acquaintances seen a few times a year. Clients
//! get jobs followed by praise; referrals form chains up to five deep with mixed
//! qualities and statuses, some unthanked and some with updates owed, so every pane and
//! every kind of review item has something to show.

use chrono::{Datelike, Duration, NaiveDate};

use crate::domain::contact::{Circle, Field, FieldKind, NewContact};
use crate::domain::interaction::{Channel, Direction, InteractionKind, NewInteraction};
use crate::domain::referral::{Quality, StatusEvent};

mod moments;
mod referrals;

use self::moments::moments;
use self::referrals::referrals;

const FIRST: &str = include_str!("../../assets/demo/first_names.txt");
const LAST: &str = include_str!("../../assets/demo/last_names.txt");
const TRADES: &str = include_str!("../../assets/demo/trades.txt");

/// An interaction of the demo, by contact (and referral) index.
#[derive(Debug, Clone, PartialEq)]
pub struct DemoInteraction {
    pub contact: usize,
    pub referral: Option<usize>,
    /// `contact_id` and `referral_id` are filled in by the store.
    pub interaction: NewInteraction,
}

/// A referral of the demo, by contact index; exactly one of referrer / recipient is set.
#[derive(Debug, Clone, PartialEq)]
pub struct DemoReferral {
    pub referrer: Option<usize>,
    pub person: usize,
    pub recipient: Option<usize>,
    pub quality: Quality,
    pub referred_on: NaiveDate,
    /// Oldest first, starting with `new` on `referred_on`; the last is the status.
    pub history: Vec<StatusEvent>,
    pub value: Option<f64>,
    pub reason: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct DemoData {
    pub contacts: Vec<NewContact>,
    pub interactions: Vec<DemoInteraction>,
    pub referrals: Vec<DemoReferral>,
}

/// The relationship layer a demo contact lives in: how often you touch.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Layer {
    Inner,
    Close,
    Active,
    Acquaintance,
}

struct Gen {
    rng: fastrand::Rng,
    today: NaiveDate,
    first: Vec<&'static str>,
    last: Vec<&'static str>,
    trades: Vec<(&'static str, &'static str, &'static str)>,
}

impl Gen {
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.rng.usize(..items.len())]
    }

    fn days_ago(&self, n: i64) -> NaiveDate {
        self.today - Duration::days(n.max(0))
    }

    fn chance(&mut self, p: f64) -> bool {
        self.rng.f64() < p
    }
}

/// Generates `n` contacts with their history, deterministically from `seed` and `today`.
pub fn generate(n: usize, seed: u64, today: NaiveDate) -> DemoData {
    let mut g = Gen {
        rng: fastrand::Rng::with_seed(seed),
        today,
        first: FIRST.lines().filter(|l| !l.trim().is_empty()).collect(),
        last: LAST.lines().filter(|l| !l.trim().is_empty()).collect(),
        trades: TRADES
            .lines()
            .filter_map(|l| {
                let mut p = l.split('|');
                Some((p.next()?, p.next()?, p.next()?))
            })
            .collect(),
    };
    let mut data = DemoData::default();
    let mut layers = Vec::with_capacity(n);
    let mut jobs: Vec<Option<&'static str>> = Vec::with_capacity(n);
    for i in 0..n {
        let layer = match g.rng.f64() {
            x if x < 0.02 => Layer::Inner,
            x if x < 0.08 => Layer::Close,
            x if x < 0.25 => Layer::Active,
            _ => Layer::Acquaintance,
        };
        let (contact, job) = contact(&mut g, i, layer);
        layers.push(layer);
        jobs.push(job);
        data.contacts.push(contact);
    }
    for i in 0..n {
        history(&mut g, &mut data, i, layers[i], jobs[i]);
    }
    referrals(&mut g, &mut data, &layers);
    moments(&mut g, &mut data, &layers);
    keep_up(&mut g, &mut data);
    // Someone's birthday is coming up, so the review shows an occasion.
    if let Some(c) = data.contacts.get_mut(3) {
        let soon = g.today + chrono::Days::new(2);
        c.fields.retain(|f| f.kind != FieldKind::Birthday);
        c.fields.push(Field {
            kind: FieldKind::Birthday,
            label: None,
            value: format!("{}-{:02}-{:02}", soon.year() - 41, soon.month(), soon.day()),
        });
    }
    data
}

/// The default keep-in-touch cadence of a circle (`[cadence]` in config.example.toml).
fn default_cadence(c: Option<Circle>) -> Option<i64> {
    match c? {
        Circle::Client => Some(60),
        Circle::Prospect => Some(14),
        Circle::Partner | Circle::Friend | Circle::Family => Some(30),
        Circle::Other => None,
    }
}

/// The demo's user mostly keeps up: most contacts with a cadence were reached within
/// it; a few are a little late, and a very few have slipped for a long time.
fn keep_up(g: &mut Gen, data: &mut DemoData) {
    let today = g.today;
    let mut last_live: Vec<Option<NaiveDate>> = vec![None; data.contacts.len()];
    for x in &data.interactions {
        let i = &x.interaction;
        let live = matches!(
            i.kind,
            InteractionKind::Meeting | InteractionKind::Call | InteractionKind::Message
        );
        if live && i.occurred_on <= today {
            let slot = &mut last_live[x.contact];
            *slot = (*slot).max(Some(i.occurred_on));
        }
    }
    for (ci, last) in last_live.into_iter().enumerate() {
        let c = &data.contacts[ci];
        let Some(cadence) = c
            .cadence_days
            .map(i64::from)
            .or_else(|| default_cadence(c.circle))
        else {
            continue;
        };
        let age = last.map_or(i64::MAX, |d| (today - d).num_days());
        if age <= cadence {
            continue;
        }
        let roll = g.rng.f64();
        let ago = if roll < 0.85 {
            g.rng.i64(0..cadence)
        } else if roll < 0.97 {
            cadence + g.rng.i64(1..cadence.max(2))
        } else {
            continue;
        };
        let kind = *g.pick(&[
            InteractionKind::Call,
            InteractionKind::Meeting,
            InteractionKind::Message,
        ]);
        push(data, ci, g.days_ago(ago), kind, |x| {
            if kind == InteractionKind::Message {
                x.direction = Some(Direction::Both);
            }
        });
    }
}

fn contact(g: &mut Gen, i: usize, layer: Layer) -> (NewContact, Option<&'static str>) {
    // A bijection of 0..F·L (multiplier coprime to it) spreads unique first/last pairs;
    // past every combination a number keeps names unique.
    let (nf, nl) = (g.first.len(), g.last.len());
    let combos = nf * nl;
    let j = (i % combos) * 1237 % combos;
    let (first, last) = (g.first[j % nf], g.last[j / nf]);
    let name = if i < combos {
        format!("{first} {last}")
    } else {
        format!("{first} {last} {}", i / combos + 1)
    };
    let (trade_co, trade_tag, job) = g.trades[g.rng.usize(..g.trades.len())];
    // Circles follow closeness: friends and family inside, clients and partners around
    // them, and mostly "other" among acquaintances (who have no default cadence).
    let circle = match (layer, g.rng.u8(..10)) {
        (Layer::Inner, 0..=3) => Circle::Friend,
        (Layer::Inner, 4..=5) => Circle::Family,
        (Layer::Inner, 6..=7) | (Layer::Close | Layer::Active, 0..=4) => Circle::Client,
        (Layer::Close | Layer::Active, 5..=7) => Circle::Partner,
        (Layer::Close, _) => Circle::Friend,
        (Layer::Active, 8) => Circle::Prospect,
        (Layer::Acquaintance, 0) => Circle::Client,
        (Layer::Acquaintance, 1) => Circle::Prospect,
        _ => Circle::Other,
    };
    let slug = format!(
        "{}.{}",
        first.to_lowercase(),
        last.to_lowercase().replace('\'', "")
    );
    let mut fields = vec![Field {
        kind: FieldKind::Email,
        label: Some("work".into()),
        value: format!("{slug}{i}@example.com"),
    }];
    if g.chance(0.6) {
        fields.push(Field {
            kind: FieldKind::Phone,
            label: Some("mobile".into()),
            value: format!("+1 555 {:04}", g.rng.u32(0..10_000)),
        });
    }
    if g.chance(0.35) {
        let (month, day) = (g.rng.u32(1..13), g.rng.u32(1..29));
        let year = g.today.year() - g.rng.i32(22..70);
        fields.push(Field {
            kind: FieldKind::Birthday,
            label: None,
            value: if g.chance(0.7) {
                format!("{year:04}-{month:02}-{day:02}")
            } else {
                format!("--{month:02}-{day:02}")
            },
        });
    }
    let mut tags = vec![trade_tag.to_string()];
    if g.chance(0.3) {
        tags.push((*g.pick(&["bni", "neighbour", "alumni", "conference", "gym"])).to_string());
    }
    let how_met = *g.pick(&[
        "BNI chapter",
        "a neighbour's party",
        "LinkedIn",
        "a client's referral",
        "the school run",
        "a trade fair",
        "university",
    ]);
    let c = NewContact {
        uid: Some(format!("demo-{i:06}")),
        name,
        company: g.chance(0.7).then(|| format!("{last} {trade_co}")),
        title: g.chance(0.4).then(|| {
            (*g.pick(&["Owner", "Director", "Partner", "Founder", "Manager"])).to_string()
        }),
        circle: Some(circle),
        tags,
        fields,
        how_met: Some(how_met.to_string()),
        notes: g
            .chance(0.2)
            .then(|| "Prefers a call to email.".to_string()),
        cadence_days: (layer == Layer::Inner && g.chance(0.5)).then_some(14),
        do_not_ask: g.chance(0.03),
        closeness: (layer == Layer::Inner && g.chance(0.5)).then_some(5),
        ..NewContact::default()
    };
    (c, Some(job))
}

fn push(
    data: &mut DemoData,
    contact: usize,
    on: NaiveDate,
    kind: InteractionKind,
    f: impl FnOnce(&mut NewInteraction),
) {
    let mut i = NewInteraction::new(0, on, kind);
    f(&mut i);
    data.interactions.push(DemoInteraction {
        contact,
        referral: None,
        interaction: i,
    });
}

/// A contact's touches: a cadence by layer over up to three years, jobs and praise for clients.
fn history(g: &mut Gen, data: &mut DemoData, i: usize, layer: Layer, job: Option<&'static str>) {
    let (gap, count) = match layer {
        Layer::Inner => (5 + g.rng.i64(0..6), 70 + g.rng.usize(0..30)),
        Layer::Close => (18 + g.rng.i64(0..12), 40 + g.rng.usize(0..15)),
        Layer::Active => (35 + g.rng.i64(0..25), 22 + g.rng.usize(0..10)),
        Layer::Acquaintance => (55 + g.rng.i64(0..55), 15 + g.rng.usize(0..12)),
    };
    // The most recent touch: recent for close layers, anywhere in the last year otherwise.
    let mut age = match layer {
        Layer::Inner => g.rng.i64(0..10),
        Layer::Close => g.rng.i64(0..40),
        Layer::Active => g.rng.i64(0..120),
        Layer::Acquaintance => g.rng.i64(0..500),
    };
    let is_client = data.contacts[i].circle == Some(Circle::Client);
    for n in 0..count {
        if age > 3 * 365 {
            break;
        }
        let on = g.days_ago(age);
        let kind = match g.rng.u8(..20) {
            0..=5 => InteractionKind::Message,
            6..=10 => InteractionKind::Call,
            11..=15 => InteractionKind::Meeting,
            16 if is_client => InteractionKind::Job,
            17 => InteractionKind::Gift,
            18 => InteractionKind::Extra,
            _ => InteractionKind::Message,
        };
        let dir = match g.rng.u8(..4) {
            0 => Direction::In,
            1 => Direction::Out,
            _ => Direction::Both,
        };
        push(data, i, on, kind, |x| {
            if kind == InteractionKind::Message {
                x.direction = Some(dir);
            }
            if kind == InteractionKind::Job {
                x.label = job.map(str::to_string);
                x.amount = Some(500.0 * (1 + (n % 7)) as f64);
            }
            if kind == InteractionKind::Meeting && n % 3 == 0 {
                x.label = Some("coffee".into());
            }
        });
        // Praise usually follows a job within days.
        if kind == InteractionKind::Job && g.chance(0.7) {
            let later = age - g.rng.i64(1..6);
            if later >= 0 {
                push(data, i, g.days_ago(later), InteractionKind::Praise, |x| {
                    x.label = job.map(str::to_string)
                });
            }
        }
        age += (gap as f64 * (0.6 + 0.8 * g.rng.f64())) as i64;
    }
    // A recent job for some clients, so over-deliver and ask-now moments exist today.
    if is_client && g.chance(0.08) {
        let a = g.rng.i64(2..25);
        push(data, i, g.days_ago(a), InteractionKind::Job, |x| {
            x.label = job.map(str::to_string)
        });
        if g.chance(0.6) {
            let back = g.rng.i64(0..a.min(3) + 1);
            let praised = g.days_ago(a - back);
            push(data, i, praised, InteractionKind::Praise, |x| {
                x.label = job.map(str::to_string)
            });
        }
    }
    if g.chance(0.04) {
        let a = g.rng.i64(30..400);
        push(data, i, g.days_ago(a), InteractionKind::Ask, |x| {
            x.channel = Some(Channel::InPerson)
        });
    }
    if g.chance(0.01) {
        let ago = g.rng.i64(5..90);
        let on = g.days_ago(ago);
        push(data, i, on, InteractionKind::Complaint, |x| {
            x.note = Some("Invoice came late".into())
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::referral::Status;

    #[test]
    fn deterministic_and_realistic() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 24).unwrap();
        let a = generate(500, 1, today);
        let b = generate(500, 1, today);
        assert_eq!(a, b, "same seed, same data");
        assert_ne!(a, generate(500, 2, today), "another seed, other data");
        assert_eq!(a.contacts.len(), 500);
        let per_contact = a.interactions.len() as f64 / 500.0;
        assert!(
            (12.0..30.0).contains(&per_contact),
            "{per_contact} interactions per contact"
        );
        let refs = a.referrals.len();
        assert!((40..=60).contains(&refs), "{refs} referrals");
        assert!(
            a.interactions
                .iter()
                .all(|i| i.interaction.occurred_on <= today)
        );
        assert!(
            a.referrals
                .iter()
                .all(|r| r.referrer.is_some() != r.recipient.is_some())
        );
        assert!(
            a.referrals
                .iter()
                .all(|r| r.history.windows(2).all(|w| w[0].date <= w[1].date))
        );
        let won = a
            .referrals
            .iter()
            .filter(|r| r.history.last().is_some_and(|e| e.status == Status::Won))
            .count();
        assert!(won > 0 && won < refs);
        let names: std::collections::HashSet<&str> =
            a.contacts.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names.len(), 500, "names are unique");
    }
}
