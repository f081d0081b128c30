//! Configuration: the embedded `config.example.toml` is the complete default; the
//! user's file overrides it key by key. Unknown keys and values of the wrong type are
//! errors that name the file and the key.
//!
//! May import `domain` (for the parameter types), `toml`, `serde`, `std::fs`, and
//! ratatui's `Color` only to validate `[theme]` colours.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use thiserror::Error;
use toml::{Table, Value};

use crate::domain::params::{CadenceDefaults, ScoringParams};

/// The documented defaults, embedded so they cannot drift from the binary.
pub const DEFAULT_TOML: &str = include_str!("../config.example.toml");

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub scoring: ScoringParams,
    pub cadence: CadenceDefaults,
    pub ask: AskConfig,
    pub review: ReviewConfig,
    pub backup: BackupConfig,
    pub import: ImportConfig,
    pub theme: ThemeConfig,
    pub display: DisplayConfig,
    /// Who the user is: email imports read introductions by it, contact imports skip
    /// the user's own card by it.
    pub me: MeConfig,
    /// The terminal interface itself.
    pub ui: UiConfig,
    /// Key bindings of the terminal interface, by mode (see `keymap`).
    pub keys: BTreeMap<String, BTreeMap<String, String>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UiConfig {
    /// Clicks and the wheel (off: the terminal keeps its own mouse selection).
    pub mouse: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MeConfig {
    /// Your name as it appears on your own card ("" when unset).
    pub name: String,
    /// Every address you send and receive mail at.
    pub emails: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BackupConfig {
    /// Automatic backups to keep; 0 keeps all.
    pub keep: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImportConfig {
    /// The largest file (or standard input) `ties import` reads, in bytes.
    pub max_bytes: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AskConfig {
    pub asks_per_day: u32,
    pub ideal_referral: String,
    pub script: String,
    /// The script when they praised you recently (it opens with thanks for their words).
    pub script_after_praise: String,
}

impl AskConfig {
    /// The words the review cards and the Ask pane fill in; praise within
    /// `praise_days` is "recent".
    pub fn words(&self, praise_days: u32) -> crate::domain::review::Words<'_> {
        crate::domain::review::Words {
            ideal_referral: &self.ideal_referral,
            script: &self.script,
            script_after_praise: &self.script_after_praise,
            praise_days,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReviewConfig {
    /// The day's review holds at most this many items; the rest wait.
    pub items_per_day: u32,
    /// A birthday shows this many days before the day.
    pub occasion_lead_days: u32,
}

/// Colours of the terminal interface, as names, `#rrggbb` or 256-colour indices.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ThemeConfig {
    pub heading: String,
    pub key: String,
    pub accent: String,
    pub muted: String,
    pub ok: String,
    pub error: String,
    pub band_active: String,
    pub band_close: String,
    pub band_inner_circle: String,
}

impl ThemeConfig {
    /// Every colour with its key, for validation and drawing.
    pub fn entries(&self) -> [(&'static str, &str); 9] {
        [
            ("heading", &self.heading),
            ("key", &self.key),
            ("accent", &self.accent),
            ("muted", &self.muted),
            ("ok", &self.ok),
            ("error", &self.error),
            ("band_active", &self.band_active),
            ("band_close", &self.band_close),
            ("band_inner_circle", &self.band_inner_circle),
        ]
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DisplayConfig {
    pub currency: String,
    pub date_format: String,
}

#[derive(Debug, Error)]
pub enum ConfigError {
    #[error("cannot read config file {path}: {source}; check the path and its permissions")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("config file {path} is not valid TOML: {message}")]
    Parse { path: PathBuf, message: String },
    #[error(
        "config file {path}: unknown key `{key}`; remove it (see `ties config --print-default` for every key)"
    )]
    UnknownKey { path: PathBuf, key: String },
    #[error("config file {path}: key `{key}` {message}")]
    BadValue {
        path: PathBuf,
        key: String,
        message: String,
    },
    /// The embedded default failed to parse: a bug in ties, not in the user's setup.
    #[error("bug: the embedded default configuration is invalid: {0}")]
    Embedded(String),
}

impl Config {
    /// The embedded defaults.
    pub fn defaults() -> Result<Config, ConfigError> {
        // Straight into the types, without the table an overlay needs: every command
        // without a config file starts here.
        let config: Config = toml::from_str(DEFAULT_TOML)
            .map_err(|e: toml::de::Error| ConfigError::Embedded(e.to_string()))?;
        config
            .validate(Path::new("<embedded defaults>"))
            .map_err(|e| ConfigError::Embedded(e.to_string()))?;
        Ok(config)
    }

    /// Loads the defaults overlaid by the file at `path`. A missing file is an error
    /// only when `required` (the user named it with --config / TIES_CONFIG).
    pub fn load(path: &Path, required: bool) -> Result<Config, ConfigError> {
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && !required => {
                return Config::defaults();
            }
            Err(source) => {
                return Err(ConfigError::Read {
                    path: path.to_path_buf(),
                    source,
                });
            }
        };
        Config::from_overlay(&text, path)
    }

    /// The defaults overlaid by the TOML text `user` (read from `path`, for messages).
    pub fn from_overlay(user: &str, path: &Path) -> Result<Config, ConfigError> {
        let mut base: Table = DEFAULT_TOML
            .parse()
            .map_err(|e: toml::de::Error| ConfigError::Embedded(e.to_string()))?;
        let user: Table = user
            .parse()
            .map_err(|e: toml::de::Error| ConfigError::Parse {
                path: path.to_path_buf(),
                message: e.message().to_string(),
            })?;
        overlay(&mut base, user, "", path)?;
        let config: Config = Value::Table(base)
            .try_into()
            .map_err(|e: toml::de::Error| ConfigError::Parse {
                path: path.to_path_buf(),
                message: e.message().to_string(),
            })?;
        config.validate(path)?;
        Ok(config)
    }

    fn validate(&self, path: &Path) -> Result<(), ConfigError> {
        let bad = |key: &str, message: &str| ConfigError::BadValue {
            path: path.to_path_buf(),
            key: key.to_string(),
            message: message.to_string(),
        };
        for e in &self.me.emails {
            if crate::domain::contact::validate_email(e).is_err() {
                return Err(bad(
                    "me.emails",
                    &format!(
                        "\"{e}\" is not an email address; list yours as [\"you@example.com\"]"
                    ),
                ));
            }
        }
        let s = &self.scoring;
        for (key, v) in [
            ("scoring.half_life_days", s.half_life_days),
            ("scoring.engagement_scale", s.engagement_scale),
            ("scoring.duration_unit_days", s.duration_unit_days),
            ("scoring.duration_decay_days", s.duration_decay_days),
            ("scoring.services_half_life_days", s.services_half_life_days),
            ("scoring.services_scale", s.services_scale),
            (
                "scoring.ask.praise_half_life_days",
                s.ask.praise_half_life_days,
            ),
        ] {
            if !(v.is_finite() && v > 0.0) {
                return Err(bad(key, "must be a number greater than 0"));
            }
        }
        if !(s.duration_saturation.is_finite() && s.duration_saturation > 1.0) {
            return Err(bad(
                "scoring.duration_saturation",
                "must be a number greater than 1",
            ));
        }
        if s.one_way_cap > 100 {
            return Err(bad("scoring.one_way_cap", "must be between 0 and 100"));
        }
        if s.ask.weak_tie_below > 100 {
            return Err(bad(
                "scoring.ask.weak_tie_below",
                "must be between 0 and 100",
            ));
        }
        if self.ask.asks_per_day > 100 {
            return Err(bad("ask.asks_per_day", "must be between 0 and 100"));
        }
        if !(1..=500).contains(&self.review.items_per_day) {
            return Err(bad("review.items_per_day", "must be between 1 and 500"));
        }
        if self.review.occasion_lead_days > 60 {
            return Err(bad("review.occasion_lead_days", "must be between 0 and 60"));
        }
        for (key, value) in self.theme.entries() {
            if value.parse::<ratatui::style::Color>().is_err() {
                return Err(bad(
                    &format!("theme.{key}"),
                    "is not a colour; use a name like \"cyan\", \"#rrggbb\" or a number 0-255",
                ));
            }
        }
        if self.display.date_format.trim().is_empty()
            || chrono::format::StrftimeItems::new(&self.display.date_format)
                .any(|i| matches!(i, chrono::format::Item::Error))
        {
            return Err(bad(
                "display.date_format",
                "is not a valid strftime format; try \"%Y-%m-%d\"",
            ));
        }
        Ok(())
    }
}

/// Your ideal referral in your own words, cleaned for the script: trimmed, one line,
/// without a leading "do you know anyone who" or a trailing "?". `None` when nothing
/// is left, or it is too long to say in one breath (over 200 characters).
pub fn clean_ideal_referral(text: &str) -> Option<String> {
    let one_line: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let mut t = one_line.split_whitespace().collect::<Vec<_>>().join(" ");
    for lead in ["do you know anyone who ", "anyone who ", "someone who "] {
        if t.to_lowercase().starts_with(lead) {
            t = t[lead.len()..].to_string();
        }
    }
    let t = t.trim_end_matches(['?', '.', ' ']).to_string();
    (!t.is_empty() && t.chars().count() <= 200).then_some(t)
}

/// Writes `[section] key = "value"` into the config file at `path`, keeping every
/// other line and comment as it was; creates the file (private, in a private folder)
/// when it is missing. The new text replaces the file in one rename.
pub fn save_value(path: &Path, section: &str, key: &str, value: &str) -> Result<(), ConfigError> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(source) => {
            return Err(ConfigError::Read {
                path: path.to_path_buf(),
                source,
            });
        }
    };
    let mut doc: toml_edit::DocumentMut =
        text.parse()
            .map_err(|e: toml_edit::TomlError| ConfigError::Parse {
                path: path.to_path_buf(),
                message: e.message().to_string(),
            })?;
    if !doc.contains_key(section) {
        doc[section] = toml_edit::table();
    }
    let Some(table) = doc[section].as_table_like_mut() else {
        return Err(ConfigError::BadValue {
            path: path.to_path_buf(),
            key: section.to_string(),
            message: "is not a table; fix the file by hand".to_string(),
        });
    };
    table.insert(key, toml_edit::value(value));
    let write = |e: std::io::Error| ConfigError::Read {
        path: path.to_path_buf(),
        source: e,
    };
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty());
    if let Some(dir) = dir {
        std::fs::create_dir_all(dir).map_err(write)?;
    }
    let mut tmp = tempfile::Builder::new()
        .prefix(".config.")
        .tempfile_in(dir.unwrap_or(Path::new(".")))
        .map_err(write)?;
    std::io::Write::write_all(&mut tmp, doc.to_string().as_bytes()).map_err(write)?;
    tmp.as_file().sync_all().map_err(write)?;
    tmp.persist(path).map_err(|e| write(e.error))?;
    Ok(())
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::String(_) => "a string",
        Value::Integer(_) => "an integer",
        Value::Float(_) => "a number",
        Value::Boolean(_) => "true or false",
        Value::Datetime(_) => "a date",
        Value::Array(_) => "a list",
        Value::Table(_) => "a table",
    }
}

/// Overlays `user` onto `base` key by key. Every user key must exist in the defaults
/// with a value of the same type (an integer is accepted where a number is expected).
fn overlay(base: &mut Table, user: Table, prefix: &str, path: &Path) -> Result<(), ConfigError> {
    for (k, v) in user {
        let key = if prefix.is_empty() {
            k.clone()
        } else {
            format!("{prefix}.{k}")
        };
        // Inside `[keys.MODE]` any key name may be bound; `keymap` checks names and actions.
        if prefix.starts_with("keys.") && !base.contains_key(&k) {
            if !v.is_str() {
                return Err(ConfigError::BadValue {
                    path: path.to_path_buf(),
                    key,
                    message: format!("must be an action name (a string), not {}", type_name(&v)),
                });
            }
            base.insert(k, v);
            continue;
        }
        let Some(slot) = base.get_mut(&k) else {
            return Err(ConfigError::UnknownKey {
                path: path.to_path_buf(),
                key,
            });
        };
        match (slot, v) {
            (Value::Table(b), Value::Table(u)) => overlay(b, u, &key, path)?,
            (slot @ Value::Float(_), Value::Integer(i)) => *slot = Value::Float(i as f64),
            (slot, v) if std::mem::discriminant(slot) == std::mem::discriminant(&v) => *slot = v,
            (slot, v) => {
                return Err(ConfigError::BadValue {
                    path: path.to_path_buf(),
                    key,
                    message: format!("must be {}, not {}", type_name(slot), type_name(&v)),
                });
            }
        }
    }
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn embedded_default_parses() {
        let c = Config::defaults().unwrap();
        assert_eq!(c.ask.asks_per_day, 3);
        assert_eq!(c.scoring.half_life_days, 90.0);
        assert_eq!(c.cadence.client, 60);
    }

    #[test]
    fn overlay_is_key_by_key() {
        let p = Path::new("/tmp/u.toml");
        let c = Config::from_overlay(
            "[scoring]\nhalf_life_days = 120\n[ask]\nasks_per_day = 5\n",
            p,
        )
        .unwrap();
        assert_eq!(c.scoring.half_life_days, 120.0);
        assert_eq!(c.ask.asks_per_day, 5);
        // Untouched keys keep their defaults.
        assert_eq!(c.scoring.engagement_scale, 20.0);
        assert_eq!(c.cadence.prospect, 14);
    }

    #[test]
    fn unknown_keys_and_bad_types_name_file_and_key() {
        let p = Path::new("/home/me/ties.toml");
        let e = Config::from_overlay("[scoring]\nhalf_lfe_days = 3\n", p)
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("/home/me/ties.toml") && e.contains("scoring.half_lfe_days"),
            "{e}"
        );
        let e = Config::from_overlay("[ask]\nasks_per_day = \"many\"\n", p)
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("ask.asks_per_day") && e.contains("integer"),
            "{e}"
        );
        let e = Config::from_overlay("[scoring]\nhalf_life_days = -1\n", p)
            .unwrap_err()
            .to_string();
        assert!(e.contains("scoring.half_life_days"), "{e}");
        let e = Config::from_overlay("nonsense = = =", p)
            .unwrap_err()
            .to_string();
        assert!(e.contains("not valid TOML"), "{e}");
        let e = Config::from_overlay("[colors]\n", p)
            .unwrap_err()
            .to_string();
        assert!(e.contains("`colors`"), "{e}");
    }
}
