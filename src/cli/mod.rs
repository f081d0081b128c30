//! The command line: clap definitions, the shared context (store, config, today),
//! and dispatch to the command handlers. Prints text or one JSON document.
//!
//! May import everything below it (`domain`, `store`, `config`, `text`, `error`).

/// `println!` that returns an error instead of panicking when stdout is closed
/// (`ties list | head`); `main` treats a broken pipe as a quiet exit.
macro_rules! outln {
    () => {{
        $crate::cli::sink::emit(format_args!(""), true)?
    }};
    ($($t:tt)*) => {{
        $crate::cli::sink::emit(format_args!($($t)*), true)?
    }};
}

/// `print!` counterpart of [`outln!`].
macro_rules! out {
    ($($t:tt)*) => {{
        $crate::cli::sink::emit(format_args!($($t)*), false)?
    }};
}

/// Where command output goes: standard output, or a buffer while the interface's
/// command line runs a command (the terminal belongs to the interface then).
pub(crate) mod sink {
    use std::cell::RefCell;
    use std::io::Write as _;

    thread_local! {
        static CAPTURE: RefCell<Option<Vec<u8>>> = const { RefCell::new(None) };
    }

    pub(crate) fn emit(args: std::fmt::Arguments<'_>, newline: bool) -> std::io::Result<()> {
        let captured = CAPTURE.with(|c| {
            c.borrow_mut().as_mut().map(|buf| {
                let _ = buf.write_fmt(args);
                if newline {
                    buf.push(b'\n');
                }
            })
        });
        if captured.is_some() {
            return Ok(());
        }
        let mut out = std::io::stdout().lock();
        out.write_fmt(args)?;
        if newline {
            out.write_all(b"\n")?;
        }
        Ok(())
    }

    /// Whether output is being captured (progress on stderr is then left out too).
    pub(crate) fn capturing() -> bool {
        CAPTURE.with(|c| c.borrow().is_some())
    }

    /// Runs `f` with its output captured; returns what it printed.
    pub(crate) fn capture<T>(f: impl FnOnce() -> T) -> (T, String) {
        CAPTURE.with(|c| *c.borrow_mut() = Some(Vec::new()));
        let out = f();
        let buf = CAPTURE.with(|c| c.borrow_mut().take()).unwrap_or_default();
        (out, String::from_utf8_lossy(&buf).into_owned())
    }
}

mod args;
mod check;
mod contacts;
mod data;
mod line;
pub use line::{LineOutcome, command_names, run_line};
mod output;
mod portability;
mod referrals;
mod review;
mod scores;
mod sync;

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use chrono::NaiveDate;
use clap::Parser;

pub use args::{Cli, Command};

use crate::config::Config;
use crate::domain::contact::{self, Resolution};
use crate::error::{UsageError, exit_code};
use crate::store::Store;
use crate::text::sanitize;

/// Entry point used by `main`: never panics on bad input, never prints a backtrace.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            // Help and version go to stdout with 0; usage errors to stderr with 2. The
            // text quotes the arguments: sanitized, so an escape sequence in one is shown,
            // not sent to the terminal.
            let text = crate::text::sanitize_multiline(&e.render().to_string());
            if e.use_stderr() {
                let _ = write!(std::io::stderr(), "{text}");
                return ExitCode::from(2);
            }
            let _ = write!(std::io::stdout(), "{text}");
            return ExitCode::SUCCESS;
        }
    };
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            let _ = writeln!(std::io::stderr(), "error: {}", one_line(&e));
            ExitCode::from(exit_code(&e))
        }
    }
}

/// Drops a large value (a whole book, its ranking) on a thread of its own. Freeing a
/// hundred thousand contacts' strings takes tens of milliseconds the answer does not
/// need to wait for: a command that is done returns at once (and when the process exits
/// first, the operating system takes the memory back whole). When no thread can be
/// made, the failed spawn drops the value here.
pub(crate) fn discard<T: Send + 'static>(value: T) {
    let _ = std::thread::Builder::new().spawn(move || drop(value));
}

/// The reader of our output went away (`ties list | head`): not an error worth a word.
fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// The error and its causes as one line (a cause already quoted in the message is not repeated).
fn one_line(e: &anyhow::Error) -> String {
    let mut msg = e.to_string();
    for cause in e.chain().skip(1) {
        let c = cause.to_string();
        if !msg.contains(&c) {
            msg.push_str(": ");
            msg.push_str(&c);
        }
    }
    sanitize(&msg).into_owned()
}

