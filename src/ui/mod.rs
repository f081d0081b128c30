//! Drawing the interface from `&App`: tabs on top, the pane, the status bar with the
//! keys that work here (from the live keymap), and any overlay. One file per pane.
//! Read-only: no store, no events; only the visible slice of a long list is built.
//!
//! May import `app`, `keymap`, `ratatui`, `text`, domain types.

mod ask;
mod contacts;
mod forms;
mod help;
mod insights;
mod referrals;
mod text;
mod theme;
mod today;

use ratatui::Frame;
use ratatui::layout::{Layout, Rect};
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::app::{Action, App, BINDABLE, Hit, Overlay, Pane};
use crate::keymap::Mode;
pub use theme::Theme;

/// Below this the interface says so instead of drawing garbage.
pub const MIN_WIDTH: u16 = 60;
pub const MIN_HEIGHT: u16 = 16;

pub fn render(frame: &mut Frame<'_>, app: &App) {
    let area = frame.area();
    app.hits.borrow_mut().clear();
    let theme = Theme::new(&app.config.theme, app.color);
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        too_small(frame, area, theme);
        return;
    }
    let [top, body, bottom] = Layout::vertical([
        ratatui::layout::Constraint::Length(1),
        ratatui::layout::Constraint::Min(1),
        ratatui::layout::Constraint::Length(1),
    ])
    .areas(area);
    tabs(frame, top, app, theme);
    match app.pane {
        Pane::Today => today::render(frame, body, app, theme),
        Pane::Contacts => contacts::render(frame, body, app, theme),
        Pane::Referrals => referrals::render(frame, body, app, theme),
        Pane::Ask => ask::render(frame, body, app, theme),
        Pane::Insights => insights::render(frame, body, app, theme),
    }
    status_bar(frame, bottom, app, theme);
    if app.overlay.is_some() {
        app.hits
            .borrow_mut()
            .add(area.x, area.y, area.width, area.height, Hit::Covered);
    }
    match &app.overlay {
        None => {}
        Some(Overlay::Help {
            filter,
            typing,
            scroll,
        }) => help::render(frame, body, app, (filter, *typing, *scroll), theme),
        Some(Overlay::Form(form)) => forms::form(frame, body, form, theme),
        Some(Overlay::Snooze { label, index, .. }) => {
            forms::snooze(frame, body, label, *index, theme);
        }
        Some(Overlay::Done {
            label,
            options,
            index,
            ..
        }) => forms::done(frame, body, label, options, *index, theme),
        Some(Overlay::IdealReferral(field)) => forms::ideal_referral(frame, body, field, theme),
        Some(Overlay::Snoozes { index }) => {
            forms::snoozes(
                frame,
                body,
                &app.data.snoozed(app.data.today),
                *index,
                theme,
            );
        }
        Some(Overlay::ConfirmArchive { name, .. }) => forms::confirm(frame, body, name, theme),
        Some(Overlay::ConfirmUnarchive { name, .. }) => forms::confirm_write(
            frame,
            body,
            &format!("Bring {name} back among your contacts?"),
            "They show in lists, the review and suggestions again.",
            theme,
        ),
        Some(Overlay::Duplicate {
            name, why, write, ..
        }) => {
            let adding = matches!(**write, crate::app::Write::AddContact(_));
            forms::duplicate(frame, body, name, why, adding, theme);
        }
        Some(Overlay::Confirm {
            question, detail, ..
        }) => forms::confirm_write(frame, body, question, detail, theme),
        Some(Overlay::ImportPath(field)) => forms::import_path(frame, body, field, theme),
        Some(Overlay::Output { output, scroll }) => {
            forms::output(frame, body, output, *scroll, theme);
        }
        // Drawn in the status bar.
        Some(Overlay::Command(_)) => {}
        Some(Overlay::ImportPreview { preview, scroll }) => {
            forms::import_preview(frame, body, preview, *scroll, theme);
        }
        Some(Overlay::ConfirmQuit) => forms::confirm_write(
            frame,
            body,
            "Quit the demo? Everything you did in it goes with it.",
            "To keep a demo, fill a database of your own: ties demo",
            theme,
        ),
    }
}

fn too_small(frame: &mut Frame<'_>, area: Rect, theme: Theme) {
    let lines = vec![
        Line::styled("Terminal too small", theme.bold()),
        Line::raw(format!("{}×{} here;", area.width, area.height)),
        Line::raw(format!("ties needs {MIN_WIDTH}×{MIN_HEIGHT}.")),
        Line::raw("Enlarge the window, or q to quit."),
    ];
    let h = (lines.len() as u16).min(area.height);
    let y = area.y + area.height.saturating_sub(h) / 2;
    let r = Rect {
        y,
        height: h,
        ..area
    };
    frame.render_widget(Paragraph::new(lines).centered(), r);
}

