//! The Today pane: the review queue grouped by kind with each item's reason, the
//! review mode (one item at a time, "3 of 12"), and a calm "all clear".
//!
//! May import `app`, `ratatui`, domain types.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};

use super::text::{centered, fit, safe, window};
use super::{Theme, hints};
use crate::app::App;
use crate::domain::agenda::{AgendaItem, AgendaKind};
use crate::keymap::Mode;

pub fn heading(k: AgendaKind) -> &'static str {
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

/// What "done" will record, in words.
fn done_words(it: &AgendaItem) -> String {
    let (kind, _) = it.kind.done_interaction();
    match it.referral_id {
        Some(r) => format!(
            "done records: {kind} with {} (referral #{r})",
            safe(&it.contact)
        ),
        None => format!("done records: {kind} with {}", safe(&it.contact)),
    }
}

/// A row of the grouped list: a heading or an item.
enum Row {
    Heading(AgendaKind, usize),
    Item(usize),
}

pub fn render(frame: &mut Frame<'_>, area: Rect, app: &App, theme: Theme) {
    let items = &app.data.agenda;
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
        if i == 0 || items[i - 1].kind != it.kind {
            let n = items[i..].iter().take_while(|x| x.kind == it.kind).count();
            rows.push(Row::Heading(it.kind, n));
        }
        if i == app.today.selected {
            selected_row = rows.len();
        }
        rows.push(Row::Item(i));
    }
    let width = usize::from(list.width);
    let name_w = 22.min(width / 3);
    let lines: Vec<Line<'_>> = rows[window(selected_row, rows.len(), usize::from(list.height))]
        .iter()
        .map(|row| match row {
            Row::Heading(k, n) => Line::styled(format!("{} ({n})", heading(*k)), theme.heading()),
            Row::Item(i) => {
                let it = &items[*i];
                let due = if width >= 100 {
                    format!(" due {}", it.due)
                } else {
                    String::new()
                };
                let rest = width.saturating_sub(name_w + 4 + due.len());
                let text = format!(
                    "  {} {}{}",
                    fit(&safe(&it.contact), name_w),
                    fit(&safe(&it.reason), rest),
                    due
                );
                if *i == app.today.selected {
                    Line::styled(text, theme.selected())
                } else {
                    Line::raw(text)
                }
            }
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), list);
    if let Some(it) = items.get(app.today.selected) {
        let foot_lines = vec![
            Line::styled("─".repeat(width), theme.dim()),
            Line::from(vec![
                Span::styled(
                    format!("{} of {} · ", app.today.selected + 1, items.len()),
                    theme.dim(),
                ),
                Span::raw(done_words(it)),
                Span::styled(format!(" · key {}", safe(&it.key)), theme.dim()),
            ]),
        ];
        frame.render_widget(Paragraph::new(foot_lines), foot);
    }
}

fn all_clear(frame: &mut Frame<'_>, area: Rect, app: &App, theme: Theme) {
    let mut lines = vec![
        Line::styled("All clear.", theme.ok()),
        Line::raw(""),
        Line::raw("Nothing is owed to anyone today."),
    ];
    if let Some(t) = &app.data.tomorrow {
        lines.push(Line::raw(""));
        lines.push(Line::styled(
            format!("Tomorrow: {} — {}", safe(&t.contact), safe(&t.reason)),
            theme.dim(),
        ));
    }
    let r = centered(area, area.width.saturating_sub(4), lines.len() as u16);
    frame.render_widget(Paragraph::new(lines).centered(), r);
}

fn review(frame: &mut Frame<'_>, area: Rect, app: &App, pos: usize, theme: Theme) {
    let items = &app.data.agenda;
    let Some(it) = items.get(pos) else {
        return;
    };
    let overdue = (app.data.today - it.due).num_days();
    let due = match overdue {
        0 => "due today".to_string(),
        n if n > 0 => format!("due {} ({n} days ago)", it.due),
        _ => format!("due {}", it.due),
    };
    let box_w = area.width.saturating_sub(4).min(90);
    let lines = vec![
        Line::styled(format!("{} of {}", pos + 1, items.len()), theme.dim()),
        Line::raw(""),
        Line::styled(heading(it.kind), theme.heading()),
        Line::raw(""),
        Line::styled(safe(&it.contact), theme.bold()),
        Line::raw(safe(&it.reason)),
        Line::styled(due, theme.dim()),
        Line::raw(""),
        Line::raw(done_words(it)),
        Line::raw(""),
        Line::from(hints(
            app,
            Mode::Review,
            usize::from(box_w.saturating_sub(2)),
            theme,
        )),
    ];
    let block = Block::bordered().title(" Review ");
    let r = centered(area, box_w, (lines.len() + 2) as u16);
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(block),
        r,
    );
}
