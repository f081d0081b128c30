//! Importing, as `ties import` and the interface's Referrals pane both do it: reading
//! the file ([`read_input`], the one I/O here: a size limit, and pipes, devices and
//! folders refused by name), from a mail file's bytes to the store's records
//! ([`plan_mail`]), and what an import did or would do, in words ([`describe`]).
//!
//! No clock; the caller runs the store.

use std::collections::HashMap;
use std::path::Path;

use anyhow::{Result, anyhow};

use chrono::NaiveDate;

use crate::config::MeConfig;
use crate::domain::contact::{Field, FieldKind, NewContact};
use crate::error::UsageError;
use crate::interop::email::{self, Intro, Mailbox, Me};
use crate::store::{IntroPeople, IntroRecord, IntroReport};
use crate::text::sanitize;

/// The records to hand to the store, and what was decided before it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MailPlan {
    pub records: Vec<IntroRecord>,
    /// Mails the rules skipped: (number, reason).
    pub skipped: Vec<(usize, String)>,
    /// Dates taken as today (missing, or in the future).
    pub notes: Vec<String>,
    /// Per mail number: the others on it who were not chosen.
    pub also: HashMap<usize, Vec<String>>,
}

/// Why a file cannot be read as mail at all: one sentence, what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MailError {
    NoMe,
    NotMail,
}

impl MailError {
    pub fn message(&self, file: &str) -> String {
        match self {
            MailError::NoMe => "to read introductions from mail, ties needs to know your address: add `emails = [\"you@example.com\"]` under [me] in your config file (`ties paths` shows where it is)".to_string(),
            MailError::NotMail => format!(
                "{file} is not an email message or mbox (its first lines are not mail headers with a From); save the mail as .eml or export an mbox"
            ),
        }
    }
}

/// What a path is, in words, when it is not a regular file.
fn not_a_file(meta: &std::fs::Metadata) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let t = meta.file_type();
        if t.is_fifo() {
            return "a named pipe";
        }
        if t.is_char_device() || t.is_block_device() {
            return "a device";
        }
        if t.is_socket() {
            return "a socket";
        }
    }
    if meta.is_dir() {
        "a folder"
    } else {
        "not a regular file"
    }
}

