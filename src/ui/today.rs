//! The Today pane: the day's bounded review grouped by kind with each item's reason
//! ("12 today · 31 waiting · 2 snoozed"), everything due with `w`, the review mode
//! (one card at a time, "3 of 12", with what you need to act), a calm "all clear",
//! and the welcome of an empty book.
//!
//! May import `app`, `ratatui`, domain types.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};

use super::text::{centered, fit, safe, window};
use super::{Theme, hints};
use crate::app::{App, Hit};
use crate::domain::agenda::{AgendaItem, AgendaKind};
use crate::domain::review::Card;
use crate::keymap::Mode;

/// What "done" will record, in words.
fn done_words(it: &AgendaItem) -> String {
    let (kind, _) = it.kind.done_interaction();
    match it.referral_id {
        Some(r) => format!(
            "d records {kind} with {} (referral #{r})",
            safe(&it.contact)
        ),
        None => format!("d records {kind} with {}", safe(&it.contact)),
    }
}

/// "12 today · 31 waiting · 2 snoozed": the size of the day, and what is set aside.
fn counts(app: &App) -> String {
    let d = &app.data;
    let waiting = d.agenda.len() - d.agenda_today;
    let snoozed = d.book.snoozes.values().filter(|u| **u > d.today).count();
    let mut parts = vec![format!("{} today", d.agenda_today)];
    if waiting > 0 {
        parts.push(format!("{waiting} waiting"));
    }
    if snoozed > 0 {
        parts.push(format!("{snoozed} snoozed"));
    }
    parts.join(" · ")
}

/// A row of the grouped list: a heading or an item.
enum Row {
    Heading(AgendaKind, bool, usize),
    Item(usize),
}

pub fn render(frame: &mut Frame<'_>, area: Rect, app: &App, theme: Theme) {
    let items = app.today_items();
    if app.data.book.contacts.is_empty() {
        return welcome(frame, area, app, theme);
    }
    if let Some(pos) = app.today.review {
        return review(frame, area, app, pos, theme);
    }
    if items.is_empty() {
        return all_clear(frame, area, app, theme);
    }
    let [list, foot] = Layout::vertical([Constraint::Min(1), Constraint::Length(2)]).areas(area);
    // Plain indices first (cheap), widgets only for the visible window.
    let mut rows: Vec<Row> = Vec::with_capacity(items.len() + 8);
    let mut selected_row = 0;
    for (i, it) in items.iter().enumerate() {
        let group = |x: &AgendaItem| (x.waiting, x.kind);
        if i == 0 || group(&items[i - 1]) != group(it) {
            let n = items[i..]
                .iter()
                .take_while(|x| group(x) == group(it))
                .count();
            rows.push(Row::Heading(it.kind, it.waiting, n));
        }
        if i == app.today.selected {
            selected_row = rows.len();
        }
        rows.push(Row::Item(i));
    }
    let width = usize::from(list.width);
    let shown = window(selected_row, rows.len(), usize::from(list.height));
    {
        let mut hits = app.hits.borrow_mut();
        // A page of items: the rows on screen less their group headings.
        hits.page = rows[shown.clone()]
            .iter()
            .filter(|r| matches!(r, Row::Item(_)))
            .count()
            .saturating_sub(1);
        for (k, row) in rows[shown.clone()].iter().enumerate() {
            if let Row::Item(i) = row {
                hits.add(list.x, list.y + k as u16, list.width, 1, Hit::TodayItem(*i));
            }
        }
    }
    let lines: Vec<Line<'_>> = rows[shown]
        .iter()
        .map(|row| match row {
            Row::Heading(k, waiting, n) => {
                let later = if *waiting { ", waiting" } else { "" };
                Line::styled(format!("{} ({n}{later})", k.heading()), theme.heading())
            }
            Row::Item(i) => {
                let it = &items[*i];
                let due = if width >= 100 {
                    format!(" due {}", it.due)
                } else {
                    String::new()
                };
                let stale = if it.stale { " stale" } else { "" };
                // The action first, the person once: what to do reads before it is cut.
                let rest = width.saturating_sub(3 + due.len() + stale.len());
                let text = format!("  {}{stale}{due}", fit(&safe(&it.summary), rest));
                if *i == app.today.selected {
                    Line::styled(text, theme.selected())
                } else if it.waiting {
                    Line::styled(text, theme.dim())
                } else {
                    Line::raw(text)
                }
            }
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), list);
    if let Some(it) = items.get(app.today.selected) {
        let what = if it.stale {
            "stale: x lets it go, or d / s".to_string()
        } else {
            done_words(it)
        };
        let head = format!(
            "{} of {} · {} · ",
            app.today.selected + 1,
            items.len(),
            counts(app)
        );
        // The item's key is for the command line (`:done KEY`, `:snooze KEY 3`).
        let key = format!(" · :done {}", safe(&it.key));
        // The key only where it fits whole; what done records is cut last.
        let key = if head.chars().count() + what.chars().count() + key.chars().count() <= width {
            key
        } else {
            String::new()
        };
        let room = width.saturating_sub(head.chars().count() + key.chars().count());
        let what = if what.chars().count() > room {
            fit(&what, room)
        } else {
            what
        };
        let foot_lines = vec![
            Line::styled("─".repeat(width), theme.dim()),
            Line::from(vec![
                Span::styled(head, theme.dim()),
                Span::raw(what),
                Span::styled(key, theme.dim()),
            ]),
        ];
        frame.render_widget(Paragraph::new(foot_lines), foot);
    }
}

