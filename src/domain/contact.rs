//! Contacts: the people you know, their fields and tags, and how a typed
//! reference (`#12`, `12`, a name, a fragment) resolves to one of them.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::{DomainError, vocabulary};

vocabulary! {
    /// Which part of your life a contact belongs to; sets the default keep-in-touch cadence.
    Circle, "circle" {
        Client,
        Prospect,
        Partner,
        Friend,
        Family,
        Other,
    }
}

vocabulary! {
    /// The kind of a multi-valued contact field.
    FieldKind, "field kind" {
        Email,
        Phone,
        Url,
        Address,
        Birthday,
        Nickname,
    }
}

/// One email / phone / url / address (etc.) with an optional label ("work", "home").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Field {
    pub kind: FieldKind,
    pub label: Option<String>,
    pub value: String,
}

/// A person, as stored. `id` is the database id; `uid` is stable across exports.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Contact {
    pub id: i64,
    pub uid: String,
    pub name: String,
    pub company: Option<String>,
    pub title: Option<String>,
    pub circle: Circle,
    pub tags: Vec<String>,
    pub fields: Vec<Field>,
    pub how_met: Option<String>,
    pub notes: Option<String>,
    /// Keep-in-touch cadence in days; `None` falls back to the circle's default.
    pub cadence_days: Option<u32>,
    pub do_not_ask: bool,
    /// Optional closeness 1..=5 set by the user (SCORING.md §2).
    pub closeness: Option<u8>,
    pub created_on: NaiveDate,
    pub archived_on: Option<NaiveDate>,
}

/// A contact to be written, the one record every way in shares: `ties add` and the
/// interface's form, the person of a new referral, every import format (vCard, Google
/// and LinkedIn CSV: their parsers make these), the JSON document, an introduction read
/// from email, and the demo. Already validated. An import matches it to a contact it
/// already has and merges it in; anything else creates it.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct NewContact {
    /// The source's stable id (a vCard UID), used first to match on import; `None`:
    /// the store generates a fresh one.
    pub uid: Option<String>,
    pub name: String,
    pub company: Option<String>,
    pub title: Option<String>,
    pub circle: Option<Circle>,
    pub tags: Vec<String>,
    pub fields: Vec<Field>,
    pub how_met: Option<String>,
    pub notes: Option<String>,
    pub cadence_days: Option<u32>,
    pub do_not_ask: bool,
    pub closeness: Option<u8>,
    /// Every vCard property no field maps, as vCard 4.0 text lines (CRLF, folded), so
    /// an export writes them back.
    pub vcard_extra: Option<String>,
    /// Who referred this person, as the source names them (a vCard `RELATED` may hold a
    /// `urn:uuid:` of another card): an import records the referral when it finds them.
    pub referred_by: Option<String>,
}

/// The user-editable part of a contact; every `Some` replaces the stored value.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ContactPatch {
    pub name: Option<String>,
    pub company: Option<Option<String>>,
    pub title: Option<Option<String>>,
    pub circle: Option<Circle>,
    pub how_met: Option<Option<String>>,
    pub notes: Option<Option<String>>,
    pub cadence_days: Option<Option<u32>>,
    pub do_not_ask: Option<bool>,
    pub closeness: Option<Option<u8>>,
    /// Tags to add (normalized by [`normalize_tag`]).
    pub add_tags: Vec<String>,
    /// Tags to remove.
    pub remove_tags: Vec<String>,
    /// Fields to add (duplicates of an existing kind+value are ignored).
    pub add_fields: Vec<Field>,
    /// Values of fields to remove (any kind; compared case-insensitively).
    pub remove_fields: Vec<String>,
    /// Fields whose value changes in place, keeping their position: (the old value,
    /// compared case-insensitively, and the field as it becomes).
    pub replace_fields: Vec<(String, Field)>,
}

/// A birthday: month and day, and the year when it is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Birthday {
    pub year: Option<i32>,
    pub month: u32,
    pub day: u32,
}

impl Birthday {
    /// Reads `YYYY-MM-DD`, `YYYYMMDD`, `--MM-DD`, `--MMDD` or `MM-DD` (what vCard `BDAY`,
    /// Google's Birthday column and `--birthday` hold). `None` for anything else,
    /// or a day no calendar has (02-30).
    pub fn parse(text: &str) -> Option<Birthday> {
        let t = text.trim();
        let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        let (year, md) = if let Some(rest) = t.strip_prefix("--") {
            (None, rest.to_string())
        } else if t.len() == 10 && t.as_bytes()[4] == b'-' {
            (Some(&t[..4]), t[5..].to_string())
        } else if t.len() == 8 && digits(t) {
            (Some(&t[..4]), t[4..].to_string())
        } else {
            (None, t.to_string())
        };
        let md = md.replace('-', "");
        if md.len() != 4 || !digits(&md) || year.is_some_and(|y| !digits(y)) {
            return None;
        }
        let month: u32 = md[..2].parse().ok()?;
        let day: u32 = md[2..].parse().ok()?;
        let year: Option<i32> = match year {
            Some(y) => Some(y.parse().ok()?),
            None => None,
        };
        // A leap year checks the day exists at all (Feb 29 included); the year given
        // must have it too.
        NaiveDate::from_ymd_opt(year.unwrap_or(2000), month, day)?;
        Some(Birthday { year, month, day })
    }

