//! The one event loop of the terminal interface and the one place its effects are
//! performed against the store. [`Session`] holds the app and the store and runs the
//! dispatch (key → keymap → action → update → effects → results → update); tests
//! drive the same `Session` without a terminal and render it to a `TestBackend`.
//!
//! May import everything: `app`, `ui`, `keymap`, `store`, `config`, crossterm.

use std::sync::Arc;
use std::time::Duration;

use anyhow::Result;
use chrono::NaiveDate;
use crossterm::event::{self, Event, KeyEventKind};

use crate::app::{self, Action, App, Data, Doing, Effect, Outcome, Write};
use crate::config::Config;
use crate::domain::contact::Shape;
use crate::keymap::{Key, Keymap};
use crate::store::Store;

mod terminal;
mod writes;

use terminal::{MouseCapture, convert};

/// How long the loop waits for a key before checking for outside changes.
pub const TICK: Duration = Duration::from_millis(250);

/// The app, the store it shows, and what is needed to notice outside writes.
pub struct Session {
    pub app: App,
    pub store: Store,
    pub today: NaiveDate,
    /// `PRAGMA data_version` at the last load.
    version: i64,
    /// The database file the store has open (device and inode): a `ties restore` in
    /// another shell replaces the file, and a write to the old one would be lost.
    file: Option<(u64, u64)>,
    /// The config file the interface saves to (the ideal referral), when there is one.
    config_path: Option<std::path::PathBuf>,
    /// The app asked to quit ([`Effect::Quit`]): the loop ends after this frame.
    pub quit: bool,
}

/// The identity of the file at `path` (device, inode), where the platform has one.
fn file_id(path: Option<&std::path::Path>) -> Option<(u64, u64)> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let m = std::fs::metadata(path?).ok()?;
        Some((m.dev(), m.ino()))
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        None
    }
}

impl Session {
    pub fn new(
        store: Store,
        config: Config,
        keymap: Keymap<Action>,
        color: bool,
        today: NaiveDate,
    ) -> Result<Session> {
        let data = load(&store, &config, today)?;
        let version = store.data_version()?;
        let file = file_id(store.path());
        let mut app = App::new(data, config, keymap, color);
        app.commands = crate::cli::command_names();
        app.read_only = store.is_read_only();
        if app.read_only {
            app.warn("This book is read-only (its file or folder is not writable): you can look, not change.");
        } else if !store.conflict_copies().is_empty() {
            app.warn("A sync tool left a copy of this book: :sync --status says how to merge it");
        } else if let Ok(s) = store.sync_status()
            && s.conflicts > 0
        {
            app.warn(format!(
                "{} field(s) edited on two machines: :sync --conflicts shows them",
                s.conflicts
            ));
        }
        let mut session = Session {
            app,
            store,
            today,
            version,
            file,
            config_path: None,
            quit: false,
        };
        // What the first frame needs read (the detail's contact, whole).
        if let Some(effect) = app::wanted(&session.app) {
            for action in session.perform(effect) {
                session.dispatch(action);
            }
        }
        Ok(session)
    }

    /// Where the interface saves what the user says of themselves (the ideal referral).
    pub fn with_config_path(mut self, path: std::path::PathBuf) -> Session {
        self.config_path = Some(path);
        self
    }

    /// A key press, through the same path the terminal loop uses.
    pub fn press(&mut self, key: Key) {
        if let Some(action) = self.app.key_action(key) {
            self.dispatch(action);
        }
    }

    /// Applies an action and performs its effects until nothing is left to do.
    pub fn dispatch(&mut self, action: Action) {
        let mut queue = vec![action];
        while let Some(action) = queue.pop() {
            let effects = app::update(&mut self.app, action, self.today);
            let mut results = Vec::new();
            for effect in effects {
                results.extend(self.perform(effect));
            }
            // Results are applied in order: `pop` takes from the end.
            results.reverse();
            queue.extend(results);
        }
    }

