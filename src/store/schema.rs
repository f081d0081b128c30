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

/// Every migration in order: those of plain SQL, then 012, which puts the sync log's
/// triggers back in the same transaction when the book has synced.
pub fn migrations() -> Migrations<'static> {
    let mut all = MIGRATION_SLICE.to_vec();
    all.push(M::up_with_hook(
        include_str!("migrations/012_lean_schema.sql"),
        |tx: &rusqlite::Transaction| -> rusqlite_migration::HookResult {
            super::sync::resume_logging(tx)?;
            Ok(())
        },
    ));
    Migrations::new(all)
}

/// The schema version this build writes.
pub const LATEST_VERSION: i64 = MIGRATION_SLICE.len() as i64 + 1;

/// `PRAGMA application_id` of every ties database: "TIES" in ASCII.
pub const APPLICATION_ID: i64 = 0x5449_4553;
