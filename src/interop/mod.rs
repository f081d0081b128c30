//! Contact import and export: turns vCard, Google Contacts CSV and LinkedIn CSV into
//! [`NewContact`]s (the one record of a contact to be written) and formats stored
//! contacts back out as vCard 4.0 or Google CSV.
//!
//! Pure: no file I/O, no SQL, no clock. May import `std` (no I/O), `crate::domain`,
//! `calcard`, `csv`, `encoding_rs`, `chrono` date types, `serde` and `thiserror`. The lossless JSON
//! document lives in [`json`].
//!
//! Text decoding (one policy for every format, see [`decode_text`]): a UTF-8 BOM is
//! stripped; UTF-16 with a BOM is decoded; valid UTF-8 is used as is; bytes that are not
//! valid UTF-8 are decoded as Windows-1252 when the file holds no valid multi-byte UTF-8
//! at all (old Outlook and vCard 2.1 exports), otherwise lossily as UTF-8 (each bad byte
//! becomes U+FFFD). A file with a NUL byte in its first 8000 bytes is refused as binary.

pub mod email;
pub mod google_csv;
pub mod json;
pub mod linkedin_csv;
mod record;
pub mod vcard;

use std::str::FromStr;

use serde::Serialize;
use thiserror::Error;

use crate::domain::contact::{Contact, NewContact};

/// A record the importer could not turn into a contact, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Skipped {
    /// 1-based: the n-th card of a vCard file, the n-th data row of a CSV file.
    pub record: usize,
    pub reason: String,
}

/// What a parser made of a whole file.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct Parsed {
    /// Each validated and trimmed: a name never blank (from FN, else the N parts, else
    /// ORG, else the first e-mail), tags normalized, valid e-mails and phones only, no two
    /// fields alike; `vcard_extra` only from a vCard.
    pub contacts: Vec<NewContact>,
    pub skipped: Vec<Skipped>,
}

/// A stored contact on its way out, with what the store keeps beside it.
#[derive(Debug, Clone, Copy)]
pub struct ExportContact<'a> {
    pub contact: &'a Contact,
    /// The referrer's display name, if someone referred this contact to me.
    pub referred_by: Option<&'a str>,
    /// The unknown vCard properties kept at import ([`NewContact::vcard_extra`]).
    pub vcard_extra: Option<&'a str>,
}

/// The import formats `ties import --format` names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    Vcard,
    GoogleCsv,
    LinkedinCsv,
    Json,
    /// An `.eml` message or an mbox: introductions, not contacts.
    Email,
}

impl Format {
    pub const ALL: &'static [Format] = &[
        Format::Vcard,
        Format::GoogleCsv,
        Format::LinkedinCsv,
        Format::Json,
        Format::Email,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Format::Vcard => "vcard",
            Format::GoogleCsv => "google-csv",
            Format::LinkedinCsv => "linkedin-csv",
            Format::Json => "json",
            Format::Email => "email",
        }
    }
}

impl std::fmt::Display for Format {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Format {
    type Err = InteropError;

    /// Exactly `vcard`, `google-csv`, `linkedin-csv` or `json` (ASCII case ignored).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let wanted = s.trim().to_ascii_lowercase();
        Format::ALL
            .iter()
            .copied()
            .find(|f| f.as_str() == wanted)
            .ok_or_else(|| InteropError::UnknownFormat(s.to_string()))
    }
}

/// Everything that makes a whole file unreadable (a single bad record is a [`Skipped`]
/// instead). Each message is one sentence: what is wrong and what to do.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum InteropError {
    #[error("unknown format \"{0}\"; use one of: vcard, google-csv, linkedin-csv, json")]
    UnknownFormat(String),
    #[error("the file is empty; export your contacts again and import the new file")]
    Empty,
    #[error(
        "the file looks binary, not text (it contains NUL bytes); export your contacts as vCard (.vcf) or CSV and import that file"
    )]
    Binary,
    #[error(
        "this is not a Google Contacts CSV: its header has no name, organization or e-mail column (such as \"First Name\", \"Name\" or \"E-mail 1 - Value\"); export from Google Contacts as \"Google CSV\", or pass the right --format"
    )]
    NotGoogleCsv,
    #[error(
        "no LinkedIn header line (\"First Name,Last Name,URL,Email Address,Company,Position,Connected On\") was found; import LinkedIn's Connections.csv as exported, or pass the right --format"
    )]
    NotLinkedinCsv,
    #[error("could not write the CSV ({0}); this is a bug in ties, please report it")]
    CsvWrite(String),
}

