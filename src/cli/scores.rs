//! Scoring commands (score, suggest, today, snooze, chain) and the strength columns
//! of list and show, all read from one assessment of the [`Book`].

use std::collections::HashMap;

use anyhow::Result;
use serde_json::json;

use super::Ctx;
use super::output::print_json;
use crate::domain::agenda::{AgendaItem, AgendaKind, snooze_until};
use crate::domain::ask::{AskStatus, ScoreReport};
pub use crate::domain::book::Summary;
use crate::domain::book::{Assessed, Book};
use crate::domain::chain::{chains_for, render};
use crate::error::UsageError;
use crate::text::sanitize;

/// The whole book (lean: no timeline details) and its one assessment as of today.
fn assessed_book(ctx: &Ctx) -> Result<(Book, Assessed)> {
    let book = ctx.store.book(false)?;
    let assessed = book.assess(
        &ctx.config.scoring,
        &ctx.config.cadence,
        ctx.config.ask.asks_per_day as usize,
        ctx.today,
    );
    Ok((book, assessed))
}

/// The review queue as of today; with `ignore_snoozes`, snoozed items too.
fn agenda(ctx: &Ctx, ignore_snoozes: bool) -> Result<Vec<AgendaItem>> {
    let (book, assessed) = assessed_book(ctx)?;
    Ok(book.agenda(&assessed, ignore_snoozes))
}

/// Strength of the listed contacts (for `list`). A short list (a search, a tag) loads
/// only its own history; a long one scans everything once.
pub fn summaries(
    ctx: &Ctx,
    listed: &[crate::domain::contact::Contact],
) -> Result<HashMap<i64, Summary>> {
    const FEW: usize = 500;
    let book = if listed.len() <= FEW {
        ctx.store.book_of(listed.to_vec())?
    } else {
        ctx.store.book(false)?
    };
    let assessed = book.assess(&ctx.config.scoring, &ctx.config.cadence, 0, ctx.today);
    Ok(listed
        .iter()
        .map(|c| (c.id, assessed.summary(&book, c.id)))
        .collect())
}

/// One contact's book (its history, the referrals it takes part in, the names those
/// mention) and its assessment: what `show` and `score` need, without reading anyone else.
fn one(ctx: &Ctx, id: i64) -> Result<(Book, Assessed)> {
    let contact = ctx
        .store
        .contact(id)?
        .ok_or_else(|| UsageError::new(format!("contact #{id} does not exist")))?;
    let book = ctx.store.book_of(vec![contact])?;
    let names = ctx.store.names_of_referrals(id)?;
    let assessed = book.assess_with_names(
        &ctx.config.scoring,
        &ctx.config.cadence,
        0,
        ctx.today,
        &names,
    );
    Ok((book, assessed))
}

/// Strength of one contact (for `show`).
pub fn contact_score(ctx: &Ctx, id: i64) -> Result<Summary> {
    let (book, assessed) = one(ctx, id)?;
    Ok(assessed.summary(&book, id))
}

pub fn score(ctx: &mut Ctx, contact: &str) -> Result<()> {
    let id = ctx.resolve(contact)?;
    let (book, assessed) = one(ctx, id)?;
    let (Some(c), Some(a)) = (book.contact(id), assessed.of(&book, id)) else {
        return Err(UsageError::new(format!("contact #{id} does not exist")).into());
    };
    let report = ScoreReport::new(c, &a.strength, &a.ledger);
    if ctx.json {
        return print_json(&report);
    }
    let s = &a.strength;
    outln!(
        "{} — strength {} ({})",
        sanitize(&c.name),
        s.score,
        s.band.as_str()
    );
    outln!(
        "  engagement {:.2} · duration {:.2} · services {:.2}{}{}",
        s.engagement,
        s.duration,
        s.services,
        if report.one_way_capped {
            " · capped: no two-way touch yet"
        } else {
            ""
        },
        if s.dormant { " · dormant" } else { "" }
    );
    outln!("  {}", sanitize(&s.summary()));
    outln!(
        "  reciprocity (last 365 days): you gave {}, received {}, balance {:+}",
        report.given,
        report.received,
        report.balance
    );
    let r = &a.readiness;
    let status = serde_json::to_value(r.status)?;
    outln!(
        "  ask: {} (readiness {:.0})",
        status.as_str().unwrap_or(""),
        r.readiness
    );
    for reason in &r.reasons {
        outln!("    - {}", sanitize(reason));
    }
    Ok(())
}

