//! The terminal's side of the loop: mouse capture held for the interface's lifetime,
//! and crossterm's keys turned into the keymap's.

use crossterm::event::{self, KeyModifiers};

use crate::keymap::{Key, KeyCode};

/// Mouse reporting while the interface runs; off again when it ends, however it ends.
pub(super) struct MouseCapture;

impl MouseCapture {
    pub(super) fn on() -> MouseCapture {
        let _ = crossterm::execute!(std::io::stdout(), event::EnableMouseCapture);
        MouseCapture
    }
}

impl Drop for MouseCapture {
    fn drop(&mut self) {
        let _ = crossterm::execute!(std::io::stdout(), event::DisableMouseCapture);
    }
}

/// A crossterm key event as our [`Key`].
pub(super) fn convert(k: event::KeyEvent) -> Option<Key> {
    use event::KeyCode as C;
    let code = match k.code {
        C::Char(c) => KeyCode::Char(c),
        C::Enter => KeyCode::Enter,
        C::Esc => KeyCode::Esc,
        C::Tab => KeyCode::Tab,
        C::BackTab => KeyCode::BackTab,
        C::Backspace => KeyCode::Backspace,
        C::Delete => KeyCode::Delete,
        C::Up => KeyCode::Up,
        C::Down => KeyCode::Down,
        C::Left => KeyCode::Left,
        C::Right => KeyCode::Right,
        C::Home => KeyCode::Home,
        C::End => KeyCode::End,
        C::PageUp => KeyCode::PageUp,
        C::PageDown => KeyCode::PageDown,
        C::F(n) => KeyCode::F(n),
        _ => return None,
    };
    let ctrl = k.modifiers.contains(KeyModifiers::CONTROL);
    Some(Key {
        code: match code {
            KeyCode::Char(c) if ctrl => KeyCode::Char(c.to_ascii_lowercase()),
            other => other,
        },
        ctrl,
        alt: k.modifiers.contains(KeyModifiers::ALT),
    })
}
