//! Migrations: append-only SQL files, applied by rusqlite_migration, which keeps the
//! schema version in `PRAGMA user_version`.

use rusqlite_migration::{M, Migrations};

/// A shipped migration is never edited; add a new file at the end instead.
const MIGRATION_SLICE: &[M<'static>] = &[
    M::up(include_str!("migrations/001_initial.sql")),
    M::up(include_str!("migrations/002_contact_search.sql")),
    M::up(include_str!("migrations/003_review.sql")),
    M::up(include_str!("migrations/004_undo.sql")),
    M::up(include_str!("migrations/005_tags_case.sql")),
    M::up(include_str!("migrations/006_intro_email.sql")),
    M::up(include_str!("migrations/007_won_value.sql")),
    M::up(include_str!("migrations/008_scoring_history.sql")),
    M::up(include_str!("migrations/009_scoring_replace.sql")),
    M::up(include_str!("migrations/010_sync.sql")),
    M::up(include_str!("migrations/011_birthdays.sql")),
];

pub const MIGRATIONS: Migrations<'static> = Migrations::from_slice(MIGRATION_SLICE);

/// The schema version this build writes.
pub const LATEST_VERSION: i64 = MIGRATION_SLICE.len() as i64;

/// `PRAGMA application_id` of every ties database: "TIES" in ASCII.
pub const APPLICATION_ID: i64 = 0x5449_4553;
