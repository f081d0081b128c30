//! Introductions from email: an `.eml` message (RFC 5322) or an mbox of several, read
//! with `mail-parser` (RFC 2047 names in any charset, folded headers, groups), turned
//! into the referrals they record.
//!
//! Only headers matter: who wrote to whom, when, the subject and the Message-ID. The
//! rules ([`plan`]), with "me" the addresses of `[me] emails`:
//! - someone else writes to me and at least one other person (To, then Cc): they
//!   introduced that person to me — a received referral of the first other person in
//!   To, then Cc, by the sender;
//! - I write to two or more other people: I introduced them — a referral I gave of the
//!   first in To to the next one;
//! - anything else (me not on it, nobody else on it, a mail without a sender) is
//!   skipped with the reason.
//!
//! Pure: no I/O, no clock. The store resolves the people and keeps the Message-ID, so
//! the same mail imported twice adds nothing.

use std::borrow::Cow;

use chrono::NaiveDate;
use mail_parser::{Address, HeaderValue, MessageParser};

use super::Skipped;
use crate::domain::contact::validate_email;

/// One address on a mail: a display name (decoded) and the address itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mailbox {
    pub name: Option<String>,
    pub email: String,
}

impl Mailbox {
    /// The name to give a new contact: the display name ("Weber, Kofi" turned round to
    /// "Kofi Weber"), else the address's local part in words ("kofi.weber" → "Kofi
    /// Weber"), else the address.
    pub fn contact_name(&self) -> String {
        if let Some(n) =
            self.name.as_deref().map(clean_name).filter(|n| {
                !n.is_empty() && !n.eq_ignore_ascii_case(&self.email) && !n.contains('@')
            })
        {
            return n;
        }
        let local = self.email.split('@').next().unwrap_or_default();
        let local = local.split('+').next().unwrap_or_default();
        let words: Vec<String> = local
            .split(['.', '_', '-'])
            .filter(|w| w.chars().any(char::is_alphabetic))
            .map(capitalize)
            .collect();
        if words.is_empty() {
            self.email.clone()
        } else {
            words.join(" ")
        }
    }
}

/// Display names as mail clients write them: quotes and stray spaces removed, and
/// Outlook's "Last, First" turned into "First Last".
fn clean_name(name: &str) -> String {
    let n = name.trim().trim_matches(|c| c == '"' || c == '\'').trim();
    let n = n.split_whitespace().collect::<Vec<_>>().join(" ");
    match n.split_once(',') {
        Some((last, first))
            if !last.trim().is_empty()
                && !first.trim().is_empty()
                && !first.contains(',')
                && !last.trim().contains(' ') =>
        {
            format!("{} {}", first.trim(), last.trim())
        }
        _ => n,
    }
}

fn capitalize(w: &str) -> String {
    let mut c = w.chars();
    match c.next() {
        Some(f) => f
            .to_uppercase()
            .chain(c.flat_map(char::to_lowercase))
            .collect(),
        None => String::new(),
    }
}

/// One message's headers, as far as introductions need them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mail {
    /// 1-based position in the file.
    pub number: usize,
    /// The Message-ID without its angle brackets; a mail without one gets a key made
    /// of its sender, date and subject, so it is still imported only once.
    pub message_id: String,
    /// The Date header's own calendar day (in the sender's time zone, not converted).
    pub date: Option<NaiveDate>,
    pub subject: Option<String>,
    pub from: Option<Mailbox>,
    pub to: Vec<Mailbox>,
    pub cc: Vec<Mailbox>,
    /// In-Reply-To and References: the Message-IDs of the thread before this mail.
    pub thread: Vec<String>,
    /// A reply: In-Reply-To set, or a subject starting "Re:".
    pub is_reply: bool,
}

impl Mail {
    /// "message 3 (“Intro: Kofi”)": how reports name a mail.
    pub fn label(&self) -> String {
        match self.subject.as_deref().filter(|s| !s.trim().is_empty()) {
            Some(s) => format!("message {} (\"{}\")", self.number, s.trim()),
            None => format!("message {}", self.number),
        }
    }
}

/// Whether the bytes look like mail: an mbox ("From " line first) or a message whose
/// first lines are RFC 5322 header fields, among them From.
pub fn looks_like_mail(bytes: &[u8]) -> bool {
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(64 * 1024)]);
    let head = head.trim_start_matches(['\u{feff}', '\r', '\n']);
    let mut lines = head.lines();
    if head.starts_with("From ") {
        lines.next();
    }
    let mut saw_from = false;
    for line in lines.take(400) {
        if line.is_empty() {
            break;
        }
        if line.starts_with([' ', '\t']) {
            continue;
        }
        let Some((name, _)) = line.split_once(':') else {
            return false;
        };
        if name.is_empty() || !name.bytes().all(|b| b.is_ascii_graphic()) {
            return false;
        }
        saw_from |= name.eq_ignore_ascii_case("from");
    }
    saw_from
}

