//! Overlays that take typed input: the forms (one line per field, its error below it,
//! typeahead matches under a person field), the snooze picker, the ways to do a
//! review item, the snoozed list and the archive confirmation.
//!
//! May import `app`, `ratatui`.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};

use super::Theme;
use super::text::{centered, fit, safe, window, wrapped_window};
use crate::app::{
    DoneOption, Form, Input, MailPreview, Output, Picked, SNOOZE_DAYS, SnoozedRow, TextField,
};

const LABEL: usize = 15;

/// The text with the cursor cell drawn reversed when focused. `room` is how many
/// columns the line has for it: when the text is longer, the part before the cursor is
/// shown from "…", so the cursor and what was just typed stay in view.
pub(super) fn text_spans(
    t: &TextField,
    focused: bool,
    theme: Theme,
    room: usize,
) -> Vec<Span<'static>> {
    let v = safe(&t.value);
    if !focused {
        return vec![Span::raw(v)];
    }
    let chars: Vec<char> = v.chars().collect();
    let at = t.cursor.min(chars.len());
    // The cursor's cell needs a column too; "…" takes one when the start is hidden.
    let hidden = if at + 1 > room.max(2) {
        at + 2 - room.max(2)
    } else {
        0
    };
    let mut before: String = chars[hidden..at].iter().collect();
    if hidden > 0 {
        before.insert(0, '…');
    }
    let mut rest = chars[at..].iter().copied();
    let under = rest.next().map_or(" ".to_string(), |c| c.to_string());
    vec![
        Span::raw(before),
        Span::styled(under, theme.selected()),
        Span::raw(rest.collect::<String>()),
    ]
}

pub fn form(frame: &mut Frame<'_>, area: Rect, form: &Form, theme: Theme) {
    let width = area.width.saturating_sub(4).min(84);
    let inner = usize::from(width.saturating_sub(2));
    let mut lines: Vec<Line<'static>> = Vec::new();
    let mut focus_line = 0;
    for (i, f) in form.fields.iter().enumerate() {
        let focused = i == form.focus;
        if focused {
            focus_line = lines.len();
        }
        let label_style = if focused { theme.key() } else { theme.dim() };
        let mut spans = vec![Span::styled(
            format!("{:>w$}: ", f.label, w = LABEL),
            label_style,
        )];
        match &f.input {
            Input::Text(t) => spans.extend(text_spans(
                t,
                focused,
                theme,
                inner.saturating_sub(LABEL + 2),
            )),
            Input::Choice { options, index } => {
                let v = options.get(*index).cloned().unwrap_or_default();
                let style = if focused {
                    theme.selected()
                } else {
                    theme.plain()
                };
                spans.push(Span::styled(format!("‹ {v} ›"), style));
            }
            Input::Person(p) => {
                spans.extend(text_spans(
                    &p.text,
                    focused,
                    theme,
                    inner.saturating_sub(LABEL + 2),
                ));
                let chosen = match p.picked() {
                    Some(Picked::Existing(id, name)) => format!("  → {} (#{id})", safe(&name)),
                    Some(Picked::New(name)) => format!("  → new contact “{}”", safe(&name)),
                    None => String::new(),
                };
                spans.push(Span::styled(chosen, theme.ok()));
            }
        }
        lines.push(Line::from(spans));
        if let (Input::Person(p), true) = (&f.input, focused) {
            for (j, o) in p.options().iter().enumerate() {
                let text = match o {
                    Picked::Existing(id, name) => format!("{} (#{id})", safe(name)),
                    Picked::New(name) => format!("+ new contact “{}”", safe(name)),
                };
                let style = if j == p.index {
                    theme.selected()
                } else {
                    theme.dim()
                };
                lines.push(Line::from(vec![
                    Span::raw(" ".repeat(LABEL + 2)),
                    Span::styled(text, style),
                ]));
            }
        }
        if let (Some(e), true) = (&f.error, f.touched) {
            // An error wraps under its field, whole words, never cut.
            let room = inner.saturating_sub(LABEL + 4).max(20);
            for (k, part) in super::text::wrap(&safe(e), room).into_iter().enumerate() {
                let mark = if k == 0 { "✗ " } else { "  " };
                lines.push(Line::from(vec![
                    Span::raw(" ".repeat(LABEL + 2)),
                    Span::styled(format!("{mark}{}", part.trim_start()), theme.error()),
                ]));
            }
        }
    }
    // Taller than the screen: the part around the focused field shows.
    let room = usize::from(area.height.saturating_sub(4)).max(3);
    if lines.len() > room {
        let start = focus_line.saturating_sub(room / 2).min(lines.len() - room);
        lines = lines.drain(start..start + room).collect();
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled(
        "Enter save · Esc cancel · Tab next field",
        theme.dim(),
    ));
    let h = lines.len() as u16 + 2;
    let r = centered(area, width, h);
    frame.render_widget(Clear, r);
    let block = Block::bordered().title(format!(" {} ", safe(&form.title)));
    frame.render_widget(Paragraph::new(lines).block(block), r);
}

