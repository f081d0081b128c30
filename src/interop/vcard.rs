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
use super::{ExportContact, Parsed, Skipped};

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
fn write_entry(out: &mut String, e: &VCardEntry) {
    let mut line = String::new();
    // Writing into a String cannot fail.
    let _ = e.write_to(&mut line, true);
    out.push_str(&line.replace(";base64\\,", ";base64,"));
}

fn is_other(name: &VCardProperty, wanted: &str) -> bool {
    matches!(name, VCardProperty::Other(n) if n.eq_ignore_ascii_case(wanted))
}

fn strip_prefix_ci<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
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
fn component(e: &VCardEntry, i: usize) -> String {
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
fn org_company(e: &VCardEntry) -> Option<String> {
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

/// One contact as a vCard 4.0: CRLF line endings, text escaped (`\\`, `\,`, `\;`, `\n`),
/// lines folded at 75 octets on UTF-8 boundaries. Carries referred-by in both the RFC
/// and the Apple/Google spelling, how-we-met as `X-TIES-HOW-MET`, and the kept unknown
/// properties (re-read through calcard, so only well-formed lines are written back).
pub fn format(c: &ExportContact) -> String {
    let contact = c.contact;
    let extra = parse_extra(c.vcard_extra);
    let mut next_item = extra
        .iter()
        .filter_map(|e| e.group.as_deref())
        .filter_map(|g| strip_prefix_ci(g, "item")?.parse::<u32>().ok())
        .max()
        .unwrap_or(0)
        + 1;
    let mut out = String::new();
    let mut line = |s: &str| push_folded(&mut out, s);

    line("BEGIN:VCARD");
    line("VERSION:4.0");
    line("PRODID:-//ties//ties//EN");
    if !contact.uid.trim().is_empty() {
        line(&format!("UID:{}", uri_value(&contact.uid)));
    }
    line(&format!("FN:{}", esc(&contact.name)));

    let company = contact.company.as_deref().map(str::trim);
    let n_kept = extra
        .iter()
        .any(|e| e.name == VCardProperty::N && n_agrees(e, &contact.name));
    if !n_kept {
        let words: Vec<&str> = contact.name.split_whitespace().collect();
        let n = match words.as_slice() {
            _ if company == Some(contact.name.trim()) => ";;;;".to_string(),
            [] => ";;;;".to_string(),
            [only] => format!(";{};;;", esc(only)),
            [given @ .., family] => format!("{};{};;;", esc(family), esc(&given.join(" "))),
        };
        line(&format!("N:{n}"));
    }
    if let Some(co) = company.filter(|c| !c.is_empty()) {
        let org_kept = extra
            .iter()
            .any(|e| e.name == VCardProperty::Org && org_company(e).as_deref() == Some(co));
        if !org_kept {
            line(&format!("ORG:{}", esc(co)));
        }
    }
    if let Some(t) = contact.title.as_deref().filter(|t| !t.trim().is_empty()) {
        line(&format!("TITLE:{}", esc(t)));
    }

    for f in &contact.fields {
        let (prop, value) = match f.kind {
            FieldKind::Email => ("EMAIL", esc(&f.value)),
            FieldKind::Phone => ("TEL", esc(&f.value)),
            FieldKind::Url => ("URL", uri_value(&f.value)),
            FieldKind::Nickname => ("NICKNAME", esc(&f.value)),
            FieldKind::Address => ("ADR", format!(";;{};;;;", esc(&f.value))),
            FieldKind::Birthday => match bday_value(&f.value) {
                Some(v) => ("BDAY", v),
                None => ("BDAY;VALUE=text", esc(&f.value)),
            },
        };
        let (types, ab_label) = label_types(f.label.as_deref());
        let group = ab_label.map(|l| {
            let g = format!("item{next_item}");
            next_item += 1;
            (g, l)
        });
        let prefix = group
            .as_ref()
            .map(|(g, _)| format!("{g}."))
            .unwrap_or_default();
        let params = if types.is_empty() {
            String::new()
        } else {
            format!(";TYPE={}", types.join(","))
        };
        line(&format!("{prefix}{prop}{params}:{value}"));
        if let Some((g, l)) = group {
            line(&format!("{g}.X-ABLabel:{}", esc(&l)));
        }
    }

    if let Some(n) = contact.notes.as_deref().filter(|n| !n.trim().is_empty()) {
        line(&format!("NOTE:{}", esc(n)));
    }
    let tags: Vec<String> = contact
        .tags
        .iter()
        .filter(|t| !t.trim().is_empty())
        .map(|t| esc(t))
        .collect();
    if !tags.is_empty() {
        line(&format!("CATEGORIES:{}", tags.join(",")));
    }
    if let Some(h) = contact.how_met.as_deref().filter(|h| !h.trim().is_empty()) {
        line(&format!("{HOW_MET}:{}", esc(h)));
    }
    if let Some(r) = c.referred_by.filter(|r| !r.trim().is_empty()) {
        let r = esc(r.trim());
        line(&format!("RELATED;TYPE=x-referred-by;VALUE=text:{r}"));
        let g = format!("item{next_item}");
        line(&format!("{g}.X-ABRELATEDNAMES:{r}"));
        line(&format!("{g}.X-ABLabel:Referred by"));
    }

    for e in &extra {
        let shadow_stale = match e.name {
            VCardProperty::N => !n_agrees(e, &contact.name),
            VCardProperty::Org => org_company(e).as_deref() != company,
            _ => false,
        };
        if !shadow_stale {
            write_entry(&mut out, e);
        }
    }
    push_folded(&mut out, "END:VCARD");
    out
}

/// The kept lines, re-read through calcard: anything that is not a well-formed property
/// (or would end the card early) does not survive. Structural lines are dropped.
fn parse_extra(extra: Option<&str>) -> Vec<VCardEntry> {
    let Some(extra) = extra.filter(|x| !x.trim().is_empty()) else {
        return Vec::new();
    };
    let text = format!("BEGIN:VCARD\r\nVERSION:4.0\r\n{extra}\r\nEND:VCARD\r\n");
    match VCard::parse(&text) {
        Ok(card) => card
            .entries
            .into_iter()
            .filter(|e| {
                !matches!(
                    e.name,
                    VCardProperty::Begin
                        | VCardProperty::End
                        | VCardProperty::Version
                        | VCardProperty::Prodid
                )
            })
            .collect(),
        Err(_) => Vec::new(),
    }
}

/// A kept N still describes the contact when each of its given and family words is a
/// word of the contact's name (so a rename makes a fresh N).
fn n_agrees(e: &VCardEntry, name: &str) -> bool {
    let name_words: Vec<String> = name.split_whitespace().map(str::to_lowercase).collect();
    let n_words: Vec<String> = [0, 1]
        .iter()
        .flat_map(|&i| {
            component(e, i)
                .split_whitespace()
                .map(str::to_lowercase)
                .collect::<Vec<_>>()
        })
        .collect();
    !n_words.is_empty() && n_words.iter().all(|w| name_words.contains(w))
}

/// Splits a field label into RFC 6350 TYPE values and, when those cannot say it all,
/// the label to write as an Apple/Google `X-ABLabel` (which the importer prefers).
fn label_types(label: Option<&str>) -> (Vec<&'static str>, Option<String>) {
    let Some(label) = label.map(str::trim).filter(|l| !l.is_empty()) else {
        return (Vec::new(), None);
    };
    let mut types = Vec::new();
    let mut exact = true;
    for token in label
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|t| !t.is_empty())
    {
        let t = match token.to_lowercase().as_str() {
            "home" => "home",
            "work" => "work",
            "cell" => "cell",
            "mobile" | "iphone" => {
                exact = false;
                "cell"
            }
            "fax" => "fax",
            "voice" => "voice",
            "text" => "text",
            "video" => "video",
            "pager" => "pager",
            "textphone" => "textphone",
            _ => {
                exact = false;
                continue;
            }
        };
        if !types.contains(&t) {
            types.push(t);
        }
    }
    exact &= types.join(",") == label;
    (types, (!exact).then(|| label.to_string()))
}

/// `YYYY-MM-DD` → `YYYYMMDD`, `--MM-DD` → `--MMDD` (RFC 6350 basic format); `None` for
/// anything else, which is written as text.
fn bday_value(v: &str) -> Option<String> {
    let v = v.trim();
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    match v.split('-').collect::<Vec<_>>().as_slice() {
        [y, m, d] if y.len() == 4 && m.len() == 2 && d.len() == 2 => {
            (digits(y) && digits(m) && digits(d)).then(|| format!("{y}{m}{d}"))
        }
        ["", "", m, d] if m.len() == 2 && d.len() == 2 => {
            (digits(m) && digits(d)).then(|| format!("--{m}{d}"))
        }
        _ => None,
    }
}

/// Escapes a text value: backslash, comma, semicolon and line breaks.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            ',' => out.push_str("\\,"),
            ';' => out.push_str("\\;"),
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push_str("\\n");
            }
            '\n' => out.push_str("\\n"),
            _ => out.push(c),
        }
    }
    out
}

/// A URI value is not escaped (a `\,` in a URL would change it), but it must stay on
/// one logical line.
fn uri_value(s: &str) -> String {
    s.trim().replace(['\r', '\n'], "")
}

/// Appends one content line, folded at 75 octets without splitting a UTF-8 character,
/// each continuation line starting with a space, all ending in CRLF.
fn push_folded(out: &mut String, line: &str) {
    let mut rest = line;
    let mut limit = 75;
    while rest.len() > limit {
        let mut cut = limit;
        while !rest.is_char_boundary(cut) {
            cut -= 1;
        }
        out.push_str(&rest[..cut]);
        out.push_str("\r\n ");
        rest = &rest[cut..];
        limit = 74; // the leading space counts
    }
    out.push_str(rest);
    out.push_str("\r\n");
}

#[cfg(test)]
#[path = "vcard_tests.rs"]
mod tests;
