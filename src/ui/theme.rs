//! Styles of the interface, with or without colour (`NO_COLOR`, `--no-color`): without
//! colour only bold, reverse and dim are used.
//!
//! May import `ratatui` styles and domain vocabularies.

use ratatui::style::{Color, Modifier, Style};

use crate::domain::strength::Band;

#[derive(Debug, Clone, Copy)]
pub struct Theme {
    pub color: bool,
}

impl Theme {
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
            Style::default().fg(Color::DarkGray)
        } else {
            Style::default().add_modifier(Modifier::DIM)
        }
    }

    pub fn heading(self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }

    pub fn accent(self) -> Style {
        self.fg(Color::Yellow)
    }

    pub fn key(self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }

    pub fn selected(self) -> Style {
        Style::default().add_modifier(Modifier::REVERSED)
    }

    pub fn error(self) -> Style {
        self.fg(Color::Red).add_modifier(Modifier::BOLD)
    }

    pub fn ok(self) -> Style {
        self.fg(Color::Green)
    }

    pub fn band(self, band: Band) -> Style {
        match band {
            Band::NoHistory | Band::Weak => self.dim(),
            Band::Acquaintance => self.plain(),
            Band::Active => self.fg(Color::Blue),
            Band::Close => self.fg(Color::Green),
            Band::InnerCircle => self.fg(Color::Magenta),
        }
    }
}

/// A five-cell bar for a 0–100 strength: "▮▮▮▯▯".
pub fn bar(strength: u8) -> String {
    let filled = usize::from(strength).div_ceil(20).min(5);
    format!("{}{}", "▮".repeat(filled), "▯".repeat(5 - filled))
}