/// Splits an mbox into its messages (undoing `>From ` quoting), or takes the bytes as
/// one message when they do not start with a "From " line.
fn messages(bytes: &[u8]) -> Vec<Cow<'_, [u8]>> {
    let start = bytes
        .iter()
        .position(|b| !matches!(b, b'\r' | b'\n'))
        .unwrap_or(bytes.len());
    let bytes = &bytes[start..];
    if !bytes.starts_with(b"From ") {
        return vec![Cow::Borrowed(bytes)];
    }
    mail_parser::mailbox::mbox::MessageIterator::new(bytes)
        .filter_map(Result::ok)
        .map(|m| Cow::Owned(m.unwrap_contents()))
        .collect()
}

/// Reads every message of an `.eml` or mbox file. A message that cannot be read is
/// skipped with the reason; the rest are returned in file order.
pub fn parse(bytes: &[u8]) -> (Vec<Mail>, Vec<Skipped>) {
    let mut mails = Vec::new();
    let mut skipped = Vec::new();
    for (i, raw) in messages(bytes).iter().enumerate() {
        let number = i + 1;
        match read_one(raw, number) {
            Ok(m) => mails.push(m),
            Err(reason) => skipped.push(Skipped {
                record: number,
                reason: format!("message {number}: {reason}"),
            }),
        }
    }
    (mails, skipped)
}

fn read_one(raw: &[u8], number: usize) -> Result<Mail, String> {
    if !has_header_end(raw) {
        return Err(
            "it ends inside its headers (a truncated file?); save the whole message again".into(),
        );
    }
    // mail-parser is not trusted never to panic on hostile input: contain it.
    let parsed = std::panic::catch_unwind(|| {
        MessageParser::default()
            .parse_headers(raw)
            .map(|m| headers_of(&m, number))
    });
    match parsed {
        Ok(Some(mail)) => Ok(mail),
        Ok(None) => Err("it is not an email message (no headers)".into()),
        Err(_) => Err("ties could not read its headers".into()),
    }
}

/// Whether the header block ends (a blank line) — or the message is headers only and
/// ends with a line break.
fn has_header_end(raw: &[u8]) -> bool {
    let head = &raw[..raw.len().min(1 << 20)];
    head.windows(2).any(|w| w == b"\n\n")
        || head.windows(4).any(|w| w == b"\r\n\r\n")
        || (raw.len() <= 1 << 20 && raw.ends_with(b"\n"))
}

fn headers_of(m: &mail_parser::Message<'_>, number: usize) -> Mail {
    let from = m.from().and_then(|a| mailboxes(a).into_iter().next());
    let subject = m
        .subject()
        .map(|s| s.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|s| !s.is_empty());
    let date = m
        .date()
        .and_then(|d| NaiveDate::from_ymd_opt(d.year.into(), d.month.into(), d.day.into()));
    let mut thread = ids(m.in_reply_to());
    let is_reply = !thread.is_empty()
        || subject
            .as_deref()
            .is_some_and(|s| s.get(..3).is_some_and(|p| p.eq_ignore_ascii_case("re:")));
    for id in ids(m.references()) {
        if !thread.contains(&id) {
            thread.push(id);
        }
    }
    let message_id = m
        .message_id()
        .map(|id| id.trim().trim_matches(['<', '>']).to_string())
        .filter(|id| !id.is_empty())
        .unwrap_or_else(|| {
            format!(
                "no-message-id:{}|{}|{}",
                from.as_ref().map(|f| f.email.as_str()).unwrap_or_default(),
                date.map(|d| d.to_string()).unwrap_or_default(),
                subject.as_deref().unwrap_or_default()
            )
        });
    Mail {
        number,
        message_id,
        date,
        subject,
        from,
        to: m.to().map(mailboxes).unwrap_or_default(),
        cc: m.cc().map(mailboxes).unwrap_or_default(),
        thread,
        is_reply,
    }
}

fn ids(v: &HeaderValue<'_>) -> Vec<String> {
    v.as_text_list()
        .unwrap_or_default()
        .iter()
        .map(|id| id.trim().trim_matches(['<', '>']).to_string())
        .filter(|id| !id.is_empty())
        .collect()
}

/// Every valid address of a header, groups flattened, in order.
fn mailboxes(a: &Address<'_>) -> Vec<Mailbox> {
    let addrs: Vec<&mail_parser::Addr<'_>> = match a {
        Address::List(list) => list.iter().collect(),
        Address::Group(groups) => groups.iter().flat_map(|g| g.addresses.iter()).collect(),
    };
    addrs
        .into_iter()
        .filter_map(|a| {
            let email = validate_email(a.address.as_deref()?).ok()?;
            Some(Mailbox {
                name: a
                    .name
                    .as_deref()
                    .map(str::trim)
                    .filter(|n| !n.is_empty())
                    .map(str::to_string),
                email,
            })
        })
        .collect()
}

