//! The contact under construction that every importer fills in, and the one place
//! where its values are trimmed, validated, de-duplicated and named.
//!
//! May import `std`, `crate::domain::contact` and `csv`; nothing format-specific.

use crate::domain::contact::{
    Field, FieldKind, NewContact, normalize_tag, optional_text, same_tag, validate_email,
    validate_name, validate_phone,
};

use super::Skipped;

/// What one source record said, before the name is derived and it is checked.
#[derive(Debug, Default)]
pub(crate) struct Draft {
    pub uid: Option<String>,
    /// A full display name (vCard FN, Google's legacy "Name").
    pub full_name: Option<String>,
    /// A name put together from its parts (vCard N, first/middle/last columns).
    pub parts_name: Option<String>,
    pub company: Option<String>,
    pub title: Option<String>,
    pub how_met: Option<String>,
    pub referred_by: Option<String>,
    pub tags: Vec<String>,
    pub fields: Vec<Field>,
    notes: Vec<String>,
    pub extra: String,
}

impl Draft {
    /// Fills an empty slot with the trimmed value; true if `value` now is the slot's
    /// value (it was set now, or it equals what is there).
    pub fn set_once(slot: &mut Option<String>, value: &str) -> bool {
        let Some(v) = optional_text(value) else {
            return false;
        };
        match slot {
            Some(existing) => *existing == v,
            None => {
                *slot = Some(v);
                true
            }
        }
    }

    /// Adds a field if its value is valid for its kind (an e-mail needs an `@`, a phone a
    /// digit, anything else a non-blank value). A duplicate of a field already there
    /// counts as added. False when the value is invalid, so the caller can keep it raw.
    pub fn add_field(&mut self, kind: FieldKind, label: Option<&str>, value: &str) -> bool {
        let value = match kind {
            FieldKind::Email => validate_email(value).ok(),
            FieldKind::Phone => validate_phone(value).ok(),
            _ => optional_text(value),
        };
        let Some(value) = value else {
            return false;
        };
        let same = |f: &Field| {
            f.kind == kind
                && if kind == FieldKind::Email {
                    f.value.eq_ignore_ascii_case(&value)
                } else {
                    f.value == value
                }
        };
        if !self.fields.iter().any(same) {
            self.fields.push(Field {
                kind,
                label: label.and_then(optional_text),
                value,
            });
        }
        true
    }

    /// Adds a tag unless it is blank or already there.
    pub fn add_tag(&mut self, tag: &str) {
        if let Ok(t) = normalize_tag(tag)
            && !self.tags.iter().any(|have| same_tag(have, &t))
        {
            self.tags.push(t);
        }
    }

    pub fn add_note(&mut self, note: &str) {
        if let Some(n) = optional_text(note) {
            self.notes.push(n);
        }
    }

    /// Derives the name (full name, else the parts, else the company, else the first
    /// e-mail) and returns the contact, or why the record is skipped.
    pub fn finish(self, record: usize) -> Result<NewContact, Skipped> {
        let first_email = self
            .fields
            .iter()
            .find(|f| f.kind == FieldKind::Email)
            .map(|f| f.value.clone());
        let name = [
            &self.full_name,
            &self.parts_name,
            &self.company,
            &first_email,
        ]
        .into_iter()
        .flatten()
        .find_map(|n| validate_name(n).ok());
        let Some(name) = name else {
            return Err(Skipped {
                record,
                reason: "it has no name, organization or e-mail address to name the contact by"
                    .to_string(),
            });
        };
        let notes = (!self.notes.is_empty()).then(|| self.notes.join("\n\n"));
        Ok(NewContact {
            uid: self.uid,
            name,
            company: self.company,
            title: self.title,
            tags: self.tags,
            fields: self.fields,
            notes,
            how_met: self.how_met,
            referred_by: self.referred_by,
            vcard_extra: (!self.extra.is_empty()).then_some(self.extra),
            ..NewContact::default()
        })
    }
}

/// Joins the non-blank parts with single spaces; `None` if all are blank.
pub(crate) fn join_parts<'a>(parts: impl IntoIterator<Item = &'a str>) -> Option<String> {
    let joined = parts
        .into_iter()
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    (!joined.is_empty()).then_some(joined)
}