pub fn suggest(ctx: &mut Ctx, all: bool) -> Result<()> {
    let (_, assessed) = assessed_book(ctx)?;
    let mut list = assessed.ranking;
    if !all {
        list.retain(|s| s.offered);
    }
    if ctx.json {
        return print_json(&list);
    }
    if list.is_empty() {
        outln!("Nobody to ask today. `ties suggest --all` shows who is waiting and why.");
        return Ok(());
    }
    let mut last_status = None;
    for s in &list {
        if all && last_status != Some(s.status) {
            outln!("\n{}", status_heading(s.status));
            last_status = Some(s.status);
        }
        let when = s
            .wait_until
            .map(|d| format!(" until {d}"))
            .unwrap_or_default();
        outln!(
            "#{:<5} {}  (strength {} {}, readiness {}{when})",
            s.id,
            sanitize(&s.name),
            s.strength,
            s.band.as_str(),
            s.readiness
        );
        for r in &s.reasons {
            outln!("         - {}", sanitize(r));
        }
    }
    if !all {
        outln!("\nRecord the ask with `ties log CONTACT ask --channel in_person` (or call).");
    }
    Ok(())
}

fn status_heading(s: AskStatus) -> &'static str {
    match s {
        AskStatus::AskNow => "Ask now",
        AskStatus::DoFirst => "Do this first",
        AskStatus::WaitUntil => "Wait (asked recently)",
        AskStatus::WaitForMoment => "Wait for the moment (a thank-you, or give first)",
        AskStatus::NotYet => "Not yet (build rapport)",
        AskStatus::NotSuitable => "Not suitable",
    }
}

fn kind_heading(k: AgendaKind) -> &'static str {
    match k {
        AgendaKind::Ask => "Ask for an introduction",
        AgendaKind::Thank => "Thank",
        AgendaKind::Inform => "Close the loop",
        AgendaKind::FollowUp => "Follow up",
        AgendaKind::OverDeliver => "Over-deliver",
        AgendaKind::GiveBack => "Give back",
        AgendaKind::KeepInTouch => "Keep in touch",
    }
}

pub fn today(ctx: &mut Ctx) -> Result<()> {
    let items = agenda(ctx, false)?;
    if ctx.json {
        return print_json(&items);
    }
    if items.is_empty() {
        outln!(
            "All clear for {}. Nothing is owed to anyone today.",
            ctx.today
        );
        return Ok(());
    }
    outln!(
        "Review for {}: {} item{}",
        ctx.today,
        items.len(),
        if items.len() == 1 { "" } else { "s" }
    );
    let mut last = None;
    for it in &items {
        if last != Some(it.kind) {
            outln!("\n{}", kind_heading(it.kind));
            last = Some(it.kind);
        }
        outln!(
            "  [ ] {}  {}   ({}, due {})",
            sanitize(&it.contact),
            sanitize(&it.reason),
            it.key,
            it.due
        );
    }
    outln!("\nSnooze an item with `ties snooze KEY DAYS`.");
    Ok(())
}

pub fn snooze(ctx: &mut Ctx, key: &str, days: u32) -> Result<()> {
    if !(1..=365).contains(&days) {
        return Err(UsageError::new("snooze for 1 to 365 days").into());
    }
    let items = agenda(ctx, true)?;
    let Some(item) = items.iter().find(|i| i.key == key) else {
        return Err(UsageError::new(format!(
            "no review item has the key \"{}\" today; `ties today` lists the keys",
            sanitize(key)
        ))
        .into());
    };
    let until = snooze_until(ctx.today, days);
    ctx.store.set_snooze(key, until)?;
    if ctx.json {
        return print_json(&json!({"key": key, "until": until}));
    }
    outln!(
        "Snoozed \"{}\" ({}) until {until}.",
        sanitize(&item.reason),
        sanitize(&item.contact)
    );
    Ok(())
}

