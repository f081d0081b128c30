//! Import and export: read a file, detect or take its format, hand the records to the
//! store in one transaction (or a rolled-back one for --dry-run), and report.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use anyhow::{Result, anyhow};
use serde_json::json;

use super::Ctx;
use super::output::print_json;
use std::collections::HashMap;

use crate::domain::contact::{Contact, NewContact, Shape};
use crate::domain::referral::Referral;
use crate::error::UsageError;
use crate::interop;
use crate::interop::json::Document;
use crate::store::ImportReport;
use crate::text::sanitize;

/// The formats `import` and `export` speak.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FileFormat {
    Vcard,
    GoogleCsv,
    LinkedinCsv,
    Json,
    /// An `.eml` message or an mbox: the introductions in it become referrals.
    Email,
}

/// The formats `export` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportFormat {
    Vcard,
    Csv,
    Json,
}

fn detect(bytes: &[u8]) -> Option<FileFormat> {
    Some(match interop::detect(bytes)? {
        interop::Format::Vcard => FileFormat::Vcard,
        interop::Format::GoogleCsv => FileFormat::GoogleCsv,
        interop::Format::LinkedinCsv => FileFormat::LinkedinCsv,
        interop::Format::Json => FileFormat::Json,
        interop::Format::Email => FileFormat::Email,
    })
}

/// Parsed contacts, the records the store imports; parser skips keep their reasons.
fn records(parsed: interop::Parsed) -> (Vec<NewContact>, Vec<(usize, String)>) {
    let skipped = parsed
        .skipped
        .into_iter()
        .map(|s| (s.record, s.reason))
        .collect();
    (parsed.contacts, skipped)
}

/// The user's own card (by `[me] name` or any `[me] emails` address) is not a contact:
/// it moves to the skipped records with the reason.
fn own_card_skipped(mut parsed: interop::Parsed, me: &crate::config::MeConfig) -> interop::Parsed {
    let addresses = interop::email::Me::new(&me.emails);
    let name = me.name.trim();
    if name.is_empty() && addresses.is_empty() {
        return parsed;
    }
    // Parsers number every record, kept or skipped: a contact's number is the next one
    // no skip took.
    let taken: std::collections::HashSet<usize> = parsed.skipped.iter().map(|s| s.record).collect();
    let mut numbers = (1..).filter(|n| !taken.contains(n));
    let mut kept = Vec::with_capacity(parsed.contacts.len());
    for c in std::mem::take(&mut parsed.contacts) {
        let record = numbers.next().unwrap_or(0);
        let is_me = (!name.is_empty() && c.name.trim().eq_ignore_ascii_case(name))
            || c.fields.iter().any(|f| {
                f.kind == crate::domain::contact::FieldKind::Email && addresses.is(&f.value)
            });
        if is_me {
            parsed.skipped.push(interop::Skipped {
                record,
                reason: format!(
                    "\"{}\" is your own card: it matches [me] in your config",
                    c.name
                ),
            });
        } else {
            kept.push(c);
        }
    }
    parsed.contacts = kept;
    parsed
}

/// `import` of an `.eml` or mbox: the introductions in it become referrals (quality
/// `email_intro`), by the rules of [`interop::email`].
fn import_email(ctx: &mut Ctx, file: &Path, bytes: &[u8], dry_run: bool) -> Result<()> {
    let plan = crate::intake::plan_mail(bytes, &ctx.config.me, ctx.today)
        .map_err(|e| UsageError::new(e.message(&file.display().to_string())))?;
    let report = ctx.store.import_intros(&plan.records, ctx.today, dry_run)?;
    let report = crate::intake::finish(report, &plan);
    if ctx.json {
        return print_json(&json!({
            "dry_run": dry_run,
            "format": "email",
            "created": report.created,
            "updated": report.updated,
            "unchanged": 0,
            "skipped": report.skipped.iter().map(|(n, why)| json!({"record": n, "reason": why})).collect::<Vec<_>>(),
            "referrals_created": report.recorded.len(),
            "interactions_created": 0,
            "referrals": report.recorded.iter().map(|r| json!({
                "message": r.number,
                "message_id": r.message_id,
                "date": r.date,
                "referral": r.referral_id,
                "referrer": r.referrer,
                "person": r.person,
                "recipient": r.recipient,
                "quality": "email_intro",
                "note": r.note,
                "also": plan.also.get(&r.number).cloned().unwrap_or_default(),
            })).collect::<Vec<_>>(),
            "notes": plan.notes,
        }));
    }
    for line in crate::intake::describe(&report, &plan, dry_run) {
        outln!("{line}");
    }
    if dry_run {
        outln!("Nothing was written (--dry-run).");
    }
    Ok(())
}

