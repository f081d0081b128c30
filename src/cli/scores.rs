//! Scoring commands (score, suggest, chain) and the strength columns
//! of list and show, all read from one assessment of the [`Book`].

use std::collections::{BTreeSet, HashMap};

use anyhow::Result;

use super::Ctx;
use super::output::print_json;
use crate::domain::ask::{AskStatus, ScoreReport};
use crate::domain::assessor::Keep;
pub use crate::domain::book::Summary;
use crate::domain::book::{Assessed, Book};
use crate::domain::chain::{chains_for, render};
use crate::domain::ranking::Suggestion;
use crate::error::UsageError;
use crate::text::sanitize;

/// The whole book and its one assessment as of today, ranked, keeping what `keep` says
/// (never the per-contact assessments). The histories are streamed past the scoring,
/// not held: the book keeps only those of the contacts `histories` names.
pub(super) fn assessed_book(
    ctx: &Ctx,
    keep: Keep,
    histories: &dyn Fn(&Book) -> BTreeSet<i64>,
) -> Result<(Book, Assessed)> {
    Ok(ctx.store.consistent(|store| {
        let mut book = store.book_without_histories()?;
        let kept = histories(&book);
        let assessed = book.assess_streamed(
            &ctx.config.scoring,
            &ctx.config.cadence,
            ctx.config.ask.asks_per_day as usize,
            ctx.today,
            Keep {
                histories: Some(&kept),
                ..keep
            },
            |sink| store.for_each_history(sink),
        )?;
        Ok((book, assessed))
    })?)
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
        ctx.store.book(crate::domain::contact::Shape::Scoring)?
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
    let ranking_only = Keep {
        assessments: false,
        items: false,
        histories: None,
        only_ask_now: !all,
    };
    let (book, assessed) = assessed_book(ctx, ranking_only, &|_| BTreeSet::new())?;
    let mut list = assessed.ranking;
    if !all {
        let (offered, rest): (Vec<_>, Vec<_>) = list.into_iter().partition(|s| s.offered);
        super::discard(rest);
        list = offered;
    }
    super::discard(book);
    let printed = print_suggestions(&list, all, ctx.json);
    super::discard(list);
    printed
}

fn print_suggestions(list: &[Suggestion], all: bool, json: bool) -> Result<()> {
    if json {
        return print_json(&list);
    }
    if list.is_empty() {
        outln!("Nobody to ask today. `ties suggest --all` shows who is waiting and why.");
        return Ok(());
    }
    let mut last_status = None;
    for s in list {
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

/// A bar of `n` out of `max`, `width` cells wide.
fn bar(n: f64, max: f64, width: usize) -> String {
    let filled = if max > 0.0 {
        ((n / max) * width as f64).round() as usize
    } else {
        0
    };
    "█".repeat(filled.min(width)) + &"·".repeat(width - filled.min(width))
}

/// "60% of 5" (or "– of 0"): a rate with the number it stands on.
fn rate(conversion: Option<f64>, decided: usize) -> String {
    match conversion {
        Some(c) => format!("{:.0}% of {decided}", c * 100.0),
        None => "– of 0".to_string(),
    }
}

/// Referral insights (`ties stats`): conversion by quality, referrers by value, the
/// flow by month both ways, and the open pipeline's age.
pub fn stats(ctx: &mut Ctx, since: Option<&str>) -> Result<()> {
    let since = since
        .map(|s| crate::domain::date::parse_date(s).map_err(UsageError::from))
        .transpose()?;
    let referrals = ctx.store.referrals()?;
    let names = ctx.store.names()?;
    let s = crate::domain::stats::stats(&referrals, &names, since, ctx.today);
    if ctx.json {
        return print_json(&s);
    }
    let money = |v: f64| crate::domain::chain::format_money(v, &ctx.config.display.currency);
    let r = &s.received;
    let from = since.map_or(String::new(), |d| format!(" since {d}"));
    outln!(
        "Referrals received{from}: {} · won {} · lost {} · gone quiet {} · open {}",
        r.referrals,
        r.won,
        r.lost,
        r.dormant,
        r.open
    );
    let days = r
        .median_days_to_won
        .map_or(String::new(), |d| format!(" · {d:.0} days to win (median)"));
    outln!(
        "  converted {} · worth {}{days}",
        rate(r.conversion, r.decided),
        money(r.value)
    );
    let g = &s.given;
    outln!(
        "Referrals you gave: {} · won {} · converted {}",
        g.referrals,
        g.won,
        rate(g.conversion, g.decided)
    );
    outln!("\nWhat converts (by quality)");
    for q in &s.by_quality {
        let c = q.conversion.unwrap_or(0.0);
        let few = if q.decided > 0 && q.decided < 3 {
            "  (few)"
        } else {
            ""
        };
        outln!(
            "  {:<18} {} {:>10}  {} referred · {}{few}",
            q.quality.words(),
            bar(c, 1.0, 10),
            rate(q.conversion, q.decided),
            q.referrals,
            money(q.value)
        );
    }
    if !s.by_referrer.is_empty() {
        outln!("\nWho sends it (by value)");
        let top = s.by_referrer.first().map_or(0.0, |x| x.value);
        for x in s.by_referrer.iter().take(10) {
            outln!(
                "  {:<22} {} {:>10}  {} referred · converted {} · last {}",
                sanitize(&x.name),
                bar(x.value, top, 10),
                money(x.value),
                x.referrals,
                rate(x.conversion, x.decided),
                x.last_referred_on
            );
        }
        if s.by_referrer.len() > 10 {
            outln!("  … and {} more", s.by_referrer.len() - 10);
        }
    }
    outln!("\nThe last 12 months (received / given · won)");
    let most = s
        .monthly
        .iter()
        .map(|m| m.received.max(m.given))
        .max()
        .unwrap_or(0) as f64;
    for m in &s.monthly {
        outln!(
            "  {}  in {} {:>3}  out {} {:>3}  won {:>2} {}",
            m.month,
            bar(m.received as f64, most, 8),
            m.received,
            bar(m.given as f64, most, 8),
            m.given,
            m.won,
            if m.value > 0.0 {
                money(m.value)
            } else {
                String::new()
            }
        );
    }
    outln!("\nOpen pipeline");
    for p in &s.pipeline {
        let age = p
            .oldest_days
            .map_or(String::new(), |d| format!(" · oldest {d} days"));
        outln!("  {:<10} {:>3}{age}", p.status.as_str(), p.count);
    }
    Ok(())
}