    /// Performs one effect and reports what came of it as facts ([`Outcome`]); the app
    /// words them. A failure is an outcome too, never a crash.
    fn perform(&mut self, effect: Effect) -> Vec<Action> {
        let failed = |doing: Doing, e: &dyn std::fmt::Display| {
            Action::Outcome(Outcome::Failed {
                doing,
                error: e.to_string(),
            })
        };
        match effect {
            Effect::Quit => {
                self.quit = true;
                Vec::new()
            }
            Effect::SaveIdealReferral(text) => match &self.config_path {
                Some(path) => {
                    match crate::config::save_value(path, "ask", "ideal_referral", &text) {
                        Ok(()) => vec![Action::Outcome(Outcome::IdealReferralSaved(text))],
                        Err(e) => vec![failed(Doing::SaveConfig, &e)],
                    }
                }
                None => vec![Action::Outcome(Outcome::NoConfigFile)],
            },
            Effect::ReadContact(id) => {
                let read = self.store.contact(id).and_then(|contact| {
                    let history = self.store.interactions_for(id)?;
                    Ok(app::Record {
                        id,
                        contact,
                        history,
                    })
                });
                match read {
                    Ok(record) => vec![Action::ContactRead(Arc::new(record))],
                    // What the book holds stands in, so the read is not tried again at
                    // every key.
                    Err(e) => vec![
                        Action::ContactRead(Arc::new(app::Record {
                            id,
                            contact: self.app.data.book.contact(id).cloned(),
                            history: self.app.data.book.interactions_of(id).into_owned(),
                        })),
                        failed(Doing::ReadContact, &e),
                    ],
                }
            }
            Effect::Reload { then } => match self.reload() {
                Ok(loaded) => {
                    let mut out = vec![loaded];
                    out.extend(then.map(Action::Say));
                    out
                }
                Err(e) => vec![failed(Doing::Reload, &e)],
            },
            Effect::PreviewMail(typed) => {
                let path = typed_path(&typed);
                match self.mail_import(&path, true) {
                    Ok((lines, recordable, _)) => {
                        vec![Action::MailPreview(Arc::new(app::MailPreview {
                            path: path.display().to_string(),
                            lines,
                            recordable,
                        }))]
                    }
                    Err(e) => vec![failed(Doing::Import, &e)],
                }
            }
            Effect::Write { .. } | Effect::Undo | Effect::ImportMail(_) | Effect::RunLine(_)
                if self.replaced() =>
            {
                match self.reopen() {
                    Ok(loaded) => {
                        vec![loaded, Action::Outcome(Outcome::Replaced { refused: true })]
                    }
                    Err(e) => vec![failed(Doing::Reopen { refused: true }, &e)],
                }
            }
            Effect::Undo => match self.store.undo() {
                Ok(Some(u)) => {
                    // Whether `z` can go on: the status bar offers it only then.
                    let more = self.store.undo_history(1).map_or(true, |h| !h.is_empty());
                    vec![Action::Outcome(Outcome::Undone { what: u.what, more })]
                }
                Ok(None) => vec![Action::Outcome(Outcome::NothingToUndo)],
                Err(e) => vec![failed(Doing::Undo, &e)],
            },
            Effect::RunLine(line) => {
                let db = self
                    .store
                    .path()
                    .map(std::path::Path::to_path_buf)
                    .unwrap_or_default();
                let config = self.app.config.clone();
                let outcome =
                    crate::cli::run_line(&mut self.store, &config, self.today, &db, &line);
                vec![Action::Outcome(Outcome::Ran {
                    line,
                    output: outcome.output,
                    error: outcome.error,
                    wrote: outcome.wrote,
                })]
            }
            Effect::ImportMail(path) => {
                let path = std::path::PathBuf::from(path);
                self.store.describe(format!("import {}", path.display()));
                match self.mail_import(&path, false) {
                    Ok((_, recorded, created)) => {
                        vec![Action::Outcome(Outcome::Imported { recorded, created })]
                    }
                    Err(e) => vec![failed(Doing::Import, &e)],
                }
            }
            Effect::Write {
                write: Write::Merge { keep, other },
                done,
            } => {
                self.store.describe(done.clone());
                match self.store.merge_contacts(keep, other, false) {
                    Ok(()) => vec![Action::Outcome(Outcome::Merged { done })],
                    Err(e) => vec![failed(Doing::Merge, &e)],
                }
            }
            Effect::Write { write, done } => {
                // The journal names the change by what the status bar says of it.
                self.store.describe(done.clone());
                match self.write(write) {
                    Ok(changes) => vec![Action::Outcome(Outcome::Wrote { changes, done })],
                    Err(e) => vec![failed(Doing::Save, &e)],
                }
            }
        }
    }

    /// Reads the whole book again. The app lets its data go first, so the peak is one
    /// book, not two; if the read fails, the view settles on an empty book and the
    /// next tick tries again (the data version it knows is still the old one).
    fn reload(&mut self) -> Result<Action> {
        app::update(&mut self.app, Action::Unload, self.today);
        match load(&self.store, &self.app.config, self.today) {
            Ok(data) => {
                self.version = self.store.data_version()?;
                Ok(Action::Loaded(data))
            }
            Err(e) => {
                // The view settles on the empty book the unload left.
                let empty = Arc::clone(&self.app.data);
                app::update(&mut self.app, Action::Loaded(empty), self.today);
                Err(e)
            }
        }
    }

    /// Whether the file at the store's path is no longer the one it has open.
    fn replaced(&self) -> bool {
        self.file.is_some() && file_id(self.store.path()) != self.file
    }