pub fn snooze(frame: &mut Frame<'_>, area: Rect, label: &str, index: usize, theme: Theme) {
    let mut choices = Vec::new();
    for (i, d) in SNOOZE_DAYS.iter().enumerate() {
        let text = match d {
            7 => " 1w ".to_string(),
            30 => " 1m ".to_string(),
            n => format!(" {n}d "),
        };
        choices.push(Span::styled(
            text,
            if i == index {
                theme.selected()
            } else {
                theme.plain()
            },
        ));
        choices.push(Span::raw(" "));
    }
    let width = area.width.saturating_sub(4).min(70);
    let lines = vec![
        Line::raw(fit(&safe(label), usize::from(width.saturating_sub(2)))),
        Line::raw(""),
        Line::from(choices),
    ];
    let r = centered(area, width, 5);
    frame.render_widget(Clear, r);
    frame.render_widget(
        Paragraph::new(lines).block(Block::bordered().title(" Snooze for ")),
        r,
    );
}

/// One line of a list of choices, highlighted when it is the one picked.
fn choice(text: String, picked: bool, theme: Theme) -> Line<'static> {
    Line::styled(
        text,
        if picked {
            theme.selected()
        } else {
            theme.plain()
        },
    )
}

/// The ways to do a review item, numbered; Enter takes the highlighted one.
pub fn done(
    frame: &mut Frame<'_>,
    area: Rect,
    label: &str,
    options: &[DoneOption],
    index: usize,
    theme: Theme,
) {
    let width = area.width.saturating_sub(4).min(70);
    let mut lines = vec![
        Line::raw(fit(&safe(label), usize::from(width.saturating_sub(2)))),
        Line::raw(""),
    ];
    for (i, o) in options.iter().enumerate() {
        let default = if i == 0 { "  (suggested)" } else { "" };
        let text = format!(" {} {}{default} ", i + 1, o.label);
        lines.push(choice(text, i == index, theme));
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled(
        "Enter records the highlighted one · 1-9 picks · Esc cancels",
        theme.dim(),
    ));
    let r = centered(area, width, (lines.len() + 2) as u16);
    frame.render_widget(Clear, r);
    frame.render_widget(
        Paragraph::new(lines).block(Block::bordered().title(" Done — record ")),
        r,
    );
}

/// Your ideal referral, in your own words: the line every ask script says.
pub fn ideal_referral(frame: &mut Frame<'_>, area: Rect, field: &TextField, theme: Theme) {
    let width = area.width.saturating_sub(4).min(78);
    let mut line = vec![Span::raw("Do you know anyone who ")];
    // Wrapped below: the whole text shows.
    line.extend(text_spans(field, true, theme, usize::MAX));
    line.push(Span::raw("?"));
    let lines = vec![
        Line::raw("Who is the person you would most like to be introduced to?"),
        Line::styled(
            "Finish the sentence you will say when you ask:",
            theme.dim(),
        ),
        Line::raw(""),
        Line::from(line),
    ];
    let r = centered(area, width, (lines.len() + 4) as u16);
    frame.render_widget(Clear, r);
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(ratatui::widgets::Wrap { trim: false })
            .block(Block::bordered().title(" Your ideal referral ")),
        r,
    );
}

