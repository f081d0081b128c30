//! The detail side of the Contacts pane for one contact: fields, strength with its
//! breakdown, reciprocity, ask readiness, open referrals and the timeline. Computed
//! when the selection or the data changes, never per frame.
//!
//! Pure: may import `domain`, `config` and the app's data.

use chrono::NaiveDate;

use super::data::Data;
use crate::config::Config;
use crate::domain::contact::FieldKind;

#[derive(Debug, Clone, PartialEq)]
pub struct Detail {
    pub id: i64,
    pub name: String,
    /// "Title · Company · circle".
    pub headline: String,
    /// (label, value) pairs: emails, phones, tags, how met, notes, cadence.
    pub fields: Vec<(String, String)>,
    pub strength: u8,
    pub band: String,
    /// "engagement 0.62 · duration 0.80 · services 0.30".
    pub breakdown: String,
    pub summary: String,
    /// "gave 2.5 · received 1 · balance +1.5 (last 365 days)".
    pub reciprocity: String,
    /// "ask now (readiness 72)" and its first reason.
    pub readiness: String,
    pub open_referrals: Vec<String>,
    /// Newest first: (date, kind, text).
    pub timeline: Vec<(NaiveDate, String, String)>,
}

impl Detail {
    /// `record` is the contact read whole (on demand); without it the detail shows
    /// what the book's lists hold of it.
    pub fn build(
        data: &Data,
        id: i64,
        config: &Config,
        record: Option<&super::contacts::Record>,
    ) -> Option<Detail> {
        let snap = &data.book;
        let record = record.filter(|r| r.id == id);
        let c = match record.and_then(|r| r.contact.as_ref()) {
            Some(whole) => whole,
            None => snap.contact(id)?,
        };
        let history = record.map(|r| r.history.as_slice());
        // The panes keep only summaries: the one contact shown is assessed here, as
        // the book's one assessment would have it.
        let a = &snap.assess_one(id, &config.scoring, &config.cadence, data.today, snap)?;
        let mut headline: Vec<String> = Vec::new();
        headline.extend(c.title.clone());
        headline.extend(c.company.clone());
        headline.push(c.circle.to_string());
        let mut fields: Vec<(String, String)> = c
            .fields
            .iter()
            .map(|f| {
                // A birthday without a year is stored `--MM-DD` (vCard's form): shown
                // as typed, `MM-DD`, like the edit form shows it.
                let value = match f.kind {
                    FieldKind::Birthday => f.value.trim_start_matches("--").to_string(),
                    _ => f.value.clone(),
                };
                (f.kind.to_string(), value)
            })
            .collect();
        if !c.tags.is_empty() {
            fields.push(("tags".into(), c.tags.join(", ")));
        }
        if let Some(h) = &c.how_met {
            fields.push(("how met".into(), h.clone()));
        }
        if let Some(n) = &c.notes {
            fields.push(("notes".into(), n.clone()));
        }
        if let Some(d) = c.cadence_days {
            fields.push(("cadence".into(), format!("every {d} days")));
        }
        if c.do_not_ask {
            fields.push(("asks".into(), "do not ask".into()));
        }
        let s = &a.strength;
        let l = &a.ledger;
        let r = &a.readiness;
        let open_referrals = snap
            .referrals
            .iter()
            .filter(|x| !x.status.is_closed())
            .filter(|x| {
                x.referrer_id == Some(id) || x.person_id == id || x.recipient_id == Some(id)
            })
            .map(|x| {
                format!(
                    "#{} {} · {} · {}",
                    x.id,
                    data.describe(x),
                    x.status,
                    x.quality.words()
                )
            })
            .collect();
        let lean;
        let history = match history {
            Some(whole) => whole,
            None => {
                lean = snap.interactions_of(id);
                &lean
            }
        };
        let mut timeline: Vec<(NaiveDate, i64, String, String)> = history
            .iter()
            .map(|i| {
                let mut text = i.label.as_deref().unwrap_or_default().to_string();
                if let Some(n) = i.note() {
                    if !text.is_empty() {
                        text.push_str(" — ");
                    }
                    text.push_str(n);
                }
                (i.occurred_on, i.id, i.kind.to_string(), text)
            })
            .collect();
        // Every referral this contact takes part in: as referrer, recipient or the person.
        for x in snap.referrals.iter().filter(|x| {
            x.person_id == id || x.referrer_id == Some(id) || x.recipient_id == Some(id)
        }) {
            for e in &x.history {
                timeline.push((
                    e.date,
                    i64::MAX / 2 + x.id,
                    "referral".into(),
                    format!("#{} {}: {}", x.id, data.describe(x), e.status),
                ));
            }
        }
        timeline.sort_by_key(|t| std::cmp::Reverse((t.0, t.1)));
        timeline.dedup();
        Some(Detail {
            id,
            name: c.name.clone(),
            headline: headline.join(" · "),
            fields,
            strength: s.score,
            band: s.band.word().to_string(),
            breakdown: format!(
                "engagement {:.2} · duration {:.2} · services {:.2}{}",
                s.engagement,
                s.duration,
                s.services,
                if s.one_way_capped {
                    " · capped: one-way"
                } else {
                    ""
                }
            ),
            summary: s.summary(),
            reciprocity: format!(
                "gave {} · received {} · balance {:+} (last {} days)",
                l.given, l.received, l.balance, config.scoring.ledger.window_days
            ),
            readiness: format!(
                "{} (readiness {:.0}){}",
                r.status.as_str().replace('_', " "),
                r.readiness,
                r.reasons
                    .first()
                    .map(|x| format!(": {x}"))
                    .unwrap_or_default()
            ),
            open_referrals,
            timeline: timeline.into_iter().map(|(d, _, k, t)| (d, k, t)).collect(),
        })
    }
}
