//! Effects: what `update` asks the runtime to do, as data. The runtime performs them
//! against the store and feeds the results back as actions.
//!
//! May import domain types only.

use chrono::NaiveDate;

use crate::domain::contact::{ContactPatch, NewContact};
use crate::domain::interaction::NewInteraction;
use crate::domain::referral::{NewReferral, StatusChange};

// One effect at a time passes through: its size does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// A write; on success the runtime reloads and reports `done` in the status bar.
    Write { write: Write, done: String },
    /// Save the ideal referral (already cleaned) to `[ask] ideal_referral` in the
    /// config file, creating the file when it is missing.
    SaveIdealReferral(String),
    /// Undo the most recent change in the store's journal, then reload.
    Undo,
    /// Read a mail file (the path as typed) and answer with what importing it would
    /// record ([`super::Action::MailPreview`]); nothing is written.
    PreviewMail(String),
    /// Import the introductions in a mail file (the path of a preview), then reload.
    ImportMail(String),
    /// Read a contact whole (its notes, labels, every field, its history with notes)
    /// for the detail and the edit form; answer with [`super::Action::ContactRead`].
    ReadContact(i64),
    /// Read the whole book again (after an undo, a merge, an import or a command that
    /// wrote), then say `then`.
    Reload { then: Option<String> },
    /// Run a line typed into the command line as a `ties` command on this book.
    RunLine(String),
    /// End the interface (after a demo's confirmation): the one way it quits.
    Quit,
}

/// One write to the store (each one transaction).
#[derive(Debug, Clone, PartialEq)]
pub enum Write {
    AddContact(NewContact),
    UpdateContact(i64, ContactPatch),
    Archive(i64, NaiveDate),
    /// Bring an archived contact back.
    Unarchive(i64),
    /// Move everything of `other` to `keep` and remove `other` (one transaction).
    Merge {
        keep: i64,
        other: i64,
    },
    /// An interaction, already validated.
    Interaction(NewInteraction),
    Referral {
        person: PersonRef,
        referral: NewReferral,
    },
    ChangeStatus(i64, StatusChange),
    Snooze {
        key: String,
        until: NaiveDate,
    },
    /// A review item done: its interaction (validated), counted in today's review.
    Done {
        key: String,
        interaction: NewInteraction,
    },
    /// End a snooze now.
    Unsnooze(String),
    /// Let a stale review item go, with its due date now.
    LetGo {
        key: String,
        due: NaiveDate,
    },
}

/// The person of a new referral: an existing contact, or one to create with it.
#[derive(Debug, Clone, PartialEq)]
pub enum PersonRef {
    Existing(i64),
    New(Box<NewContact>),
}
