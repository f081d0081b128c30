//! The daily review's commands: today (the bounded day, `--all`, `--brief`), done,
//! let-go, snooze, snoozes and unsnooze, all read from one assessment of the book.

use anyhow::Result;
use chrono::NaiveDate;
use serde_json::json;

use super::Ctx;
use super::args::DoneArgs;
use super::output::print_json;
use super::scores::assessed_book;
use crate::domain::agenda::{AgendaItem, AgendaKind, snooze_until};
use crate::domain::assessor::Keep;
use crate::domain::book::Book;
use crate::domain::contact::optional_text;
use crate::domain::review::{Day, DoneChoices, done_interaction, done_summary, fill_card, plan};
use crate::error::UsageError;
use crate::text::sanitize;

/// The book and every item due today (snoozed ones left out unless `ignore_snoozes`),
/// unbounded, worded.
fn agenda(ctx: &Ctx, ignore_snoozes: bool) -> Result<(Book, Vec<AgendaItem>)> {
    agenda_worded(ctx, ignore_snoozes, true)
}

/// [`agenda`]; without `worded`, the referral items have no words yet ([`Book::word`]).
fn agenda_worded(ctx: &Ctx, ignore_snoozes: bool, worded: bool) -> Result<(Book, Vec<AgendaItem>)> {
    let lead = ctx.config.review.occasion_lead_days;
    // The review's asks are the offered ones, always among the ask_now contacts.
    let keep = Keep {
        assessments: false,
        items: true,
        histories: None,
        only_ask_now: true,
    };
    let (book, assessed) = assessed_book(ctx, keep, &|book| book.agenda_reads(ctx.today, lead))?;
    let (items, assessed) = if worded {
        book.agenda_owned(assessed, ignore_snoozes, lead)
    } else {
        book.agenda_unworded_owned(assessed, ignore_snoozes, lead)
    };
    super::discard(assessed);
    Ok((book, items))
}

/// Fills the cards of `items`, reading each one's contact with its fields (and its
/// history, when the book did not keep it).
fn with_cards(ctx: &Ctx, book: &mut Book, items: &mut [AgendaItem]) -> Result<()> {
    let mut missing: Vec<i64> = items
        .iter()
        .map(|i| i.contact_id)
        .filter(|&id| !book.interactions.contains(id))
        .collect();
    missing.sort_unstable();
    missing.dedup();
    book.interactions
        .extend(ctx.store.lean_histories_of(&missing)?);
    let words = ctx
        .config
        .ask
        .words(ctx.config.scoring.ask.praise_window_days.clamp(0, 3650) as u32);
    for item in items {
        let contact = ctx.store.contact(item.contact_id)?;
        fill_card(
            item,
            book,
            contact.as_ref(),
            &words,
            &ctx.config.display.currency,
            ctx.today,
        );
    }
    Ok(())
}

/// The day as of today, bounded by `[review] items_per_day`. Its referral items have
/// no words yet: the day is planned by kind, due date and weight, and what is printed
/// is worded then.
fn the_day(ctx: &Ctx) -> Result<(Book, Day)> {
    let (book, items) = agenda_worded(ctx, false, false)?;
    let day = plan(
        items,
        ctx.config.review.items_per_day as usize,
        book.done_on(ctx.today),
    );
    Ok((book, day))
}

pub fn today(ctx: &mut Ctx, all: bool, brief: bool) -> Result<()> {
    let (mut book, day) = the_day(ctx)?;
    if brief {
        let (line, today_n, waiting_n) = (day.brief(), day.items.len(), day.waiting.len());
        super::discard((book, day));
        if ctx.json {
            return print_json(&json!({
                "line": line,
                "today": today_n,
                "waiting": waiting_n,
            }));
        }
        outln!("{line}");
        return Ok(());
    }
    let (today_n, waiting_n) = (day.items.len(), day.waiting.len());
    let mut items = if all {
        day.all()
    } else {
        super::discard(day.waiting);
        day.items
    };
    let printed = print_day(ctx, &mut book, &mut items, all, (today_n, waiting_n));
    super::discard((book, items));
    printed
}

/// Prints the day's `items` (with their cards) as text or JSON.
fn print_day(
    ctx: &mut Ctx,
    book: &mut Book,
    items: &mut [AgendaItem],
    all: bool,
    (today_n, waiting_n): (usize, usize),
) -> Result<()> {
    book.word(items, ctx.today);
    with_cards(ctx, book, items)?;
    if ctx.json {
        return print_json(&items);
    }
    if book.contacts.is_empty() {
        outln!(
            "No contacts yet. Import yours (`ties import contacts.vcf`, a Google or LinkedIn CSV), add one (`ties add NAME`), or try `ties --demo`."
        );
        return Ok(());
    }
    if items.is_empty() {
        outln!(
            "All clear for {}. Nothing is owed to anyone today.",
            ctx.today
        );
        return Ok(());
    }
    let waiting = if waiting_n > 0 {
        format!(" · {waiting_n} waiting")
    } else {
        String::new()
    };
    outln!("Review for {}: {today_n} today{waiting}", ctx.today);
    let mut last = None;
    for it in items.iter() {
        let heading = (it.waiting, it.kind);
        if last != Some(heading) {
            let n = items
                .iter()
                .filter(|x| (x.waiting, x.kind) == heading)
                .count();
            let later = if it.waiting { ", waiting" } else { "" };
            outln!("\n{} ({n}{later})", it.kind.heading());
            last = Some(heading);
        }
        let stale = if it.stale { "  [stale]" } else { "" };
        outln!(
            "  [ ] {}  {}   ({}, due {}){stale}",
            sanitize(&it.contact),
            sanitize(&it.reason),
            it.key,
            it.due
        );
        for line in card_lines(it) {
            outln!("      {}", sanitize(&line));
        }
    }
    if waiting_n > 0 && !all {
        outln!("\n{waiting_n} more wait for another day: `ties today --all` shows them.");
    }
    outln!("\nDone: `ties done KEY`; later: `ties snooze KEY DAYS`.");
    Ok(())
}