    /// Opens the file now at the store's path and loads it.
    fn reopen(&mut self) -> Result<Action> {
        let path = self
            .store
            .path()
            .map(std::path::Path::to_path_buf)
            .ok_or_else(|| anyhow::anyhow!("the book has no file"))?;
        self.store = Store::open_existing(&path)?;
        self.app.read_only = self.store.is_read_only();
        self.file = file_id(Some(&path));
        self.reload()
    }

    /// Once per tick: reloads when another process wrote to the database, and opens the
    /// new file when another ties replaced it (a restore).
    pub fn tick(&mut self) {
        let failed = |doing: Doing, e: &dyn std::fmt::Display| {
            Action::Outcome(Outcome::Failed {
                doing,
                error: e.to_string(),
            })
        };
        if self.replaced() {
            match self.reopen() {
                Ok(loaded) => {
                    self.dispatch(loaded);
                    self.dispatch(Action::Outcome(Outcome::Replaced { refused: false }));
                }
                Err(e) => self.dispatch(failed(Doing::Reopen { refused: false }, &e)),
            }
            return;
        }
        match self.store.data_version() {
            Ok(v) if v != self.version => match self.reload() {
                Ok(loaded) => self.dispatch(loaded),
                Err(e) => self.dispatch(failed(Doing::Reload, &e)),
            },
            Ok(_) => {}
            Err(e) => self.dispatch(failed(Doing::CheckForChanges, &e)),
        }
    }

    pub fn draw(&self, frame: &mut ratatui::Frame<'_>) {
        crate::ui::render(frame, &self.app);
    }
}

/// The interface loads a whole book once and then lives for hours. With transparent huge
/// pages its heap sits in 2 MB pages, many partly used: at 100k contacts 180 of its
/// 196 MB were huge pages, and the peak swung between 184 and 205 MB from run to run.
/// Turned off for this process only (commands keep them: they make scoring 8% faster and
/// exit at once). Where the kernel has no such switch, nothing changes.
pub fn small_pages() {
    #[cfg(target_os = "linux")]
    let _ = rustix::thread::disable_transparent_huge_pages(true);
}

/// Everything the panes show, computed once.
fn load(store: &Store, config: &Config, today: NaiveDate) -> Result<Arc<Data>> {
    Ok(Arc::new(Data::build(
        store.book(Shape::Lists)?,
        config,
        today,
    )))
}

/// Runs the interface in the terminal until the user quits. `ratatui::run` owns raw
/// mode and the alternate screen, and restores the terminal on exit, error and panic.
///
/// Test hook: with `TIES_TEST_PANIC` set in the environment, the first key press panics
/// inside the loop, so a test can prove the terminal comes back usable after a panic.
pub fn run(session: &mut Session) -> Result<()> {
    let forced_panic = std::env::var_os("TIES_TEST_PANIC").is_some();
    ratatui::run(|terminal| -> Result<()> {
        let _mouse = session.app.config.ui.mouse.then(MouseCapture::on);
        loop {
            terminal.draw(|frame| session.draw(frame))?;
            if session.quit {
                return Ok(());
            }
            if event::poll(TICK)? {
                match event::read()? {
                    Event::Key(k) if k.kind != KeyEventKind::Release => {
                        if forced_panic {
                            panic!("TIES_TEST_PANIC: a panic forced by the test hook");
                        }
                        if let Some(key) = convert(k) {
                            session.press(key);
                        }
                    }
                    Event::Mouse(m) => {
                        use event::{MouseButton, MouseEventKind as M};
                        let hit = session.app.hits.borrow().at(m.column, m.row);
                        match m.kind {
                            M::Down(MouseButton::Left) => {
                                if let Some(hit) = hit {
                                    session.dispatch(Action::Click(hit));
                                }
                            }
                            M::ScrollDown => session.dispatch(Action::Wheel { hit, down: true }),
                            M::ScrollUp => session.dispatch(Action::Wheel { hit, down: false }),
                            _ => {}
                        }
                    }
                    // A resize simply redraws at the new size on the next pass.
                    _ => {}
                }
            }
            session.tick();
        }
    })
}

/// A path as a person types or pastes it into the prompt: quotes around it and `\ `
/// escapes (a file dropped on the terminal) removed, `~/` for the home folder.
fn typed_path(typed: &str) -> std::path::PathBuf {
    let t = typed.trim();
    let t = t
        .strip_prefix('"')
        .and_then(|s| s.strip_suffix('"'))
        .or_else(|| t.strip_prefix('\'').and_then(|s| s.strip_suffix('\'')))
        .unwrap_or(t);
    let t = t.replace("\\ ", " ");
    match t.strip_prefix("~/") {
        Some(rest) => match std::env::var_os("HOME") {
            Some(home) => std::path::PathBuf::from(home).join(rest),
            None => std::path::PathBuf::from(&t),
        },
        None => std::path::PathBuf::from(t),
    }
}