/// How many leading bytes [`detect`] and the binary check look at.
const SNIFF_LEN: usize = 8000;

/// Turns file bytes into text by the policy in the module docs.
///
/// Errors: [`InteropError::Empty`] for nothing but whitespace (or a lone BOM),
/// [`InteropError::Binary`] for a NUL byte among the first 8000 bytes.
pub fn decode_text(bytes: &[u8]) -> Result<String, InteropError> {
    let text = if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        decode_with(encoding_rs::UTF_16LE, rest)
    } else if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        decode_with(encoding_rs::UTF_16BE, rest)
    } else {
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        if bytes[..bytes.len().min(SNIFF_LEN)].contains(&0) {
            return Err(InteropError::Binary);
        }
        match std::str::from_utf8(bytes) {
            Ok(s) => s.to_string(),
            Err(_) if has_multibyte_utf8(bytes) => String::from_utf8_lossy(bytes).into_owned(),
            Err(_) => decode_with(encoding_rs::WINDOWS_1252, bytes),
        }
    };
    let text = text
        .strip_prefix('\u{feff}')
        .map(str::to_string)
        .unwrap_or(text);
    if text.trim().is_empty() {
        return Err(InteropError::Empty);
    }
    if text.chars().take(SNIFF_LEN).any(|c| c == '\0') {
        return Err(InteropError::Binary);
    }
    Ok(text)
}

/// Decodes with the WHATWG Encoding Standard's table (encoding_rs): malformed input
/// becomes U+FFFD; Windows-1252's five unassigned bytes become the C1 controls of the
/// same value.
fn decode_with(encoding: &'static encoding_rs::Encoding, bytes: &[u8]) -> String {
    encoding.decode_without_bom_handling(bytes).0.into_owned()
}

/// True when the bytes hold at least one valid non-ASCII UTF-8 character: then the
/// file is UTF-8 with some damage, not a legacy 8-bit encoding.
fn has_multibyte_utf8(bytes: &[u8]) -> bool {
    bytes.utf8_chunks().any(|chunk| !chunk.valid().is_ascii())
}

