//! The overlays: what sits on top of the pane (help, a form, a confirmation, the
//! command line, a command's output, the snooze and done choices) and the keys while
//! one is open.

use std::sync::Arc;

use chrono::NaiveDate;

use super::action::{MailPreview, Output};
use super::command::{self, CommandLine};
use super::effect::{Effect, Write};
use super::field::TextField;
use super::form::{self, Form};
use super::{App, PAGE, SNOOZE_DAYS, contacts, today, write};
use crate::keymap::{Key, KeyCode};

/// What sits on top of the pane and takes the keys.
#[derive(Debug, Clone, PartialEq)]
pub enum Overlay {
    /// Every key binding: scrolls, filters as you type after `/`, stays open until Esc
    /// or `?`.
    Help {
        filter: TextField,
        /// Typing goes into the filter.
        typing: bool,
        /// Lines scrolled past.
        scroll: usize,
    },
    Form(Form),
    /// Snooze a review item: key, what it is, the highlighted choice.
    Snooze {
        key: String,
        label: String,
        index: usize,
    },
    /// How to do a review item: the ways (the first on Enter), the highlighted one.
    Done {
        key: String,
        label: String,
        options: Vec<today::DoneOption>,
        index: usize,
    },
    /// Your ideal referral, in your own words.
    IdealReferral(TextField),
    /// The snoozed items, soonest back first; Enter ends the highlighted snooze.
    Snoozes {
        index: usize,
    },
    /// "Reopen #3?": a write that undoes a decision waits for `y`.
    Confirm {
        question: String,
        detail: String,
        write: Box<Write>,
        done: String,
    },
    /// Quit the demo? Its changes go with it.
    ConfirmQuit,
    /// "Archive X?": no single-key destruction.
    ConfirmArchive {
        id: i64,
        name: String,
    },
    /// "Bring X back?"
    ConfirmUnarchive {
        id: i64,
        name: String,
    },
    /// A contact being added looks like one already in the book: add anyway (y), or
    /// open the one there (o).
    Duplicate {
        existing: i64,
        name: String,
        why: String,
        write: Box<Write>,
        done: String,
        /// The form, given back to change it.
        form: Box<Form>,
    },
    /// The path of a mail file to import introductions from.
    ImportPath(TextField),
    /// What importing it would record; Enter records it.
    ImportPreview {
        preview: Arc<MailPreview>,
        scroll: usize,
    },
    /// The command line, drawn in the status bar.
    Command(CommandLine),
    /// A command's output.
    Output {
        output: Arc<Output>,
        scroll: usize,
    },
}