/// Where things live: the database and config file paths in effect.
pub struct Paths {
    pub db: PathBuf,
    pub config: PathBuf,
    pub config_required: bool,
    pub data_dir: Option<PathBuf>,
}

impl Paths {
    pub fn resolve(cli: &Cli) -> Result<Paths> {
        let dirs = directories::ProjectDirs::from("", "", "ties");
        let data_dir = dirs.as_ref().map(|d| d.data_dir().to_path_buf());
        let db = match (&cli.db, &data_dir) {
            (Some(p), _) => follow_link(p)?,
            (None, Some(d)) => d.join("ties.db"),
            (None, None) => {
                return Err(UsageError::new(
                    "cannot find a home folder for the data; pass --db PATH or set TIES_DB",
                )
                .into());
            }
        };
        let (config, config_required) = match (&cli.config, &dirs) {
            (Some(p), _) => (p.clone(), true),
            (None, Some(d)) => (d.config_dir().join("config.toml"), false),
            (None, None) => (PathBuf::from("config.toml"), false),
        };
        Ok(Paths {
            db,
            config,
            config_required,
            data_dir,
        })
    }
}

/// A `--db` that is a symbolic link names the file it points to: reads, writes, backups
/// beside it and a restore all act on the real database, and a restore never replaces
/// the link with a file of its own.
fn follow_link(path: &std::path::Path) -> Result<PathBuf> {
    let is_link = std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
    if !is_link {
        return Ok(path.to_path_buf());
    }
    std::fs::canonicalize(path).map_err(|_| {
        let to = std::fs::read_link(path)
            .map(|t| t.display().to_string())
            .unwrap_or_else(|_| "?".into());
        UsageError::new(format!(
            "{} is a link to {to}, which does not exist; fix the link, or point --db at your ties.db",
            path.display()
        ))
        .into()
    })
}

/// What every command handler works with.
pub struct Ctx<'s> {
    /// Borrowed: the interface's command line runs commands on the store it has open.
    pub store: &'s mut Store,
    pub config: Config,
    pub today: NaiveDate,
    pub json: bool,
}

impl Ctx<'_> {
    /// Resolves a typed contact reference (`#12`, `12`, a name, a unique fragment).
    ///
    /// The trigram index finds the candidates; only a reference that matches nobody reads
    /// every name, for "did you mean".
    pub fn resolve(&self, query: &str) -> Result<i64> {
        let found = match self.store.name_candidates(query)? {
            Some(candidates) => match contact::resolve(query, &candidates) {
                Resolution::NotFound(_) => None,
                r => Some(r),
            },
            None => None,
        };
        let r = match found {
            Some(r) => r,
            None => contact::resolve(query, &self.store.name_entries()?),
        };
        match r {
            Resolution::Found(id) => Ok(id),
            other => Err(resolution_error(query, other)),
        }
    }

    /// Parses an optional `--on` date for something that happened: default today, never the future.
    pub fn past_date(&self, on: Option<&str>) -> Result<NaiveDate> {
        match on {
            None => Ok(self.today),
            Some(s) => Ok(
                crate::domain::date::parse_past_date(s, self.today).map_err(UsageError::from)?
            ),
        }
    }
}

/// The one-sentence error for a reference that did not resolve to one contact.
pub(crate) fn resolution_error(query: &str, r: Resolution) -> anyhow::Error {
    let q = sanitize(query);
    let quote = |e: &contact::NameEntry| format!("\"{}\" (#{})", sanitize(&e.name), e.id);
    let msg = match r {
        Resolution::Found(id) => format!("\"{q}\" is contact #{id}"),
        Resolution::Ambiguous(c) => {
            let list: Vec<String> = c.iter().take(8).map(quote).collect();
            let more = if c.len() > 8 {
                format!(" and {} more", c.len() - 8)
            } else {
                String::new()
            };
            let first = c.first().map_or(0, |e| e.id);
            format!(
                "\"{q}\" matches {} contacts: {}{more}; use the id, e.g. #{first}",
                c.len(),
                list.join(", ")
            )
        }
        Resolution::NotFound(c) if c.is_empty() => {
            format!("no contact matches \"{q}\"; see `ties list --search TEXT`")
        }
        Resolution::NotFound(c) => {
            let list: Vec<String> = c.iter().map(quote).collect();
            format!(
                "no contact matches \"{q}\"; did you mean {}?",
                list.join(" or ")
            )
        }
    };
    UsageError::new(msg).into()
}

