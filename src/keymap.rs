//! Key bindings of the terminal interface: the `[keys]` tables of the config (one per
//! mode, overridable key by key) turned into a lookup from [`Key`] to an action, plus
//! the key names used in help and hints.
//!
//! May import `config` and `serde`; never `app` (the keymap is generic over the action
//! vocabulary, [`Bindable`], so `app` imports the keymap and not the other way round)
//! and never a terminal library (the runtime converts terminal events into [`Key`]s).

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

use serde::Deserialize;
use serde::de::IntoDeserializer;

use crate::config::ConfigError;

/// A vocabulary of actions keys can be bound to: each reads from its snake_case name
/// in the config (`a = "log_interaction"`).
pub trait Bindable: Clone + PartialEq + for<'de> Deserialize<'de> {
    /// False for actions no key may be bound to (internal results).
    fn is_bindable(&self) -> bool;
}

/// A key press, independent of any terminal library.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Key {
    pub code: KeyCode,
    pub ctrl: bool,
    pub alt: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum KeyCode {
    Char(char),
    Enter,
    Esc,
    Tab,
    BackTab,
    Backspace,
    Delete,
    Up,
    Down,
    Left,
    Right,
    Home,
    End,
    PageUp,
    PageDown,
    F(u8),
}

impl Key {
    pub const fn plain(code: KeyCode) -> Key {
        Key {
            code,
            ctrl: false,
            alt: false,
        }
    }

    pub const fn char(c: char) -> Key {
        Key::plain(KeyCode::Char(c))
    }

    pub const fn ctrl(c: char) -> Key {
        Key {
            code: KeyCode::Char(c),
            ctrl: true,
            alt: false,
        }
    }

    /// Parses a key name as written in `[keys]`: a single character (`a`, `A`, `?`),
    /// a named key (`enter`, `esc`, `tab`, `backtab`, `backspace`, `delete`, `up`,
    /// `down`, `left`, `right`, `home`, `end`, `pageup`, `pagedown`, `space`, `f1`…),
    /// optionally prefixed by `ctrl-` and/or `alt-`.
    pub fn parse(s: &str) -> Option<Key> {
        let mut rest = s;
        let mut key = Key::plain(KeyCode::Esc);
        loop {
            let lower = rest.to_ascii_lowercase();
            if rest.chars().count() > 5 && lower.starts_with("ctrl-") {
                key.ctrl = true;
                rest = &rest[5..];
            } else if rest.chars().count() > 4 && lower.starts_with("alt-") {
                key.alt = true;
                rest = &rest[4..];
            } else {
                break;
            }
        }
        let mut chars = rest.chars();
        key.code = match (chars.next(), chars.next()) {
            (Some(c), None) => KeyCode::Char(if key.ctrl { c.to_ascii_lowercase() } else { c }),
            _ => match rest.to_ascii_lowercase().as_str() {
                "enter" | "return" => KeyCode::Enter,
                "esc" | "escape" => KeyCode::Esc,
                "tab" => KeyCode::Tab,
                "backtab" | "shift-tab" => KeyCode::BackTab,
                "backspace" => KeyCode::Backspace,
                "delete" | "del" => KeyCode::Delete,
                "up" => KeyCode::Up,
                "down" => KeyCode::Down,
                "left" => KeyCode::Left,
                "right" => KeyCode::Right,
                "home" => KeyCode::Home,
                "end" => KeyCode::End,
                "pageup" | "pgup" => KeyCode::PageUp,
                "pagedown" | "pgdn" => KeyCode::PageDown,
                "space" => KeyCode::Char(' '),
                f if f.starts_with('f') => KeyCode::F(f[1..].parse().ok().filter(|n| *n > 0)?),
                _ => return None,
            },
        };
        Some(key)
    }
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.ctrl {
            f.write_str("Ctrl-")?;
        }
        if self.alt {
            f.write_str("Alt-")?;
        }
        match self.code {
            KeyCode::Char(' ') => f.write_str("Space"),
            KeyCode::Char(c) if self.ctrl => write!(f, "{}", c.to_ascii_uppercase()),
            KeyCode::Char(c) => write!(f, "{c}"),
            KeyCode::Enter => f.write_str("Enter"),
            KeyCode::Esc => f.write_str("Esc"),
            KeyCode::Tab => f.write_str("Tab"),
            KeyCode::BackTab => f.write_str("Shift-Tab"),
            KeyCode::Backspace => f.write_str("Backspace"),
            KeyCode::Delete => f.write_str("Delete"),
            KeyCode::Up => f.write_str("↑"),
            KeyCode::Down => f.write_str("↓"),
            KeyCode::Left => f.write_str("←"),
            KeyCode::Right => f.write_str("→"),
            KeyCode::Home => f.write_str("Home"),
            KeyCode::End => f.write_str("End"),
            KeyCode::PageUp => f.write_str("PgUp"),
            KeyCode::PageDown => f.write_str("PgDn"),
            KeyCode::F(n) => write!(f, "F{n}"),
        }
    }
}

