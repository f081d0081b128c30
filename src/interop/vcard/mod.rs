//! vCard 2.1 / 3.0 / 4.0 in (through `calcard`) and vCard 4.0 out, including the
//! "referred by" relation in its RFC (`RELATED;TYPE=x-referred-by`) and Apple/Google
//! (`itemN.X-ABRELATEDNAMES` + `itemN.X-ABLabel:Referred by`) spellings.
//!
//! May import `std`, `calcard`, `crate::domain::contact` and the rest of `interop`.
//!
//! Unmapped properties are kept as vCard 4.0 lines written by calcard (so a 2.1
//! quoted-printable value comes back decoded, in UTF-8). `N` and `ORG` are mapped *and*
//! kept, because their structure (family/given, units) is richer than ties' name and
//! company; on export the kept line is written back only while it still agrees with the
//! contact, otherwise a fresh one is made from the contact. `VERSION` and `PRODID`
//! describe the producing program and are dropped.

use std::collections::HashMap;

use calcard::common::PartialDateTime;
use calcard::vcard::{
    VCard, VCardEntry, VCardParameterName, VCardParameterValue, VCardProperty, VCardValue,
};
use calcard::{Entry, Parser};

use crate::domain::contact::FieldKind;

use super::record::{Draft, clean_label, is_referred_by_label, join_parts};
use super::{Parsed, Skipped};

mod write;

pub use write::format;

