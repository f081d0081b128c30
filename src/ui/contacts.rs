//! The Contacts pane: the filtered list (name, strength bar, days since the last
//! touch, tags) on the left, the selected contact's detail on the right.
//!
//! May import `app`, `ratatui`.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

use super::Theme;
use super::text::{age, fit, safe, window};
use super::theme::bar;
use crate::app::{Action, App, Detail, Hit};
use crate::keymap::Mode;

pub fn render(frame: &mut Frame<'_>, area: Rect, app: &App, theme: Theme) {
    let [left, right] =
        Layout::horizontal([Constraint::Percentage(45), Constraint::Percentage(55)]).areas(area);
    list(frame, left, app, theme);
    let block = Block::default()
        .borders(Borders::LEFT)
        .border_style(theme.dim());
    let inner = block.inner(right);
    frame.render_widget(block, right);
    app.hits
        .borrow_mut()
        .add(inner.x, inner.y, inner.width, inner.height, Hit::Timeline);
    match &app.contacts.detail {
        Some(d) => detail(frame, inner, d, app, theme),
        None => frame.render_widget(
            Paragraph::new("No contact selected. a adds one.").style(theme.dim()),
            inner,
        ),
    }
}

fn list(frame: &mut Frame<'_>, area: Rect, app: &App, theme: Theme) {
    let c = &app.contacts;
    let [top, rows_area] =
        Layout::vertical([Constraint::Length(1), Constraint::Min(1)]).areas(area);
    let count = format!(" {} of {}", c.visible.len(), app.contact_rows().len());
    let filter_line = if c.filtering || !c.filter.value.is_empty() {
        let mut spans = vec![Span::styled("/", theme.key())];
        let (before, after): (String, String) = {
            let v = safe(&c.filter.value);
            let at = c.filter.cursor.min(v.chars().count());
            (v.chars().take(at).collect(), v.chars().skip(at).collect())
        };
        spans.push(Span::raw(before));
        if c.filtering {
            let mut rest = after.chars();
            let under = rest.next().map_or(" ".to_string(), |ch| ch.to_string());
            spans.push(Span::styled(under, theme.selected()));
            spans.push(Span::raw(rest.collect::<String>()));
        } else {
            spans.push(Span::raw(after));
        }
        spans.push(Span::styled(count, theme.dim()));
        Line::from(spans)
    } else {
        Line::from(vec![
            Span::styled(
                if c.archived { "Archived" } else { "Contacts" },
                theme.heading(),
            ),
            Span::styled(
                if c.archived {
                    format!("{count} · A brings back")
                } else {
                    format!("{count} · / filters")
                },
                theme.dim(),
            ),
        ])
    };
    frame.render_widget(filter_line, top);
    if c.visible.is_empty() {
        let text = if c.archived && app.data.archived.is_empty() {
            vec![Line::raw("Nothing is archived. H shows your contacts.")]
        } else if app.data.rows.is_empty() && !c.archived {
            vec![
                Line::raw("No contacts yet. a adds one; or, in a shell:"),
                Line::raw("  ties import FILE   (a vCard, Google or LinkedIn CSV)"),
            ]
        } else {
            vec![Line::raw("No contact matches.")]
        };
        frame.render_widget(
            Paragraph::new(text)
                .style(theme.dim())
                .wrap(Wrap { trim: false }),
            rows_area,
        );
        return;
    }
    let width = usize::from(rows_area.width);
    let name_w = width.saturating_sub(14).min(24);
    let today = app.data.today;
    let shown = window(c.selected, c.visible.len(), usize::from(rows_area.height));
    app.hits.borrow_mut().page = usize::from(rows_area.height).saturating_sub(1);
    for (k, i) in shown.clone().enumerate() {
        app.hits.borrow_mut().add(
            rows_area.x,
            rows_area.y + k as u16,
            rows_area.width,
            1,
            Hit::ContactRow(i),
        );
    }
    let lines: Vec<Line<'_>> = c.visible[shown]
        .iter()
        .map(|&i| {
            let r = &app.contact_rows()[i];
            let selected = Some(r.id) == app.selected_contact().map(|s| s.id);
            let tags = match app.data.book.contact(r.id) {
                Some(c) if !c.tags.is_empty() => safe(&c.tags.join(",")),
                _ => String::new(),
            };
            let rest = width.saturating_sub(name_w + 14);
            let spans = vec![
                Span::raw(fit(&safe(&r.name), name_w)),
                Span::raw(" "),
                Span::styled(bar(r.strength), theme.band(r.band)),
                Span::raw(format!(" {:>6} ", age(r.last_touch, today))),
                Span::styled(fit(&tags, rest), theme.dim()),
            ];
            let line = Line::from(spans);
            if selected {
                line.style(theme.selected())
            } else {
                line
            }
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), rows_area);
}

