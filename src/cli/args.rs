//! clap definitions: the command-line contract of DESIGN.md §3.

use std::path::PathBuf;

use clap::{ArgGroup, Args, Parser, Subcommand};

use crate::domain::contact::Circle;
use crate::domain::interaction::{Channel, Direction, InteractionKind, Reward};
use crate::domain::referral::{Quality, Status};

#[derive(Debug, Parser)]
#[command(
    name = "ties",
    version,
    about = "A local-first terminal CRM for people whose business grows by word of mouth",
    after_help = "Without a command, ties opens its terminal interface. Dates are YYYY-MM-DD.\nCONTACT is #12 or 12 (an id), an exact name, or a unique part of a name."
)]
pub struct Cli {
    /// Database file [default: the data folder's ties.db; see `ties paths`]
    #[arg(long, global = true, env = "TIES_DB", value_name = "PATH")]
    pub db: Option<PathBuf>,
    /// Config file [default: the config folder's config.toml]
    #[arg(long, global = true, env = "TIES_CONFIG", value_name = "PATH")]
    pub config: Option<PathBuf>,
    /// Take this date as today, for every computation
    #[arg(long, global = true, env = "TIES_TODAY", value_name = "YYYY-MM-DD")]
    pub today: Option<String>,
    /// No colours (also: NO_COLOR set to anything)
    #[arg(long, global = true)]
    pub no_color: bool,
    /// Print one JSON document instead of text
    #[arg(long, global = true)]
    pub json: bool,
    /// Open the terminal interface on a throwaway demo database
    #[arg(long)]
    pub demo: bool,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Add a contact
    Add(AddArgs),
    /// Edit a contact
    Edit(EditArgs),
    /// List contacts
    List(ListArgs),
    /// Show a contact: fields, strength, referrals and timeline
    Show { contact: String },
    /// Archive a contact (hidden from lists and suggestions; nothing is deleted)
    Archive { contact: String },
    /// Bring an archived contact back
    Unarchive { contact: String },
    /// Merge OTHER into KEEP: every interaction, referral, field and tag moves to KEEP
    Merge {
        keep: String,
        other: String,
        /// Delete a referral between the two (one referred the other) instead of refusing
        #[arg(long)]
        drop_referrals: bool,
    },
    /// Log an interaction: meeting, call, message, job, praise, gift, extra, thanks, update, ask, complaint
    Log(LogArgs),
    /// Record a referral: PERSON referred to you --by someone, or by you --to someone
    Refer(ReferArgs),
    /// Referral pipeline: list, status
    #[command(subcommand)]
    Referral(ReferralCommand),
    /// Thank the referrer of a referral (logs `thanks` on them, linked to it)
    Thank(ThankArgs),
    /// Tell the referrer how a referral is going (logs `update` on them, linked to it)
    Inform(InformArgs),
    /// Relationship strength, reciprocity and ask readiness of a contact
    Score { contact: String },
    /// Whom to ask for an introduction, and why (default: ask now only)
    Suggest {
        /// Everyone, grouped by status: who is waiting and why
        #[arg(long)]
        all: bool,
    },
    /// The daily review: whom to thank, update, follow up, ask, and why
    Today {
        /// Every item due, not only the day's bounded review
        #[arg(long, conflicts_with = "brief")]
        all: bool,
        /// One line for a shell prompt: "ties: 2 thanks · 1 ask · 3 more"
        #[arg(long)]
        brief: bool,
    },
    /// Record a review item as done (KEY as `ties today` shows it)
    Done(DoneArgs),
    /// Undo the most recent change made by any ties command (or the interface)
    Undo,
    /// Let a stale review item go: it is not offered again until something new happens
    LetGo {
        /// The item's key, as `ties today --all` prints it
        key: String,
    },
    /// Hide a review item for DAYS days (KEY as `ties today` shows it)
    Snooze { key: String, days: u32 },
    /// The review items snoozed now: key, contact, until
    Snoozes,
    /// End a snooze: the item is back in today's review (if it is still due)
    Unsnooze { key: String },
    /// Referral insights: what converts, who sends it, the flow both ways
    Stats {
        /// Count only referrals referred on or after DATE
        #[arg(long, value_name = "DATE")]
        since: Option<String>,
    },
    /// The referral chain a contact belongs to, with first- and last-touch value
    Chain { contact: String },
    /// Import contacts (vCard, Google or LinkedIn CSV) or a ties JSON export
    Import {
        /// A file, or `-` for standard input
        file: PathBuf,
        /// Detected from the content when omitted
        #[arg(long, value_enum)]
        format: Option<super::portability::FileFormat>,
        /// Show what would be created, updated and skipped, and write nothing
        #[arg(long)]
        dry_run: bool,
    },
    /// Export everything: vCard 4.0, Google Contacts CSV, or lossless JSON
    Export {
        #[arg(long, value_enum, default_value = "json")]
        format: super::portability::ExportFormat,
        /// Write to FILE instead of standard output
        #[arg(short = 'o', long = "output", value_name = "FILE")]
        output: Option<PathBuf>,
        /// Replace FILE even when it is read-only, or write through it when it is a link
        #[arg(long)]
        force: bool,
    },
    /// Write a consistent copy of the database (default: the backups folder)
    Backup { path: Option<PathBuf> },
    /// Replace the database with a backup (the current one is backed up first)
    Restore { path: PathBuf },
    /// Check the database: integrity, foreign keys, search indexes, the scoring cache,
    /// schema version, row counts; say what is damaged and what fixes it
    Check {
        /// Fix damaged indexes, the scoring cache and rows that point at nothing, after a
        /// backup
        #[arg(long)]
        repair: bool,
    },
    /// Fill the database with deterministic demo data (also the benchmark data generator)
    Demo(DemoArgs),
    /// Two machines, one book: merge through a folder your sync tool shares
    Sync(super::sync::SyncArgs),
    /// Print where the database and config live
    Paths,
    /// Print a shell completion script: bash, zsh, fish, elvish or powershell
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff), every subcommand included
    Man,
    /// Configuration
    Config {
        /// Print the documented default configuration
        #[arg(long)]
        print_default: bool,
    },
}