/// Where a binding applies. `Global` bindings work in every pane unless the pane binds
/// the same key itself.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    strum::VariantArray,
    strum::IntoStaticStr,
)]
#[strum(serialize_all = "snake_case")]
pub enum Mode {
    Global,
    Today,
    Review,
    Contacts,
    Referrals,
    Ask,
    Insights,
}

impl Mode {
    pub const ALL: &'static [Mode] = <Mode as strum::VariantArray>::VARIANTS;

    /// The table name under `[keys]`.
    pub fn name(self) -> &'static str {
        self.into()
    }

    /// The heading in the help overlay.
    pub fn title(self) -> &'static str {
        match self {
            Mode::Global => "Everywhere",
            Mode::Today => "Today",
            Mode::Review => "Review mode",
            Mode::Contacts => "Contacts",
            Mode::Referrals => "Referrals",
            Mode::Ask => "Ask",
            Mode::Insights => "Insights",
        }
    }
}

/// The `[keys]` section: mode → key name → action name (`"none"` removes a default).
pub type KeysConfig = BTreeMap<String, BTreeMap<String, String>>;

/// The live key bindings of actions `A`.
#[derive(Debug, Clone)]
pub struct Keymap<A> {
    /// Per mode, in the order of the config (keys sorted), each key once.
    bindings: BTreeMap<Mode, Vec<(Key, A)>>,
}

impl<A> Default for Keymap<A> {
    fn default() -> Self {
        Keymap {
            bindings: BTreeMap::new(),
        }
    }
}

impl<A: Bindable> Keymap<A> {
    /// Builds the keymap from the (already overlaid) `[keys]` tables; `path` names the
    /// user's config file in errors.
    pub fn from_config(keys: &KeysConfig, path: &Path) -> Result<Keymap<A>, ConfigError> {
        let bad = |key: String, message: String| ConfigError::BadValue {
            path: path.to_path_buf(),
            key,
            message,
        };
        let mut bindings: BTreeMap<Mode, Vec<(Key, A)>> = BTreeMap::new();
        for (mode_name, table) in keys {
            let Some(mode) = Mode::ALL.iter().copied().find(|m| m.name() == mode_name) else {
                return Err(ConfigError::UnknownKey {
                    path: path.to_path_buf(),
                    key: format!("keys.{mode_name}"),
                });
            };
            let list = bindings.entry(mode).or_default();
            for (key_name, action_name) in table {
                let full = format!("keys.{mode_name}.{key_name}");
                let Some(key) = Key::parse(key_name) else {
                    return Err(bad(
                        full,
                        "is not a key name; use a single character, or enter, esc, tab, backtab, up, down, left, right, pageup, pagedown, home, end, space, f1…, with an optional ctrl- or alt- prefix".to_string(),
                    ));
                };
                if action_name == "none" {
                    continue;
                }
                let action = parse_action::<A>(action_name)
                    .filter(A::is_bindable)
                    .ok_or_else(|| {
                        bad(
                            full.clone(),
                            format!(
                                "names an unknown action \"{action_name}\"; see `ties config --print-default` for the actions"
                            ),
                        )
                    })?;
                list.retain(|(k, _)| *k != key);
                list.push((key, action));
            }
            // Plain keys first, so hints show `q` rather than `Ctrl-C`.
            list.sort_by_key(|(k, _)| (k.ctrl || k.alt, *k));
        }
        Ok(Keymap { bindings })
    }

