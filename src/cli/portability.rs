//! Import and export: read a file, detect or take its format, hand the records to the
//! store in one transaction (or a rolled-back one for --dry-run), and report.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use anyhow::{Result, anyhow};
use serde_json::json;

use super::Ctx;
use super::output::print_json;
use crate::error::UsageError;
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
}

/// The formats `export` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportFormat {
    Vcard,
    Csv,
    Json,
}

fn detect(bytes: &[u8]) -> Option<FileFormat> {
    let text = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let start = text
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .map_or(&[][..], |i| &text[i..]);
    if start.starts_with(b"{") {
        return Some(FileFormat::Json);
    }
    None
}

pub fn import(ctx: &mut Ctx, file: &Path, format: Option<FileFormat>, dry_run: bool) -> Result<()> {
    let bytes = std::fs::read(file)
        .map_err(|e| anyhow!("cannot read {}: {e}; check the path", file.display()))?;
    if bytes.is_empty() {
        return Err(
            UsageError::new(format!("{} is empty; nothing to import", file.display())).into(),
        );
    }
    let format = match format.or_else(|| detect(&bytes)) {
        Some(f) => f,
        None => {
            return Err(UsageError::new(format!(
                "cannot tell the format of {}; pass --format vcard, google-csv, linkedin-csv or json",
                file.display()
            ))
            .into());
        }
    };
    let progress = std::io::stderr().is_terminal() && bytes.len() > 1 << 20;
    if progress {
        eprint!("importing {} ({} MB)…\r", file.display(), bytes.len() >> 20);
    }
    let report = match format {
        FileFormat::Json => {
            let text = std::str::from_utf8(&bytes).map_err(|_| {
                UsageError::new(format!(
                    "{} is not UTF-8 text, so it is not a ties JSON export",
                    file.display()
                ))
            })?;
            let doc = Document::parse(text).map_err(|e| UsageError::new(e.to_string()))?;
            ctx.store.import_document(&doc, dry_run)?
        }
        other => {
            return Err(UsageError::new(format!(
                "importing {other:?} files is not available in this build; use --format json"
            ))
            .into());
        }
    };
    if progress {
        eprint!("{:60}\r", "");
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

pub fn export(ctx: &mut Ctx, format: ExportFormat, out: Option<PathBuf>) -> Result<()> {
    let text = match format {
        ExportFormat::Json => ctx.store.export_document()?.to_json(),
        other => {
            return Err(UsageError::new(format!(
                "exporting {other:?} is not available in this build; use --format json"
            ))
            .into());
        }
    };
    match out {
        None => out!("{text}"),
        Some(path) => {
            write_atomically(&path, text.as_bytes())?;
            if !ctx.json {
                eprintln!("Wrote {}.", path.display());
            }
        }
    }
    Ok(())
}

/// Writes to a temporary file beside `path`, then renames it into place.
fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
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
        // An export holds the whole CRM: private to the user, like the database.
        let mut o = std::fs::OpenOptions::new();
        o.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut o, 0o600);
        let mut f = o.open(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result.map_err(|e| {
        anyhow!(
            "cannot write {}: {e}; check the folder exists and is writable",
            path.display()
        )
    })
}