pub fn import(ctx: &mut Ctx, file: &Path, format: Option<FileFormat>, dry_run: bool) -> Result<()> {
    let bytes = crate::intake::read_input(file, ctx.config.import.max_bytes)?;
    if bytes.is_empty() {
        return Err(
            UsageError::new(format!("{} is empty; nothing to import", file.display())).into(),
        );
    }
    let format = match format.or_else(|| detect(&bytes)) {
        Some(f) => f,
        None => {
            return Err(UsageError::new(format!(
                "cannot tell the format of {}; pass --format vcard, google-csv, linkedin-csv, json or email",
                file.display()
            ))
            .into());
        }
    };
    if format == FileFormat::Email {
        return import_email(ctx, file, &bytes, dry_run);
    }
    // Progress on stderr, only for a person watching a large file go in.
    let progress =
        std::io::stderr().is_terminal() && !super::sink::capturing() && bytes.len() > 256 << 10;
    if progress {
        eprint!("{:<72}", format!("reading {} KB…", bytes.len() >> 10));
    }
    let mut show = |done: usize, total: usize| {
        if progress {
            eprint!("\r{:<72}", format!("importing {done} of {total} contacts…"));
        }
    };
    let report = match format {
        FileFormat::Json => {
            let text = std::str::from_utf8(&bytes).map_err(|_| {
                UsageError::new(format!(
                    "{} is not UTF-8 text, so it is not a ties JSON export",
                    file.display()
                ))
            })?;
            let doc = Document::parse(text).map_err(|e| UsageError::new(e.to_string()))?;
            doc.validate(ctx.today).map_err(|e| {
                UsageError::new(format!("{}: {e}; nothing was imported", file.display()))
            })?;
            ctx.store.import_document(&doc, dry_run)?
        }
        contacts_format => {
            let bad =
                |e: interop::InteropError| UsageError::new(format!("{}: {e}", file.display()));
            let parsed = match contacts_format {
                FileFormat::Vcard => {
                    interop::vcard::parse(&interop::decode_text(&bytes).map_err(bad)?)
                }
                FileFormat::GoogleCsv => interop::google_csv::parse(&bytes).map_err(bad)?,
                _ => interop::linkedin_csv::parse(&bytes).map_err(bad)?,
            };
            let (records, skipped) = records(own_card_skipped(parsed, &ctx.config.me));
            if records.is_empty() && skipped.is_empty() {
                return Err(UsageError::new(format!(
                    "{} holds no contacts; check that it is the right file",
                    file.display()
                ))
                .into());
            }
            let mut report = ctx
                .store
                .import_contacts(&records, ctx.today, dry_run, &mut show)?;
            report.skipped.extend(skipped);
            report.skipped.sort_by_key(|s| s.0);
            report
        }
    };
    if progress {
        eprint!("\r{:72}\r", "");
    }
    print_report(ctx, &report, dry_run)
}

fn print_report(ctx: &Ctx, r: &ImportReport, dry_run: bool) -> Result<()> {
    if ctx.json {
        return print_json(&json!({
            "dry_run": dry_run,
            "created": r.created,
            "updated": r.updated,
            "unchanged": r.unchanged,
            "skipped": r.skipped.iter().map(|(n, why)| json!({"record": n, "reason": why})).collect::<Vec<_>>(),
            "referrals_created": r.referrals_created,
            "interactions_created": r.interactions_created,
        }));
    }
    let verb = if dry_run { "Would create" } else { "Created" };
    outln!(
        "{verb} {} contact(s), update {} and leave {} unchanged; {} referral(s) and {} interaction(s) added; {} skipped.",
        r.created.len(),
        r.updated.len(),
        r.unchanged,
        r.referrals_created,
        r.interactions_created,
        r.skipped.len()
    );
    if dry_run {
        for n in &r.created {
            outln!("  create  {}", sanitize(n));
        }
        for n in &r.updated {
            outln!("  update  {}", sanitize(n));
        }
    }
    for (n, why) in &r.skipped {
        outln!("  skip    record {n}: {}", sanitize(why));
    }
    if dry_run {
        outln!("Nothing was written (--dry-run).");
    }
    Ok(())
}

