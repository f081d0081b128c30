//! LinkedIn's `Connections.csv` (from "Get a copy of your data") in.
//!
//! May import `std`, `csv`, `chrono` (date parsing only, no clock),
//! `crate::domain::contact` and the rest of `interop`.
//!
//! The export opens with a "Notes:" preamble (a few lines, then a blank line) before the
//! header `First Name,Last Name,URL,Email Address,Company,Position,Connected On`; older
//! exports have no preamble and no URL column. Every contact gets the tag `linkedin`,
//! the profile URL as a `url` field labelled "linkedin", and "Connected On" as the
//! how-we-met text: `LinkedIn, connected 2023-03-15`.

use chrono::NaiveDate;

use crate::domain::contact::FieldKind;

use super::record::{Draft, csv_header, join_parts};
use super::{InteropError, Parsed, Skipped, decode_text};

/// How many lines may come before the header.
const MAX_PREAMBLE_LINES: usize = 50;

/// True for LinkedIn's header row. (Used by [`super::detect`] too.)
pub(crate) fn is_header(header: &[String]) -> bool {
    let has = |name: &str| header.iter().any(|h| h.trim().eq_ignore_ascii_case(name));
    has("First Name") && has("Last Name") && has("Connected On")
}

/// Reads a LinkedIn connections export. Rows become contacts or [`Skipped`] (numbered
/// from 1 after the header). Errors when the text is empty, binary, or has no LinkedIn
/// header within its first 50 lines.
pub fn parse(bytes: &[u8]) -> Result<Parsed, InteropError> {
    let text = decode_text(bytes)?;
    let mut offset = 0;
    let mut start = None;
    for line in text.split_inclusive('\n').take(MAX_PREAMBLE_LINES) {
        if is_header(&csv_header(line.trim_end())) {
            start = Some(offset);
            break;
        }
        offset += line.len();
    }
    let start = start.ok_or(InteropError::NotLinkedinCsv)?;
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(&text.as_bytes()[start..]);
    let header: Vec<String> = match reader.headers() {
        Ok(h) => h.iter().map(|c| c.trim().to_lowercase()).collect(),
        Err(_) => return Err(InteropError::NotLinkedinCsv),
    };
    let col = |name: &str| header.iter().position(|h| h == name);
    let [first, last, url, email, company, position, connected] = [
        "first name",
        "last name",
        "url",
        "email address",
        "company",
        "position",
        "connected on",
    ]
    .map(col);
    let mut out = Parsed::default();
    for (i, row) in reader.records().enumerate() {
        let record = i + 1;
        let row = match row {
            Ok(r) => r,
            Err(e) => {
                out.skipped.push(Skipped {
                    record,
                    reason: format!("the row is not valid CSV ({e})"),
                });
                continue;
            }
        };
        let cell = |c: Option<usize>| c.and_then(|i| row.get(i)).unwrap_or("").trim();
        let mut d = Draft::default();
        Draft::set_once(
            &mut d.parts_name,
            join_parts([cell(first), cell(last)])
                .as_deref()
                .unwrap_or(""),
        );
        Draft::set_once(&mut d.company, cell(company));
        Draft::set_once(&mut d.title, cell(position));
        d.add_field(FieldKind::Email, None, cell(email));
        d.add_field(FieldKind::Url, Some("linkedin"), cell(url));
        d.add_tag("linkedin");
        d.how_met = Some(how_met(cell(connected)));
        match d.finish(record) {
            Ok(c) => out.contacts.push(c),
            Err(s) => out.skipped.push(s),
        }
    }
    Ok(out)
}

