-- Schema version 12: what every command parsed at open and few of them need leaves the
-- file. SQLite parses the whole schema before the first statement, and these 51
-- triggers were three quarters of it (most of the time a search took, at 10k).
--
-- The undo journal's triggers fire only while ties names a change in
-- `undo_state.journal`, so only a ties connection that writes needs them: it adds them
-- as TEMP triggers, derived from the tables' columns (`store::undo::journal_triggers`).
--
-- The sync log's triggers do nothing before a book's first sync: they are added when
-- logging starts (`store/sync/triggers.sql`), here too if the book has synced.
-- Shipped migrations are never edited: add a new file instead.

DROP TRIGGER IF EXISTS undo_contacts_insert;
DROP TRIGGER IF EXISTS undo_contacts_update;
DROP TRIGGER IF EXISTS undo_contacts_delete;
DROP TRIGGER IF EXISTS undo_contact_fields_insert;
DROP TRIGGER IF EXISTS undo_contact_fields_update;
DROP TRIGGER IF EXISTS undo_contact_fields_delete;
DROP TRIGGER IF EXISTS undo_tags_insert;
DROP TRIGGER IF EXISTS undo_tags_update;
DROP TRIGGER IF EXISTS undo_tags_delete;
DROP TRIGGER IF EXISTS undo_interactions_insert;
DROP TRIGGER IF EXISTS undo_interactions_update;
DROP TRIGGER IF EXISTS undo_interactions_delete;
DROP TRIGGER IF EXISTS undo_referrals_insert;
DROP TRIGGER IF EXISTS undo_referrals_update;
DROP TRIGGER IF EXISTS undo_referrals_delete;
DROP TRIGGER IF EXISTS undo_referral_events_insert;
DROP TRIGGER IF EXISTS undo_referral_events_update;
DROP TRIGGER IF EXISTS undo_referral_events_delete;
DROP TRIGGER IF EXISTS undo_snoozes_insert;
DROP TRIGGER IF EXISTS undo_snoozes_update;
DROP TRIGGER IF EXISTS undo_snoozes_delete;
DROP TRIGGER IF EXISTS undo_let_go_insert;
DROP TRIGGER IF EXISTS undo_let_go_update;
DROP TRIGGER IF EXISTS undo_let_go_delete;
DROP TRIGGER IF EXISTS undo_review_done_insert;
DROP TRIGGER IF EXISTS undo_review_done_update;
DROP TRIGGER IF EXISTS undo_review_done_delete;

DROP TRIGGER IF EXISTS sync_contacts_insert;
DROP TRIGGER IF EXISTS sync_contacts_update;
DROP TRIGGER IF EXISTS sync_contacts_delete;
DROP TRIGGER IF EXISTS sync_contact_fields_insert;
DROP TRIGGER IF EXISTS sync_contact_fields_update;
DROP TRIGGER IF EXISTS sync_contact_fields_delete;
DROP TRIGGER IF EXISTS sync_referrals_insert;
DROP TRIGGER IF EXISTS sync_referrals_update;
DROP TRIGGER IF EXISTS sync_referrals_delete;
DROP TRIGGER IF EXISTS sync_referral_events_insert;
DROP TRIGGER IF EXISTS sync_referral_events_update;
DROP TRIGGER IF EXISTS sync_referral_events_delete;
DROP TRIGGER IF EXISTS sync_interactions_insert;
DROP TRIGGER IF EXISTS sync_interactions_update;
DROP TRIGGER IF EXISTS sync_interactions_delete;
DROP TRIGGER IF EXISTS sync_tags_insert;
DROP TRIGGER IF EXISTS sync_tags_update;
DROP TRIGGER IF EXISTS sync_tags_delete;
DROP TRIGGER IF EXISTS sync_snoozes_insert;
DROP TRIGGER IF EXISTS sync_snoozes_update;
DROP TRIGGER IF EXISTS sync_snoozes_delete;
DROP TRIGGER IF EXISTS sync_let_go_insert;
DROP TRIGGER IF EXISTS sync_let_go_update;
DROP TRIGGER IF EXISTS sync_let_go_delete;