#[derive(Debug, Args, Default)]
pub struct ContactFlags {
    #[arg(long, value_name = "C")]
    pub company: Option<String>,
    #[arg(long, value_name = "T")]
    pub title: Option<String>,
    /// Repeatable
    #[arg(long, value_name = "E")]
    pub email: Vec<String>,
    /// Repeatable
    #[arg(long, value_name = "P")]
    pub phone: Vec<String>,
    /// Repeatable
    #[arg(long, value_name = "URL")]
    pub url: Vec<String>,
    /// Repeatable
    #[arg(long, value_name = "ADDRESS")]
    pub address: Vec<String>,
    /// Repeatable
    #[arg(long, value_name = "T")]
    pub tag: Vec<String>,
    /// client, prospect, partner, friend, family or other
    #[arg(long, value_name = "C")]
    pub circle: Option<Circle>,
    #[arg(long, value_name = "TEXT")]
    pub how_met: Option<String>,
    #[arg(long, value_name = "TEXT")]
    pub note: Option<String>,
    /// Keep-in-touch cadence in days (edit: 0 clears it)
    #[arg(long, value_name = "DAYS")]
    pub cadence: Option<u32>,
    /// MM-DD or YYYY-MM-DD (edit: replaces the birthday; "none" removes it)
    #[arg(long, value_name = "DATE")]
    pub birthday: Option<String>,
    /// Your sense of closeness, 1 (distant) to 5 (closest) (edit: 0 clears it)
    #[arg(long, value_name = "N")]
    pub closeness: Option<u8>,
    /// Never suggest asking this person for referrals
    #[arg(long)]
    pub do_not_ask: bool,
}

#[derive(Debug, Args)]
pub struct AddArgs {
    pub name: String,
    #[command(flatten)]
    pub flags: ContactFlags,
}

#[derive(Debug, Args)]
pub struct EditArgs {
    pub contact: String,
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,
    #[command(flatten)]
    pub flags: ContactFlags,
    /// Allow asking this person again (undoes --do-not-ask)
    #[arg(long, conflicts_with = "do_not_ask")]
    pub allow_ask: bool,
    /// Remove a tag (repeatable)
    #[arg(long, value_name = "T")]
    pub remove_tag: Vec<String>,
    /// Remove an email, phone, url or address by its value (repeatable)
    #[arg(long, value_name = "VALUE")]
    pub remove_field: Vec<String>,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    #[arg(long, value_name = "T")]
    pub tag: Option<String>,
    #[arg(long, value_name = "C")]
    pub circle: Option<Circle>,
    /// Part of a name, company, title, email, phone or tag
    #[arg(long, value_name = "Q")]
    pub search: Option<String>,
    /// List archived contacts instead
    #[arg(long)]
    pub archived: bool,
}

