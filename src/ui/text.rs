//! Text helpers for drawing: every string from the database passes through [`safe`]
//! (control characters made visible, absurd lengths cut) before it reaches a widget;
//! [`fit`] pads or cuts to a column width; [`window`] picks the visible slice of a list.
//!
//! May import `crate::text` and `ratatui` text types.

use ratatui::layout::Rect;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

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

/// Exactly `width` terminal columns: cut with "…" or padded with spaces. Columns are
/// counted as the terminal draws them (unicode-width): a CJK character or an emoji
/// takes two, a combining mark none, so columns stay in line whatever the names hold.
pub fn fit(s: &str, width: usize) -> String {
    let n = UnicodeWidthStr::width(s);
    if n <= width {
        return format!("{s}{}", " ".repeat(width - n));
    }
    if width == 0 {
        return String::new();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in s.chars() {
        let w = UnicodeWidthChar::width(c).unwrap_or(0);
        if used + w > width - 1 {
            break;
        }
        out.push(c);
        used += w;
    }
    out.push('…');
    // A wide character that did not fit leaves a column: pad it.
    out.push_str(&" ".repeat(width - 1 - used));
    out
}

/// Word-wrapped to `width` columns (one per char): continuation lines are indented two
/// columns past the line's own indent; a word longer than a line is split.
pub fn wrap(s: &str, width: usize) -> Vec<String> {
    let width = width.max(8);
    // A line that fits is kept as it is: its runs of spaces are a table's columns.
    if s.chars().count() <= width {
        return vec![s.to_string()];
    }
    let lead = s.chars().take_while(|c| *c == ' ').count();
    let indent = " ".repeat((lead + 2).min(width / 2));
    let mut out: Vec<String> = Vec::new();
    let mut line = " ".repeat(lead);
    let mut len = lead;
    for word in s.split(' ').filter(|w| !w.is_empty()) {
        let mut word: Vec<char> = word.chars().collect();
        loop {
            let room = width - len;
            let fresh = line.trim().is_empty();
            if word.len() + usize::from(!fresh) <= room {
                if !fresh {
                    line.push(' ');
                    len += 1;
                }
                line.extend(word.iter());
                len += word.len();
                break;
            }
            if fresh || word.len() > width - indent.len() {
                // Split the word: what fits here, the rest on the next line.
                let take = room.saturating_sub(usize::from(!fresh)).max(1);
                if !fresh {
                    line.push(' ');
                }
                line.extend(word.iter().take(take));
                word.drain(..take.min(word.len()));
                out.push(std::mem::replace(&mut line, indent.clone()));
                len = indent.len();
                if word.is_empty() {
                    break;
                }
                continue;
            }
            out.push(std::mem::replace(&mut line, indent.clone()));
            len = indent.len();
        }
    }
    if !line.trim().is_empty() || out.is_empty() {
        out.push(line);
    }
    out
}

/// Lines wrapped to `width`, and the first wrapped row to draw so that original line
/// `scroll` is on top (never leaving rows empty below the last line).
pub fn wrapped_window(
    lines: &[String],
    width: usize,
    scroll: usize,
    room: usize,
) -> (Vec<(usize, String)>, usize) {
    let mut rows = Vec::new();
    let mut first_of = Vec::with_capacity(lines.len());
    for (i, l) in lines.iter().enumerate() {
        first_of.push(rows.len());
        for w in wrap(&safe(l), width) {
            rows.push((i, w));
        }
    }
    let top = first_of.get(scroll).copied().unwrap_or(0);
    let start = top.min(rows.len().saturating_sub(room));
    (rows, start)
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

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::wrap;

    #[test]
    fn wrapping_keeps_words_whole_and_indents() {
        assert_eq!(
            wrap("  skip    message 2: a reply in the thread", 20),
            ["  skip message 2: a", "    reply in the", "    thread"]
        );
        assert_eq!(
            wrap("abcdefghijklmnopqrstuvwxyz", 10),
            ["abcdefghij", "  klmnopqr", "  stuvwxyz"]
        );
        assert_eq!(wrap("", 10), [""]);
        // A line that fits keeps its columns.
        assert_eq!(
            wrap("#241   Ana Nakamura  (other)", 40),
            ["#241   Ana Nakamura  (other)"]
        );
    }

    #[test]
    fn fit_counts_terminal_columns() {
        use super::fit;
        use unicode_width::UnicodeWidthStr;
        for s in ["王小明", "Zoë 🎉 Party", "e\u{301}cole", "plain", ""] {
            for w in 0..12 {
                assert_eq!(
                    UnicodeWidthStr::width(fit(s, w).as_str()),
                    w,
                    "{s:?} at {w}"
                );
            }
        }
        assert_eq!(fit("王小明", 5), "王小…");
        assert_eq!(fit("王小明", 4), "王… ");
    }
}
