//! Scoring commands (score, suggest, chain) and the strength columns
//! of list and show, all read from one assessment of the [`Book`].

use std::collections::HashMap;

use anyhow::Result;

use super::Ctx;
use super::output::print_json;
use crate::domain::ask::{AskStatus, ScoreReport};
pub use crate::domain::book::Summary;
use crate::domain::book::{Assessed, Book};
use crate::domain::chain::{chains_for, render};
use crate::error::UsageError;
use crate::text::sanitize;

/// The whole book (lean: no timeline details) and its one assessment as of today.
pub(super) fn assessed_book(ctx: &Ctx) -> Result<(Book, Assessed)> {
    let book = ctx.store.book(false)?;
    let assessed = book.assess(
        &ctx.config.scoring,
        &ctx.config.cadence,
        ctx.config.ask.asks_per_day as usize,
        ctx.today,
    );
    Ok((book, assessed))
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