    /// `YYYY-MM-DD`, or `--MM-DD` when the year is unknown.
    pub fn text(&self) -> String {
        match self.year {
            Some(y) => format!("{y:04}-{:02}-{:02}", self.month, self.day),
            None => format!("--{:02}-{:02}", self.month, self.day),
        }
    }

    /// The next birthday on or after `today`, and the age it marks when the year is
    /// known. A Feb 29 birthday falls on Feb 28 in other years.
    pub fn next_on_or_after(&self, today: NaiveDate) -> Option<(NaiveDate, Option<i32>)> {
        use chrono::Datelike;
        let on = |y: i32| {
            NaiveDate::from_ymd_opt(y, self.month, self.day)
                .or_else(|| NaiveDate::from_ymd_opt(y, self.month, self.day - 1))
        };
        let this = on(today.year())?;
        let date = if this >= today {
            this
        } else {
            on(today.year() + 1)?
        };
        let age = self
            .year
            .map(|y| date.year() - y)
            .filter(|&a| (1..150).contains(&a));
        Some((date, age))
    }
}

/// How much of each contact a load of many carries (one contact is always read whole).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// What scoring reads: the name, circle, cadence, closeness, asks, dates and
    /// birthdays (no uid, company, title, how met, notes or tags).
    Scoring,
    /// What the interface's lists, reviews and duplicate checks read besides: the
    /// company, the tags, and the emails, phones and birthdays (values, no labels). The
    /// detail and the edit form read their one contact whole.
    Lists,
    /// Everything.
    Whole,
}

impl Shape {
    /// The kinds of field a contact of this shape keeps.
    pub fn keeps(self, kind: FieldKind) -> bool {
        match self {
            Shape::Scoring => kind == FieldKind::Birthday,
            Shape::Lists => matches!(
                kind,
                FieldKind::Email | FieldKind::Phone | FieldKind::Birthday
            ),
            Shape::Whole => true,
        }
    }
}

impl Contact {
    /// This contact cut to `shape`: what a load of that shape would have read.
    pub fn to_shape(mut self, shape: Shape) -> Contact {
        if shape == Shape::Whole {
            return self;
        }
        self.uid = String::new();
        self.title = None;
        self.how_met = None;
        self.notes = None;
        self.fields.retain(|f| shape.keeps(f.kind));
        for f in &mut self.fields {
            f.label = None;
        }
        if shape == Shape::Scoring {
            self.company = None;
            self.tags = Vec::new();
        }
        self
    }

    /// The first birthday field that reads as a date.
    pub fn birthday(&self) -> Option<Birthday> {
        self.fields
            .iter()
            .filter(|f| f.kind == FieldKind::Birthday)
            .find_map(|f| Birthday::parse(&f.value))
    }
}

/// A `--birthday` value: `MM-DD` or `YYYY-MM-DD`, stored as `--MM-DD` or `YYYY-MM-DD`.
pub fn validate_birthday(text: &str) -> Result<String, DomainError> {
    Birthday::parse(text).map(|b| b.text()).ok_or_else(|| {
        let t = text.trim();
        let shaped = t.len() >= 5 && t.bytes().all(|b| b.is_ascii_digit() || b == b'-');
        DomainError::invalid(if shaped {
            format!("\"{t}\" is not a day in the calendar; give a real month and day")
        } else {
            format!("\"{t}\" is not a birthday; give MM-DD or YYYY-MM-DD")
        })
    })
}

/// A name is required and must contain something besides whitespace.
pub fn validate_name(name: &str) -> Result<String, DomainError> {
    let t = name.trim();
    if t.is_empty() {
        return Err(DomainError::invalid(
            "a contact needs a name; give at least one non-blank character",
        ));
    }
    Ok(t.to_string())
}

/// Optional free text: blank becomes `None`.
pub fn optional_text(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_string())
}

/// Tags are trimmed, each run of spaces, tabs or line breaks inside becomes one space
/// (a tag is a one-line label: "VIP  client" is "VIP client", not a second tag), and they
/// keep the case they were typed in ("VIP" stays "VIP"); a blank tag is refused. Tags are
/// compared with [`same_tag`].
pub fn normalize_tag(tag: &str) -> Result<String, DomainError> {
    let t = tag.split_whitespace().collect::<Vec<_>>().join(" ");
    if t.is_empty() {
        return Err(DomainError::invalid("a tag cannot be blank"));
    }
    Ok(t)
}