/// What the text review prints under an item: the card, a line per part.
fn card_lines(it: &AgendaItem) -> Vec<String> {
    let empty = crate::domain::review::Card::default();
    let c = it.card.as_deref().unwrap_or(&empty);
    let mut out = Vec::new();
    if let Some(s) = &c.script {
        out.push(format!("say: \u{201c}{s}\u{201d}"));
    }
    if let Some(why) = &c.channel_why {
        out.push(format!("how: {why}"));
    }
    if let Some(why) = &c.reward_why {
        out.push(format!("thank with {why}"));
    }
    if let Some(d) = &c.draft {
        out.push(format!("draft: {d}"));
    }
    if it.kind == AgendaKind::FollowUp || it.kind == AgendaKind::Occasion {
        let reach: Vec<&str> = [c.phone.as_deref(), c.email.as_deref()]
            .into_iter()
            .flatten()
            .collect();
        let last = c
            .last_touch
            .map_or("no touch yet".to_string(), |d| format!("last touch {d}"));
        if reach.is_empty() {
            out.push(format!("reach: no phone or email on file · {last}"));
        } else {
            out.push(format!("reach: {} · {last}", reach.join(" · ")));
        }
    }
    if let Some(l) = &c.last_conversation {
        out.push(format!("last: {l}"));
    }
    if !c.ways_out.is_empty() {
        out.push(format!("stale: {}", c.ways_out.join(", or ")));
    }
    out
}

/// Why an item with `key` cannot be acted on: snoozed, or not due (done already).
fn not_due(ctx: &Ctx, book: &Book, all: &[AgendaItem], key: &str) -> anyhow::Error {
    let snoozed = book
        .snoozes
        .get(key)
        .filter(|until| **until > ctx.today)
        .filter(|_| all.iter().any(|i| i.key == key));
    match snoozed {
        Some(until) => UsageError::new(format!(
            "\"{}\" is snoozed until {until}; `ties unsnooze {}` brings it back first",
            sanitize(key),
            sanitize(key)
        ))
        .into(),
        None => UsageError::new(format!(
            "no review item has the key \"{}\" today (done already, or not due); `ties today --all` lists the keys",
            sanitize(key)
        ))
        .into(),
    }
}

pub fn done(ctx: &mut Ctx, a: DoneArgs) -> Result<()> {
    let (book, items) = agenda(ctx, true)?;
    let active = |i: &&AgendaItem| {
        book.snoozes
            .get(&i.key)
            .is_none_or(|until| *until <= ctx.today)
    };
    let Some(item) = items.iter().filter(active).find(|i| i.key == a.key) else {
        return Err(not_due(ctx, &book, &items, &a.key));
    };
    let on = ctx.past_date(a.on.as_deref())?;
    let choices = DoneChoices {
        note: a.note.as_deref().and_then(optional_text),
        reward: a.reward,
        amount: a.amount,
        channel: a.channel,
        kind: a.kind,
    };
    let i = done_interaction(item, on, &choices)
        .map_err(|e| UsageError::new(e.0))?
        .validated(ctx.today)
        .map_err(UsageError::from)?;
    let id = ctx.store.insert_done(&item.key, ctx.today, &i)?;
    if ctx.json {
        let stored = ctx.store.interaction(id)?;
        return print_json(&json!({"key": item.key, "done": true, "interaction": stored}));
    }
    outln!(
        "Done: {} — logged {} on {on}.",
        sanitize(&item.reason),
        sanitize(&done_summary(item, &i, &ctx.config.display.currency)),
    );
    Ok(())
}

pub fn let_go(ctx: &mut Ctx, key: &str) -> Result<()> {
    let (book, items) = agenda(ctx, true)?;
    let Some(item) = items.iter().find(|i| i.key == key) else {
        return Err(not_due(ctx, &book, &items, key));
    };
    if !item.stale {
        return Err(UsageError::new(format!(
            "\"{}\" is not stale yet (due {}); do it (`ties done {}`) or snooze it (`ties snooze {} DAYS`)",
            sanitize(key),
            item.due,
            sanitize(key),
            sanitize(key)
        ))
        .into());
    }
    ctx.store.set_let_go(key, item.due)?;
    if ctx.json {
        return print_json(&json!({"key": key, "let_go": true, "due": item.due}));
    }
    outln!(
        "Let go: \"{}\" ({}). It comes back only if something new happens.",
        sanitize(&item.reason),
        sanitize(&item.contact)
    );
    Ok(())
}

pub fn snooze(ctx: &mut Ctx, key: &str, days: u32) -> Result<()> {
    if !(1..=365).contains(&days) {
        return Err(UsageError::new(
            "snooze for 1 to 365 days; `ties unsnooze KEY` ends a snooze early",
        )
        .into());
    }
    let (_, items) = agenda(ctx, true)?;
    let Some(item) = items.iter().find(|i| i.key == key) else {
        return Err(UsageError::new(format!(
            "no review item has the key \"{}\" today; `ties today --all` lists the keys",
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
    let (book, items) = agenda(ctx, true)?;
    let mut active: Vec<(&String, &NaiveDate)> = book
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
