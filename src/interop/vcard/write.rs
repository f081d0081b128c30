//! Writing vCard 4.0: one contact as a card, with the kept unknown properties.

use calcard::vcard::{VCard, VCardEntry, VCardProperty};

use super::{HOW_MET, component, org_company, strip_prefix_ci, write_entry};
use crate::domain::contact::FieldKind;
use crate::interop::ExportContact;

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
pub(super) fn push_folded(out: &mut String, line: &str) {
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
