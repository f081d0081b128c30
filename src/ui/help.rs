//! The help overlay: every binding of the live keymap, by mode, keys of one action
//! together, flowing into as many columns as fit; `/` narrows it to the bindings whose
//! keys, words or mode contain what is typed; it scrolls when it does not fit.
//!
//! May import `app`, `keymap`, `ratatui`.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};

use super::Theme;
use super::text::safe;
use crate::app::{Action, App, BINDABLE, TextField};
use crate::keymap::Mode;

const COLUMN: u16 = 26;

/// The help lines for `query` (all of them when it is empty): a mode's heading, then
/// its bindings; a mode with no match is left out.
fn help_lines(app: &App, query: &str, theme: Theme) -> Vec<Line<'static>> {
    let q = query.trim().to_lowercase();
    let mut lines: Vec<Line<'static>> = Vec::new();
    for &mode in Mode::ALL {
        let bindings = app.keymap.bindings(mode);
        let groups: Vec<(String, &Action)> = BINDABLE
            .iter()
            .map(|a| {
                let keys = bindings
                    .iter()
                    .filter(|(_, b)| b == a)
                    .map(|(k, _)| k.to_string())
                    .collect::<Vec<_>>();
                (keys.join("/"), a)
            })
            .filter(|(keys, _)| !keys.is_empty())
            .filter(|(keys, a)| {
                q.is_empty()
                    || keys.to_lowercase().contains(&q)
                    || a.description().to_lowercase().contains(&q)
                    || mode.title().to_lowercase().contains(&q)
            })
            .collect();
        if groups.is_empty() {
            continue;
        }
        if !lines.is_empty() {
            lines.push(Line::raw(""));
        }
        lines.push(Line::styled(mode.title(), theme.heading()));
        for (keys, action) in groups {
            lines.push(Line::from(vec![
                Span::styled(format!("{keys:>9} "), theme.key()),
                Span::raw(action.description()),
            ]));
        }
    }
    // The two numbers the panes show, in a column's width.
    let words: [(&str, &[&str]); 2] = [
        (
            "strength",
            &[
                "how close you",
                "are, 0–100, from",
                "what you did",
                "together lately",
            ],
        ),
        ("ready", &["how good a time", "to ask, 0–100"]),
    ];
    let shown: Vec<_> = words
        .iter()
        .filter(|(w, says)| q.is_empty() || w.contains(&q) || says.iter().any(|s| s.contains(&q)))
        .collect();
    if !shown.is_empty() {
        if !lines.is_empty() {
            lines.push(Line::raw(""));
        }
        lines.push(Line::styled("Words", theme.heading()));
        for (word, says) in shown {
            for (i, s) in says.iter().enumerate() {
                let head = if i == 0 { *word } else { "" };
                lines.push(Line::from(vec![
                    Span::styled(format!("{head:>9} "), theme.key()),
                    Span::raw(*s),
                ]));
            }
        }
    }
    lines
}

pub fn render(
    frame: &mut Frame<'_>,
    area: Rect,
    app: &App,
    (filter, typing, scroll): (&TextField, bool, usize),
    theme: Theme,
) {
    let mut lines = help_lines(app, &filter.value, theme);
    let title = if typing || !filter.value.is_empty() {
        format!(
            " Keys · /{}{} ",
            safe(&filter.value),
            if typing { "▏" } else { "" }
        )
    } else {
        " Keys ([keys] in your config changes them) · / search · Esc closes ".to_string()
    };
    let block = Block::bordered().title(title);
    frame.render_widget(Clear, area);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if lines.is_empty() {
        frame.render_widget(
            Paragraph::new(format!("No key matches \"{}\".", safe(&filter.value)))
                .style(theme.dim()),
            inner,
        );
        return;
    }
    let rows = usize::from(inner.height.max(1));
    let columns = usize::from((inner.width / COLUMN).max(1));
    // Short of room (80×24), the blank lines between modes go first; what still does
    // not fit scrolls.
    if lines.len() > rows * columns {
        lines.retain(|l| l.width() > 0);
    }
    let fits = lines.len() <= rows * columns;
    let skip = if fits {
        0
    } else {
        scroll.min(lines.len().saturating_sub(rows * columns))
    };
    for (c, chunk) in lines[skip..].chunks(rows).enumerate().take(columns) {
        let r = Rect {
            x: inner.x + COLUMN * c as u16,
            width: COLUMN.min(inner.width),
            ..inner
        };
        frame.render_widget(Paragraph::new(chunk.to_vec()), r);
    }
}
