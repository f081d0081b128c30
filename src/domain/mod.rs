//! The pure heart of ties: types, validation and (later) scoring.
//!
//! May import only `std` (no I/O), `chrono` date types, `serde` and `thiserror`.
//! Never rusqlite, ratatui, crossterm, `std::fs`, `std::env`, or a clock: "today"
//! always arrives as an argument. `tests/architecture.rs` enforces this.

pub mod agenda;
pub mod ask;
pub mod assessor;
pub mod book;
pub mod chain;
pub mod contact;
pub mod date;
pub mod document;
pub mod histories;
pub mod history;
pub mod interaction;
pub mod ledger;
pub mod params;
pub mod ranking;
pub mod referral;
pub mod replica;
pub mod review;
pub mod stats;
pub mod strength;
pub mod touch;

#[cfg(test)]
pub(crate) mod testkit;

use thiserror::Error;

/// Bad input caught by the domain's validation. Every message is one sentence that
/// says what is wrong and what to do.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DomainError {
    #[error("{0}")]
    Invalid(String),
}

impl DomainError {
    pub fn invalid(msg: impl Into<String>) -> Self {
        DomainError::Invalid(msg.into())
    }
}

/// Defines a closed vocabulary: an enum whose variants parse from exactly one
/// snake_case word each (the variant's name, derived by strum and serde) and nothing
/// else; a wrong word is refused with the list of right ones.
macro_rules! vocabulary {
    ($(#[$meta:meta])* $name:ident, $what:literal { $($variant:ident),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord,
            serde::Serialize, serde::Deserialize,
            strum::VariantArray, strum::IntoStaticStr,
        )]
        #[serde(rename_all = "snake_case")]
        #[strum(serialize_all = "snake_case")]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = <$name as strum::VariantArray>::VARIANTS;

            pub fn as_str(self) -> &'static str {
                self.into()
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = $crate::domain::DomainError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::ALL.iter().copied().find(|v| v.as_str() == s).ok_or_else(|| {
                    let words: Vec<&str> = Self::ALL.iter().map(|v| v.as_str()).collect();
                    $crate::domain::DomainError::invalid(format!(
                        "unknown {} \"{}\"; use one of: {}",
                        $what, s, words.join(", ")
                    ))
                })
            }
        }
    };
}
pub(crate) use vocabulary;