pub fn export(
    ctx: &mut Ctx,
    format: ExportFormat,
    out: Option<PathBuf>,
    force: bool,
) -> Result<()> {
    let text = match format {
        ExportFormat::Json => ctx.store.export_document()?.to_json(),
        // Contacts only: no need to read every interaction as the JSON document does.
        ExportFormat::Vcard | ExportFormat::Csv => {
            let contacts = ctx.store.all_contacts(Shape::Whole)?;
            let extras = ctx.store.vcard_extras()?;
            let referred_by = referrers(&contacts, &ctx.store.referrals()?);
            let list: Vec<interop::ExportContact<'_>> = contacts
                .iter()
                .map(|c| interop::ExportContact {
                    contact: c,
                    referred_by: referred_by.get(&c.id).copied(),
                    vcard_extra: extras.get(&c.id).map(String::as_str),
                })
                .collect();
            if format == ExportFormat::Vcard {
                list.iter().map(interop::vcard::format).collect::<String>()
            } else {
                interop::google_csv::format(&list)
                    .map_err(|e| anyhow!("cannot write the CSV: {e}"))?
            }
        }
    };
    match out {
        None => out!("{text}"),
        Some(path) => {
            let wrote = write_output(&path, text.as_bytes(), force)?;
            if !ctx.json && wrote {
                if super::sink::capturing() {
                    outln!("Wrote {}.", path.display());
                } else {
                    eprintln!("Wrote {}.", path.display());
                }
            }
        }
    }
    Ok(())
}

/// Each contact's referrer name: the earliest received referral that brought them.
fn referrers<'a>(contacts: &'a [Contact], referrals: &[Referral]) -> HashMap<i64, &'a str> {
    let names: HashMap<i64, &str> = contacts.iter().map(|c| (c.id, c.name.as_str())).collect();
    let mut out = HashMap::new();
    for r in referrals {
        if let Some(by) = r.referrer_id.and_then(|b| names.get(&b)) {
            out.entry(r.person_id).or_insert(*by);
        }
    }
    out
}

/// Writes an export to `path`. A pipe, a device or `/dev/stdout` (anything that is not a
/// regular file, links followed) is written straight through and never replaced. A
/// regular file is replaced atomically, but a link to one, or a read-only one, only with
/// `force` (a link is then written through: its target is replaced). Returns whether a
/// file was written (false for a pipe or device).
fn write_output(path: &Path, bytes: &[u8], force: bool) -> Result<bool> {
    use std::io::Write as _;
    let link = std::fs::symlink_metadata(path)
        .map(|m| m.file_type().is_symlink())
        .unwrap_or(false);
    match std::fs::metadata(path) {
        Ok(meta) if !meta.is_file() => {
            if meta.is_dir() {
                return Err(UsageError::new(format!(
                    "{} is a folder; name a file to export to",
                    path.display()
                ))
                .into());
            }
            let mut f = std::fs::OpenOptions::new()
                .write(true)
                .open(path)
                .map_err(|e| anyhow!("cannot write to {}: {e}", path.display()))?;
            f.write_all(bytes)
                .and_then(|()| f.flush())
                .map_err(|e| anyhow!("cannot write to {}: {e}", path.display()))?;
            return Ok(false);
        }
        Ok(meta) => {
            if link && !force {
                return Err(UsageError::new(format!(
                    "{} is a link to another file; ties will not replace it: pass --force to write to what it points to, or name another file",
                    path.display()
                ))
                .into());
            }
            if meta.permissions().readonly() && !force {
                return Err(UsageError::new(format!(
                    "{} is read-only; pass --force to replace it, or name another file",
                    path.display()
                ))
                .into());
            }
        }
        Err(_) if link => {
            return Err(UsageError::new(format!(
                "{} is a link to a file that does not exist; name another file",
                path.display()
            ))
            .into());
        }
        Err(_) => {}
    }
    let target = if link {
        std::fs::canonicalize(path).map_err(|e| anyhow!("cannot follow {}: {e}", path.display()))?
    } else {
        path.to_path_buf()
    };
    write_atomically(&target, bytes).map_err(|e| {
        anyhow!(
            "cannot write {}: {e}; check the folder exists and is writable",
            target.display()
        )
    })?;
    Ok(true)
}

/// Writes `bytes` to `path` whole or not at all: a private temporary file beside it,
/// flushed to the disk, renamed over it, and the folder flushed. An export and a sync
/// file both hold the whole book, private to the user like the database.
pub(super) fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write as _;
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let tmp = dir.join(format!(
        ".{}.{}.tmp",
        path.file_name()
            .map_or("export".into(), |n| n.to_string_lossy()),
        std::process::id()
    ));
    let result = (|| -> std::io::Result<()> {
        let mut o = std::fs::OpenOptions::new();
        o.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut o, 0o600);
        let mut f = o.open(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)?;
        if let Ok(d) = std::fs::File::open(dir) {
            let _ = d.sync_all();
        }
        Ok(())
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}