fn detail(frame: &mut Frame<'_>, area: Rect, d: &Detail, app: &App, theme: Theme) {
    let budget = usize::from(area.height) * 2;
    let mut lines: Vec<Line<'_>> = vec![
        Line::styled(
            safe(&d.name),
            theme.bold().add_modifier(Modifier::UNDERLINED),
        ),
        Line::styled(safe(&d.headline), theme.dim()),
        Line::from(vec![
            Span::raw("strength "),
            Span::styled(
                format!("{} {}", d.strength, bar(d.strength)),
                theme.accent(),
            ),
            Span::raw(format!(" {}", d.band)),
        ]),
        Line::raw(format!("ask: {}", safe(&d.readiness))),
    ];
    // How to reach them and what is open come before the analysis: on a short screen
    // the analysis is what gets cut.
    for (label, value) in &d.fields {
        lines.push(Line::from(vec![
            Span::styled(format!("{label}: "), theme.dim()),
            Span::raw(safe(value)),
        ]));
    }
    if !d.open_referrals.is_empty() {
        lines.push(Line::styled("Open referrals", theme.heading()));
        for r in &d.open_referrals {
            lines.push(Line::raw(format!("  {}", safe(r))));
        }
    }
    lines.extend([
        Line::raw(safe(&d.summary)),
        Line::raw(format!("reciprocity: {}", d.reciprocity)),
        Line::styled(d.breakdown.clone(), theme.dim()),
    ]);
    // The timeline keeps rows of its own (its heading and a few entries): on a short
    // screen a contact with many fields would push it out of sight, where `J` scrolls
    // it unseen. The part above is cut instead, a row of its own saying so. (Entries
    // that wrap take more than their row each: the newest still shows first.)
    let rows_of = |l: &Line<'_>, width: u16| {
        Paragraph::new(l.clone())
            .wrap(Wrap { trim: false })
            .line_count(width)
    };
    let timeline_rows = 1 + d.timeline.len().min(5);
    let mut head_rows: usize = lines.iter().map(|l| rows_of(l, area.width)).sum();
    let mut area = area;
    if head_rows + timeline_rows > usize::from(area.height)
        && usize::from(area.height) > timeline_rows + 2
    {
        let [body, more, rest] = Layout::vertical([
            Constraint::Length(area.height - timeline_rows as u16 - 1),
            Constraint::Length(1),
            Constraint::Min(1),
        ])
        .areas(area);
        frame.render_widget(
            Paragraph::new(std::mem::take(&mut lines)).wrap(Wrap { trim: false }),
            body,
        );
        let edit = app
            .keymap
            .key_for(Mode::Contacts, &Action::EditContact)
            .map(|k| format!("; {k} shows every field"))
            .unwrap_or_default();
        frame.render_widget(
            Paragraph::new(fit(
                &format!("… (the rest is cut{edit})"),
                usize::from(more.width),
            ))
            .style(theme.dim()),
            more,
        );
        area = rest;
        head_rows = 0;
    }
    let offset = app
        .contacts
        .timeline_offset
        .min(d.timeline.len().saturating_sub(1));
    let heading = if offset > 0 {
        format!(
            "Timeline ({}) · from entry {}",
            d.timeline.len(),
            offset + 1
        )
    } else {
        format!("Timeline ({})", d.timeline.len())
    };
    let heading = Line::styled(heading, theme.heading());
    // Rows left for the entries, and how many show whole: J and K move by that many,
    // so none is skipped unseen when entries wrap.
    let mut room =
        usize::from(area.height).saturating_sub(head_rows + rows_of(&heading, area.width));
    lines.push(heading);
    let mut whole = 0;
    let fmt = &app.config.display.date_format;
    for (date, kind, text) in d
        .timeline
        .iter()
        .skip(offset)
        .take(budget.saturating_sub(lines.len()))
    {
        let line = Line::from(vec![
            Span::styled(format!("{} ", date.format(fmt)), theme.dim()),
            Span::styled(format!("{kind:<9}"), theme.accent()),
            Span::raw(format!(" {}", safe(text))),
        ]);
        let rows = rows_of(&line, area.width);
        if rows <= room {
            room -= rows;
            whole += 1;
        } else {
            room = 0;
        }
        lines.push(line);
    }
    app.hits.borrow_mut().timeline_page = whole.max(1);
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), area);
}