fn tabs(frame: &mut Frame<'_>, area: Rect, app: &App, theme: Theme) {
    let d = &app.data;
    let count = |p: Pane| match p {
        Pane::Today => app.today_items().len(),
        Pane::Contacts => d.rows.len(),
        Pane::Referrals => d
            .book
            .referrals
            .iter()
            .filter(|r| !r.status.is_closed())
            .count(),
        Pane::Ask => d.ask_now.len(),
        Pane::Insights => d.stats.received.referrals,
    };
    let mut date = d.today.format(&app.config.display.date_format).to_string();
    if app.read_only {
        // Always said, even where the date does not fit: writes will fail.
        date = format!("read-only · {date}");
    }
    let label = |i: usize, p: Pane, counts: bool| {
        if counts {
            format!(" {} {} {} ", i + 1, p.title(), count(p))
        } else {
            format!(" {} {} ", i + 1, p.title())
        }
    };
    // Counts and the date only when they fit (60 columns is the minimum).
    let full: usize = 6 + Pane::ALL
        .iter()
        .enumerate()
        .map(|(i, p)| 1 + label(i, *p, true).chars().count())
        .sum::<usize>();
    let width = usize::from(area.width);
    let counts = full + date.chars().count() < width;
    let mut spans = vec![Span::styled(" ties ", theme.heading())];
    let mut x = area.x + 6;
    for (i, p) in Pane::ALL.iter().enumerate() {
        spans.push(Span::styled("│", theme.dim()));
        let style = if *p == app.pane {
            theme.selected().add_modifier(Modifier::BOLD)
        } else {
            theme.plain()
        };
        let text = label(i, *p, counts);
        let w = text.chars().count() as u16;
        app.hits.borrow_mut().add(x + 1, area.y, w, 1, Hit::Tab(*p));
        x += 1 + w;
        spans.push(Span::styled(text, style));
    }
    let used: usize = spans.iter().map(|s| s.content.chars().count()).sum();
    if used + date.chars().count() < width {
        spans.push(Span::raw(
            " ".repeat(width - used - date.chars().count() - 1),
        ));
        let style = if app.read_only {
            theme.error()
        } else {
            theme.dim()
        };
        spans.push(Span::styled(date, style));
    } else if app.read_only {
        let tag = " read-only";
        let n = tag.chars().count();
        while spans.len() > 1
            && spans
                .iter()
                .map(|s| s.content.chars().count())
                .sum::<usize>()
                + n
                > width
        {
            spans.pop();
        }
        spans.push(Span::styled(tag, theme.error()));
    }
    frame.render_widget(Line::from(spans), area);
}

/// The keys of `mode` as (key, description), one per action in [`BINDABLE`] order,
/// navigation left out; help and quit last.
pub fn hint_items(app: &App, mode: Mode) -> Vec<(String, &'static str)> {
    let mut items: Vec<(String, &'static str)> = BINDABLE
        .iter()
        .filter(|a| !a.is_navigation() && !matches!(a, Action::Help | Action::Quit))
        .filter_map(|a| {
            app.keymap
                .bindings(mode)
                .iter()
                .find(|(_, b)| b == a)
                .map(|(k, _)| (k.to_string(), a.description()))
        })
        .collect();
    // Only a stale item can be let go: the key shows when it would work.
    if matches!(mode, Mode::Today | Mode::Review) {
        let pos = app.today.review.unwrap_or(app.today.selected);
        if !app.today_items().get(pos).is_some_and(|it| it.stale) {
            items.retain(|(_, d)| *d != Action::LetGo.description());
        }
    }
    // On a waiting person there is no ask to record (Enter opens them, as o does).
    if mode == Mode::Ask && app.ask >= app.data.ask_now.len() {
        items.retain(|(_, d)| *d != Action::RecordAsk.description());
    }
    for a in [Action::Help, Action::Quit] {
        if let Some(k) = app.keymap.key_for(mode, &a) {
            items.push((k.to_string(), a.description()));
        }
    }
    items
}

/// The hints as spans that fit `width`: the pane's main keys first, in their order,
/// whole items only; when some do not fit, help reads "more" (they are all in `?`).
/// Help and quit are always kept.
pub fn hints(app: &App, mode: Mode, width: usize, theme: Theme) -> Vec<Span<'static>> {
    let items = hint_items(app, mode);
    let len = |(k, d): &(String, &str)| k.chars().count() + d.chars().count() + 4;
    let n = items.len();
    let tail_from = n.saturating_sub(2);
    // "more" is as long as "help": the tail's width does not change.
    let mut used: usize = items[tail_from..].iter().map(len).sum();
    let mut shown = tail_from;
    for (i, item) in items[..tail_from].iter().enumerate() {
        if used + len(item) > width {
            shown = i;
            break;
        }
        used += len(item);
    }
    let cut = shown < tail_from;
    let mut spans = Vec::new();
    for (i, item) in items.iter().enumerate() {
        if i >= shown && i < tail_from {
            continue;
        }
        if !spans.is_empty() {
            spans.push(Span::styled(" · ", theme.dim()));
        }
        let what = if cut && item.1 == Action::Help.description() {
            "more"
        } else {
            item.1
        };
        spans.push(Span::styled(item.0.clone(), theme.key()));
        spans.push(Span::raw(format!(" {what}")));
    }
    spans
}