/// Who the user is, for reading mail.
#[derive(Debug, Clone, Default)]
pub struct Me {
    emails: Vec<String>,
}

impl Me {
    pub fn new(emails: &[String]) -> Me {
        Me {
            emails: emails.iter().map(|e| address_key(e)).collect(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.emails.is_empty()
    }

    pub fn is(&self, email: &str) -> bool {
        self.emails.contains(&address_key(email))
    }
}

/// An address compared as mail delivers it: case ignored, a `+tag` dropped.
fn address_key(email: &str) -> String {
    let e = email.trim().to_lowercase();
    match e.split_once('@') {
        Some((local, domain)) => {
            let local = local.split('+').next().unwrap_or(local);
            format!("{local}@{domain}")
        }
        None => e,
    }
}

/// Who introduced whom, read from one mail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Intro {
    /// `by` introduced `person` to me.
    Received { by: Mailbox, person: Mailbox },
    /// I introduced `person` to `recipient`.
    Given { person: Mailbox, recipient: Mailbox },
}

/// One introduction to record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IntroMail {
    pub mail: Mail,
    pub intro: Intro,
    /// Others on the mail who were not chosen (the choice is reported).
    pub also: Vec<Mailbox>,
}

/// Applies the rules to every mail: the introductions to record, oldest first (so an
/// introduction comes before the replies in its thread), and the mails skipped with
/// their reasons.
pub fn plan(mails: Vec<Mail>, me: &Me) -> (Vec<IntroMail>, Vec<Skipped>) {
    let mut intros = Vec::new();
    let mut skipped = Vec::new();
    for mail in mails {
        match intro_of(&mail, me) {
            Ok((intro, also)) => intros.push(IntroMail { mail, intro, also }),
            Err(reason) => skipped.push(Skipped {
                record: mail.number,
                reason: format!("{}: {reason}", mail.label()),
            }),
        }
    }
    intros.sort_by_key(|i| (i.mail.date, i.mail.number));
    (intros, skipped)
}