/// "15 Mar 2023" → "LinkedIn, connected 2023-03-15"; a date in another shape is quoted
/// as it is; no date at all → "LinkedIn".
fn how_met(connected_on: &str) -> String {
    if connected_on.is_empty() {
        return "LinkedIn".to_string();
    }
    let date = [
        "%d %b %Y", "%d %B %Y", "%Y-%m-%d", "%m/%d/%y", "%m/%d/%Y", "%d-%b-%y",
    ]
    .iter()
    .find_map(|f| NaiveDate::parse_from_str(connected_on, f).ok());
    match date {
        Some(d) => format!("LinkedIn, connected {}", d.format("%Y-%m-%d")),
        None => format!("LinkedIn, connected {connected_on}"),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const EXPORT: &str = "Notes:\r\n\"When exporting your connection data, you may notice that some of the email addresses are missing. You will only see email addresses for connections who have allowed their connections to see or download their email address using this setting https://www.linkedin.com/psettings/privacy/email. You can learn more here https://www.linkedin.com/help/linkedin/answer/261\"\r\n\r\nFirst Name,Last Name,URL,Email Address,Company,Position,Connected On\r\nPriya,Shah,https://www.linkedin.com/in/priyashah,priya@shah.example,\"Shah & Co, LLC\",Partner,15 Mar 2023\r\nLee,Park,https://www.linkedin.com/in/leepark,,Acme,,\r\n,,https://www.linkedin.com/in/ghost,,,,01 Jan 2020\r\nOdd,Date,,,,,sometime\r\nShort,Row\r\n";

    #[test]
    fn reads_the_export_after_its_preamble() {
        let p = parse(EXPORT.as_bytes()).unwrap();
        assert_eq!(p.contacts.len(), 4, "{:?}", p.skipped);
        assert_eq!(p.skipped.len(), 1);
        assert_eq!(p.skipped[0].record, 3);
        let priya = &p.contacts[0];
        assert_eq!(priya.name, "Priya Shah");
        assert_eq!(priya.company.as_deref(), Some("Shah & Co, LLC"));
        assert_eq!(priya.title.as_deref(), Some("Partner"));
        assert_eq!(priya.tags, vec!["linkedin"]);
        assert_eq!(
            priya.how_met.as_deref(),
            Some("LinkedIn, connected 2023-03-15")
        );
        assert_eq!(priya.fields.len(), 2);
        assert!(priya.fields.iter().any(
            |f| f.kind == FieldKind::Url && f.value == "https://www.linkedin.com/in/priyashah"
        ));
        assert_eq!(p.contacts[1].how_met.as_deref(), Some("LinkedIn"));
        assert_eq!(p.contacts[1].fields.len(), 1);
        assert_eq!(
            p.contacts[2].how_met.as_deref(),
            Some("LinkedIn, connected sometime")
        );
        assert_eq!(p.contacts[3].name, "Short Row");
    }

    #[test]
    fn reads_an_old_export_without_preamble_or_url() {
        let p = parse(b"First Name,Last Name,Email Address,Company,Position,Connected On\nAna,Lima,ana@lima.example,,,3/15/23\n").unwrap();
        assert_eq!(p.contacts[0].name, "Ana Lima");
        assert_eq!(
            p.contacts[0].how_met.as_deref(),
            Some("LinkedIn, connected 2023-03-15")
        );
    }

    #[test]
    fn other_files_are_refused_clearly() {
        assert_eq!(parse(b"a,b\n1,2\n"), Err(InteropError::NotLinkedinCsv));
        assert_eq!(
            parse(b"Notes:\nsomething\n\n"),
            Err(InteropError::NotLinkedinCsv)
        );
        assert_eq!(parse(b"   "), Err(InteropError::Empty));
        let line = vec![b'x'; 50 * 1024 * 1024];
        assert_eq!(parse(&line), Err(InteropError::NotLinkedinCsv));
    }

    proptest! {
        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
            let _ = parse(&bytes);
        }

        #[test]
        fn arbitrary_rows_under_the_header_never_panic(body in "[a-zA-Z0-9@,\"\n :/-]{0,400}") {
            let text = format!("Notes:\nx\n\nFirst Name,Last Name,URL,Email Address,Company,Position,Connected On\n{body}");
            let _ = parse(text.as_bytes());
        }
    }
}
