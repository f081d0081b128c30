//! Styles of the interface, with or without colour (`NO_COLOR`, `--no-color`): without
//! colour only bold, reverse and dim are used.
//!
//! May import `ratatui` styles and domain vocabularies.

use ratatui::style::{Color, Modifier, Style};

use crate::config::ThemeConfig;
use crate::domain::strength::Band;

#[derive(Debug, Clone, Copy)]
pub struct Theme {
    pub color: bool,
    heading: Color,
    key: Color,
    accent: Color,
    muted: Color,
    ok: Color,
    error: Color,
    band_active: Color,
    band_close: Color,
    band_inner_circle: Color,
}

impl Theme {
    /// The configured colours (validated when the config loaded; an unparsable one
    /// falls back to the terminal's default colour rather than failing a frame).
    pub fn new(config: &ThemeConfig, color: bool) -> Theme {
        let c = |s: &str| s.parse::<Color>().unwrap_or(Color::Reset);
        Theme {
            color,
            heading: c(&config.heading),
            key: c(&config.key),
            accent: c(&config.accent),
            muted: c(&config.muted),
            ok: c(&config.ok),
            error: c(&config.error),
            band_active: c(&config.band_active),
            band_close: c(&config.band_close),
            band_inner_circle: c(&config.band_inner_circle),
        }
    }

    fn fg(self, c: Color) -> Style {
        if self.color {
            Style::default().fg(c)
        } else {
            Style::default()
        }
    }

    pub fn plain(self) -> Style {
        Style::default()
    }

    pub fn bold(self) -> Style {
        Style::default().add_modifier(Modifier::BOLD)
    }

    pub fn dim(self) -> Style {
        if self.color {
            Style::default().fg(self.muted)
        } else {
            Style::default().add_modifier(Modifier::DIM)
        }
    }

    pub fn heading(self) -> Style {
        self.fg(self.heading).add_modifier(Modifier::BOLD)
    }

    pub fn accent(self) -> Style {
        self.fg(self.accent)
    }

    pub fn key(self) -> Style {
        self.fg(self.key).add_modifier(Modifier::BOLD)
    }

    pub fn selected(self) -> Style {
        Style::default().add_modifier(Modifier::REVERSED)
    }

    pub fn error(self) -> Style {
        self.fg(self.error).add_modifier(Modifier::BOLD)
    }

    pub fn ok(self) -> Style {
        self.fg(self.ok)
    }

    pub fn band(self, band: Band) -> Style {
        match band {
            Band::NoHistory | Band::Weak => self.dim(),
            Band::Acquaintance => self.plain(),
            Band::Active => self.fg(self.band_active),
            Band::Close => self.fg(self.band_close),
            Band::InnerCircle => self.fg(self.band_inner_circle),
        }
    }
}

/// A five-cell bar for a 0–100 strength: "▮▮▮▯▯".
pub fn bar(strength: u8) -> String {
    let filled = usize::from(strength).div_ceil(20).min(5);
    format!("{}{}", "▮".repeat(filled), "▯".repeat(5 - filled))
}