/// The snoozes in effect today, soonest back first, with the item each one hides.
pub fn snoozes(ctx: &mut Ctx) -> Result<()> {
    let (book, assessed) = assessed_book(ctx)?;
    let items = book.agenda(&assessed, true);
    let mut active: Vec<(&String, &chrono::NaiveDate)> = book
        .snoozes
        .iter()
        .filter(|(_, until)| **until > ctx.today)
        .collect();
    active.sort_by(|a, b| a.1.cmp(b.1).then(a.0.cmp(b.0)));
    let rows: Vec<serde_json::Value> = active
        .iter()
        .map(|(key, until)| {
            let item = items.iter().find(|i| &i.key == *key);
            json!({
                "key": key,
                "contact_id": item.map(|i| i.contact_id),
                "contact": item.map(|i| i.contact.as_str()),
                "until": until,
                "reason": item.map(|i| i.reason.as_str()),
            })
        })
        .collect();
    if ctx.json {
        return print_json(&rows);
    }
    if rows.is_empty() {
        outln!("Nothing is snoozed.");
        return Ok(());
    }
    for r in &rows {
        outln!(
            "{}  until {}  {}  ({})",
            sanitize(r["contact"].as_str().unwrap_or("(no longer due)")),
            r["until"].as_str().unwrap_or(""),
            sanitize(r["reason"].as_str().unwrap_or("")),
            sanitize(r["key"].as_str().unwrap_or(""))
        );
    }
    outln!("\nEnd one with `ties unsnooze KEY`.");
    Ok(())
}

/// Ends a snooze now.
pub fn unsnooze(ctx: &mut Ctx, key: &str) -> Result<()> {
    let active = ctx
        .store
        .snoozes()?
        .get(key)
        .is_some_and(|until| *until > ctx.today);
    if !active || !ctx.store.delete_snooze(key)? {
        return Err(UsageError::new(format!(
            "no review item is snoozed with the key \"{}\"; `ties snoozes` lists them",
            sanitize(key)
        ))
        .into());
    }
    if ctx.json {
        return print_json(&json!({"key": key, "unsnoozed": true}));
    }
    outln!("\"{}\" is back in the review.", sanitize(key));
    Ok(())
}

pub fn chain(ctx: &mut Ctx, contact: &str) -> Result<()> {
    let id = ctx.resolve(contact)?;
    // Names and referrals are all a chain needs: no interaction is read.
    let names = ctx.store.names()?;
    let referrals = ctx.store.referrals()?;
    let trees = chains_for(id, &referrals, &names);
    if ctx.json {
        let flat: Vec<_> = trees.iter().map(|t| t.flat()).collect();
        return print_json(&flat);
    }
    if trees.is_empty() {
        outln!(
            "{} is in no referral chain yet.",
            sanitize(names.get(&id).map_or("", |s| s))
        );
        return Ok(());
    }
    for (n, t) in trees.iter().enumerate() {
        if n > 0 {
            outln!();
        }
        let lines = render(t, Some(id), &ctx.config.display.currency);
        let drawn = lines
            .iter()
            .any(|l| l.node.is_some_and(|n| n.contact_id == id));
        for line in &lines {
            outln!("{}", sanitize(&line.text));
        }
        if !drawn {
            // Too deep (or too far along a long list) to be drawn: say where it is.
            let flat = t.flat();
            if let Some(node) = flat.nodes.iter().find(|x| x.contact_id == id && !x.repeat) {
                let by = node
                    .parent_id
                    .and_then(|p| names.get(&p))
                    .map_or(String::new(), |p| format!(", referred by {}", sanitize(p)));
                outln!(
                    "{} is {} levels below {}{by}.",
                    sanitize(&node.name),
                    node.depth,
                    sanitize(&t.root.name)
                );
            }
        }
    }
    Ok(())
}