fn intro_of(mail: &Mail, me: &Me) -> Result<(Intro, Vec<Mailbox>), String> {
    let Some(from) = &mail.from else {
        return Err("it has no From address".into());
    };
    // To first, then Cc; each address once; never the sender.
    let mut recipients: Vec<&Mailbox> = Vec::new();
    for m in mail.to.iter().chain(&mail.cc) {
        if address_key(&m.email) != address_key(&from.email)
            && !recipients
                .iter()
                .any(|r| address_key(&r.email) == address_key(&m.email))
        {
            recipients.push(m);
        }
    }
    if recipients.is_empty() && mail.to.is_empty() && mail.cc.is_empty() {
        return Err("it has no To or Cc address".into());
    }
    let others: Vec<&Mailbox> = recipients
        .iter()
        .copied()
        .filter(|m| !me.is(&m.email))
        .collect();
    if me.is(&from.email) {
        return match others.as_slice() {
            [] => Err("it is from you to nobody else".into()),
            [one] => Err(format!(
                "it is from you to one other person ({}), so it introduces nobody",
                one.email
            )),
            [person, recipient, rest @ ..] => Ok((
                Intro::Given {
                    person: (*person).clone(),
                    recipient: (*recipient).clone(),
                },
                rest.iter().map(|m| (*m).clone()).collect(),
            )),
        };
    }
    if !recipients.iter().any(|m| me.is(&m.email)) {
        return Err(format!(
            "you are not in its To or Cc (it was forwarded, or came by Bcc), so {} did not introduce anyone to you in it",
            from.email
        ));
    }
    match others.as_slice() {
        [] => Err(format!(
            "only you and {} are on it, so it introduces nobody",
            from.email
        )),
        [person, rest @ ..] => Ok((
            Intro::Received {
                by: from.clone(),
                person: (*person).clone(),
            },
            rest.iter().map(|m| (*m).clone()).collect(),
        )),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    fn me() -> Me {
        Me::new(&["dana@hart.studio".to_string()])
    }

    fn one(text: &str) -> Mail {
        let (mut mails, skipped) = parse(text.as_bytes());
        assert!(skipped.is_empty(), "{skipped:?}");
        assert_eq!(mails.len(), 1);
        mails.remove(0)
    }

    #[test]
    fn names_are_decoded_and_turned_round() {
        let m = one(concat!(
            "From: =?UTF-8?Q?Jos=C3=A9_Garc=C3=ADa?= <jose@garcia.es>\r\n",
            "To: \"Weber, Kofi\" <kofi@weber.cafe>, dana@hart.studio\r\n",
            "Subject: =?ISO-8859-1?Q?Caf=E9?= intro\r\n",
            "Date: Tue, 1 Dec 2026 23:30:00 -0800\r\n",
            "Message-ID: <abc@mail.gmail.com>\r\n\r\nHi\r\n"
        ));
        assert_eq!(m.from.as_ref().unwrap().contact_name(), "José García");
        assert_eq!(m.to[0].contact_name(), "Kofi Weber");
        assert_eq!(m.to[1].contact_name(), "Dana");
        assert_eq!(m.subject.as_deref(), Some("Café intro"));
        // The sender's own day, not UTC's (which is already 2 December).
        assert_eq!(m.date, NaiveDate::from_ymd_opt(2026, 12, 1));
        assert_eq!(m.message_id, "abc@mail.gmail.com");
        assert!(!m.is_reply);
    }

    #[test]
    fn the_rules() {
        let mail = |from: &str, to: &str, cc: &str| {
            one(&format!(
                "From: {from}\nTo: {to}\nCc: {cc}\nSubject: s\nDate: Mon, 30 Nov 2026 10:00:00 +0000\n\n"
            ))
        };
        let (intros, skipped) = plan(
            vec![
                mail(
                    "jonas@reyes.io",
                    "kofi@weber.cafe",
                    "Dana <dana+crm@Hart.Studio>",
                ),
                mail("dana@hart.studio", "ana@ruiz.dev, ben@okafor.dev", ""),
                mail("jonas@reyes.io", "kofi@weber.cafe", ""),
                mail("jonas@reyes.io", "dana@hart.studio", ""),
                mail("dana@hart.studio", "ana@ruiz.dev", ""),
                mail("jonas@reyes.io", "dana@hart.studio, a@x.io", "b@x.io"),
            ],
            &me(),
        );
        assert_eq!(intros.len(), 3, "{skipped:?}");
        assert!(matches!(&intros[0].intro, Intro::Received { by, person }
            if by.email == "jonas@reyes.io" && person.email == "kofi@weber.cafe"));
        assert!(
            matches!(&intros[1].intro, Intro::Given { person, recipient }
            if person.email == "ana@ruiz.dev" && recipient.email == "ben@okafor.dev")
        );
        assert!(
            matches!(&intros[2].intro, Intro::Received { person, .. } if person.email == "a@x.io")
        );
        assert_eq!(intros[2].also[0].email, "b@x.io");
        let reasons: Vec<&str> = skipped.iter().map(|s| s.reason.as_str()).collect();
        assert!(
            reasons[0].contains("you are not in its To or Cc"),
            "{reasons:?}"
        );
        assert!(
            reasons[1].contains("only you and jonas@reyes.io"),
            "{reasons:?}"
        );
        assert!(reasons[2].contains("one other person"), "{reasons:?}");
    }

    #[test]
    fn mbox_with_quoted_from_lines_and_a_truncated_last_message() {
        let mbox = concat!(
            "From jonas@reyes.io Mon Nov 30 10:00:00 2026\n",
            "From: jonas@reyes.io\nTo: dana@hart.studio, kofi@weber.cafe\nSubject: one\n\n",
            ">From the desk of Jonas\n\n",
            "From ana@ruiz.dev Mon Nov 30 11:00:00 2026\n",
            "From: ana@ruiz.dev\nTo: dana@hart.studio\nSubj"
        );
        let (mails, skipped) = parse(mbox.as_bytes());
        assert_eq!(mails.len(), 1);
        assert_eq!(mails[0].subject.as_deref(), Some("one"));
        assert_eq!(skipped.len(), 1);
        assert!(skipped[0].reason.contains("truncated"), "{skipped:?}");
    }

    #[test]
    fn mail_is_detected_and_other_formats_are_not() {
        assert!(looks_like_mail(
            b"Return-Path: <a@b.c>\r\nFrom: a@b.c\r\n\r\n"
        ));
        assert!(looks_like_mail(
            b"From a@b.c Mon Nov 30 10:00:00 2026\nFrom: a@b.c\n\n"
        ));
        assert!(!looks_like_mail(b"BEGIN:VCARD\r\nFN:x\r\nEND:VCARD\r\n"));
        assert!(!looks_like_mail(b"Name,Given Name,E-mail 1 - Value\n"));
        assert!(!looks_like_mail(b"Subject: no sender\n\n"));
        assert!(!looks_like_mail(b"{\"ties\": 1}"));
    }

    #[test]
    fn local_parts_become_names() {
        let m = |e: &str| Mailbox {
            name: None,
            email: e.into(),
        };
        assert_eq!(m("kofi.weber@x.io").contact_name(), "Kofi Weber");
        assert_eq!(m("KOFI_weber+news@x.io").contact_name(), "Kofi Weber");
        assert_eq!(m("123@x.io").contact_name(), "123@x.io");
    }
}