    /// The action bound to `key` in `mode`, falling back to the global bindings.
    pub fn lookup(&self, mode: Mode, key: Key) -> Option<A> {
        let find = |m: Mode| {
            self.bindings
                .get(&m)
                .and_then(|l| l.iter().find(|(k, _)| *k == key))
                .map(|(_, a)| a.clone())
        };
        find(mode).or_else(|| {
            if mode == Mode::Review {
                None
            } else {
                find(Mode::Global)
            }
        })
    }

    /// The bindings of one mode, for help and hints.
    pub fn bindings(&self, mode: Mode) -> &[(Key, A)] {
        self.bindings.get(&mode).map_or(&[], Vec::as_slice)
    }

    /// The first key bound to `action` in `mode` (or globally), for hints.
    pub fn key_for(&self, mode: Mode, action: &A) -> Option<Key> {
        self.bindings(mode)
            .iter()
            .chain(self.bindings(Mode::Global))
            .find(|(_, a)| a == action)
            .map(|(k, _)| *k)
    }
}

fn parse_action<A: Bindable>(name: &str) -> Option<A> {
    let de: serde::de::value::StrDeserializer<'_, serde::de::value::Error> =
        name.into_deserializer();
    A::deserialize(de).ok()
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::app::Action;
    use crate::config::Config;

    #[test]
    fn key_names_parse() {
        assert_eq!(Key::parse("a"), Some(Key::char('a')));
        assert_eq!(Key::parse("A"), Some(Key::char('A')));
        assert_eq!(Key::parse("ctrl-c"), Some(Key::ctrl('c')));
        assert_eq!(Key::parse("enter"), Some(Key::plain(KeyCode::Enter)));
        assert_eq!(Key::parse("backtab"), Some(Key::plain(KeyCode::BackTab)));
        assert_eq!(Key::parse("f5"), Some(Key::plain(KeyCode::F(5))));
        assert_eq!(Key::parse("enterr"), None);
    }

    #[test]
    fn defaults_bind_the_design_keys() {
        let c = Config::defaults().unwrap();
        let k = Keymap::<Action>::from_config(&c.keys, Path::new("x")).unwrap();
        assert_eq!(k.lookup(Mode::Today, Key::char('q')), Some(Action::Quit));
        assert_eq!(k.lookup(Mode::Today, Key::char('d')), Some(Action::Done));
        assert_eq!(
            k.lookup(Mode::Contacts, Key::char('/')),
            Some(Action::Filter)
        );
        assert_eq!(
            k.lookup(Mode::Referrals, Key::char('>')),
            Some(Action::StatusForward)
        );
        assert_eq!(
            k.lookup(Mode::Ask, Key::plain(KeyCode::Enter)),
            Some(Action::RecordAsk)
        );
        assert_eq!(k.lookup(Mode::Review, Key::char('1')), None);
    }

    #[test]
    fn user_keys_override_one_by_one_and_bad_actions_name_the_key() {
        let p = Path::new("/home/me/ties.toml");
        let c = Config::from_overlay("[keys.contacts]\nn = \"add_contact\"\na = \"none\"\n", p)
            .unwrap();
        let k = Keymap::<Action>::from_config(&c.keys, p).unwrap();
        assert_eq!(
            k.lookup(Mode::Contacts, Key::char('n')),
            Some(Action::AddContact)
        );
        assert_eq!(k.lookup(Mode::Contacts, Key::char('a')), None);
        assert_eq!(
            k.lookup(Mode::Contacts, Key::char('l')),
            Some(Action::LogInteraction)
        );
        let c = Config::from_overlay("[keys.contacts]\nx = \"explode\"\n", p).unwrap();
        let e = Keymap::<Action>::from_config(&c.keys, p)
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("/home/me/ties.toml")
                && e.contains("keys.contacts.x")
                && e.contains("explode"),
            "{e}"
        );
        let e = Config::from_overlay("[keys.nowhere]\nx = \"quit\"\n", p)
            .unwrap_err()
            .to_string();
        assert!(e.contains("keys.nowhere"), "{e}");
    }
}