/// The snoozed items, soonest back first.
pub fn snoozes(frame: &mut Frame<'_>, area: Rect, rows: &[SnoozedRow], index: usize, theme: Theme) {
    let width = area.width.saturating_sub(4).min(80);
    let inner = usize::from(width.saturating_sub(2));
    let room = usize::from(area.height.saturating_sub(6)).max(1);
    let mut lines = Vec::new();
    for (i, row) in rows
        .iter()
        .enumerate()
        .skip(window(index, rows.len(), room).start)
        .take(room)
    {
        let text = fit(&format!(" until {}  {}", row.until, safe(&row.what)), inner);
        lines.push(choice(text, i == index, theme));
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled(
        "Enter ends the snooze (back in the review) · Esc closes",
        theme.dim(),
    ));
    let r = centered(area, width, (lines.len() + 2) as u16);
    frame.render_widget(Clear, r);
    frame.render_widget(
        Paragraph::new(lines).block(Block::bordered().title(format!(" {} snoozed ", rows.len()))),
        r,
    );
}

/// "Reopen #3 (won, $5,000) as proposal?": y or nothing happens.
pub fn confirm_write(
    frame: &mut Frame<'_>,
    area: Rect,
    question: &str,
    detail: &str,
    theme: Theme,
) {
    let width = area.width.saturating_sub(4).min(84);
    let inner = usize::from(width.saturating_sub(2));
    // Wrapped, never cut: the question and what it changes are the point.
    let mut lines: Vec<Line<'_>> = super::text::wrap(&safe(question), inner)
        .into_iter()
        .map(Line::raw)
        .collect();
    lines.extend(
        super::text::wrap(&safe(detail), inner)
            .into_iter()
            .map(|l| Line::styled(l, theme.dim())),
    );
    lines.push(Line::from(vec![
        Span::styled("y", theme.key()),
        Span::raw(" yes · any other key changes nothing"),
    ]));
    let r = centered(area, width, lines.len() as u16 + 2);
    frame.render_widget(Clear, r);
    frame.render_widget(
        Paragraph::new(lines).block(Block::bordered().title(" Are you sure? ")),
        r,
    );
}

pub fn confirm(frame: &mut Frame<'_>, area: Rect, name: &str, theme: Theme) {
    let lines = vec![
        Line::raw(format!("Archive {}?", safe(name))),
        Line::styled(
            "Nothing is deleted: H shows the archived, A there brings them back.",
            theme.dim(),
        ),
        Line::from(vec![
            Span::styled("y", theme.key()),
            Span::raw(" archive · any other key keeps them"),
        ]),
    ];
    let r = centered(area, area.width.saturating_sub(4).min(64), 5);
    frame.render_widget(Clear, r);
    frame.render_widget(
        Paragraph::new(lines).block(Block::bordered().title(" Archive ")),
        r,
    );
}

/// The path of a mail file to import introductions from.
pub fn import_path(frame: &mut Frame<'_>, area: Rect, field: &TextField, theme: Theme) {
    let width = area.width.saturating_sub(4).min(78);
    let mut path = vec![Span::styled("File: ", theme.dim())];
    // Wrapped below: the whole path shows.
    path.extend(text_spans(field, true, theme, usize::MAX));
    let lines = vec![
        Line::raw("Import introductions from an email (.eml) or a mailbox (mbox)."),
        Line::styled(
            "You see what it would record before anything is written.",
            theme.dim(),
        ),
        Line::raw(""),
        Line::from(path),
    ];
    let r = centered(area, width, (lines.len() + 2) as u16);
    frame.render_widget(Clear, r);
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(ratatui::widgets::Wrap { trim: false })
            .block(Block::bordered().title(" Import mail ")),
        r,
    );
}

