//! The interface's command line (`:`): a line typed there runs as a `ties` command on
//! the open book, with the CLI's own grammar and handlers; and the names it completes.

use chrono::NaiveDate;
use clap::Parser;

use super::{Cli, Command, Ctx, dispatch, one_line, sink};
use crate::config::Config;
use crate::store::Store;

/// What a command typed into the interface's command line did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LineOutcome {
    /// What it printed (help text, a list, a confirmation).
    pub output: String,
    /// Why it failed: one sentence.
    pub error: Option<String>,
    /// It may have changed the book: the interface reloads.
    pub wrote: bool,
}

/// Runs one command line typed into the interface (`log sam call --label catch-up`,
/// without the leading `ties`): split like a shell would, parsed by the CLI's own clap
/// definitions, run by the same handlers on the interface's `store`, output captured.
/// Commands that would take the terminal, replace the book or read standard input are
/// refused with what to do instead.
pub fn run_line(
    store: &mut Store,
    config: &Config,
    today: NaiveDate,
    db: &std::path::Path,
    line: &str,
) -> LineOutcome {
    let fail = |msg: &str| LineOutcome {
        error: Some(msg.to_string()),
        ..LineOutcome::default()
    };
    let Some(mut words) = shlex::split(line) else {
        return fail("a quote is not closed; close it and press Enter again");
    };
    if words.first().is_some_and(|w| w == "ties") {
        words.remove(0);
    }
    if words.is_empty() {
        return fail("type a command, e.g. log sam call (Tab completes commands and names)");
    }
    if let Some(w) = words.iter().find(|w| {
        ["--db", "--config", "--today", "--demo"]
            .iter()
            .any(|f| *w == f || w.starts_with(&format!("{f}=")))
    }) {
        let flag = w.split('=').next().unwrap_or(w);
        return fail(&format!(
            "{flag} is not available here: the command line acts on the book that is open; run `ties {flag} …` in a shell"
        ));
    }
    let cli = match Cli::try_parse_from(std::iter::once("ties".to_string()).chain(words)) {
        Ok(cli) => cli,
        Err(e) => {
            let text = crate::text::sanitize_multiline(&e.render().to_string());
            if !e.use_stderr() {
                return LineOutcome {
                    output: text,
                    ..LineOutcome::default()
                };
            }
            let mut msg = clap_error_line(&text);
            // clap suggests only close spellings; a swapped letter ("lgo") gets one too.
            if e.kind() == clap::error::ErrorKind::InvalidSubcommand
                && !text.contains("tip:")
                && let Some(first) = line.split_whitespace().find(|w| *w != "ties")
                && let Some(near) = command_names()
                    .into_iter()
                    .map(|c| c.name)
                    .filter(|n| strsim::damerau_levenshtein(n, first) <= 2)
                    .min_by_key(|n| strsim::damerau_levenshtein(n, first))
            {
                msg.push_str(&format!("; did you mean `{near}`?"));
            } else if e.kind() == clap::error::ErrorKind::InvalidSubcommand {
                msg.push_str("; `help` lists the commands");
            }
            return fail(&msg);
        }
    };
    let Some(command) = cli.command else {
        return fail("type a command after the options, e.g. list --search hart");
    };
    let refused = match &command {
        Command::Demo(_) => Some("demo fills a book of its own"),
        Command::Restore { .. } => Some("restore replaces the open book"),
        Command::Completions { .. } | Command::Man | Command::Config { .. } | Command::Paths => {
            Some("it prints for a shell")
        }
        Command::Import { file, .. } if file.as_os_str() == "-" => {
            Some("standard input belongs to the interface")
        }
        _ => None,
    };
    if let Some(why) = refused {
        return fail(&format!(
            "not here: {why}; run `ties {}` in a shell",
            line.trim().trim_start_matches("ties ").trim()
        ));
    }
    let wrote = !command.only_reads();
    store.describe(format!("ties {}", line.trim()));
    let mut ctx = Ctx {
        store,
        config: config.clone(),
        today,
        json: cli.json,
    };
    let (result, output) = sink::capture(|| dispatch(&mut ctx, command, db.to_path_buf()));
    LineOutcome {
        output,
        error: result.err().map(|e| one_line(&e)),
        wrote,
    }
}

/// The commands the interface's command line offers (and completes): every
/// subcommand but those it refuses, each with its own subcommands.
pub fn command_names() -> Vec<crate::app::CommandName> {
    let cmd = <Cli as clap::CommandFactory>::command();
    let refused = [
        "help",
        "demo",
        "restore",
        "completions",
        "man",
        "config",
        "paths",
    ];
    cmd.get_subcommands()
        .filter(|s| !refused.contains(&s.get_name()))
        .map(|s| crate::app::CommandName {
            name: s.get_name().to_string(),
            subcommands: s
                .get_subcommands()
                .filter(|n| n.get_name() != "help")
                .map(|n| n.get_name().to_string())
                .collect(),
        })
        .collect()
}

/// A clap error as one line: its `error:` sentence and its tip, if any.
fn clap_error_line(text: &str) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut lines = text.lines().peekable();
    while let Some(raw) = lines.next() {
        let l = raw.trim();
        if let Some(e) = l.strip_prefix("error: ") {
            let mut e = e.to_string();
            // "the following required arguments were not provided:" names them on the
            // indented lines after it.
            if e.ends_with(':') {
                let mut named = Vec::new();
                while let Some(next) = lines.next_if(|n| n.starts_with("  ")) {
                    named.push(next.trim().to_string());
                }
                if !named.is_empty() {
                    e = format!("{e} {}", named.join(", "));
                }
            }
            parts.push(e);
        } else if let Some(t) = l.strip_prefix("tip: ") {
            parts.push(t.to_string());
        }
    }
    if parts.is_empty() {
        text.lines().next().unwrap_or_default().to_string()
    } else {
        parts.join("; ")
    }
}
