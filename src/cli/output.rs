//! Output shapes shared by commands: the contact document of `show --json` and its
//! text rendering, referral objects, and JSON printing.

use std::collections::HashMap;

use anyhow::Result;
use serde::Serialize;
use serde_json::{Value, json};

use super::{Ctx, Paths, scores};
use crate::domain::referral::{Referral, Side};
use crate::error::UsageError;
use crate::text::{sanitize, sanitize_multiline};

/// Prints one pretty JSON document on stdout.
pub fn print_json<T: Serialize + ?Sized>(v: &T) -> Result<()> {
    let text = crate::text::escape_json_controls(serde_json::to_string_pretty(v)?);
    outln!("{text}");
    Ok(())
}

pub fn paths(p: &Paths, json: bool) -> Result<()> {
    let backups = p.db.parent().map(|d| d.join("backups"));
    if json {
        return print_json(&json!({
            "db": p.db,
            "config": p.config,
            "data_dir": p.data_dir,
            "backups": backups,
        }));
    }
    outln!("database  {}", p.db.display());
    outln!(
        "config    {}{}",
        p.config.display(),
        if p.config.exists() {
            ""
        } else {
            "  (not present: defaults in use)"
        }
    );
    if let Some(b) = backups {
        outln!("backups   {}", b.display());
    }
    Ok(())
}

/// The `referral list --json` object of one referral.
pub fn referral_json(r: &Referral) -> Value {
    json!({
        "id": r.id,
        "referrer_id": r.referrer_id,
        "person_id": r.person_id,
        "recipient_id": r.recipient_id,
        "quality": r.quality,
        "status": r.status,
        "referred_on": r.referred_on,
        "value": r.value,
        "reason": r.reason,
        "note": r.note,
        "history": r.history,
    })
}

/// Names of every contact, by id (for describing referrals).
pub fn names(ctx: &Ctx) -> Result<HashMap<i64, String>> {
    Ok(ctx.store.names()?)
}

/// "Dana Hart, referred by Sam Lee" / "Dana Hart, referred to Lee Park".
pub fn describe_referral(r: &Referral, names: &HashMap<i64, String>) -> String {
    let name = |id: i64| names.get(&id).cloned().unwrap_or_else(|| format!("#{id}"));
    match r.side() {
        Side::ReceivedFrom(by) => format!("{} referred by {}", name(r.person_id), name(by)),
        Side::GivenTo(to) => format!("{} referred to {}", name(r.person_id), name(to)),
    }
}

/// The `show --json` document of a contact.
pub fn contact_json(ctx: &Ctx, id: i64) -> Result<Value> {
    contact_doc(ctx, id, &names(ctx)?)
}

/// [`contact_json`] with the names of every contact already at hand.
pub fn contact_doc(ctx: &Ctx, id: i64, names: &HashMap<i64, String>) -> Result<Value> {
    let c = ctx
        .store
        .contact(id)?
        .ok_or_else(|| UsageError::new(format!("contact #{id} does not exist; see `ties list`")))?;
    let referrals: Vec<Referral> = ctx
        .store
        .referrals()?
        .into_iter()
        .filter(|r| r.referrer_id == Some(id) || r.person_id == id || r.recipient_id == Some(id))
        .collect();
    let interactions = ctx.store.interactions_for(id)?;
    let mut timeline: Vec<(chrono::NaiveDate, i64, Value)> = interactions
        .iter()
        .map(|i| {
            (
                i.occurred_on,
                i.id,
                json!({"date": i.occurred_on, "kind": i.kind, "label": i.label.as_deref(), "note": i.note(), "referral_id": i.referral_id, "channel": i.channel(), "reward": i.reward(), "amount": i.amount()}),
            )
        })
        .collect();
    for r in &referrals {
        // Events keep no value: the newest win shows what it was won for, earlier
        // wins (before a reopen) show none rather than the newest one's.
        let last_won = r
            .history
            .iter()
            .rposition(|e| e.status == crate::domain::referral::Status::Won);
        for (n, e) in r.history.iter().enumerate() {
            let mut label = format!("{}: {}", describe_referral(r, names), e.status);
            if last_won == Some(n)
                && let Some(v) = r.value.or(r.won_value)
            {
                label.push_str(&format!(
                    " ({})",
                    crate::domain::chain::format_money(v, &ctx.config.display.currency)
                ));
            }
            // Referral events sort after interactions of the same day, by referral then event order.
            timeline.push((
                e.date,
                i64::MAX / 2 + r.id * 64 + n as i64,
                json!({"date": e.date, "kind": "referral", "label": label, "note": if n == 0 { r.note.clone() } else { None }, "referral_id": r.id, "channel": null, "reward": null, "amount": null}),
            ));
        }
    }
    timeline.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.cmp(&a.1)));
    let s = scores::contact_score(ctx, id)?;
    Ok(json!({
        "id": c.id,
        "uid": c.uid,
        "name": c.name,
        "company": c.company,
        "title": c.title,
        "circle": c.circle,
        "tags": c.tags,
        "fields": c.fields,
        "how_met": c.how_met,
        "notes": c.notes,
        "cadence_days": c.cadence_days,
        "birthday": c.birthday().map(|b| b.text()),
        "do_not_ask": c.do_not_ask,
        "closeness": c.closeness,
        "archived_on": c.archived_on,
        "strength": s.strength,
        "band": s.band.as_str(),
        "referrals": referrals.iter().map(referral_json).collect::<Vec<_>>(),
        "timeline": timeline.into_iter().map(|t| t.2).collect::<Vec<_>>(),
    }))
}