/// Words of `text` in lines of at most `width` characters (a longer word is cut).
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut cur = String::new();
    for word in text.split(' ') {
        let (n, w) = (cur.chars().count(), word.chars().count());
        if n > 0 && n + 1 + w > width {
            lines.push(std::mem::take(&mut cur));
        }
        if !cur.is_empty() {
            cur.push(' ');
        }
        cur.push_str(word);
        while cur.chars().count() > width {
            let head: String = cur.chars().take(width).collect();
            cur = cur.chars().skip(width).collect();
            lines.push(head);
        }
    }
    if !cur.is_empty() || lines.is_empty() {
        lines.push(cur);
    }
    lines
}

fn welcome(frame: &mut Frame<'_>, area: Rect, app: &App, theme: Theme) {
    let ideal = safe(&app.config.ask.ideal_referral);
    let width = area.width.saturating_sub(4).min(78);
    let said = wrap(
        &format!("“do you know anyone who {ideal}?”"),
        usize::from(width).saturating_sub(2).max(10),
    );
    let mut lines = vec![
        Line::styled("Welcome to ties.", theme.ok()),
        Line::raw(""),
        Line::raw("Your book is empty. Three ways in:"),
        Line::raw(""),
        Line::raw("  Import your contacts:  ties import contacts.vcf"),
        Line::styled(
            "                         (vCard, a Google or a LinkedIn CSV)",
            theme.dim(),
        ),
        Line::raw("  Add one here:          press 2, then a"),
        Line::raw("  Look around first:     ties --demo"),
        Line::raw(""),
        Line::raw("Who is your ideal referral? Every ask says it:"),
    ];
    lines.extend(
        said.into_iter()
            .map(|l| Line::styled(format!("  {l}"), theme.accent())),
    );
    lines.push(Line::styled(
        "Press i to say it in your own words (saved to your config file).",
        theme.dim(),
    ));
    let r = centered(area, width, lines.len() as u16);
    frame.render_widget(Paragraph::new(lines), r);
}

fn all_clear(frame: &mut Frame<'_>, area: Rect, app: &App, theme: Theme) {
    let d = &app.data;
    let waiting = d.agenda.len() - d.agenda_today;
    let mut lines = vec![
        Line::styled("All clear.", theme.ok()),
        Line::raw(""),
        Line::raw(if d.agenda.is_empty() {
            "Nothing is owed to anyone today."
        } else {
            "Today's review is done."
        }),
    ];
    if waiting > 0 && !app.today.all {
        lines.push(Line::raw(""));
        lines.push(Line::styled(
            format!("{waiting} more wait for another day: w shows them."),
            theme.dim(),
        ));
    }
    if let Some(t) = &d.tomorrow {
        lines.push(Line::raw(""));
        lines.push(Line::styled(
            format!("Tomorrow: {}", safe(&t.summary)),
            theme.dim(),
        ));
    }
    let r = centered(area, area.width.saturating_sub(4), lines.len() as u16);
    frame.render_widget(Paragraph::new(lines).centered(), r);
}

