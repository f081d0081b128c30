//! The Insights pane: what your own referrals say. A headline, conversion by quality
//! (a bar per rung with its n; fewer than 3 decided is drawn muted and says so), the
//! last 12 months both ways and the value won, who sends the business (selectable:
//! Enter opens them), and the open pipeline's age. Every figure comes from
//! `domain::stats`; this only draws.
//!
//! May import `app`, `ratatui`, domain types.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Bar, BarChart, BarGroup, Block, Paragraph, Sparkline};

use super::Theme;
use super::text::{fit, safe, window};
use crate::app::App;
use crate::domain::chain::format_money;
use crate::domain::referral::Quality;

/// Fewer decided referrals than this make a rate anecdote, not evidence.
const FEW: usize = 3;

fn rung(q: Quality) -> &'static str {
    match q {
        Quality::NameOnly => "name",
        Quality::Permission => "asked",
        Quality::WarmHandoff => "warm",
        Quality::EmailIntro => "email",
        Quality::ThreeWayMeeting => "3-way",
    }
}

fn rate(conversion: Option<f64>, decided: usize) -> String {
    match conversion {
        Some(c) => format!("{:.0}% of {decided}", c * 100.0),
        None => "none decided".to_string(),
    }
}

pub fn render(frame: &mut Frame<'_>, area: Rect, app: &App, theme: Theme) {
    let s = &app.data.stats;
    let money = |v: f64| format_money(v, &app.config.display.currency);
    let r = &s.received;
    let [head, top, bottom] = Layout::vertical([
        Constraint::Length(2),
        Constraint::Percentage(50),
        Constraint::Min(4),
    ])
    .areas(area);
    let days = r
        .median_days_to_won
        .map_or(String::new(), |d| format!(" · {d:.0} days to a win"));
    let lead = format!("{} received", r.referrals);
    let rest = format!(
        " · converted {} · {} won{days} · {} given ({})",
        rate(r.conversion, r.decided),
        money(r.value),
        s.given.referrals,
        rate(s.given.conversion, s.given.decided)
    );
    let room = usize::from(head.width).saturating_sub(lead.chars().count());
    let rest = if rest.chars().count() > room {
        fit(&rest, room)
    } else {
        rest
    };
    let headline = vec![
        Line::from(vec![Span::styled(lead, theme.heading()), Span::raw(rest)]),
        Line::styled(
            "Over your whole book; `ties stats --since DATE` narrows it.",
            theme.dim(),
        ),
    ];
    frame.render_widget(Paragraph::new(headline), head);
    if r.referrals == 0 && s.given.referrals == 0 {
        frame.render_widget(
            Paragraph::new(
                "No referrals yet: record one with R in Contacts, or `ties refer PERSON --by REFERRER`.",
            )
            .style(theme.dim()),
            top,
        );
        return;
    }
    let [quality, months] =
        Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(top);
    let [referrers, pipeline] =
        Layout::horizontal([Constraint::Percentage(60), Constraint::Percentage(40)]).areas(bottom);

    // Conversion by quality: one bar per rung, its n under it.
    let bar_width = (quality.width.saturating_sub(2) / 5)
        .saturating_sub(1)
        .clamp(3, 9);
    // Where the bars are narrow, the n of each rung goes in the title instead.
    let roomy = bar_width >= 8;
    let bars: Vec<Bar<'_>> = s
        .by_quality
        .iter()
        .map(|q| {
            let pct = q.conversion.map_or(0, |c| (c * 100.0).round() as u64);
            let few = q.decided < FEW;
            let bar = Bar::default()
                .value(pct)
                .label(Line::from(if roomy {
                    format!("{} n{}", rung(q.quality), q.decided)
                } else {
                    rung(q.quality).to_string()
                }))
                .text_value(if q.conversion.is_some() {
                    format!("{pct}%")
                } else {
                    "–".to_string()
                });
            if few {
                bar.style(theme.dim()).value_style(theme.dim())
            } else {
                bar.style(theme.accent())
            }
        })
        .collect();
    frame.render_widget(
        BarChart::default()
            .block(Block::bordered().title(if roomy {
                " What converts · muted: under 3 decided ".to_string()
            } else {
                let n: Vec<String> = s.by_quality.iter().map(|q| q.decided.to_string()).collect();
                format!(" Converts · n {} · <3 dim ", n.join(" "))
            }))
            .data(BarGroup::default().bars(&bars))
            .bar_width(bar_width)
            .bar_gap(1)
            .max(100),
        quality,
    );

    // The last 12 months: referrals in and out, and the value won.
    let [m_in, m_out, m_value] = Layout::vertical([
        Constraint::Ratio(1, 3),
        Constraint::Ratio(1, 3),
        Constraint::Ratio(1, 3),
    ])
    .areas(months);
    let first = s.monthly.first().map_or("", |m| m.month.as_str());
    let last = s.monthly.last().map_or("", |m| m.month.as_str());
    let received: Vec<u64> = s.monthly.iter().map(|m| m.received as u64).collect();
    let given: Vec<u64> = s.monthly.iter().map(|m| m.given as u64).collect();
    let value: Vec<u64> = s.monthly.iter().map(|m| m.value.max(0.0) as u64).collect();
    let sum = |v: &[u64]| v.iter().sum::<u64>();
    let spark = |title: String, data: &[u64]| {
        Sparkline::default()
            .block(Block::bordered().title(title))
            .data(data.to_vec())
            .style(theme.accent())
    };
    frame.render_widget(
        spark(
            format!(" Received {first}…{last}: {} ", sum(&received)),
            &received,
        ),
        m_in,
    );
    frame.render_widget(spark(format!(" Given: {} ", sum(&given)), &given), m_out);
    let won_value: f64 = s.monthly.iter().map(|m| m.value).sum();
    frame.render_widget(
        spark(format!(" Value won: {} ", money(won_value)), &value),
        m_value,
    );

    // Who sends it: selectable, Enter opens the referrer.
    let inner_h = usize::from(referrers.height.saturating_sub(2));
    let width = usize::from(referrers.width.saturating_sub(2));
    let name_w = 16.min(width / 3);
    let rows = &s.by_referrer;
    let lines: Vec<Line<'_>> = rows[window(app.insights, rows.len(), inner_h)]
        .iter()
        .enumerate()
        .map(|(i, x)| {
            let i = i + window(app.insights, rows.len(), inner_h).start;
            let text = fit(
                &format!(
                    "{} {:>9}  {} sent  {}",
                    fit(&safe(&x.name), name_w),
                    money(x.value),
                    x.referrals,
                    rate(x.conversion, x.decided)
                ),
                width,
            );
            if i == app.insights {
                Line::styled(text, theme.selected())
            } else {
                Line::raw(text)
            }
        })
        .collect();
    frame.render_widget(
        Paragraph::new(lines).block(
            Block::bordered().title(format!(" Who sends it ({}) · Enter opens ", rows.len())),
        ),
        referrers,
    );

    // The open pipeline and how long it has waited.
    let lines: Vec<Line<'_>> = s
        .pipeline
        .iter()
        .map(|p| {
            let age = p
                .oldest_days
                .map_or(String::new(), |d| format!(" · oldest {d}d"));
            Line::raw(format!("{:<10} {:>3}{age}", p.status.as_str(), p.count))
        })
        .collect();
    frame.render_widget(
        Paragraph::new(lines).block(Block::bordered().title(" Open pipeline ")),
        pipeline,
    );
}