/// A label as the user would want to see it: Apple's `_$!<Mobile>!$_` and Google's
/// `* Home` (the star marks the primary value) become `mobile` and `home`; well-known
/// words are lowercased, custom labels keep their spelling. Blank: `None`.
pub(crate) fn clean_label(raw: &str) -> Option<String> {
    let mut l = raw.trim();
    if let Some(inner) = l.strip_prefix("_$!<").and_then(|s| s.strip_suffix(">!$_")) {
        l = inner.trim();
    }
    l = l.trim_start_matches('*').trim();
    if l.is_empty() {
        return None;
    }
    const WELL_KNOWN: &[&str] = &[
        "home",
        "work",
        "other",
        "mobile",
        "cell",
        "main",
        "fax",
        "pager",
        "iphone",
        "voice",
        "text",
        "video",
        "school",
        "homepage",
        "blog",
        "profile",
        "home fax",
        "work fax",
        "workfax",
        "homefax",
        "internet",
        "assistant",
        "car",
        "company main",
        "radio",
    ];
    if WELL_KNOWN.iter().any(|w| w.eq_ignore_ascii_case(l)) {
        Some(l.to_lowercase())
    } else {
        Some(l.to_string())
    }
}

/// True for a relation label that means "this person referred me to them", in any
/// spelling: `Referred by`, `referred-by`, `x-referred-by`, `_$!<Referred By>!$_`.
pub(crate) fn is_referred_by_label(raw: &str) -> bool {
    let l = clean_label(raw).unwrap_or_default().to_lowercase();
    let l = l.strip_prefix("x-").unwrap_or(&l);
    let words: Vec<&str> = l
        .split(|c: char| c == '-' || c == '_' || c.is_whitespace())
        .filter(|w| !w.is_empty())
        .collect();
    matches!(words.as_slice(), ["referred", "by"] | ["referredby"])
}

/// Google packs several values into one cell separated by ` ::: `.
pub(crate) fn split_multi(cell: &str) -> impl Iterator<Item = &str> {
    cell.split(":::").map(str::trim).filter(|s| !s.is_empty())
}

/// Parses one CSV line into trimmed cells (a header line, for format detection).
pub(crate) fn csv_header(line: &str) -> Vec<String> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(line.as_bytes());
    reader
        .records()
        .next()
        .and_then(Result::ok)
        .map(|r| r.iter().map(|c| c.trim().to_string()).collect())
        .unwrap_or_default()
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_cleaned() {
        assert_eq!(clean_label("_$!<Mobile>!$_").as_deref(), Some("mobile"));
        assert_eq!(clean_label("* Home").as_deref(), Some("home"));
        assert_eq!(
            clean_label("AssistantPhone").as_deref(),
            Some("AssistantPhone")
        );
        assert_eq!(clean_label(" * "), None);
        for yes in [
            "Referred by",
            "referred-by",
            "x-referred-by",
            "_$!<Referred By>!$_",
            "REFERRED_BY",
        ] {
            assert!(is_referred_by_label(yes), "{yes}");
        }
        for no in ["Spouse", "referred", "by", ""] {
            assert!(!is_referred_by_label(no), "{no}");
        }
    }

    #[test]
    fn a_draft_without_any_name_is_skipped() {
        let mut d = Draft::default();
        assert!(!d.add_field(FieldKind::Email, None, "not-an-email"));
        assert!(d.add_field(FieldKind::Phone, Some(" work "), " +1 555 0100 "));
        assert!(d.add_field(FieldKind::Phone, None, "+1 555 0100"));
        let skipped = d.finish(3).unwrap_err();
        assert_eq!(skipped.record, 3);

        let mut d = Draft::default();
        d.add_field(FieldKind::Email, None, "Ana@Example.com");
        d.add_field(FieldKind::Email, Some("work"), "ana@example.com");
        d.add_tag(" Friends ");
        d.add_tag("friends");
        d.add_tag("  ");
        let c = d.finish(1).unwrap();
        assert_eq!(c.name, "Ana@Example.com");
        assert_eq!(c.fields.len(), 1);
        assert_eq!(c.tags, vec!["Friends"]);
        assert_eq!(c.vcard_extra, None);
    }
}