/// Reads an import's input: a regular file (through links), or standard input for `-`,
/// never more than `max` bytes. Pipes, devices and folders are refused before they are
/// opened (opening a pipe with no writer would wait forever; `/dev/zero` never ends).
pub fn read_input(file: &Path, max: u64) -> Result<Vec<u8>> {
    use std::io::Read;
    let too_big = |what: String| {
        UsageError::new(format!(
            "{what} is larger than [import] max_bytes ({} MB); split it, or raise max_bytes in your config",
            max >> 20
        ))
    };
    if file.as_os_str() == "-" {
        let mut bytes = Vec::new();
        std::io::stdin()
            .lock()
            .take(max.saturating_add(1))
            .read_to_end(&mut bytes)
            .map_err(|e| anyhow!("cannot read standard input: {e}"))?;
        if bytes.len() as u64 > max {
            return Err(too_big("standard input".into()).into());
        }
        return Ok(bytes);
    }
    let meta = std::fs::metadata(file).map_err(|e| unreadable(file, &e))?;
    if !meta.is_file() {
        return Err(UsageError::new(format!(
            "{} is {}, not a file; save what you want to import to a file (or pipe it to `ties import -`)",
            file.display(),
            not_a_file(&meta)
        ))
        .into());
    }
    if meta.len() > max {
        return Err(too_big(file.display().to_string()).into());
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    std::fs::File::open(file)
        .and_then(|f| f.take(max.saturating_add(1)).read_to_end(&mut bytes))
        .map_err(|e| unreadable(file, &e))?;
    if bytes.len() as u64 > max {
        // It grew while we read it.
        return Err(too_big(file.display().to_string()).into());
    }
    Ok(bytes)
}

/// Why a file cannot be read, in words: "there is no file …", not "os error 2".
fn unreadable(file: &Path, e: &std::io::Error) -> anyhow::Error {
    use std::io::ErrorKind as K;
    let p = file.display();
    match e.kind() {
        K::NotFound => anyhow!("there is no file {p}; check the path"),
        K::PermissionDenied => {
            anyhow!("{p} cannot be read (permission denied); check its owner and mode")
        }
        _ => anyhow!("cannot read {p}: {e}; check the path"),
    }
}

/// Reads the mails in `bytes` and applies the rules of [`email::plan`] with `me`.
pub fn plan_mail(
    bytes: &[u8],
    me: &MeConfig,
    today: NaiveDate,
) -> std::result::Result<MailPlan, MailError> {
    let me = Me::new(&me.emails);
    if me.is_empty() {
        return Err(MailError::NoMe);
    }
    let (mails, unreadable) = email::parse(bytes);
    if mails.iter().all(|m| m.from.is_none()) && !email::looks_like_mail(bytes) {
        return Err(MailError::NotMail);
    }
    let (intros, skipped) = email::plan(mails, &me);
    let mut plan = MailPlan {
        skipped: unreadable
            .into_iter()
            .chain(skipped)
            .map(|s| (s.record, s.reason))
            .collect(),
        ..MailPlan::default()
    };
    for i in intros {
        let label = i.mail.label();
        let date = match i.mail.date {
            Some(d) if d <= today => d,
            Some(d) => {
                plan.notes.push(format!(
                    "{label} is dated {d}, in the future: recorded as today"
                ));
                today
            }
            None => {
                plan.notes
                    .push(format!("{label} has no Date header: recorded as today"));
                today
            }
        };
        if !i.also.is_empty() {
            plan.also.insert(
                i.mail.number,
                i.also.iter().map(|m| m.email.clone()).collect(),
            );
        }
        let people = match &i.intro {
            Intro::Received { by, person } => IntroPeople::Received {
                by: record_of(by),
                person: record_of(person),
            },
            Intro::Given { person, recipient } => IntroPeople::Given {
                person: record_of(person),
                recipient: record_of(recipient),
            },
        };
        plan.records.push(IntroRecord {
            number: i.mail.number,
            label,
            message_id: i.mail.message_id,
            date,
            note: i.mail.subject,
            thread: i.mail.thread,
            is_reply: i.mail.is_reply,
            people,
        });
    }
    Ok(plan)
}

fn record_of(m: &Mailbox) -> NewContact {
    NewContact {
        name: m.contact_name(),
        fields: vec![Field {
            kind: FieldKind::Email,
            label: None,
            value: m.email.clone(),
        }],
        ..NewContact::default()
    }
}

/// The store's report with the plan's skips merged in, in file order.
pub fn finish(mut report: IntroReport, plan: &MailPlan) -> IntroReport {
    report.skipped.extend(plan.skipped.iter().cloned());
    report.skipped.sort_by_key(|s| s.0);
    report
}

/// The import in words: a summary line first, then one line per introduction (with its
/// subject and who else was on it), new contacts, notes and skips. Terminal-safe.
pub fn describe(report: &IntroReport, plan: &MailPlan, dry_run: bool) -> Vec<String> {
    let plural = |n: usize| if n == 1 { "" } else { "s" };
    let mut people = format!(
        "{} new contact{}",
        report.created.len(),
        plural(report.created.len())
    );
    if !report.updated.is_empty() {
        people.push_str(&format!(", {} with a new address", report.updated.len()));
    }
    let verb = if dry_run { "Would record" } else { "Recorded" };
    let mut out = vec![format!(
        "{verb} {} introduction{} (email-intro referrals); {people}; {} mail{} skipped.",
        report.recorded.len(),
        plural(report.recorded.len()),
        report.skipped.len(),
        plural(report.skipped.len())
    )];
    for r in &report.recorded {
        let what = match (&r.referrer, &r.recipient) {
            (Some(by), _) => format!("{} introduced {} to you", sanitize(by), sanitize(&r.person)),
            (None, Some(to)) => {
                format!("you introduced {} to {}", sanitize(&r.person), sanitize(to))
            }
            (None, None) => sanitize(&r.person).into_owned(),
        };
        let id = r
            .referral_id
            .map(|id| format!(" (referral #{id})"))
            .unwrap_or_default();
        out.push(format!("  {}  {what}{id}", r.date));
        if let Some(note) = &r.note {
            out.push(format!("              \"{}\"", sanitize(note)));
        }
        if let Some(others) = plan.also.get(&r.number) {
            out.push(format!(
                "              also on it, not recorded: {}",
                sanitize(&others.join(", "))
            ));
        }
    }
    for n in &report.created {
        out.push(format!("  new contact {}", sanitize(n)));
    }
    for n in &report.updated {
        out.push(format!("  new address for {}", sanitize(n)));
    }
    for note in &plan.notes {
        out.push(format!("  note    {}", sanitize(note)));
    }
    for (_, why) in &report.skipped {
        out.push(format!("  skip    {}", sanitize(why)));
    }
    out
}