/// Guesses the format from the first bytes: vCard (`BEGIN:VCARD` after an optional BOM
/// and whitespace), LinkedIn (its `Notes:` preamble or its header), Google CSV (its
/// header), JSON (starts with `{`). `None` when nothing fits.
pub fn detect(bytes: &[u8]) -> Option<Format> {
    let head = &bytes[..bytes.len().min(64 * 1024)];
    let text = match head {
        [0xFF, 0xFE, rest @ ..] => decode_with(encoding_rs::UTF_16LE, rest),
        [0xFE, 0xFF, rest @ ..] => decode_with(encoding_rs::UTF_16BE, rest),
        _ => String::from_utf8_lossy(head).into_owned(),
    };
    let text = text.trim_start_matches(|c: char| c == '\u{feff}' || c.is_whitespace());
    if text
        .get(..11)
        .is_some_and(|s| s.eq_ignore_ascii_case("BEGIN:VCARD"))
    {
        return Some(Format::Vcard);
    }
    if text.starts_with('{') {
        return Some(Format::Json);
    }
    let first_line = text.lines().next().unwrap_or("").trim();
    if first_line.eq_ignore_ascii_case("notes:") || first_line.starts_with("Notes:") {
        return Some(Format::LinkedinCsv);
    }
    let header = record::csv_header(first_line);
    if linkedin_csv::is_header(&header) {
        return Some(Format::LinkedinCsv);
    }
    if google_csv::is_header(&header) {
        return Some(Format::GoogleCsv);
    }
    if email::looks_like_mail(bytes) {
        return Some(Format::Email);
    }
    None
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn formats_parse_from_their_cli_words() {
        for f in Format::ALL {
            assert_eq!(f.as_str().parse::<Format>().unwrap(), *f);
        }
        assert_eq!("Google-CSV".parse::<Format>().unwrap(), Format::GoogleCsv);
        let err = "csv".parse::<Format>().unwrap_err().to_string();
        assert!(err.contains("use one of: vcard, google-csv"), "{err}");
    }

    #[test]
    fn detects_each_format_from_content() {
        assert_eq!(
            detect(b"\xEF\xBB\xBF\r\n  begin:vcard\r\nVERSION:3.0\r\n"),
            Some(Format::Vcard)
        );
        assert_eq!(detect(b"  {\"version\":1}"), Some(Format::Json));
        assert_eq!(
            detect(b"Notes:\n\"When exporting...\"\n\nFirst Name,Last Name,URL,Email Address,Company,Position,Connected On\n"),
            Some(Format::LinkedinCsv)
        );
        assert_eq!(
            detect(b"First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"),
            Some(Format::LinkedinCsv)
        );
        assert_eq!(
            detect(b"\xEF\xBB\xBFFirst Name,Middle Name,Last Name,Labels,E-mail 1 - Label,E-mail 1 - Value\n"),
            Some(Format::GoogleCsv)
        );
        assert_eq!(
            detect(b"Name,Given Name,Additional Name,Family Name,Group Membership,E-mail 1 - Type,E-mail 1 - Value\n"),
            Some(Format::GoogleCsv)
        );
        // Google's old export was UTF-16LE with a BOM.
        let utf16: Vec<u8> = "\u{feff}Name,Given Name,Family Name\r\n"
            .encode_utf16()
            .flat_map(|u| u.to_le_bytes())
            .collect();
        assert_eq!(detect(&utf16), Some(Format::GoogleCsv));
        assert_eq!(detect(b""), None);
        assert_eq!(detect(b"\x00\x01\x02garbage"), None);
        assert_eq!(detect(b"a,b,c\n1,2,3\n"), None);
    }

    #[test]
    fn decoding_strips_boms_and_refuses_binary_and_empty() {
        assert_eq!(decode_text(b"\xEF\xBB\xBFhi").unwrap(), "hi");
        assert_eq!(decode_text(b"\xEF\xBB\xBF  \n"), Err(InteropError::Empty));
        assert_eq!(decode_text(b""), Err(InteropError::Empty));
        assert_eq!(
            decode_text(b"PK\x03\x04\x00\x00"),
            Err(InteropError::Binary)
        );
        // Legacy 8-bit text: Windows-1252.
        assert_eq!(decode_text(b"Jos\xe9 \x80").unwrap(), "José €");
        // Damaged UTF-8: lossy.
        assert_eq!(
            decode_text("é\u{0}".as_bytes()).unwrap_err(),
            InteropError::Binary
        );
        assert_eq!(decode_text(b"\xc3\xa9 \xff").unwrap(), "é \u{fffd}");
        let utf16: Vec<u8> = "\u{feff}Zoë"
            .encode_utf16()
            .flat_map(|u| u.to_be_bytes())
            .collect();
        assert_eq!(decode_text(&utf16).unwrap(), "Zoë");
        // Every message is one sentence with a remedy.
        for e in [
            InteropError::Empty,
            InteropError::Binary,
            InteropError::NotGoogleCsv,
        ] {
            let m = e.to_string();
            assert!(m.contains(';') && !m.ends_with('.'), "{m}");
        }
    }

    proptest! {
        #[test]
        fn detect_and_decode_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
            let _ = detect(&bytes);
            let _ = decode_text(&bytes);
        }

        #[test]
        fn detect_never_panics_on_text(s in "\\PC*") {
            let _ = detect(s.as_bytes());
        }
    }
}

/// A CSV cell that a spreadsheet would run as a formula (one starting with `=`, `+`,
/// `-`, `@`, a tab or a carriage return) gets a leading apostrophe, which spreadsheets
/// show as text. A phone number (`+1 555 0100`) or a plain number is left alone.
pub fn neutralize_formula(cell: String) -> String {
    let risky = match cell.chars().next() {
        Some('=' | '@' | '\t' | '\r') => true,
        Some('+' | '-') => !cell[1..]
            .chars()
            .all(|c| c.is_ascii_digit() || " ()-./".contains(c)),
        _ => false,
    };
    if risky { format!("'{cell}") } else { cell }
}

/// Undoes [`neutralize_formula`] on import, so an exported file comes back as it was.
pub fn restore_formula(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if neutralize_formula(rest.to_string()).len() > rest.len() => rest,
        _ => cell,
    }
}

#[cfg(test)]
#[test]
fn formulas_are_neutralized_and_come_back() {
    for (cell, out) in [
        ("=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("+cmd|x", "'+cmd|x"),
        ("-2+3", "'-2+3"),
        ("+1 555 0100", "+1 555 0100"),
        ("-42", "-42"),
        ("Dana Hart", "Dana Hart"),
        ("'quoted", "'quoted"),
    ] {
        assert_eq!(neutralize_formula(cell.to_string()), out, "{cell}");
        assert_eq!(restore_formula(out), cell, "{out}");
    }
}