#[derive(Debug, Args)]
pub struct LogArgs {
    pub contact: String,
    pub kind: InteractionKind,
    /// When it happened [default: today]
    #[arg(long, value_name = "DATE")]
    pub on: Option<String>,
    /// For messages: in (they wrote), out (you wrote), both
    #[arg(long, value_name = "in|out|both")]
    pub dir: Option<Direction>,
    /// What it was about, e.g. "kitchen remodel"
    #[arg(long, value_name = "TEXT")]
    pub label: Option<String>,
    #[arg(long, value_name = "TEXT")]
    pub note: Option<String>,
    /// Link it to a referral
    #[arg(long, value_name = "ID")]
    pub referral: Option<i64>,
    /// For asks: in_person, call, video or message
    #[arg(long, value_name = "CHANNEL")]
    pub channel: Option<Channel>,
    /// For thanks: note, call, gift, meal, fee or referral_back
    #[arg(long = "with", value_name = "KIND")]
    pub reward: Option<Reward>,
    #[arg(long, value_name = "N", allow_negative_numbers = true)]
    pub amount: Option<f64>,
}

#[derive(Debug, Args)]
#[command(group(ArgGroup::new("side").required(true).args(["by", "to"])))]
pub struct ReferArgs {
    /// The person referred: #id, their exact name, email or phone; a new name is created
    pub person: String,
    /// PERSON is someone new, even though the name is part of another contact's
    #[arg(long)]
    pub new: bool,
    /// They referred PERSON to you
    #[arg(long, value_name = "REFERRER")]
    pub by: Option<String>,
    /// You referred PERSON to them
    #[arg(long, value_name = "RECIPIENT")]
    pub to: Option<String>,
    #[arg(long, value_name = "DATE")]
    pub on: Option<String>,
    /// name_only, permission, warm_handoff, email_intro or three_way_meeting [default: name_only]
    #[arg(long, value_name = "Q")]
    pub quality: Option<Quality>,
    #[arg(long, value_name = "TEXT")]
    pub note: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum ReferralCommand {
    /// List referrals, newest first
    List {
        /// Only open ones (not won or lost)
        #[arg(long)]
        open: bool,
    },
    /// Move a referral along its pipeline
    Status(StatusArgs),
    /// Delete a referral recorded by mistake (its thanks and updates stay, unlinked)
    Delete { id: i64 },
}

impl Command {
    /// Reads the book through a read-only connection. `check` only reads too, but
    /// SQLite runs a search index's own check only on a connection that may write.
    pub fn opens_read_only(&self) -> bool {
        self.only_reads() && !matches!(self, Command::Check { .. })
    }

    /// May be the first command on a new book, and create it: the others need people or
    /// items already there, and a mistyped `--db` must not leave an empty book behind.
    pub fn may_start_a_book(&self) -> bool {
        matches!(
            self,
            Command::Add(_)
                | Command::Refer(_)
                | Command::Import { .. }
                | Command::Demo(_)
                | Command::Sync(_)
        )
    }