/// A phone number as two contacts are compared by: its digits, when there are at least
/// five (shorter ones match too much to mean one person).
pub fn phone_key(phone: &str) -> Option<String> {
    let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
    (digits.len() >= 5).then_some(digits)
}

/// Whether two fields of one kind name the same person: emails with case ignored,
/// phones by their digits ([`phone_key`]); other kinds never do.
pub fn same_contact_field(kind: FieldKind, a: &str, b: &str) -> bool {
    match kind {
        FieldKind::Email => a.trim().eq_ignore_ascii_case(b.trim()),
        FieldKind::Phone => phone_key(a).is_some_and(|k| phone_key(b) == Some(k)),
        _ => false,
    }
}

/// Whether two tags are the same tag: matching and de-duplication ignore case exactly as
/// the store's `tags` column does (SQLite's NOCASE folds ASCII letters only, so "VIP" is
/// "vip" but "Été" and "été" stay two tags).
pub fn same_tag(a: &str, b: &str) -> bool {
    a.eq_ignore_ascii_case(b)
}

pub fn validate_closeness(c: u8) -> Result<u8, DomainError> {
    if (1..=5).contains(&c) {
        Ok(c)
    } else {
        Err(DomainError::invalid(format!(
            "closeness {c} is out of range; use 1 (distant) to 5 (closest)"
        )))
    }
}

pub fn validate_cadence(days: u32) -> Result<u32, DomainError> {
    if days == 0 {
        return Err(DomainError::invalid(
            "a cadence of 0 days makes no sense; give the number of days between touches, e.g. 30",
        ));
    }
    Ok(days)
}

/// An email must look like one: something@something.
pub fn validate_email(e: &str) -> Result<String, DomainError> {
    let t = e.trim();
    match t.split_once('@') {
        Some((local, domain))
            if !local.is_empty() && !domain.is_empty() && !t.contains(char::is_whitespace) =>
        {
            Ok(t.to_string())
        }
        _ => Err(DomainError::invalid(format!(
            "\"{e}\" is not an email address; write it as name@example.com"
        ))),
    }
}

pub fn validate_phone(p: &str) -> Result<String, DomainError> {
    let t = p.trim();
    if !t.chars().any(|c| c.is_ascii_digit()) {
        return Err(DomainError::invalid(format!(
            "\"{p}\" is not a phone number; it needs at least one digit"
        )));
    }
    Ok(t.to_string())
}

/// A contact as candidate for resolution: id, name, archived.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NameEntry {
    pub id: i64,
    pub name: String,
    pub archived: bool,
}

/// How a typed contact reference resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolution {
    Found(i64),
    /// Several contacts match; the candidates, best first.
    Ambiguous(Vec<NameEntry>),
    /// Nothing matches; the closest names, best first (possibly empty).
    NotFound(Vec<NameEntry>),
}

/// Resolves `#12` / `12` (an id), an exact name (case-insensitive), or a unique name
/// fragment. Active contacts win over archived ones when both match.
pub fn resolve(query: &str, entries: &[NameEntry]) -> Resolution {
    let q = query.trim();
    let digits = q.strip_prefix('#').unwrap_or(q);
    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        if let Ok(id) = digits.parse::<i64>()
            && entries.iter().any(|e| e.id == id)
        {
            return Resolution::Found(id);
        }
        if q.starts_with('#') {
            return Resolution::NotFound(Vec::new());
        }
    }
    let ql = q.to_lowercase();
    if ql.is_empty() {
        return Resolution::NotFound(Vec::new());
    }
    let pick = |matches: Vec<&NameEntry>| -> Option<Resolution> {
        if matches.is_empty() {
            return None;
        }
        let active: Vec<&NameEntry> = matches.iter().copied().filter(|e| !e.archived).collect();
        let pool = if active.is_empty() { matches } else { active };
        if pool.len() == 1 {
            Some(Resolution::Found(pool[0].id))
        } else {
            let mut c: Vec<NameEntry> = pool.into_iter().cloned().collect();
            c.sort_by(|a, b| a.name.cmp(&b.name).then(a.id.cmp(&b.id)));
            Some(Resolution::Ambiguous(c))
        }
    };
    let exact: Vec<&NameEntry> = entries
        .iter()
        .filter(|e| e.name.to_lowercase() == ql)
        .collect();
    if let Some(r) = pick(exact) {
        return r;
    }
    let fragment: Vec<&NameEntry> = entries
        .iter()
        .filter(|e| e.name.to_lowercase().contains(&ql))
        .collect();
    if let Some(r) = pick(fragment) {
        return r;
    }
    Resolution::NotFound(closest(&ql, entries, 3))
}