/// The card's lines: what you need to act, a labelled line per part.
/// The card's lines, `width` columns wide: a label, then its text wrapped under
/// itself (a hanging indent), so the labels stay a column of their own.
fn card_lines(it: &AgendaItem, c: &Card, width: usize, theme: Theme) -> Vec<Line<'static>> {
    const LABEL: usize = 9;
    let mut out = Vec::new();
    let mut line = |label: &str, text: String| {
        for (n, part) in wrap(&safe(&text), width.saturating_sub(LABEL).max(10))
            .into_iter()
            .enumerate()
        {
            let head = if n == 0 { label } else { "" };
            out.push(Line::from(vec![
                Span::styled(format!("{head:<LABEL$}"), theme.dim()),
                Span::raw(part),
            ]));
        }
    };
    if let Some(r) = &c.referral {
        line("referral", r.clone());
    }
    // The script says the ideal referral already, unless the user's script does not.
    if let Some(i) = c
        .ideal_referral
        .as_ref()
        .filter(|i| !c.script.as_ref().is_some_and(|s| s.contains(i.as_str())))
    {
        line("ideal", format!("someone who {i}"));
    }
    if let Some(s) = &c.script {
        line("say", format!("“{s}”"));
    }
    if let Some(w) = &c.channel_why {
        line("how", w.clone());
    }
    if let Some(w) = &c.reward_why {
        line("thank", format!("with {w}"));
    }
    if !c.history.is_empty() {
        let h: Vec<String> = c
            .history
            .iter()
            .map(|e| format!("{} {}", e.status.as_str(), e.date))
            .collect();
        line("history", h.join(" → "));
    }
    if let Some(d) = &c.draft {
        line("draft", d.clone());
    }
    if let Some(p) = &c.phone {
        line("phone", p.clone());
    }
    if let Some(e) = &c.email {
        line("email", e.clone());
    }
    if matches!(it.kind, AgendaKind::FollowUp | AgendaKind::Occasion) {
        line(
            "last",
            c.last_touch
                .map_or("no touch yet".to_string(), |d| format!("touch {d}")),
        );
    }
    if let Some(l) = &c.last_conversation {
        line("last", l.clone());
    }
    if let Some(i) = &c.idea {
        line("idea", i.clone());
    }
    if matches!(it.kind, AgendaKind::OverDeliver | AgendaKind::GiveBack)
        && let Some(d) = c.last_touch
    {
        line("last", format!("touch {d}"));
    }
    if it.stale {
        line(
            "stale",
            match it.kind {
                AgendaKind::KeepInTouch => {
                    "x lets it go; or e on the contact sets a slower cadence".to_string()
                }
                _ => "long overdue: x lets it go".to_string(),
            },
        );
    }
    out
}

fn review(frame: &mut Frame<'_>, area: Rect, app: &App, pos: usize, theme: Theme) {
    let items = app.today_items();
    let Some(it) = items.get(pos) else {
        return;
    };
    let overdue = (app.data.today - it.due).num_days();
    let due = match overdue {
        0 => "due today".to_string(),
        1 => format!("due {} (yesterday)", it.due),
        -1 => format!("due {} (tomorrow)", it.due),
        n if n > 0 => format!("due {} ({n} days ago)", it.due),
        n => format!("due {} (in {} days)", it.due, -n),
    };
    let box_w = area.width.saturating_sub(4).min(96);
    let card = app.data.card(it, &app.config);
    let mut lines = vec![
        Line::from(vec![
            Span::styled(it.kind.heading(), theme.heading()),
            Span::styled(format!(" · {} of {}", pos + 1, items.len()), theme.dim()),
        ]),
        Line::raw(""),
        Line::styled(safe(&it.contact), theme.bold()),
        Line::raw(safe(&it.reason)),
        Line::styled(due, theme.dim()),
        Line::raw(""),
    ];
    lines.extend(card_lines(
        it,
        &card,
        usize::from(box_w.saturating_sub(2)),
        theme,
    ));
    lines.push(Line::raw(""));
    lines.push(Line::raw(done_words(it)));
    lines.push(Line::raw(""));
    lines.push(Line::from(hints(
        app,
        Mode::Review,
        usize::from(box_w.saturating_sub(2)),
        theme,
    )));
    // Wrapped lines take more rows than there are lines: leave room for them.
    let inner = usize::from(box_w.saturating_sub(2)).max(1);
    let rows: usize = lines.iter().map(|l| l.width().max(1).div_ceil(inner)).sum();
    let block = Block::bordered().title(" Review ");
    let r = centered(area, box_w, (rows + 2) as u16);
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(block),
        r,
    );
}
