//! Google Contacts CSV in (the current "First Name…Labels" header set and the legacy
//! "Name, Given Name…Group Membership" one) and out (the current set, which Google
//! Contacts imports).
//!
//! May import `std`, `csv`, `crate::domain::contact` and the rest of `interop`.
//!
//! Google packs several values into one cell with ` ::: `; labels starting with `* `
//! mark the primary value. Columns this module does not know are ignored, rows may have
//! fewer or more cells than the header. A relation labelled "Referred by" becomes
//! `referred_by`; a custom field labelled "How we met" becomes `how_met` (and is how
//! the exporter writes it); other relations, events and custom fields are not imported.

use std::collections::{BTreeMap, HashMap};

use crate::domain::contact::FieldKind;

use super::record::{Draft, clean_label, is_referred_by_label, join_parts, split_multi};
use super::{ExportContact, InteropError, Parsed, Skipped, decode_text};

const HOW_MET_LABEL: &str = "How we met";

/// Column positions by lowercased header, and the numbered groups
/// ("E-mail 2 - Value" → `("e-mail", 2)` → `{"value": i}`).
struct Columns {
    plain: HashMap<String, usize>,
    numbered: BTreeMap<(String, u32), HashMap<String, usize>>,
}

impl Columns {
    fn new(header: &[String]) -> Self {
        let mut plain = HashMap::new();
        let mut numbered: BTreeMap<(String, u32), HashMap<String, usize>> = BTreeMap::new();
        for (i, h) in header.iter().enumerate() {
            let h = h.trim().to_lowercase();
            if let Some((kind, n, part)) = numbered_column(&h) {
                numbered
                    .entry((kind.to_string(), n))
                    .or_default()
                    .entry(part.to_string())
                    .or_insert(i);
            }
            plain.entry(h).or_insert(i);
        }
        Columns { plain, numbered }
    }

    fn cell<'r>(&self, row: &'r csv::StringRecord, names: &[&str]) -> &'r str {
        names
            .iter()
            .filter_map(|n| self.plain.get(*n))
            .filter_map(|&i| row.get(i))
            .map(str::trim)
            .find(|c| !c.is_empty())
            .unwrap_or("")
    }

    /// Each numbered group of `kind`, in order, as a lookup of its parts in `row`.
    fn groups<'s, 'r>(
        &'s self,
        kind: &'s str,
        row: &'r csv::StringRecord,
    ) -> impl Iterator<Item = impl Fn(&[&str]) -> &'r str + 's> + 's
    where
        'r: 's,
    {
        self.numbered
            .iter()
            .filter(move |((k, _), _)| k == kind)
            .map(move |(_, parts)| {
                move |names: &[&str]| {
                    names
                        .iter()
                        .filter_map(|n| parts.get(*n))
                        .filter_map(|&i| row.get(i))
                        .map(str::trim)
                        .find(|c| !c.is_empty())
                        .unwrap_or("")
                }
            })
    }
}

/// `"e-mail 2 - value"` → `("e-mail", 2, "value")`.
fn numbered_column(h: &str) -> Option<(&str, u32, &str)> {
    let (left, part) = h.split_once(" - ")?;
    let (kind, n) = left.trim().rsplit_once(' ')?;
    Some((kind.trim(), n.parse().ok()?, part.trim()))
}

/// True for a header row of either Google set: a Google-specific column and a column
/// that can name a contact. (Used by [`super::detect`] too.)
pub(crate) fn is_header(header: &[String]) -> bool {
    let cols: Vec<String> = header.iter().map(|h| h.trim().to_lowercase()).collect();
    let has = |names: &[&str]| cols.iter().any(|c| names.contains(&c.as_str()));
    let numbered = cols.iter().any(|c| {
        numbered_column(c).is_some_and(|(kind, _, _)| {
            [
                "e-mail",
                "phone",
                "address",
                "organization",
                "website",
                "relation",
            ]
            .contains(&kind)
        })
    });
    let google_specific = numbered
        || has(&[
            "given name",
            "family name",
            "additional name",
            "group membership",
            "labels",
            "file as",
            "organization name",
            "phonetic first name",
            "name prefix",
            "middle name",
        ]);
    let naming = has(&[
        "name",
        "first name",
        "middle name",
        "last name",
        "given name",
        "family name",
        "organization name",
        "organization 1 - name",
        "e-mail 1 - value",
    ]);
    google_specific && naming
}