/// The `n` names closest to `query` by edit distance, among sensible candidates.
pub fn closest(query: &str, entries: &[NameEntry], n: usize) -> Vec<NameEntry> {
    let mut scored: Vec<(f64, &NameEntry)> = entries
        .iter()
        .map(|e| {
            let name = e.name.to_lowercase();
            // Compare against the whole name and each word, so "dnaa" finds "Dana Hart".
            let best = std::iter::once(name.as_str())
                .chain(name.split_whitespace())
                .map(|part| strsim::jaro_winkler(query, part))
                .fold(0.0_f64, f64::max);
            (best, e)
        })
        .filter(|(s, _)| *s >= 0.75)
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.id.cmp(&b.1.id)));
    scored.into_iter().take(n).map(|(_, e)| e.clone()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_are_one_line_labels_in_the_case_typed() {
        assert_eq!(normalize_tag("  VIP  ").unwrap(), "VIP");
        assert_eq!(normalize_tag("VIP \t\n client").unwrap(), "VIP client");
        // A run of spaces after a backslash reads back from a vCard as one: collapsing
        // runs keeps every tag exactly what an export and import give back.
        assert_eq!(normalize_tag("\\  ¡").unwrap(), "\\ ¡");
        assert!(normalize_tag(" \t ").is_err());
    }

    fn entries() -> Vec<NameEntry> {
        [
            (1, "Dana Hart", false),
            (2, "Dan Brown", false),
            (3, "Lee Park", false),
            (4, "Old Lee", true),
            (14, "Priya Shah", false),
        ]
        .into_iter()
        .map(|(id, name, archived)| NameEntry {
            id,
            name: name.into(),
            archived,
        })
        .collect()
    }

    #[test]
    fn resolves_ids_names_and_fragments() {
        let e = entries();
        assert_eq!(resolve("#14", &e), Resolution::Found(14));
        assert_eq!(resolve("14", &e), Resolution::Found(14));
        assert_eq!(resolve("dana hart", &e), Resolution::Found(1));
        assert_eq!(resolve("priya", &e), Resolution::Found(14));
        // Active wins over archived for a fragment.
        assert_eq!(resolve("lee", &e), Resolution::Found(3));
        assert!(matches!(resolve("dan", &e), Resolution::Ambiguous(c) if c.len() == 2));
        assert_eq!(resolve("#99", &e), Resolution::NotFound(vec![]));
    }

    #[test]
    fn unknown_names_suggest_the_closest() {
        match resolve("Dnaa", &entries()) {
            Resolution::NotFound(c) => assert_eq!(c[0].name, "Dana Hart"),
            other => panic!("expected NotFound, got {other:?}"),
        }
    }

    #[test]
    fn vocabulary_is_closed() {
        assert_eq!("client".parse::<Circle>(), Ok(Circle::Client));
        assert!("Client".parse::<Circle>().is_err());
        assert!("buddy".parse::<Circle>().is_err());
        assert!(validate_name("   ").is_err());
        assert_eq!(validate_name("  Ana ").unwrap(), "Ana");
        assert!(validate_email("nope").is_err());
        assert!(validate_closeness(6).is_err());
    }

    #[test]
    fn birthdays_read_every_form_and_find_the_next_one() {
        let d = |y, m, dd| NaiveDate::from_ymd_opt(y, m, dd).unwrap();
        for (text, want) in [
            ("1985-04-12", Some((Some(1985), 4, 12))),
            ("19850412", Some((Some(1985), 4, 12))),
            ("--04-12", Some((None, 4, 12))),
            ("--0412", Some((None, 4, 12))),
            ("04-12", Some((None, 4, 12))),
            ("02-29", Some((None, 2, 29))),
            ("1985-02-29", None),
            ("02-30", None),
            ("13-01", None),
            ("April 12", None),
            ("", None),
        ] {
            let got = Birthday::parse(text).map(|b| (b.year, b.month, b.day));
            assert_eq!(got, want, "{text}");
        }
        let b = Birthday::parse("1985-04-12").unwrap();
        assert_eq!(
            b.next_on_or_after(d(2026, 4, 12)),
            Some((d(2026, 4, 12), Some(41)))
        );
        assert_eq!(
            b.next_on_or_after(d(2026, 4, 13)),
            Some((d(2027, 4, 12), Some(42)))
        );
        let leap = Birthday::parse("--02-29").unwrap();
        assert_eq!(
            leap.next_on_or_after(d(2026, 2, 1)),
            Some((d(2026, 2, 28), None))
        );
        assert_eq!(
            leap.next_on_or_after(d(2028, 2, 1)),
            Some((d(2028, 2, 29), None))
        );
        assert!(validate_birthday("4-12").is_err());
        assert_eq!(validate_birthday("04-12").unwrap(), "--04-12");
    }
}