/// A key for the open overlay or the filter field.
pub(super) fn input(app: &mut App, key: Key, today: NaiveDate) -> Vec<Effect> {
    let Some(overlay) = app.overlay.take() else {
        if app.contacts.filtering {
            match key.code {
                KeyCode::Enter | KeyCode::Down => app.contacts.filtering = false,
                KeyCode::Esc => {
                    app.contacts.filtering = false;
                    app.contacts.filter = TextField::default();
                    let keep = app.selected_contact().map(|r| r.id);
                    app.refilter(keep);
                }
                _ => {
                    let before = app.contacts.filter.value.clone();
                    if app.contacts.filter.edit(key) {
                        app.retype(&before);
                    }
                }
            }
        }
        return Vec::new();
    };
    match overlay {
        Overlay::Help {
            mut filter,
            mut typing,
            mut scroll,
        } => {
            match key.code {
                KeyCode::Esc if typing => {
                    typing = false;
                    filter = TextField::default();
                }
                KeyCode::Esc | KeyCode::Char('?') if !typing => return Vec::new(),
                KeyCode::Char('q') if !typing => return Vec::new(),
                KeyCode::Enter if typing => typing = false,
                KeyCode::Char('/') if !typing => {
                    typing = true;
                    scroll = 0;
                }
                KeyCode::Up => scroll = scroll.saturating_sub(1),
                KeyCode::Down => scroll += 1,
                KeyCode::Char('k') if !typing => scroll = scroll.saturating_sub(1),
                KeyCode::Char('j') if !typing => scroll += 1,
                KeyCode::PageUp => scroll = scroll.saturating_sub(PAGE),
                KeyCode::PageDown => scroll += PAGE,
                KeyCode::Home => scroll = 0,
                _ if typing => scroll = if filter.edit(key) { 0 } else { scroll },
                _ => {}
            }
            app.overlay = Some(Overlay::Help {
                filter,
                typing,
                scroll,
            });
            Vec::new()
        }
        Overlay::Form(mut form) => match form.key(key, &app.data, today) {
            form::Outcome::Stay => {
                app.overlay = Some(Overlay::Form(form));
                Vec::new()
            }
            form::Outcome::Cancel => {
                app.say("Cancelled: nothing was saved.");
                Vec::new()
            }
            form::Outcome::Submit(write, done) => contacts::submitted(app, write, done, form),
        },
        Overlay::Snooze {
            key: item,
            label,
            mut index,
        } => {
            let pick = match key.code {
                KeyCode::Esc => {
                    app.say("Not snoozed.");
                    return Vec::new();
                }
                KeyCode::Left | KeyCode::Up | KeyCode::BackTab => {
                    index = index.saturating_sub(1);
                    None
                }
                KeyCode::Right | KeyCode::Down | KeyCode::Tab => {
                    index = (index + 1).min(SNOOZE_DAYS.len() - 1);
                    None
                }
                KeyCode::Enter => Some(SNOOZE_DAYS[index]),
                KeyCode::Char('1') => Some(1),
                KeyCode::Char('3') => Some(3),
                KeyCode::Char('7') | KeyCode::Char('w') => Some(7),
                KeyCode::Char('m') | KeyCode::Char('0') => Some(30),
                _ => None,
            };
            match pick {
                Some(days) => {
                    let until = crate::domain::agenda::snooze_until(today, days);
                    vec![Effect::Write {
                        write: Write::Snooze { key: item, until },
                        done: format!("Snoozed until {until}: {label}."),
                    }]
                }
                None => {
                    app.overlay = Some(Overlay::Snooze {
                        key: item,
                        label,
                        index,
                    });
                    Vec::new()
                }
            }
        }
        Overlay::Done {
            key: item,
            label,
            options,
            mut index,
        } => {
            let pick = match key.code {
                KeyCode::Esc => {
                    app.say("Not done: nothing was recorded.");
                    return Vec::new();
                }
                KeyCode::Left | KeyCode::Up | KeyCode::BackTab => {
                    index = index.saturating_sub(1);
                    None
                }
                KeyCode::Right | KeyCode::Down | KeyCode::Tab => {
                    index = (index + 1).min(options.len().saturating_sub(1));
                    None
                }
                KeyCode::Enter => Some(index),
                KeyCode::Char(c) => c
                    .to_digit(10)
                    .and_then(|d| (d as usize).checked_sub(1))
                    .filter(|&d| d < options.len()),
                _ => None,
            };
            match pick {
                Some(i) => today::do_item(app, &item, &options[i].choices, today),
                None => {
                    app.overlay = Some(Overlay::Done {
                        key: item,
                        label,
                        options,
                        index,
                    });
                    Vec::new()
                }
            }
        }
        Overlay::IdealReferral(mut field) => match key.code {
            KeyCode::Esc => {
                app.say("Not saved.");
                Vec::new()
            }
            KeyCode::Enter => match crate::config::clean_ideal_referral(&field.value) {
                Some(text) => vec![Effect::SaveIdealReferral(text)],
                None => {
                    app.warn(
                        "Say who you would like to meet in a few words (up to 200 characters).",
                    );
                    app.overlay = Some(Overlay::IdealReferral(field));
                    Vec::new()
                }
            },
            _ => {
                field.edit(key);
                app.overlay = Some(Overlay::IdealReferral(field));
                Vec::new()
            }
        },
        Overlay::Snoozes { mut index } => {
            let rows = app.data.snoozed(today);
            match key.code {
                KeyCode::Up | KeyCode::Char('k') => index = index.saturating_sub(1),
                KeyCode::Down | KeyCode::Char('j') => {
                    index = (index + 1).min(rows.len().saturating_sub(1));
                }
                KeyCode::Enter | KeyCode::Char('u') => {
                    if let Some(row) = rows.get(index) {
                        let mut what = row.what.clone();
                        if let Some(first) = what.get(..1) {
                            what = first.to_uppercase() + &what[1..];
                        }
                        let done = format!("{what} is back in the review.");
                        return write(Write::Unsnooze(row.key.clone()), done);
                    }
                }
                _ => return Vec::new(),
            }
            app.overlay = Some(Overlay::Snoozes { index });
            Vec::new()
        }
        Overlay::ConfirmQuit => match key.code {
            KeyCode::Char('y') | KeyCode::Char('Y') | KeyCode::Char('q') => vec![Effect::Quit],
            _ => {
                app.say("Still in the demo.");
                Vec::new()
            }
        },
        Overlay::Confirm { write, done, .. } => match key.code {
            KeyCode::Char('y') | KeyCode::Char('Y') => vec![Effect::Write {
                write: *write,
                done,
            }],
            _ => {
                app.say("Nothing changed.");
                Vec::new()
            }
        },
        Overlay::ImportPath(mut field) => match key.code {
            KeyCode::Esc => {
                app.say("Nothing imported.");
                Vec::new()
            }
            KeyCode::Enter if field.value.trim().is_empty() => {
                app.warn("Type the path of an .eml or mbox file, or Esc to cancel.");
                app.overlay = Some(Overlay::ImportPath(field));
                Vec::new()
            }
            KeyCode::Enter => {
                // The prompt stays until the preview replaces it: a wrong path is fixed
                // in place.
                let path = field.value.trim().to_string();
                app.overlay = Some(Overlay::ImportPath(field));
                vec![Effect::PreviewMail(path)]
            }
            _ => {
                field.edit(key);
                app.overlay = Some(Overlay::ImportPath(field));
                Vec::new()
            }
        },
        Overlay::Command(mut line) => {
            let names: Vec<&str> = app.data.rows.iter().map(|r| r.name.as_str()).collect();
            match line.key(key, &app.history, &app.commands, &names) {
                command::LineKey::Editing => {}
                command::LineKey::NoMatch => app.warn("Nothing to complete there."),
                command::LineKey::Cancel => return Vec::new(),
                command::LineKey::Run(l) if l.is_empty() => return Vec::new(),
                command::LineKey::Run(l) => {
                    command::remember(&mut app.history, &l);
                    return vec![Effect::RunLine(l)];
                }
            }
            app.overlay = Some(Overlay::Command(line));
            Vec::new()
        }
        Overlay::Output { output, mut scroll } => {
            let last = output.lines.len().saturating_sub(1);
            match key.code {
                KeyCode::Up | KeyCode::Char('k') => scroll = scroll.saturating_sub(1),
                KeyCode::Down | KeyCode::Char('j') => scroll = (scroll + 1).min(last),
                KeyCode::PageUp => scroll = scroll.saturating_sub(PAGE),
                KeyCode::PageDown => scroll = (scroll + PAGE).min(last),
                KeyCode::Home => scroll = 0,
                KeyCode::End => scroll = last,
                _ => return Vec::new(),
            }
            app.overlay = Some(Overlay::Output { output, scroll });
            Vec::new()
        }
        Overlay::ImportPreview {
            preview,
            mut scroll,
        } => {
            let last = preview.lines.len().saturating_sub(1);
            match key.code {
                KeyCode::Enter | KeyCode::Char('y') | KeyCode::Char('Y')
                    if preview.recordable > 0 =>
                {
                    return vec![Effect::ImportMail(preview.path.clone())];
                }
                KeyCode::Up | KeyCode::Char('k') => scroll = scroll.saturating_sub(1),
                KeyCode::Down | KeyCode::Char('j') => scroll = (scroll + 1).min(last),
                KeyCode::PageUp => scroll = scroll.saturating_sub(PAGE),
                KeyCode::PageDown => scroll = (scroll + PAGE).min(last),
                _ => {
                    app.say(if preview.recordable > 0 {
                        "Nothing imported."
                    } else {
                        "Nothing to record from that file."
                    });
                    return Vec::new();
                }
            }
            app.overlay = Some(Overlay::ImportPreview { preview, scroll });
            Vec::new()
        }
        Overlay::ConfirmUnarchive { id, name } => match key.code {
            KeyCode::Char('y') | KeyCode::Char('Y') => vec![Effect::Write {
                write: Write::Unarchive(id),
                done: format!("{name} is back among your contacts."),
            }],
            _ => {
                app.say("Still archived.");
                Vec::new()
            }
        },
        Overlay::Duplicate {
            existing,
            write,
            done,
            form,
            ..
        } => match key.code {
            KeyCode::Char('y') | KeyCode::Char('Y') => vec![Effect::Write {
                write: *write,
                done,
            }],
            KeyCode::Char('o') | KeyCode::Char('O') => {
                let adding = matches!(*write, Write::AddContact(_));
                app.contacts.archived = app
                    .data
                    .book
                    .contact(existing)
                    .is_some_and(|c| c.archived_on.is_some());
                app.refilter(None);
                app.open_contact(existing);
                app.say(if adding {
                    "Not added: here is the one you have."
                } else {
                    "Not saved: here is the one that has it."
                });
                Vec::new()
            }
            KeyCode::Esc => {
                app.say(if matches!(*write, Write::AddContact(_)) {
                    "Not added."
                } else {
                    "Not saved."
                });
                Vec::new()
            }
            _ => {
                app.overlay = Some(Overlay::Form(*form));
                app.say("Change what you typed, or Esc to cancel.");
                Vec::new()
            }
        },
        Overlay::ConfirmArchive { id, name } => match key.code {
            KeyCode::Char('y') | KeyCode::Char('Y') => vec![Effect::Write {
                write: Write::Archive(id, today),
                done: format!("Archived {name}. H shows the archived; A there brings them back."),
            }],
            _ => {
                app.say("Not archived.");
                Vec::new()
            }
        },
    }
}