fn status_bar(frame: &mut Frame<'_>, area: Rect, app: &App, theme: Theme) {
    // The command line takes the status bar, as in vim and helix.
    if let Some(Overlay::Command(line)) = &app.overlay {
        let mut spans = vec![Span::styled(":", theme.key())];
        let room = usize::from(area.width).saturating_sub(1);
        spans.extend(forms::text_spans(&line.field, true, theme, room));
        if let Some(m) = &app.message {
            let style = if m.error { theme.error() } else { theme.ok() };
            spans.push(Span::styled(format!("   {}", text::safe(&m.text)), style));
        } else if line.field.value.is_empty() {
            spans.push(Span::styled(
                "  a ties command: log sam call · Tab completes · ↑↓ history · Esc",
                theme.dim(),
            ));
        }
        frame.render_widget(Line::from(spans), area);
        return;
    }
    let line = if let Some(m) = &app.message {
        let style = if m.error { theme.error() } else { theme.ok() };
        // One row: a message longer than that ends in an ellipsis, never mid-word.
        let width = usize::from(area.width);
        let msg = text::safe(&m.text);
        let msg = if msg.chars().count() > width {
            text::fit(&msg, width)
        } else {
            msg
        };
        Line::from(Span::styled(msg, style))
    } else {
        match &app.overlay {
            Some(Overlay::Help { typing: true, .. }) => Line::styled(
                "type to search the keys · Enter keep · Esc clear",
                theme.dim(),
            ),
            Some(Overlay::Help { .. }) => Line::styled(
                "/ search · ↑↓ PgUp PgDn scroll · Esc or ? closes",
                theme.dim(),
            ),
            Some(Overlay::Form(_)) => Line::styled(
                "Tab next field · ←→ choose · ↑↓ pick a match · Enter save · Esc cancel",
                theme.dim(),
            ),
            Some(Overlay::Snooze { .. }) => Line::styled(
                "1 (1d) · 3 (3d) · w (1w) · m (1m) · ←→ Enter · Esc cancel",
                theme.dim(),
            ),
            Some(Overlay::Done { .. }) => {
                Line::styled("1-9 pick · ↑↓ Enter record · Esc cancel", theme.dim())
            }
            Some(Overlay::IdealReferral(_)) => Line::styled(
                "type your words · Enter save to your config file · Esc cancel",
                theme.dim(),
            ),
            Some(Overlay::Snoozes { .. }) => Line::styled(
                "↑↓ choose · Enter end the snooze · any other key closes",
                theme.dim(),
            ),
            Some(Overlay::Confirm { .. } | Overlay::ConfirmQuit) => {
                Line::styled("y yes · any other key changes nothing", theme.dim())
            }
            Some(Overlay::ConfirmArchive { .. }) => {
                Line::styled("y archive · any other key keeps them", theme.dim())
            }
            Some(Overlay::ConfirmUnarchive { .. }) => Line::styled(
                "y bring back · any other key leaves them archived",
                theme.dim(),
            ),
            Some(Overlay::Duplicate { write, .. }) => Line::styled(
                if matches!(**write, crate::app::Write::AddContact(_)) {
                    "y add anyway · o open the one you have · Esc cancel · other keys: the form"
                } else {
                    "y save anyway · o open the one that has it · Esc cancel · other keys: the form"
                },
                theme.dim(),
            ),
            Some(Overlay::ImportPath(_)) => Line::styled(
                "type or paste a path (~/ works) · Enter show what it would record · Esc cancel",
                theme.dim(),
            ),
            Some(Overlay::Command(_)) => Line::raw(""),
            Some(Overlay::Output { .. }) => {
                Line::styled("↑↓ PgUp PgDn scroll · any other key closes", theme.dim())
            }
            Some(Overlay::ImportPreview { .. }) => Line::styled(
                "Enter record · ↑↓ PgUp PgDn scroll · Esc changes nothing",
                theme.dim(),
            ),
            None if app.pane == Pane::Contacts && app.contacts.filtering => Line::styled(
                "type to filter · Enter keep the filter · Esc clear it",
                theme.dim(),
            ),
            None => Line::from(hints(app, app.mode(), usize::from(area.width), theme)),
        }
    };
    frame.render_widget(line, area);
}