    /// Only reads the book: never creates it, and works on a read-only file.
    pub fn only_reads(&self) -> bool {
        matches!(
            self,
            Command::List(_)
                | Command::Show { .. }
                | Command::Score { .. }
                | Command::Suggest { .. }
                | Command::Today { .. }
                | Command::Snoozes
                | Command::Stats { .. }
                | Command::Chain { .. }
                | Command::Export { .. }
                | Command::Check { repair: false }
                | Command::Backup { .. }
                | Command::Referral(ReferralCommand::List { .. })
        ) || matches!(self, Command::Sync(a) if a.status || a.conflicts)
    }
}

#[derive(Debug, Args)]
pub struct StatusArgs {
    pub id: i64,
    /// new, contacted, met, proposal, won, lost or dormant
    pub status: Status,
    #[arg(long, value_name = "DATE")]
    pub on: Option<String>,
    /// Required for won
    #[arg(long, value_name = "N", allow_negative_numbers = true)]
    pub value: Option<f64>,
    /// Required for lost
    #[arg(long, value_name = "TEXT")]
    pub reason: Option<String>,
    /// Allow leaving won or lost
    #[arg(long)]
    pub reopen: bool,
}

#[derive(Debug, Args)]
pub struct ThankArgs {
    pub id: i64,
    /// note, call, gift, meal, fee or referral_back
    #[arg(long = "with", value_name = "KIND")]
    pub reward: Option<Reward>,
    #[arg(long, value_name = "N", allow_negative_numbers = true)]
    pub amount: Option<f64>,
    #[arg(long, value_name = "DATE")]
    pub on: Option<String>,
}

#[derive(Debug, Args)]
pub struct DoneArgs {
    /// The item's key, as `ties today` prints it (e.g. thank:r12)
    pub key: String,
    /// When it was done [default: today]
    #[arg(long, value_name = "DATE")]
    pub on: Option<String>,
    /// A note on the interaction recorded
    #[arg(long, value_name = "TEXT")]
    pub note: Option<String>,
    /// A thank: note, call, gift, meal, fee or referral_back
    #[arg(long = "with", value_name = "W")]
    pub reward: Option<Reward>,
    /// A thank: what the gift, meal or fee cost
    #[arg(long, value_name = "N", allow_negative_numbers = true)]
    pub amount: Option<f64>,
    /// An ask: in_person, call, video or message [default: in_person]
    #[arg(long, value_name = "C")]
    pub channel: Option<Channel>,
    /// Keep in touch, follow up, occasion: call, meeting or message [default: call; a message for a follow-up]
    #[arg(long, value_name = "K")]
    pub kind: Option<InteractionKind>,
}

#[derive(Debug, Args)]
pub struct InformArgs {
    pub id: i64,
    #[arg(long, value_name = "DATE")]
    pub on: Option<String>,
    #[arg(long, value_name = "TEXT")]
    pub note: Option<String>,
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// How many contacts
    #[arg(long, value_name = "N", default_value_t = 300)]
    pub contacts: usize,
    /// The seed: the same seed and today give the same data
    #[arg(long, value_name = "S", default_value_t = 1)]
    pub seed: u64,
    /// Replace a non-empty database (it is backed up first)
    #[arg(long)]
    pub force: bool,
}

/// The manual page: `ties(1)`, then a section per subcommand (and per subcommand of
/// `referral`), each with its own synopsis and options.
pub(super) fn man_page() -> anyhow::Result<String> {
    let cmd = <Cli as clap::CommandFactory>::command();
    let mut out = Vec::new();
    clap_mangen::Man::new(cmd.clone()).render(&mut out)?;
    for sub in cmd.get_subcommands().filter(|s| s.get_name() != "help") {
        let name = format!("ties-{}", sub.get_name());
        let page = sub
            .clone()
            .name(name)
            .bin_name(format!("ties {}", sub.get_name()));
        let mut one = Vec::new();
        let man = clap_mangen::Man::new(page.clone());
        man.render_title(&mut one)?;
        man.render_name_section(&mut one)?;
        man.render_synopsis_section(&mut one)?;
        man.render_options_section(&mut one)?;
        // The title line of a subcommand's part is the page's own: keep only the sections.
        let text = String::from_utf8_lossy(&one).into_owned();
        out.extend(
            text.lines()
                .filter(|l| !l.starts_with(".TH"))
                .flat_map(|l| format!("{l}\n").into_bytes()),
        );
        for nested in page.get_subcommands().filter(|s| s.get_name() != "help") {
            let name = format!("ties-{}-{}", sub.get_name(), nested.get_name());
            let nested = nested.clone().name(name).bin_name(format!(
                "ties {} {}",
                sub.get_name(),
                nested.get_name()
            ));
            let man = clap_mangen::Man::new(nested);
            let mut one = Vec::new();
            man.render_name_section(&mut one)?;
            man.render_synopsis_section(&mut one)?;
            man.render_options_section(&mut one)?;
            out.extend(one);
        }
    }
    Ok(String::from_utf8_lossy(&out).into_owned())
}
