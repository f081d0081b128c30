//! Import and export formats: parsing and formatting only, no SQL, no files.
//!
//! May import `domain` and `text`; the store and the CLI call into it.

pub mod json;
