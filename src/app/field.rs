//! A one-line text field: the characters typed so far and a cursor, edited by keys.
//!
//! Pure: may import `keymap::Key`.

use crate::keymap::{Key, KeyCode};

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TextField {
    pub value: String,
    /// Cursor position in characters, 0..=len.
    pub cursor: usize,
}

impl TextField {
    pub fn new(value: impl Into<String>) -> TextField {
        let value = value.into();
        TextField {
            cursor: value.chars().count(),
            value,
        }
    }

    fn byte_at(&self, char_index: usize) -> usize {
        self.value
            .char_indices()
            .nth(char_index)
            .map_or(self.value.len(), |(b, _)| b)
    }

    /// Applies an editing key; returns false when the key is not an edit.
    pub fn edit(&mut self, key: Key) -> bool {
        let len = self.value.chars().count();
        match key.code {
            KeyCode::Char('u') if key.ctrl => {
                self.value.clear();
                self.cursor = 0;
            }
            KeyCode::Char(c) if !key.ctrl && !key.alt && !c.is_control() => {
                let at = self.byte_at(self.cursor);
                self.value.insert(at, c);
                self.cursor += 1;
            }
            KeyCode::Backspace if self.cursor > 0 => {
                let at = self.byte_at(self.cursor - 1);
                self.value.remove(at);
                self.cursor -= 1;
            }
            KeyCode::Delete if self.cursor < len => {
                let at = self.byte_at(self.cursor);
                self.value.remove(at);
            }
            KeyCode::Left => self.cursor = self.cursor.saturating_sub(1),
            KeyCode::Right => self.cursor = (self.cursor + 1).min(len),
            KeyCode::Home => self.cursor = 0,
            KeyCode::End => self.cursor = len,
            KeyCode::Backspace | KeyCode::Delete => {}
            _ => return false,
        }
        true
    }

    pub fn trimmed(&self) -> &str {
        self.value.trim()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typing_and_deleting_respect_the_cursor() {
        let mut f = TextField::new("dna");
        f.edit(Key::plain(KeyCode::Left));
        f.edit(Key::plain(KeyCode::Left));
        f.edit(Key::char('a'));
        assert_eq!(f.value, "dana");
        f.edit(Key::plain(KeyCode::End));
        f.edit(Key::plain(KeyCode::Backspace));
        assert_eq!(f.value, "dan");
        f.edit(Key::char('é'));
        assert_eq!((f.value.as_str(), f.cursor), ("dané", 4));
        assert!(!f.edit(Key::plain(KeyCode::Enter)));
    }
}
