//! The Referrals pane: the pipeline (a column per status with age and quality) or the
//! chains (referrer → referred … with status, value and the first-touch total per
//! root), and a line about the selected referral.
//!
//! May import `app`, `ratatui`, domain types.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::Theme;
use super::text::{fit, safe, window};
use crate::app::{App, COLUMNS, Hit};
use crate::domain::chain::format_money;
use crate::domain::interaction::InteractionKind;
use crate::domain::referral::{Quality, Referral};

/// A pipeline card's second line: how warm, which way ("warm ←", "3-way →").
fn short(q: Quality) -> &'static str {
    match q {
        Quality::NameOnly => "name",
        Quality::Permission => "asked",
        Quality::WarmHandoff => "warm",
        Quality::EmailIntro => "email",
        Quality::ThreeWayMeeting => "3-way",
    }
}

pub fn render(frame: &mut Frame<'_>, area: Rect, app: &App, theme: Theme) {
    let [head, body, foot] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(1),
        Constraint::Length(2),
    ])
    .areas(area);
    let s = &app.referrals;
    let tab = |on: bool, text: &'static str| {
        Span::styled(text, if on { theme.selected() } else { theme.dim() })
    };
    frame.render_widget(
        Line::from(vec![
            Span::styled("Referrals ", theme.heading()),
            tab(!s.chains, " p pipeline "),
            Span::raw(" "),
            tab(s.chains, " c chains "),
        ]),
        head,
    );
    if s.chains {
        chains(frame, body, app, theme);
    } else {
        pipeline(frame, body, app, theme);
    }
    let width = usize::from(foot.width);
    let mut lines = vec![Line::styled("─".repeat(width), theme.dim())];
    if let Some(r) = crate::app::selected_referral(app) {
        lines.push(about(app, r, width, theme));
    }
    frame.render_widget(Paragraph::new(lines), foot);
}

/// "#12 Dana referred by Sam · warm_handoff · met · thanked ✓ · informed ✗".
fn about<'a>(app: &App, r: &Referral, width: usize, theme: Theme) -> Line<'a> {
    // The referrer's history, unpacked once for both marks.
    let history = r
        .referrer_id
        .map(|by| app.data.book.interactions_of(by))
        .unwrap_or_default();
    let linked = |kind: InteractionKind| {
        history
            .iter()
            .any(|i| i.kind == kind && i.referral_id == Some(r.id))
    };
    let who = match (r.referrer_id, r.recipient_id) {
        (Some(by), _) => format!("{} ← {}", app.data.name(r.person_id), app.data.name(by)),
        (None, Some(to)) => format!("{} → {}", app.data.name(r.person_id), app.data.name(to)),
        (None, None) => app.data.name(r.person_id).to_string(),
    };
    let mut text = format!(
        "#{} {} · {} · {} for {}d",
        r.id,
        safe(&who),
        r.quality.words(),
        r.status.phrase(),
        (app.data.today - r.last_change()).num_days()
    );
    if let Some(v) = r.value {
        text.push_str(&format!(
            " · {}",
            format_money(v, &app.config.display.currency)
        ));
    }
    if let Some(reason) = &r.reason {
        text.push_str(&format!(" · {}", safe(reason)));
    }
    // The marks are what to act on: they keep their place, the text before them is
    // cut (with an ellipsis) when the line is too long.
    let marks = r.referrer_id.map(|_| {
        let mark = |ok: bool| if ok { "✓" } else { "✗" };
        let (t, u) = (
            linked(InteractionKind::Thanks),
            linked(InteractionKind::Update),
        );
        (
            format!(" · thanked {} informed {}", mark(t), mark(u)),
            t && u,
        )
    });
    let room = width.saturating_sub(marks.as_ref().map_or(0, |(m, _)| m.chars().count()));
    let text = if text.chars().count() > room {
        fit(&text, room)
    } else {
        text
    };
    let mut spans = vec![Span::raw(text)];
    if let Some((m, all)) = marks {
        spans.push(Span::styled(
            m,
            if all { theme.ok() } else { theme.accent() },
        ));
    }
    Line::from(spans)
}

fn pipeline(frame: &mut Frame<'_>, area: Rect, app: &App, theme: Theme) {
    let s = &app.referrals;
    let cols = Layout::horizontal([Constraint::Ratio(1, 6); 6]).split(area);
    for (c, rect) in cols.iter().enumerate() {
        let ids = &app.data.columns[c];
        let w = usize::from(rect.width.saturating_sub(1));
        let title = if c == COLUMNS.len() - 1 {
            "lost/dormant".to_string()
        } else {
            COLUMNS[c].to_string()
        };
        let style = if c == s.column {
            theme.selected()
        } else {
            theme.heading()
        };
        let mut lines = vec![Line::styled(
            fit(&format!("{title} {}", ids.len()), w),
            style,
        )];
        // Two lines per card.
        let fit_cards = usize::from(rect.height.saturating_sub(1)) / 2;
        let sel = s.rows[c];
        let shown = window(sel, ids.len(), fit_cards);
        {
            let mut hits = app.hits.borrow_mut();
            hits.page = fit_cards.saturating_sub(1);
            hits.add(rect.x, rect.y, rect.width, rect.height, Hit::Column(c));
            for (k, row) in shown.clone().enumerate() {
                hits.add(
                    rect.x,
                    rect.y + 1 + 2 * k as u16,
                    rect.width,
                    2,
                    Hit::Card { column: c, row },
                );
            }
        }
        for &i in &ids[shown] {
            let r = &app.data.book.referrals[i];
            let days = (app.data.today - r.last_change()).num_days();
            let selected = c == s.column && ids.get(sel) == Some(&i);
            let name_style = if selected {
                theme.selected()
            } else {
                theme.plain()
            };
            lines.push(Line::styled(
                fit(&safe(app.data.name(r.person_id)), w),
                name_style,
            ));
            // ← referred to you, → referred by you.
            let dir = if r.referrer_id.is_some() {
                "←"
            } else {
                "→"
            };
            lines.push(Line::styled(
                fit(&format!("{days}d {} {dir}", short(r.quality)), w),
                theme.dim(),
            ));
        }
        frame.render_widget(Paragraph::new(lines), *rect);
    }
}

fn chains(frame: &mut Frame<'_>, area: Rect, app: &App, theme: Theme) {
    let lines_data = &app.data.chains;
    if lines_data.is_empty() {
        frame.render_widget(
            Paragraph::new("No referral chains yet: record a referral from Contacts with R.")
                .style(theme.dim()),
            area,
        );
        return;
    }
    let sel = app.referrals.line;
    app.hits.borrow_mut().page = usize::from(area.height).saturating_sub(1);
    let lines: Vec<Line<'_>> = window(sel, lines_data.len(), usize::from(area.height))
        .map(|i| {
            let l = &lines_data[i];
            let text = safe(&l.text);
            if i == sel {
                Line::styled(text, theme.selected())
            } else if l.root {
                Line::styled(text, theme.bold())
            } else {
                Line::raw(text)
            }
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), area);
}