/// Reads a Google Contacts CSV (either header set, any column order). Rows become
/// contacts or [`Skipped`] (numbered from 1 after the header). Errors when the text is
/// empty, binary, or its first row is not a Google header.
pub fn parse(bytes: &[u8]) -> Result<Parsed, InteropError> {
    let text = decode_text(bytes)?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut rows = reader.records();
    let header: Vec<String> = match rows.next() {
        Some(Ok(r)) => r.iter().map(|c| c.trim().to_string()).collect(),
        _ => return Err(InteropError::NotGoogleCsv),
    };
    if !is_header(&header) {
        return Err(InteropError::NotGoogleCsv);
    }
    let cols = Columns::new(&header);
    let mut out = Parsed::default();
    for (i, row) in rows.enumerate() {
        let record = i + 1;
        let draft = match row {
            Ok(row) => {
                let row: csv::StringRecord = row.iter().map(super::restore_formula).collect();
                row_to_draft(&cols, &row)
            }
            Err(e) => {
                out.skipped.push(Skipped {
                    record,
                    reason: format!("the row is not valid CSV ({e})"),
                });
                continue;
            }
        };
        match draft.finish(record) {
            Ok(c) => out.contacts.push(c),
            Err(s) => out.skipped.push(s),
        }
    }
    Ok(out)
}

fn row_to_draft(cols: &Columns, row: &csv::StringRecord) -> Draft {
    let mut d = Draft::default();
    Draft::set_once(&mut d.full_name, cols.cell(row, &["name"]));
    let parts = join_parts([
        cols.cell(row, &["first name", "given name"]),
        cols.cell(row, &["middle name", "additional name"]),
        cols.cell(row, &["last name", "family name"]),
    ]);
    Draft::set_once(&mut d.parts_name, parts.as_deref().unwrap_or(""));
    let mut company = cols.cell(row, &["organization name"]);
    let mut title = cols.cell(row, &["organization title"]);
    if let Some(org) = cols.groups("organization", row).next() {
        if company.is_empty() {
            company = org(&["name"]);
        }
        if title.is_empty() {
            title = org(&["title"]);
        }
    }
    Draft::set_once(&mut d.company, company);
    Draft::set_once(&mut d.title, title);
    for nick in split_multi(cols.cell(row, &["nickname"])) {
        d.add_field(FieldKind::Nickname, None, nick);
    }
    for bday in split_multi(cols.cell(row, &["birthday"])) {
        d.add_field(FieldKind::Birthday, None, bday);
    }
    d.add_note(cols.cell(row, &["notes"]));
    for group in split_multi(cols.cell(row, &["labels", "group membership"])) {
        let name = group.trim_start_matches('*').trim();
        let system = ["mycontacts", "my contacts", "starred", "other contacts"]
            .iter()
            .any(|s| s.eq_ignore_ascii_case(name));
        if !system {
            d.add_tag(name);
        }
    }
    for (kind, field) in [
        ("e-mail", FieldKind::Email),
        ("phone", FieldKind::Phone),
        ("website", FieldKind::Url),
    ] {
        for group in cols.groups(kind, row) {
            let label = clean_label(group(&["label", "type"]));
            for value in split_multi(group(&["value"])) {
                d.add_field(field, label.as_deref(), value);
            }
        }
    }
    for group in cols.groups("address", row) {
        let label = clean_label(group(&["label", "type"]));
        let formatted = group(&["formatted"]);
        if !formatted.is_empty() {
            for value in split_multi(formatted) {
                d.add_field(FieldKind::Address, label.as_deref(), value);
            }
        } else {
            let parts: Vec<&str> = [
                "po box",
                "street",
                "extended address",
                "city",
                "region",
                "postal code",
                "country",
            ]
            .iter()
            .map(|p| group(&[p]))
            .filter(|p| !p.is_empty())
            .collect();
            d.add_field(FieldKind::Address, label.as_deref(), &parts.join(", "));
        }
    }
    for group in cols.groups("relation", row) {
        if is_referred_by_label(group(&["label", "type"]))
            && let Some(name) = split_multi(group(&["value"])).next()
        {
            Draft::set_once(&mut d.referred_by, name);
        }
    }
    for group in cols.groups("custom field", row) {
        let label = group(&["label", "type"]);
        if label.eq_ignore_ascii_case(HOW_MET_LABEL) || label.eq_ignore_ascii_case("how met") {
            Draft::set_once(&mut d.how_met, group(&["value"]));
        }
    }
    d
}

