//! The help overlay: every binding of the live keymap, by mode, keys of one action
//! together, flowing into as many columns as fit.
//!
//! May import `app`, `keymap`, `ratatui`.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};

use super::Theme;
use crate::app::{Action, App, BINDABLE};
use crate::keymap::Mode;

const COLUMN: u16 = 26;

pub fn render(frame: &mut Frame<'_>, area: Rect, app: &App, theme: Theme) {
    let mut lines: Vec<Line<'static>> = Vec::new();
    for mode in Mode::ALL {
        let bindings = app.keymap.bindings(mode);
        let groups: Vec<(Vec<String>, &Action)> = BINDABLE
            .iter()
            .map(|a| {
                let keys = bindings
                    .iter()
                    .filter(|(_, b)| b == a)
                    .map(|(k, _)| k.to_string())
                    .collect::<Vec<_>>();
                (keys, a)
            })
            .filter(|(keys, _)| !keys.is_empty())
            .collect();
        if groups.is_empty() {
            continue;
        }
        if !lines.is_empty() {
            lines.push(Line::raw(""));
        }
        lines.push(Line::styled(mode.title(), theme.heading()));
        for (keys, action) in groups {
            let keys = keys.join("/");
            lines.push(Line::from(vec![
                Span::styled(format!("{keys:>9} "), theme.key()),
                Span::raw(action.description()),
            ]));
        }
    }
    let block = Block::bordered().title(" Keys (from your [keys] config) · any key closes ");
    let outer = area;
    frame.render_widget(Clear, outer);
    let inner = block.inner(outer);
    frame.render_widget(block, outer);
    let rows = usize::from(inner.height.max(1));
    let columns = (inner.width / COLUMN).max(1);
    // Short of room (80×24), the blank lines between modes go first.
    if lines.len() > rows * usize::from(columns) {
        lines.retain(|l| l.width() > 0);
    }
    for (c, chunk) in lines.chunks(rows).enumerate().take(usize::from(columns)) {
        let r = Rect {
            x: inner.x + COLUMN * c as u16,
            width: COLUMN.min(inner.width),
            ..inner
        };
        frame.render_widget(Paragraph::new(chunk.to_vec()), r);
    }
}