fn s(v: &Value) -> String {
    v.as_str()
        .map(|x| sanitize(x).into_owned())
        .unwrap_or_default()
}

/// Text rendering of the contact document; every user string is sanitized.
pub fn print_contact(ctx: &Ctx, doc: &Value, names: &HashMap<i64, String>) -> Result<()> {
    let mut out = String::new();
    out.push_str(&format!("#{} {}", doc["id"], s(&doc["name"])));
    if doc["archived_on"].is_string() {
        out.push_str(&format!("  (archived {})", s(&doc["archived_on"])));
    }
    out.push('\n');
    let role = [s(&doc["title"]), s(&doc["company"])]
        .into_iter()
        .filter(|x| !x.is_empty())
        .collect::<Vec<_>>();
    if !role.is_empty() {
        out.push_str(&format!("  {}\n", role.join(", ")));
    }
    out.push_str(&format!(
        "  circle {} · strength {} ({})",
        s(&doc["circle"]),
        doc["strength"],
        s(&doc["band"])
    ));
    if let Some(c) = doc["cadence_days"].as_u64() {
        out.push_str(&format!(" · every {c} days"));
    }
    if doc["do_not_ask"] == Value::Bool(true) {
        out.push_str(" · do not ask");
    }
    out.push('\n');
    if let Some(tags) = doc["tags"].as_array().filter(|t| !t.is_empty()) {
        let t: Vec<String> = tags.iter().map(s).collect();
        out.push_str(&format!("  tags: {}\n", t.join(", ")));
    }
    for f in doc["fields"].as_array().into_iter().flatten() {
        let label = f["label"]
            .as_str()
            .map(|l| format!(" ({})", sanitize(l)))
            .unwrap_or_default();
        out.push_str(&format!(
            "  {}{}: {}\n",
            s(&f["kind"]),
            label,
            s(&f["value"])
        ));
    }
    if doc["how_met"].is_string() {
        out.push_str(&format!("  how we met: {}\n", s(&doc["how_met"])));
    }
    if let Some(n) = doc["notes"].as_str() {
        for line in sanitize_multiline(n).lines() {
            out.push_str(&format!("  | {line}\n"));
        }
    }
    let refs = doc["referrals"].as_array().cloned().unwrap_or_default();
    if !refs.is_empty() {
        out.push_str("\nReferrals\n");
        for r in &refs {
            let rr: Referral = serde_json::from_value(r.clone())?;
            let value = match (rr.value, rr.reason.as_deref()) {
                (Some(v), _) => format!(
                    ", {}",
                    crate::domain::chain::format_money(v, &ctx.config.display.currency)
                ),
                // A lost referral says why.
                (None, Some(why)) if rr.status == crate::domain::referral::Status::Lost => {
                    format!(", {}", sanitize(why))
                }
                _ => String::new(),
            };
            out.push_str(&format!(
                "  #{} {} on {} — {} ({}{})\n",
                rr.id,
                sanitize(&describe_referral(&rr, names)),
                rr.referred_on,
                rr.status,
                rr.quality.words(),
                value
            ));
        }
    }
    let timeline = doc["timeline"].as_array().cloned().unwrap_or_default();
    out.push_str("\nTimeline\n");
    if timeline.is_empty() {
        out.push_str("  nothing yet — log a touch with `ties log CONTACT KIND`\n");
    }
    for t in &timeline {
        let label = t["label"]
            .as_str()
            .map(|l| format!("  {}", sanitize(l)))
            .unwrap_or_default();
        let note = t["note"]
            .as_str()
            .map(|n| format!("  — {}", sanitize(n)))
            .unwrap_or_default();
        // What was given or how it was asked: "(gift, $40)", "(in person)".
        let how = crate::domain::review::how_words(
            t["reward"].as_str().or(t["channel"].as_str()),
            t["amount"].as_f64(),
            &ctx.config.display.currency,
        )
        .map_or(String::new(), |h| format!("  ({h})"));
        out.push_str(&format!(
            "  {}  {:<9}{}{how}{}\n",
            s(&t["date"]),
            s(&t["kind"]),
            label,
            note
        ));
    }
    out!("{out}");
    Ok(())
}