fn run(cli: Cli) -> Result<()> {
    let paths = Paths::resolve(&cli)?;
    let today = match &cli.today {
        Some(s) => crate::domain::date::parse_date(s)
            .map_err(|e| UsageError::new(format!("--today: {e}")))?,
        None => chrono::Local::now().date_naive(),
    };
    let Some(command) = cli.command else {
        return tui(&cli, &paths, today);
    };
    if cli.demo {
        return Err(
            UsageError::new("--demo opens the terminal interface; leave out the command").into(),
        );
    }
    // Commands that need neither the database nor the user's config.
    match &command {
        Command::Paths => return output::paths(&paths, cli.json),
        Command::Completions { shell } => {
            let mut cmd = <Cli as clap::CommandFactory>::command();
            let mut out = Vec::new();
            clap_complete::generate(*shell, &mut cmd, "ties", &mut out);
            out!("{}", String::from_utf8_lossy(&out));
            return Ok(());
        }
        Command::Man => {
            out!("{}", args::man_page()?);
            return Ok(());
        }
        Command::Config { print_default } => {
            if *print_default {
                out!("{}", crate::config::DEFAULT_TOML);
                return Ok(());
            }
            return Err(UsageError::new("say what to do: `ties config --print-default`").into());
        }
        _ => {}
    }
    let config = Config::load(&paths.config, paths.config_required)?;
    if let Command::Restore { path } = &command {
        return data::restore(&paths, &config, path, cli.json);
    }
    let store = if command.opens_read_only() {
        Store::open_for_reading(&paths.db)
    } else if command.only_reads() {
        Store::open_existing(&paths.db)
    } else if !command.may_start_a_book() && !paths.db.exists() {
        Err(crate::store::StoreError::Missing {
            path: paths.db.clone(),
        })
    } else {
        Store::open(&paths.db)
    };
    let mut store = match store {
        Err(e @ crate::store::StoreError::Sqlite(_))
            if matches!(command, Command::Check { .. }) =>
        {
            return check::check_unopenable(&paths.db, e.into());
        }
        other => other?,
    };
    // A copy of the book a sync tool made beside it is named at every command, except
    // those that deal with it (merging it, or `sync --status`, which names it itself).
    let quiet = match &command {
        Command::Sync(a) => a.status || a.file.is_some(),
        _ => false,
    };
    let db_flag = match &cli.db {
        Some(db) => format!("--db \"{}\" ", sanitize(&db.display().to_string())),
        None => String::new(),
    };
    for copy in store.conflict_copies().iter().filter(|_| !quiet) {
        let copy = sanitize(&copy.display().to_string()).into_owned();
        eprintln!(
            "note: {copy} is a copy of this book a sync tool made; merge it with `ties {db_flag}sync --file \"{copy}\"`, then remove it"
        );
    }
    let mut ctx = Ctx {
        store: &mut store,
        config,
        today,
        json: cli.json,
    };
    // What `ties undo` will say it undid: the command as it was typed.
    ctx.store.describe(command_line());
    let db = paths.db.clone();
    dispatch(&mut ctx, command, paths.db).map_err(|e| name_the_book(e, &db))
}

/// The command line as typed, `ties` first, arguments with spaces quoted: the words an
/// undo names the change by.
fn command_line() -> String {
    let args: Vec<String> = std::env::args_os()
        .skip(1)
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    change_words(&args)
}

/// What a change is called: the command with its own arguments, without the options
/// that say where and how it ran (`--db`, `--config`, `--today`, `--json`,
/// `--no-color`), which would only crowd "Undid …".
fn change_words(args: &[String]) -> String {
    let mut words = vec!["ties".to_string()];
    let mut rest = args.iter();
    while let Some(a) = rest.next() {
        if a == "--" {
            words.extend(rest.map(|a| quoted(a)));
            break;
        }
        let option = a.split_once('=').map_or(a.as_str(), |(o, _)| o);
        match option {
            "--db" | "--config" | "--today" => {
                if !a.contains('=') {
                    rest.next();
                }
            }
            "--json" | "--no-color" => {}
            _ => words.push(quoted(a)),
        }
    }
    words.join(" ")
}