/// What importing a mail file would record: scrolls; Enter records it.
pub fn import_preview(
    frame: &mut Frame<'_>,
    area: Rect,
    preview: &MailPreview,
    scroll: usize,
    theme: Theme,
) {
    let width = area.width.saturating_sub(4).min(100);
    let inner = usize::from(width.saturating_sub(2));
    let room = usize::from(area.height.saturating_sub(6)).max(1);
    let mut lines = Vec::new();
    let (rows, start) = wrapped_window(&preview.lines, inner, scroll, room);
    for (i, l) in rows.iter().skip(start).take(room) {
        let original = preview.lines[*i].trim_start();
        let style = if *i == 0 {
            theme.bold()
        } else if original.starts_with("skip") || original.starts_with("note") {
            theme.dim()
        } else {
            ratatui::style::Style::default()
        };
        lines.push(Line::styled(l.clone(), style));
    }
    lines.push(Line::raw(""));
    lines.push(if preview.recordable > 0 {
        Line::from(vec![
            Span::styled("Enter", theme.key()),
            Span::raw(" record them · ↑↓ scroll · Esc changes nothing"),
        ])
    } else {
        Line::styled("Nothing to record · any key closes", theme.dim())
    });
    let r = centered(area, width, (lines.len() + 2) as u16);
    frame.render_widget(Clear, r);
    frame.render_widget(
        Paragraph::new(lines).block(
            Block::bordered().title(format!(" {} ", fit(&preview.path, inner.saturating_sub(2)))),
        ),
        r,
    );
}

/// A command's output: scrolls; any other key closes.
pub fn output(frame: &mut Frame<'_>, area: Rect, output: &Output, scroll: usize, theme: Theme) {
    let width = area.width.saturating_sub(2).min(120);
    let inner = usize::from(width.saturating_sub(2));
    let room = usize::from(area.height.saturating_sub(4)).max(1);
    let (rows, start) = wrapped_window(&output.lines, inner, scroll, room);
    let mut lines: Vec<Line<'_>> = rows
        .iter()
        .skip(start)
        .take(room)
        .map(|(_, l)| Line::raw(l.clone()))
        .collect();
    let more = rows.len().saturating_sub(start + room);
    lines.push(Line::styled(
        if more > 0 {
            format!("{more} more · ↑↓ PgUp PgDn scroll · any other key closes")
        } else {
            "any key closes".to_string()
        },
        theme.dim(),
    ));
    let r = centered(area, width, (lines.len() + 2) as u16);
    frame.render_widget(Clear, r);
    frame.render_widget(
        Paragraph::new(lines).block(Block::bordered().title(format!(
            " {} ",
            fit(&safe(&output.title), inner.saturating_sub(2))
        ))),
        r,
    );
}

/// "You already have Sam Lee (the same email)": add (or save the edit) anyway, or open it.
pub fn duplicate(
    frame: &mut Frame<'_>,
    area: Rect,
    name: &str,
    why: &str,
    adding: bool,
    theme: Theme,
) {
    let width = area.width.saturating_sub(4).min(72);
    let inner = usize::from(width.saturating_sub(2));
    let lines = vec![
        Line::raw(fit(
            &format!("You already have {} ({}).", safe(name), safe(why)),
            inner,
        )),
        Line::styled(
            fit("Two cards for one person split their history.", inner),
            theme.dim(),
        ),
        Line::from(vec![
            Span::styled("y", theme.key()),
            Span::raw(if adding {
                " add anyway · "
            } else {
                " save anyway · "
            }),
            Span::styled("o", theme.key()),
            Span::raw(" open the one you have · other keys: back to the form"),
        ]),
    ];
    let r = centered(area, width, 5);
    frame.render_widget(Clear, r);
    frame.render_widget(
        Paragraph::new(lines).block(Block::bordered().title(" Already there? ")),
        r,
    );
}