/// The contacts as a Google Contacts CSV (current header set, CRLF rows). There are as
/// many E-mail/Phone/Address/Website column groups as the contact with the most needs
/// (at least one each); referred-by is "Relation 1" labelled "Referred by", how-we-met
/// "Custom Field 1" labelled "How we met"; tags follow "* myContacts" in "Labels".
pub fn format(cs: &[ExportContact]) -> Result<String, InteropError> {
    let count = |kind: FieldKind| {
        cs.iter()
            .map(|c| c.contact.fields.iter().filter(|f| f.kind == kind).count())
            .max()
            .unwrap_or(0)
            .max(1)
    };
    let (emails, phones, addresses, sites) = (
        count(FieldKind::Email),
        count(FieldKind::Phone),
        count(FieldKind::Address),
        count(FieldKind::Url),
    );
    const ADDRESS_PARTS: [&str; 9] = [
        "Label",
        "Formatted",
        "Street",
        "City",
        "PO Box",
        "Region",
        "Postal Code",
        "Country",
        "Extended Address",
    ];
    let mut header: Vec<String> = [
        "First Name",
        "Middle Name",
        "Last Name",
        "Phonetic First Name",
        "Phonetic Middle Name",
        "Phonetic Last Name",
        "Name Prefix",
        "Name Suffix",
        "Nickname",
        "File As",
        "Organization Name",
        "Organization Title",
        "Organization Department",
        "Birthday",
        "Notes",
        "Photo",
        "Labels",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let pairs = |header: &mut Vec<String>, kind: &str, n: usize| {
        for i in 1..=n {
            header.push(format!("{kind} {i} - Label"));
            header.push(format!("{kind} {i} - Value"));
        }
    };
    pairs(&mut header, "E-mail", emails);
    pairs(&mut header, "Phone", phones);
    for i in 1..=addresses {
        for part in ADDRESS_PARTS {
            header.push(format!("Address {i} - {part}"));
        }
    }
    pairs(&mut header, "Relation", 1);
    pairs(&mut header, "Website", sites);
    pairs(&mut header, "Custom Field", 1);

    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    let fail = |e: csv::Error| InteropError::CsvWrite(e.to_string());
    w.write_record(&header).map_err(fail)?;
    for ec in cs {
        let c = ec.contact;
        let company = c.company.as_deref().unwrap_or("").trim();
        let words: Vec<&str> = c.name.split_whitespace().collect();
        let (first, last) = match words.as_slice() {
            _ if !company.is_empty() && company == c.name.trim() => (String::new(), String::new()),
            [] => (String::new(), String::new()),
            [only] => (only.to_string(), String::new()),
            [given @ .., family] => (given.join(" "), family.to_string()),
        };
        let first_of = |kind: FieldKind| {
            c.fields
                .iter()
                .find(|f| f.kind == kind)
                .map(|f| f.value.clone())
                .unwrap_or_default()
        };
        let labels: Vec<String> = std::iter::once("* myContacts".to_string())
            .chain(c.tags.iter().map(|t| t.replace(":::", ":")))
            .collect();
        let mut row: Vec<String> = vec![
            first,
            String::new(),
            last,
            String::new(),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
            first_of(FieldKind::Nickname),
            String::new(),
            company.to_string(),
            c.title.clone().unwrap_or_default(),
            String::new(),
            first_of(FieldKind::Birthday),
            c.notes.clone().unwrap_or_default(),
            String::new(),
            labels.join(" ::: "),
        ];
        let field_pairs = |row: &mut Vec<String>, kind: FieldKind, n: usize| {
            let mut fields = c.fields.iter().filter(|f| f.kind == kind);
            for _ in 0..n {
                match fields.next() {
                    Some(f) => {
                        row.push(google_label(f.label.as_deref()));
                        row.push(f.value.replace(":::", ":"));
                    }
                    None => row.extend([String::new(), String::new()]),
                }
            }
        };
        field_pairs(&mut row, FieldKind::Email, emails);
        field_pairs(&mut row, FieldKind::Phone, phones);
        let mut addrs = c.fields.iter().filter(|f| f.kind == FieldKind::Address);
        for _ in 0..addresses {
            let (label, value) = match addrs.next() {
                Some(f) => (google_label(f.label.as_deref()), f.value.clone()),
                None => (String::new(), String::new()),
            };
            row.push(label);
            row.push(value.clone());
            row.push(value);
            row.extend(std::iter::repeat_n(String::new(), ADDRESS_PARTS.len() - 3));
        }
        match ec.referred_by.map(str::trim).filter(|r| !r.is_empty()) {
            Some(r) => row.extend(["Referred by".to_string(), r.to_string()]),
            None => row.extend([String::new(), String::new()]),
        }
        field_pairs(&mut row, FieldKind::Url, sites);
        match c
            .how_met
            .as_deref()
            .map(str::trim)
            .filter(|h| !h.is_empty())
        {
            Some(h) => row.extend([HOW_MET_LABEL.to_string(), h.to_string()]),
            None => row.extend([String::new(), String::new()]),
        }
        let row: Vec<String> = row.into_iter().map(super::neutralize_formula).collect();
        w.write_record(&row).map_err(fail)?;
    }
    let bytes = w
        .into_inner()
        .map_err(|e| InteropError::CsvWrite(e.to_string()))?;
    String::from_utf8(bytes).map_err(|e| InteropError::CsvWrite(e.to_string()))
}

/// Google's own spelling: "Home", "Work", "Mobile"; custom labels as they are.
fn google_label(label: Option<&str>) -> String {
    let l = label.unwrap_or("").trim();
    if l.chars().all(|c| c.is_lowercase() || !c.is_alphabetic()) {
        let mut cs = l.chars();
        match cs.next() {
            Some(first) => first.to_uppercase().chain(cs).collect(),
            None => String::new(),
        }
    } else {
        l.to_string()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::domain::contact::{Circle, Contact, Field};
    use chrono::NaiveDate;
    use proptest::prelude::*;

    const CURRENT: &str = "\u{feff}First Name,Middle Name,Last Name,Phonetic First Name,Phonetic Middle Name,Phonetic Last Name,Name Prefix,Name Suffix,Nickname,File As,Organization Name,Organization Title,Organization Department,Birthday,Notes,Photo,Labels,E-mail 1 - Label,E-mail 1 - Value,E-mail 2 - Label,E-mail 2 - Value,Phone 1 - Label,Phone 1 - Value,Address 1 - Label,Address 1 - Formatted,Address 1 - Street,Address 1 - City,Address 1 - PO Box,Address 1 - Region,Address 1 - Postal Code,Address 1 - Country,Address 1 - Extended Address,Relation 1 - Label,Relation 1 - Value,Website 1 - Label,Website 1 - Value
Dana,,Hart,,,,,,Dee,,Hart Design,Owner,,1985-04-12,\"Met at the fair,\nlikes tea\",,* myContacts ::: Clients ::: * starred,* Work,dana@hart.example ::: dana.hart@gmail.com,Home,dana@home.example,Mobile,+1 555 0100,Work,\"1 Main St\nSpringfield\",,,,,,,,referred by,Ana Lima,Profile,https://hart.example
,,,,,,,,,,,,,,,,* myContacts,,,,,,,,,,,,,,,,,,,
Solo,,,,,,,,,,,,,,,,* myContacts
";

    const LEGACY: &str = "Name,Given Name,Additional Name,Family Name,Yomi Name,Given Name Yomi,Additional Name Yomi,Family Name Yomi,Name Prefix,Name Suffix,Initials,Nickname,Short Name,Maiden Name,Birthday,Gender,Location,Billing Information,Directory Server,Mileage,Occupation,Hobby,Sensitivity,Priority,Subject,Notes,Language,Photo,Group Membership,E-mail 1 - Type,E-mail 1 - Value,Phone 1 - Type,Phone 1 - Value,Organization 1 - Type,Organization 1 - Name,Organization 1 - Yomi Name,Organization 1 - Title,Relation 1 - Type,Relation 1 - Value
Ben Okafor,Ben,,Okafor,,,,,,,,,,,,,,,,,,,,,,Plumber,,,* My Contacts ::: Trades,* Other,ben@okafor.example,Mobile,555-0101,,Okafor Plumbing,,Owner,Referred By,Dana Hart
,Cleo,,Park,,,,,,,,,,,,,,,,,,,,,,,,,* My Contacts,,,,,,,,
";

    #[test]
    fn reads_the_current_header_set() {
        let p = parse(CURRENT.as_bytes()).unwrap();
        assert_eq!(p.contacts.len(), 2, "{:?}", p.skipped);
        assert_eq!(p.skipped.len(), 1);
        assert_eq!(p.skipped[0].record, 2);
        let d = &p.contacts[0];
        assert_eq!(d.name, "Dana Hart");
        assert_eq!(d.company.as_deref(), Some("Hart Design"));
        assert_eq!(d.title.as_deref(), Some("Owner"));
        assert_eq!(d.tags, vec!["Clients"]);
        assert_eq!(d.notes.as_deref(), Some("Met at the fair,\nlikes tea"));
        assert_eq!(d.referred_by.as_deref(), Some("Ana Lima"));
        assert_eq!(d.vcard_extra, None);
        let emails: Vec<(&str, Option<&str>)> = d
            .fields
            .iter()
            .filter(|f| f.kind == FieldKind::Email)
            .map(|f| (f.value.as_str(), f.label.as_deref()))
            .collect();
        assert_eq!(
            emails,
            vec![
                ("dana@hart.example", Some("work")),
                ("dana.hart@gmail.com", Some("work")),
                ("dana@home.example", Some("home")),
            ]
        );
        let has = |kind, value: &str| d.fields.iter().any(|f| f.kind == kind && f.value == value);
        assert!(has(FieldKind::Phone, "+1 555 0100"));
        assert!(has(FieldKind::Address, "1 Main St\nSpringfield"));
        assert!(has(FieldKind::Url, "https://hart.example"));
        assert!(has(FieldKind::Birthday, "1985-04-12"));
        assert!(has(FieldKind::Nickname, "Dee"));
        // A row shorter than the header still imports.
        assert_eq!(p.contacts[1].name, "Solo");
    }

    #[test]
    fn reads_the_legacy_header_set() {
        let p = parse(LEGACY.as_bytes()).unwrap();
        assert_eq!(p.contacts.len(), 2, "{:?}", p.skipped);
        let b = &p.contacts[0];
        assert_eq!(b.name, "Ben Okafor");
        assert_eq!(b.company.as_deref(), Some("Okafor Plumbing"));
        assert_eq!(b.title.as_deref(), Some("Owner"));
        assert_eq!(b.tags, vec!["Trades"]);
        assert_eq!(b.notes.as_deref(), Some("Plumber"));
        assert_eq!(b.referred_by.as_deref(), Some("Dana Hart"));
        assert_eq!(b.fields[0].label.as_deref(), Some("other"));
        assert_eq!(p.contacts[1].name, "Cleo Park");
        assert!(p.contacts[1].tags.is_empty());
    }

    #[test]
    fn old_utf16_exports_and_extra_columns_are_read() {
        let utf16: Vec<u8> = "\u{feff}Name,Given Name,Family Name,E-mail 1 - Value\r\nZoë Ng,Zoë,Ng,zoe@ng.example,surplus,cells\r\n"
            .encode_utf16()
            .flat_map(|u| u.to_le_bytes())
            .collect();
        let p = parse(&utf16).unwrap();
        assert_eq!(p.contacts[0].name, "Zoë Ng");
    }

    #[test]
    fn a_file_that_is_not_google_csv_is_refused_clearly() {
        assert_eq!(parse(b"a,b,c\n1,2,3\n"), Err(InteropError::NotGoogleCsv));
        assert_eq!(parse(b""), Err(InteropError::Empty));
        assert_eq!(parse(b"\x00\x01\x02\x03"), Err(InteropError::Binary));
        assert_eq!(
            parse(b"First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"),
            Err(InteropError::NotGoogleCsv)
        );
    }

    fn contact(name: &str) -> Contact {
        Contact {
            id: 1,
            uid: "u-1".into(),
            name: name.into(),
            company: Some("Hart Design".into()),
            title: Some("Owner".into()),
            circle: Circle::Client,
            tags: vec!["clients".into(), "vip".into()],
            fields: vec![
                Field {
                    kind: FieldKind::Email,
                    label: Some("work".into()),
                    value: "dana@hart.example".into(),
                },
                Field {
                    kind: FieldKind::Email,
                    label: None,
                    value: "dana@home.example".into(),
                },
                Field {
                    kind: FieldKind::Phone,
                    label: Some("mobile".into()),
                    value: "+1 555 0100".into(),
                },
                Field {
                    kind: FieldKind::Address,
                    label: Some("home".into()),
                    value: "1 Main St, Springfield".into(),
                },
            ],
            how_met: Some("Spring fair, 2023".into()),
            notes: Some("Likes \"tea\",\nnot coffee".into()),
            cadence_days: None,
            do_not_ask: false,
            closeness: None,
            created_on: NaiveDate::from_ymd_opt(2024, 1, 1).unwrap(),
            archived_on: None,
        }
    }

    #[test]
    fn export_reimports_with_the_same_data() {
        let dana = contact("Dana Q. Hart");
        let mut bare = contact("Cher");
        bare.fields.clear();
        bare.company = None;
        let out = format(&[
            ExportContact {
                contact: &dana,
                referred_by: Some("Ana Lima"),
                vcard_extra: None,
            },
            ExportContact {
                contact: &bare,
                referred_by: None,
                vcard_extra: None,
            },
        ])
        .unwrap();
        assert!(out.starts_with("First Name,Middle Name,Last Name,Phonetic First Name,"));
        assert!(out.contains("E-mail 2 - Value"), "{out}");
        assert!(out.ends_with("\r\n"));
        assert_eq!(
            crate::interop::detect(out.as_bytes()),
            Some(crate::interop::Format::GoogleCsv)
        );
        let p = parse(out.as_bytes()).unwrap();
        assert_eq!(p.contacts.len(), 2, "{:?}", p.skipped);
        let d = &p.contacts[0];
        assert_eq!(d.name, "Dana Q. Hart");
        assert_eq!(d.company.as_deref(), Some("Hart Design"));
        assert_eq!(d.title.as_deref(), Some("Owner"));
        assert_eq!(d.tags, dana.tags);
        assert_eq!(d.fields, dana.fields);
        assert_eq!(d.notes, dana.notes);
        assert_eq!(d.how_met, dana.how_met);
        assert_eq!(d.referred_by.as_deref(), Some("Ana Lima"));
        assert_eq!(p.contacts[1].name, "Cher");
    }

    proptest! {
        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
            let _ = parse(&bytes);
        }

        #[test]
        fn arbitrary_rows_under_a_real_header_never_panic(body in "[a-zA-Z0-9@,\"\n :*.-]{0,400}") {
            let text = format!("First Name,Last Name,Labels,E-mail 1 - Value,Relation 1 - Label,Relation 1 - Value\n{body}");
            let _ = parse(text.as_bytes());
        }
    }
}
