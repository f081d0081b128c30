//! ties — a local-first, keyboard-driven terminal CRM for referral-driven businesses.
//!
//! Module map (dependencies point inward; see DESIGN.md §4):
//!
//! - [`domain`]  pure types, validation and scoring; no I/O, no clock. Its heart is the
//!   [`domain::book::Book`] (everything ties knows, in memory: contacts cut to a
//!   [`domain::contact::Shape`], histories packed in [`domain::histories::Histories`])
//!   and its one assessment, [`domain::book::Assessed`], which every view reads;
//!   [`domain::assessor`] scores a contact for it, whether the book is in memory or
//!   streams past (`suggest`, `today`). [`domain::contact::NewContact`] is the one record
//!   of a contact to be written, whatever it comes from.
//! - [`store`]   the only module that speaks SQL; loads the book, or only the rows a
//!   command needs (a search, one contact), and returns domain types. Scoring reads each
//!   contact's packed history (`store::packed`), a derived copy kept in step by triggers.
//!   Each synced row has a uid; once the book has synced, triggers log every changed row
//!   for the next sync (`store::sync`, schema v10).
//! - [`sync`]    two machines, one book: the book's rows in a CRDT document, merged with
//!   other machines' documents, and the merged rows to write back (pure). Only
//!   [`sync::engine`] names the engine (Automerge); the rows it trades are
//!   [`domain::replica`]'s. `cli::sync` reads and writes the files in the synced folder.
//! - [`demo`]    deterministic demo data from a seed (pure).
//! - [`interop`] import/export formats (vCard, CSV, JSON): parse and format only.
//! - [`config`]  the embedded default configuration overlaid by the user's file.
//! - [`text`]    safe display of user text (no control bytes reach a terminal).
//! - [`error`]   error types that decide exit codes.
//! - [`app`]     the terminal interface as a pure state machine (App, Action, Effect, update):
//!   one room per pane; effects go out, facts come back (`app::Outcome`) and the app
//!   words them.
//! - [`ui`]      drawing the terminal interface from `&App`; read-only.
//! - [`keymap`]  key bindings from the config's `[keys]` tables, generic over the app's
//!   action vocabulary (so it never imports `app`).
//! - [`runtime`] the one event loop; the one place the interface's effects touch the store.
//!   A write reads back the rows it changed, which the app puts in place in its book; the
//!   detail's contact is read whole on demand.
//!
//! `tests/architecture.rs` parses every file and holds each layer to its allowlist.
//! - [`cli`]     clap definitions and command handlers.
#![forbid(unsafe_code)]

pub mod app;
pub mod cli;
pub mod config;
pub mod demo;
pub mod domain;
pub mod error;
pub mod intake;
pub mod interop;
pub mod keymap;
pub mod runtime;
pub mod store;
pub mod sync;
pub mod text;
pub mod ui;
