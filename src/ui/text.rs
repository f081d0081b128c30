//! Text helpers for drawing: every string from the database passes through [`safe`]
//! (control characters made visible, absurd lengths cut) before it reaches a widget;
//! [`fit`] pads or cuts to a column width; [`window`] picks the visible slice of a list.
//!
//! May import `crate::text` and `ratatui` text types.

use ratatui::layout::Rect;

use crate::text::sanitize;

/// No line is wider than this, so a 10k-character name costs nothing to draw.
const MAX_CHARS: usize = 300;

/// Sanitized and cut to a sane length.
pub fn safe(s: &str) -> String {
    let s = sanitize(s);
    if s.chars().count() > MAX_CHARS {
        let mut cut: String = s.chars().take(MAX_CHARS).collect();
        cut.push('…');
        cut
    } else {
        s.into_owned()
    }
}

/// Exactly `width` columns: cut with "…" or padded with spaces (one column per char;
/// wide characters are cut by the widget itself).
pub fn fit(s: &str, width: usize) -> String {
    let n = s.chars().count();
    if n > width {
        let mut out: String = s.chars().take(width.saturating_sub(1)).collect();
        if width > 0 {
            out.push('…');
        }
        out
    } else {
        format!("{s}{}", " ".repeat(width - n))
    }
}

/// The range of rows to draw so `selected` is visible in `height` rows.
pub fn window(selected: usize, len: usize, height: usize) -> std::ops::Range<usize> {
    if height == 0 || len == 0 {
        return 0..0;
    }
    let start = if selected >= height {
        selected + 1 - height
    } else {
        0
    };
    start..(start + height).min(len)
}

/// A rectangle of at most `w`×`h` centred in `area`.
pub fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + (area.height - h) / 2,
        width: w,
        height: h,
    }
}

/// Days since a date: "today", "3d", "never".
pub fn age(since: Option<chrono::NaiveDate>, today: chrono::NaiveDate) -> String {
    match since {
        None => "never".into(),
        Some(d) => match (today - d).num_days() {
            0 => "today".into(),
            n => format!("{n}d"),
        },
    }
}