fn quoted(a: &str) -> String {
    if a.contains(' ') || a.is_empty() {
        format!("\"{a}\"")
    } else {
        a.to_string()
    }
}

/// A database error says which file it is about (the others already do).
fn name_the_book(e: anyhow::Error, db: &std::path::Path) -> anyhow::Error {
    match e.downcast_ref::<crate::store::StoreError>() {
        Some(crate::store::StoreError::Sqlite(_)) => e.context(db.display().to_string()),
        _ => e,
    }
}

/// `ties` without a command: the terminal interface on the configured database, or
/// with `--demo` on a throwaway demo database that is removed on exit.
fn tui(cli: &Cli, paths: &Paths, today: NaiveDate) -> Result<()> {
    crate::runtime::small_pages();
    let config = Config::load(&paths.config, paths.config_required)?;
    let keymap = crate::keymap::Keymap::from_config(&config.keys, &paths.config)?;
    let color = !cli.no_color && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    let demo_dir = if cli.demo {
        Some(tempfile::TempDir::with_prefix("ties-demo-")?)
    } else {
        None
    };
    let store = match &demo_dir {
        Some(dir) => {
            let mut store = Store::open(&dir.path().join("ties.db"))?;
            store.fill_demo(&crate::demo::generate(300, 1, today), today, false)?;
            store
        }
        // A read-only book opens read-only, with a banner, instead of refusing to start.
        None => match Store::open(&paths.db) {
            Err(crate::store::StoreError::ReadOnly { .. }) => Store::open_for_reading(&paths.db)?,
            other => other?,
        },
    };
    let mut session = crate::runtime::Session::new(store, config, keymap, color, today)?
        .with_config_path(paths.config.clone());
    session.app.demo = cli.demo;
    let result = crate::runtime::run(&mut session);
    // Close the database before its folder goes away.
    drop(session);
    drop(demo_dir);
    result
}

fn dispatch(ctx: &mut Ctx, command: Command, db: PathBuf) -> Result<()> {
    match command {
        Command::Add(a) => contacts::add(ctx, a),
        Command::Edit(a) => contacts::edit(ctx, a),
        Command::List(a) => contacts::list(ctx, a),
        Command::Show { contact } => contacts::show(ctx, &contact),
        Command::Archive { contact } => contacts::archive(ctx, &contact, true),
        Command::Unarchive { contact } => contacts::archive(ctx, &contact, false),
        Command::Merge {
            keep,
            other,
            drop_referrals,
        } => contacts::merge(ctx, &keep, &other, drop_referrals),
        Command::Log(a) => contacts::log(ctx, a),
        Command::Refer(a) => referrals::refer(ctx, a),
        Command::Referral(r) => referrals::referral(ctx, r),
        Command::Thank(a) => referrals::thank(ctx, a),
        Command::Inform(a) => referrals::inform(ctx, a),
        Command::Backup { path } => data::backup(ctx, &db, path),
        Command::Check { repair } => check::check(ctx, &db, repair),
        Command::Import {
            file,
            format,
            dry_run,
        } => portability::import(ctx, &file, format, dry_run),
        Command::Export {
            format,
            output,
            force,
        } => portability::export(ctx, format, output, force),
        Command::Score { contact } => scores::score(ctx, &contact),
        Command::Suggest { all } => scores::suggest(ctx, all),
        Command::Today { all, brief } => review::today(ctx, all, brief),
        Command::Done(a) => review::done(ctx, a),
        Command::LetGo { key } => review::let_go(ctx, &key),
        Command::Undo => data::undo(ctx, &db),
        Command::Snooze { key, days } => review::snooze(ctx, &key, days),
        Command::Snoozes => review::snoozes(ctx),
        Command::Unsnooze { key } => review::unsnooze(ctx, &key),
        Command::Chain { contact } => scores::chain(ctx, &contact),
        Command::Stats { since } => scores::stats(ctx, since.as_deref()),
        Command::Demo(a) => data::demo(ctx, &db, a),
        Command::Sync(a) => sync::sync(ctx, &db, a),
        Command::Paths
        | Command::Config { .. }
        | Command::Restore { .. }
        | Command::Completions { .. }
        | Command::Man => Ok(()),
    }
}
