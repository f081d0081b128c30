//! What the runtime reports after performing an effect: facts (the rows a write
//! changed, what an undo undid, how many introductions an import recorded, a command's
//! output), never words. This room words every one of them for the status bar and asks
//! for a reload where the facts call for one ([`Effect::Reload`]).
//!
//! Pure: may import `domain` and the app's own modules.

use std::sync::Arc;

use super::effect::Effect;
use super::settle::{Anchor, settle};
use super::{App, Output};
use crate::domain::book::Change;

/// What performing an effect came to.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// A write committed: the rows it changed, and what the app called it.
    Wrote { changes: Vec<Change>, done: String },
    /// Two contacts were merged (the whole book is read again).
    Merged { done: String },
    /// The newest change in the journal was undone: what it was, and whether an older
    /// one is left to undo.
    Undone { what: String, more: bool },
    /// The journal was empty.
    NothingToUndo,
    /// A mail file's introductions were recorded.
    Imported { recorded: usize, created: usize },
    /// A line of the command line ran as a `ties` command.
    Ran {
        line: String,
        /// What it printed.
        output: String,
        /// Its one-sentence error, if it failed.
        error: Option<String>,
        /// Whether it changed the book.
        wrote: bool,
    },
    /// The ideal referral was saved to the config file.
    IdealReferralSaved(String),
    /// The session has no config file to save to.
    NoConfigFile,
    /// Another ties replaced the book's file (a restore): it is open again and read
    /// anew; `refused` says a write of this session was not made because of it.
    Replaced { refused: bool },
    /// Something failed.
    Failed { doing: Doing, error: String },
}

/// What was being done when something failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Doing {
    Save,
    Merge,
    Undo,
    Import,
    Reload,
    CheckForChanges,
    SaveConfig,
    ReadContact,
    /// Opening the file another ties put in place of the book, `refused` a write for it.
    Reopen {
        refused: bool,
    },
}

impl Doing {
    /// The message's start: what did not happen.
    fn words(self) -> &'static str {
        match self {
            Doing::Save | Doing::SaveConfig => "not saved",
            Doing::Merge => "not merged",
            Doing::Undo => "not undone",
            Doing::Import => "not imported",
            Doing::Reload => "could not reload",
            Doing::CheckForChanges => "could not check for changes",
            Doing::ReadContact => "could not read this contact whole",
            Doing::Reopen { refused: true } => {
                "not saved: the book was replaced meanwhile and could not be opened again"
            }
            Doing::Reopen { refused: false } => {
                "the book was replaced and could not be opened again"
            }
        }
    }
}

/// The most of an undone change's words the message quotes: with what follows them,
/// it fits an 80-column status bar.
const UNDONE_WIDTH: usize = 44;

/// Words an outcome, and asks for what follows from it.
pub(super) fn report(app: &mut App, outcome: Outcome) -> Vec<Effect> {
    match outcome {
        Outcome::Wrote { changes, done } => {
            let anchor = Anchor::of(app);
            // The runtime holds no other reference: this updates in place, no copy.
            Arc::make_mut(&mut app.data).update(changes, &app.config);
            settle(app, anchor);
            // A review in progress keeps its message ("3 of 11") in the pane itself.
            app.say(done);
            Vec::new()
        }
        Outcome::Merged { done } => reload_then(format!("{done} z undoes it.")),
        Outcome::Undone { what, more } => {
            let what = what.strip_prefix("Done: ").unwrap_or(&what);
            // Short enough for the status bar to keep what follows it.
            let what = what.trim_end_matches('.');
            let what = if what.chars().count() > UNDONE_WIDTH {
                let cut: String = what.chars().take(UNDONE_WIDTH - 1).collect();
                format!("{}…", cut.trim_end())
            } else {
                what.to_string()
            };
            reload_then(format!(
                "Undid “{}”{}",
                what,
                if more {
                    " (z: the one before)"
                } else {
                    "; nothing older to undo"
                }
            ))
        }
        Outcome::NothingToUndo => {
            app.warn("Nothing to undo.");
            Vec::new()
        }
        Outcome::Imported { recorded, created } => reload_then(format!(
            "Recorded {recorded} introduction{}, {created} new contact{} (z undoes it).",
            if recorded == 1 { "" } else { "s" },
            if created == 1 { "" } else { "s" },
        )),
        Outcome::Ran {
            line,
            output,
            error,
            wrote,
        } => {
            // The output's lines, trailing blank ones left out.
            let lines: Vec<String> = output.trim_end().lines().map(str::to_string).collect();
            let mut then = None;
            match (error, lines.len()) {
                // Too long for the status bar: read it whole.
                (Some(e), _) if e.chars().count() > 76 => {
                    app.overlay = Some(super::Overlay::Output {
                        output: Arc::new(Output {
                            title: format!("error · :{line}"),
                            lines: vec![e],
                        }),
                        scroll: 0,
                    });
                }
                (Some(e), _) => app.warn(e),
                (None, 0) => then = Some(format!("Done: {line}")),
                (None, 1) => then = Some(lines[0].trim().to_string()),
                (None, _) => {
                    app.overlay = Some(super::Overlay::Output {
                        output: Arc::new(Output {
                            title: format!(":{line}"),
                            lines,
                        }),
                        scroll: 0,
                    });
                }
            }
            if wrote {
                vec![Effect::Reload { then }]
            } else {
                if let Some(text) = then {
                    app.say(text);
                }
                Vec::new()
            }
        }
        Outcome::IdealReferralSaved(text) => {
            app.config.ask.ideal_referral = text;
            // The scripts say it: the ask cards are built again.
            Arc::make_mut(&mut app.data).update(Vec::new(), &app.config);
            app.say("Saved your ideal referral to your config file.");
            Vec::new()
        }
        Outcome::NoConfigFile => {
            app.warn("not saved: this session has no config file; set ideal_referral under [ask] in config.toml");
            Vec::new()
        }
        Outcome::Replaced { refused: true } => {
            app.warn("not saved: the book was replaced meanwhile (a restore?); it is reloaded, so do that again if you still want it");
            Vec::new()
        }
        Outcome::Replaced { refused: false } => {
            app.warn("The book was replaced by another ties (a restore?); showing the new one.");
            Vec::new()
        }
        Outcome::Failed { doing, error } => {
            app.warn(format!("{}: {error}", doing.words()));
            Vec::new()
        }
    }
}

/// Reads the book again, then says `text`.
fn reload_then(text: String) -> Vec<Effect> {
    vec![Effect::Reload { then: Some(text) }]
}