/// A quoted-printable value whose last line ends in a soft line break (`=`) would swallow
/// the `END:VCARD` after it as a continuation, and with it the next card. Such a break
/// before `END:VCARD` (or `BEGIN:VCARD`) is dropped: the value ends there.
fn end_is_never_a_continuation(text: &str) -> std::borrow::Cow<'_, str> {
    let is_boundary = |l: &str| {
        let l = l.trim();
        l.eq_ignore_ascii_case("END:VCARD") || l.eq_ignore_ascii_case("BEGIN:VCARD")
    };
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let mut in_qp = false;
    let mut fixes = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let body = line.trim_end_matches(['\r', '\n']);
        if !in_qp {
            let head = body.split(':').next().unwrap_or("");
            in_qp = head.to_ascii_uppercase().contains("QUOTED-PRINTABLE");
        }
        let soft = in_qp && body.ends_with('=');
        if soft && lines.get(i + 1).is_some_and(|next| is_boundary(next)) {
            fixes.push(i);
        }
        in_qp = soft;
    }
    if fixes.is_empty() {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    for (i, line) in lines.iter().enumerate() {
        if fixes.contains(&i) {
            let body = line.trim_end_matches(['\r', '\n']);
            out.push_str(&body[..body.len() - 1]);
            out.push_str(&line[body.len()..]);
        } else {
            out.push_str(line);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// The ties-specific property that carries "how we met" through a vCard round trip.
const HOW_MET: &str = "X-TIES-HOW-MET";
const AB_LABEL: &str = "X-ABLABEL";
const AB_RELATED: &str = "X-ABRELATEDNAMES";

/// Reads every card in `text` (a leading BOM is ignored). Each card becomes a contact or
/// a [`Skipped`] numbered by its position among the cards; text outside cards is ignored.
/// Input without any card yields one `Skipped` that says so. Never panics.
pub fn parse(text: &str) -> Parsed {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let text = end_is_never_a_continuation(text);
    let mut parser = Parser::new(&text);
    let mut out = Parsed::default();
    let mut record = 0;
    let skip = |out: &mut Parsed, record: usize, reason: &str| {
        out.skipped.push(Skipped {
            record,
            reason: reason.to_string(),
        })
    };
    loop {
        match parser.entry() {
            Entry::VCard(card) => {
                record += 1;
                match card_to_draft(&card).finish(record) {
                    Ok(c) => out.contacts.push(c),
                    Err(_) => skip(
                        &mut out,
                        record,
                        "the card has no FN, N, ORG or EMAIL to name the contact by",
                    ),
                }
            }
            Entry::ICalendar(_) => {
                record += 1;
                skip(
                    &mut out,
                    record,
                    "it is an iCalendar component, not a vCard",
                );
            }
            Entry::UnexpectedComponentEnd { .. } | Entry::UnterminatedComponent(_) => {
                record += 1;
                skip(&mut out, record, "it is not properly closed with END:VCARD");
            }
            Entry::TooManyComponents => {
                record += 1;
                skip(
                    &mut out,
                    record,
                    "it nests too many components; the rest of the file was not read",
                );
                break;
            }
            Entry::InvalidLine(_) => {}
            _ => break,
        }
    }
    if record == 0 {
        let reason = if text.trim().is_empty() {
            "the text is empty; export your contacts again and import the new file"
        } else {
            "no vCard was found (no BEGIN:VCARD line); check that this is a .vcf file, or pass the right --format"
        };
        skip(&mut out, 1, reason);
    }
    out
}

fn card_to_draft(card: &VCard) -> Draft {
    let entries = &card.entries;
    // Apple and Google attach a label to a property through a shared group name.
    let mut group_labels: HashMap<String, String> = HashMap::new();
    for e in entries {
        if let (Some(g), true) = (&e.group, is_other(&e.name, AB_LABEL)) {
            group_labels
                .entry(g.to_lowercase())
                .or_insert_with(|| entry_text(e));
        }
    }
    let group_label = |e: &VCardEntry| {
        e.group
            .as_ref()
            .and_then(|g| group_labels.get(&g.to_lowercase()))
    };

    let mut d = Draft::default();
    let mut consumed = vec![false; entries.len()];
    for (i, e) in entries.iter().enumerate() {
        let label = group_label(e)
            .and_then(|l| clean_label(l))
            .or_else(|| type_label(e));
        consumed[i] = match &e.name {
            VCardProperty::Begin
            | VCardProperty::End
            | VCardProperty::Version
            | VCardProperty::Prodid => true,
            VCardProperty::Fn => Draft::set_once(&mut d.full_name, &entry_text(e)),
            VCardProperty::N => {
                Draft::set_once(&mut d.parts_name, &n_display(e).unwrap_or_default());
                false // kept for its structure; see the module docs
            }
            VCardProperty::Org => {
                Draft::set_once(&mut d.company, &org_company(e).unwrap_or_default());
                false // kept for its units; see the module docs
            }
            VCardProperty::Title => Draft::set_once(&mut d.title, &entry_text(e)),
            VCardProperty::Uid => Draft::set_once(&mut d.uid, &entry_text(e)),
            VCardProperty::Note => {
                d.add_note(&entry_text(e));
                true
            }
            VCardProperty::Categories => {
                for tag in list_items(e) {
                    d.add_tag(&tag);
                }
                true
            }
            VCardProperty::Nickname => {
                let names = list_items(e);
                let mut all = !names.is_empty();
                for n in &names {
                    all &= d.add_field(FieldKind::Nickname, label.as_deref(), n);
                }
                all
            }
            VCardProperty::Email => d.add_field(FieldKind::Email, label.as_deref(), &entry_text(e)),
            VCardProperty::Tel => {
                let raw = entry_text(e);
                let number = strip_prefix_ci(&raw, "tel:").unwrap_or(&raw);
                d.add_field(FieldKind::Phone, label.as_deref(), number)
            }
            VCardProperty::Adr => d.add_field(FieldKind::Address, label.as_deref(), &adr_text(e)),
            VCardProperty::Url => d.add_field(FieldKind::Url, label.as_deref(), &entry_text(e)),
            VCardProperty::Bday => {
                d.add_field(FieldKind::Birthday, label.as_deref(), &bday_text(e))
            }
            VCardProperty::Related => {
                let referred = type_tokens(e).iter().any(|t| is_referred_by_label(t))
                    || group_label(e).is_some_and(|l| is_referred_by_label(l));
                referred && Draft::set_once(&mut d.referred_by, &entry_text(e))
            }
            VCardProperty::Other(_) if is_other(&e.name, AB_RELATED) => {
                group_label(e).is_some_and(|l| is_referred_by_label(l))
                    && Draft::set_once(&mut d.referred_by, &entry_text(e))
            }
            VCardProperty::Other(_) if is_other(&e.name, HOW_MET) => {
                Draft::set_once(&mut d.how_met, &entry_text(e))
            }
            _ => false,
        };
    }
    // A group label goes with its group: dropped when everything it labels was mapped.
    for (i, e) in entries.iter().enumerate() {
        if let (Some(g), true) = (&e.group, is_other(&e.name, AB_LABEL)) {
            let mut others = entries
                .iter()
                .enumerate()
                .filter(|(j, o)| {
                    *j != i
                        && !is_other(&o.name, AB_LABEL)
                        && o.group
                            .as_ref()
                            .is_some_and(|og| og.eq_ignore_ascii_case(g))
                })
                .peekable();
            consumed[i] = others.peek().is_some() && others.all(|(j, _)| consumed[j]);
        }
    }
    for (e, _) in entries.iter().zip(&consumed).filter(|(_, c)| !**c) {
        write_entry(&mut d.extra, e);
    }
    d
}

/// Writes one property as a vCard 4.0 line through calcard. calcard writes an inline
/// binary value as `data:…;base64\,…` (the comma escaped, which other readers take
/// literally); the escape is removed. calcard writes that marker without folding it.
pub(super) fn write_entry(out: &mut String, e: &VCardEntry) {
    let mut line = String::new();
    // Writing into a String cannot fail.
    let _ = e.write_to(&mut line, true);
    out.push_str(&line.replace(";base64\\,", ";base64,"));
}

fn is_other(name: &VCardProperty, wanted: &str) -> bool {
    matches!(name, VCardProperty::Other(n) if n.eq_ignore_ascii_case(wanted))
}

pub(super) fn strip_prefix_ci<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &s[prefix.len()..])
}

/// One value as text; binary data has none.
fn value_text(v: &VCardValue) -> Option<String> {
    match v {
        VCardValue::Text(s) => Some(s.clone()),
        VCardValue::Component(parts) => Some(parts.join(",")),
        VCardValue::Integer(i) => Some(i.to_string()),
        VCardValue::Float(f) => Some(f.to_string()),
        VCardValue::Boolean(b) => Some(b.to_string()),
        VCardValue::PartialDateTime(dt) => Some(date_text(dt)),
        VCardValue::Binary(_) => None,
        other => other.as_text().map(str::to_string),
    }
}

/// The items of a comma-separated list property (calcard has split and unescaped them).
fn list_items(e: &VCardEntry) -> Vec<String> {
    e.values
        .iter()
        .flat_map(|v| match v {
            VCardValue::Component(parts) => parts.clone(),
            other => value_text(other).into_iter().collect(),
        })
        .collect()
}

/// The whole value of a single-valued property.
fn entry_text(e: &VCardEntry) -> String {
    e.values
        .iter()
        .filter_map(value_text)
        .collect::<Vec<_>>()
        .join(",")
}

/// The `i`-th `;`-separated component of a structured value, its `,` parts joined by spaces.
pub(super) fn component(e: &VCardEntry, i: usize) -> String {
    match e.values.get(i) {
        Some(VCardValue::Component(parts)) => parts.join(" "),
        Some(v) => value_text(v).unwrap_or_default(),
        None => String::new(),
    }
}

/// N is family;given;additional;prefix;suffix; a display name is given additional family.
fn n_display(e: &VCardEntry) -> Option<String> {
    let [family, given, additional] = [0, 1, 2].map(|i| component(e, i));
    join_parts([given.as_str(), additional.as_str(), family.as_str()])
}

/// ORG is name;unit;unit…; the company is its first non-blank component.
pub(super) fn org_company(e: &VCardEntry) -> Option<String> {
    (0..e.values.len())
        .map(|i| component(e, i).trim().to_string())
        .find(|c| !c.is_empty())
}

/// ADR is pobox;extended;street;locality;region;code;country, written on one line.
fn adr_text(e: &VCardEntry) -> String {
    let parts: Vec<String> = (0..e.values.len())
        .map(|i| component(e, i).trim().to_string())
        .filter(|p| !p.is_empty())
        .collect();
    parts.join(", ")
}

fn date_text(dt: &PartialDateTime) -> String {
    match (dt.year, dt.month, dt.day) {
        (Some(y), Some(m), Some(d)) => format!("{y:04}-{m:02}-{d:02}"),
        (None, Some(m), Some(d)) => format!("--{m:02}-{d:02}"),
        (Some(y), Some(m), None) => format!("{y:04}-{m:02}"),
        (Some(y), None, None) => format!("{y:04}"),
        _ => {
            let mut s = String::new();
            let _ = dt.format_as_vcard(&mut s, &calcard::vcard::VCardValueType::DateAndOrTime);
            s
        }
    }
}

/// BDAY as `YYYY-MM-DD`, or `--MM-DD` when the year is unknown (Apple writes an omitted
/// year as `X-APPLE-OMIT-YEAR=1604` and the date as 1604-MM-DD).
fn bday_text(e: &VCardEntry) -> String {
    let omitted_year = e.params.iter().find_map(|p| match (&p.name, &p.value) {
        (VCardParameterName::Other(n), v) if n.eq_ignore_ascii_case("X-APPLE-OMIT-YEAR") => {
            Some(v.clone().into_text().into_owned())
        }
        _ => None,
    });
    match e.values.first() {
        Some(VCardValue::PartialDateTime(dt)) => {
            let mut dt = dt.clone();
            if omitted_year.is_some_and(|y| dt.year.map(|dy| dy.to_string()) == Some(y)) {
                dt.year = None;
            }
            date_text(&dt)
        }
        _ => entry_text(e),
    }
}

/// TYPE values (and vCard 2.1's bare `;WORK;CELL` parameters), lowercased and split.
fn type_tokens(e: &VCardEntry) -> Vec<String> {
    e.params
        .iter()
        .filter_map(|p| match (&p.name, &p.value) {
            (VCardParameterName::Type, v) => Some(v.clone().into_text().to_lowercase()),
            (VCardParameterName::Other(n), VCardParameterValue::Null) => Some(n.to_lowercase()),
            _ => None,
        })
        .flat_map(|t| {
            t.split(',')
                .map(|s| s.trim().to_string())
                .collect::<Vec<_>>()
        })
        .filter(|t| !t.is_empty())
        .collect()
}

/// A field label from the TYPE tokens, without the ones that say nothing to a person.
fn type_label(e: &VCardEntry) -> Option<String> {
    const NOISE: &[&str] = &["pref", "internet", "x400", "voice", "x-internet"];
    let tokens: Vec<String> = type_tokens(e)
        .into_iter()
        .filter(|t| !NOISE.contains(&t.as_str()))
        .collect();
    (!tokens.is_empty()).then(|| tokens.join(","))
}

// ---------------------------------------------------------------------------------
// Export
// ---------------------------------------------------------------------------------

#[cfg(test)]
mod tests;
