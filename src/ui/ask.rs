//! The Ask pane: the ranked ask-now list with reasons; for the selected person the
//! ideal-referral line, the filled-in ask script and the recommended channel; below,
//! who is waiting and why.
//!
//! May import `app`, `ratatui`, domain types.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

use super::Theme;
use super::text::{fit, safe, window};
use crate::app::{App, Hit};
use crate::domain::ask::AskStatus;

fn waiting_word(s: AskStatus) -> &'static str {
    match s {
        AskStatus::DoFirst => "do first",
        AskStatus::WaitUntil => "cooldown",
        AskStatus::WaitForMoment => "no moment",
        AskStatus::NotYet => "build rapport",
        AskStatus::AskNow => "another day",
        AskStatus::NotSuitable => "",
    }
}

pub fn render(frame: &mut Frame<'_>, area: Rect, app: &App, theme: Theme) {
    let d = &app.data;
    let list_h = (d.ask_now.len().clamp(1, 6) + 1) as u16;
    let [list, card, waiting] = Layout::vertical([
        Constraint::Length(list_h),
        Constraint::Length(8),
        Constraint::Min(3),
    ])
    .areas(area);
    let width = usize::from(area.width);
    let mut lines = vec![Line::styled(
        format!(
            "Ask now ({}) — ranked; Enter records the ask",
            d.ask_now.len()
        ),
        theme.heading(),
    )];
    if d.ask_now.is_empty() {
        lines.push(Line::styled(
            "Nobody to ask right now: see below who is waiting and why.",
            theme.dim(),
        ));
    }
    let rows = usize::from(list_h - 1);
    let top = list.y + lines.len() as u16;
    app.hits.borrow_mut().page = rows.saturating_sub(1);
    let in_asks = app.ask.min(d.ask_now.len().saturating_sub(1));
    for (k, i) in window(in_asks, d.ask_now.len(), rows).enumerate() {
        app.hits
            .borrow_mut()
            .add(list.x, top + k as u16, list.width, 1, Hit::AskRow(i));
        let s = &d.assessed.ranking[d.ask_now[i].suggestion];
        let reason = s.reasons.first().map(|r| safe(r)).unwrap_or_default();
        let head = format!("{:>2}. {} ", i + 1, fit(&safe(&s.name), 20));
        let score = format!("strength {:>3} · ready {:>3}  ", s.strength, s.readiness);
        let rest = width.saturating_sub(head.chars().count() + score.len());
        let text = format!("{head}{score}{}", fit(&reason, rest));
        lines.push(if i == app.ask {
            Line::styled(text, theme.selected())
        } else {
            Line::raw(text)
        });
    }
    frame.render_widget(Paragraph::new(lines), list);

    let block = Block::default()
        .borders(Borders::TOP)
        .border_style(theme.dim());
    let inner = block.inner(card);
    frame.render_widget(block, card);
    if let Some(c) = d.ask_now.get(app.ask) {
        let s = &d.assessed.ranking[c.suggestion];
        let card_lines = vec![
            Line::from(vec![
                Span::styled("Ideal referral: ", theme.dim()),
                Span::raw(format!(
                    "someone who {}",
                    safe(&app.config.ask.ideal_referral)
                )),
            ]),
            Line::from(vec![
                Span::styled("Say: ", theme.dim()),
                Span::styled(format!("“{}”", safe(&c.script)), theme.accent()),
            ]),
            Line::from(vec![
                Span::styled("Channel: ", theme.dim()),
                Span::raw(safe(&c.channel_why)),
            ]),
            Line::styled(
                s.reasons
                    .iter()
                    .skip(1)
                    .map(|r| safe(r))
                    .collect::<Vec<_>>()
                    .join(" · "),
                theme.dim(),
            ),
        ];
        frame.render_widget(Paragraph::new(card_lines).wrap(Wrap { trim: false }), inner);
    } else if let Some(&w) = app
        .ask
        .checked_sub(d.ask_now.len())
        .and_then(|j| d.waiting.get(j))
    {
        // A waiting person: every reason it is not yet time, and what changes that.
        let s = &d.assessed.ranking[w];
        let mut card_lines = vec![Line::from(vec![
            Span::styled(format!("{} ", safe(&s.name)), theme.bold()),
            Span::styled(
                format!("strength {} · ready {} · not yet", s.strength, s.readiness),
                theme.dim(),
            ),
        ])];
        if let Some(u) = s.wait_until {
            card_lines.push(Line::raw(format!("Asked recently: wait until {u}.")));
        }
        card_lines.extend(
            s.reasons
                .iter()
                .map(|r| Line::raw(format!("· {}", safe(r)))),
        );
        card_lines.push(Line::styled("Enter opens the contact", theme.dim()));
        frame.render_widget(Paragraph::new(card_lines).wrap(Wrap { trim: false }), inner);
    }

    let mut wait_lines = vec![Line::styled(
        format!(
            "Waiting ({}) — why not yet · ↓ moves here, Enter opens",
            d.waiting.len()
        ),
        theme.heading(),
    )];
    let n = d.ask_now.len();
    let selected_wait = app.ask.checked_sub(n);
    let wait_rows = usize::from(waiting.height.saturating_sub(1));
    for j in window(selected_wait.unwrap_or(0), d.waiting.len(), wait_rows) {
        let i = d.waiting[j];
        app.hits.borrow_mut().add(
            waiting.x,
            waiting.y + wait_lines.len() as u16,
            waiting.width,
            1,
            Hit::AskRow(n + j),
        );
        let s = &d.assessed.ranking[i];
        // Ready but past today's limit: the last reason says so.
        let reason = if s.status == AskStatus::AskNow {
            s.reasons.last()
        } else {
            s.reasons.first()
        };
        let mut why = reason.map(|r| safe(r)).unwrap_or_default();
        if let Some(u) = s.wait_until {
            why = format!("until {u}: {why}");
        }
        let head = format!(
            "  {} {:<13} ",
            fit(&safe(&s.name), 20),
            waiting_word(s.status)
        );
        let rest = width.saturating_sub(head.chars().count());
        let line = Line::from(vec![
            Span::raw(head),
            Span::styled(fit(&why, rest), theme.dim()),
        ]);
        wait_lines.push(if selected_wait == Some(j) {
            line.style(theme.selected())
        } else {
            line
        });
    }
    frame.render_widget(Paragraph::new(wait_lines), waiting);
}
