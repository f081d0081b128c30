-- The sync log's triggers (migration 010 made them; this file is their text since
-- schema v12): from a book's first sync on, every change to a synced row is named in
-- `sync_pending` in the same transaction as the change, whoever makes it (`sqlite3`
-- too), and the next sync sends just those rows. A book that never synced has none of
-- them, so nothing parses them as it opens; `sync::start_logging` adds them (and
-- migration 012 to a book that had synced). They stay as written: `logging` still turns
-- them off while a sync writes what the others sent.
CREATE TRIGGER IF NOT EXISTS sync_contacts_insert AFTER INSERT ON contacts WHEN (SELECT logging FROM sync_meta) = 1 AND new.uid IS NOT NULL BEGIN
    INSERT INTO sync_pending (tbl, key) VALUES ('contacts', new.uid);
END;
CREATE TRIGGER IF NOT EXISTS sync_contacts_update AFTER UPDATE ON contacts WHEN (SELECT logging FROM sync_meta) = 1 BEGIN
    INSERT INTO sync_pending (tbl, key) SELECT 'contacts', k FROM (SELECT old.uid AS k UNION SELECT new.uid) WHERE k IS NOT NULL;
END;
CREATE TRIGGER IF NOT EXISTS sync_contacts_delete AFTER DELETE ON contacts WHEN (SELECT logging FROM sync_meta) = 1 AND old.uid IS NOT NULL BEGIN
    INSERT INTO sync_pending (tbl, key) VALUES ('contacts', old.uid);
END;
CREATE TRIGGER IF NOT EXISTS sync_contact_fields_insert AFTER INSERT ON contact_fields WHEN (SELECT logging FROM sync_meta) = 1 AND new.uid IS NOT NULL BEGIN
    INSERT INTO sync_pending (tbl, key) VALUES ('contact_fields', new.uid);
END;
CREATE TRIGGER IF NOT EXISTS sync_contact_fields_update AFTER UPDATE ON contact_fields WHEN (SELECT logging FROM sync_meta) = 1 BEGIN
    INSERT INTO sync_pending (tbl, key) SELECT 'contact_fields', k FROM (SELECT old.uid AS k UNION SELECT new.uid) WHERE k IS NOT NULL;
END;
CREATE TRIGGER IF NOT EXISTS sync_contact_fields_delete AFTER DELETE ON contact_fields WHEN (SELECT logging FROM sync_meta) = 1 AND old.uid IS NOT NULL BEGIN
    INSERT INTO sync_pending (tbl, key) VALUES ('contact_fields', old.uid);
END;
CREATE TRIGGER IF NOT EXISTS sync_referrals_insert AFTER INSERT ON referrals WHEN (SELECT logging FROM sync_meta) = 1 AND new.uid IS NOT NULL BEGIN
    INSERT INTO sync_pending (tbl, key) VALUES ('referrals', new.uid);
END;
CREATE TRIGGER IF NOT EXISTS sync_referrals_update AFTER UPDATE ON referrals WHEN (SELECT logging FROM sync_meta) = 1 BEGIN
    INSERT INTO sync_pending (tbl, key) SELECT 'referrals', k FROM (SELECT old.uid AS k UNION SELECT new.uid) WHERE k IS NOT NULL;
END;
CREATE TRIGGER IF NOT EXISTS sync_referrals_delete AFTER DELETE ON referrals WHEN (SELECT logging FROM sync_meta) = 1 AND old.uid IS NOT NULL BEGIN
    INSERT INTO sync_pending (tbl, key) VALUES ('referrals', old.uid);
END;
CREATE TRIGGER IF NOT EXISTS sync_referral_events_insert AFTER INSERT ON referral_events WHEN (SELECT logging FROM sync_meta) = 1 AND new.uid IS NOT NULL BEGIN
    INSERT INTO sync_pending (tbl, key) VALUES ('referral_events', new.uid);
END;
CREATE TRIGGER IF NOT EXISTS sync_referral_events_update AFTER UPDATE ON referral_events WHEN (SELECT logging FROM sync_meta) = 1 BEGIN
    INSERT INTO sync_pending (tbl, key) SELECT 'referral_events', k FROM (SELECT old.uid AS k UNION SELECT new.uid) WHERE k IS NOT NULL;
END;
CREATE TRIGGER IF NOT EXISTS sync_referral_events_delete AFTER DELETE ON referral_events WHEN (SELECT logging FROM sync_meta) = 1 AND old.uid IS NOT NULL BEGIN
    INSERT INTO sync_pending (tbl, key) VALUES ('referral_events', old.uid);
END;
CREATE TRIGGER IF NOT EXISTS sync_interactions_insert AFTER INSERT ON interactions WHEN (SELECT logging FROM sync_meta) = 1 AND new.uid IS NOT NULL BEGIN
    INSERT INTO sync_pending (tbl, key) VALUES ('interactions', new.uid);
END;
CREATE TRIGGER IF NOT EXISTS sync_interactions_update AFTER UPDATE ON interactions WHEN (SELECT logging FROM sync_meta) = 1 BEGIN
    INSERT INTO sync_pending (tbl, key) SELECT 'interactions', k FROM (SELECT old.uid AS k UNION SELECT new.uid) WHERE k IS NOT NULL;
END;
CREATE TRIGGER IF NOT EXISTS sync_interactions_delete AFTER DELETE ON interactions WHEN (SELECT logging FROM sync_meta) = 1 AND old.uid IS NOT NULL BEGIN
    INSERT INTO sync_pending (tbl, key) VALUES ('interactions', old.uid);
END;
CREATE TRIGGER IF NOT EXISTS sync_tags_insert AFTER INSERT ON tags WHEN (SELECT logging FROM sync_meta) = 1 AND (SELECT uid FROM contacts WHERE id = new.contact_id) || char(31) || lower(new.tag) IS NOT NULL BEGIN
    INSERT INTO sync_pending (tbl, key) VALUES ('tags', (SELECT uid FROM contacts WHERE id = new.contact_id) || char(31) || lower(new.tag));
END;
CREATE TRIGGER IF NOT EXISTS sync_tags_update AFTER UPDATE ON tags WHEN (SELECT logging FROM sync_meta) = 1 BEGIN
    INSERT INTO sync_pending (tbl, key) SELECT 'tags', k FROM (SELECT (SELECT uid FROM contacts WHERE id = old.contact_id) || char(31) || lower(old.tag) AS k UNION SELECT (SELECT uid FROM contacts WHERE id = new.contact_id) || char(31) || lower(new.tag)) WHERE k IS NOT NULL;
END;
CREATE TRIGGER IF NOT EXISTS sync_tags_delete AFTER DELETE ON tags WHEN (SELECT logging FROM sync_meta) = 1 AND (SELECT uid FROM contacts WHERE id = old.contact_id) || char(31) || lower(old.tag) IS NOT NULL BEGIN
    INSERT INTO sync_pending (tbl, key) VALUES ('tags', (SELECT uid FROM contacts WHERE id = old.contact_id) || char(31) || lower(old.tag));
END;
CREATE TRIGGER IF NOT EXISTS sync_snoozes_insert AFTER INSERT ON snoozes WHEN (SELECT logging FROM sync_meta) = 1 BEGIN
    INSERT INTO sync_pending (tbl, key) VALUES ('snoozes', new.key);
END;
CREATE TRIGGER IF NOT EXISTS sync_snoozes_update AFTER UPDATE ON snoozes WHEN (SELECT logging FROM sync_meta) = 1 BEGIN
    INSERT INTO sync_pending (tbl, key) SELECT 'snoozes', k FROM (SELECT old.key AS k UNION SELECT new.key) WHERE k IS NOT NULL;
END;
CREATE TRIGGER IF NOT EXISTS sync_snoozes_delete AFTER DELETE ON snoozes WHEN (SELECT logging FROM sync_meta) = 1 BEGIN
    INSERT INTO sync_pending (tbl, key) VALUES ('snoozes', old.key);
END;
CREATE TRIGGER IF NOT EXISTS sync_let_go_insert AFTER INSERT ON let_go WHEN (SELECT logging FROM sync_meta) = 1 BEGIN
    INSERT INTO sync_pending (tbl, key) VALUES ('let_go', new.key);
END;
CREATE TRIGGER IF NOT EXISTS sync_let_go_update AFTER UPDATE ON let_go WHEN (SELECT logging FROM sync_meta) = 1 BEGIN
    INSERT INTO sync_pending (tbl, key) SELECT 'let_go', k FROM (SELECT old.key AS k UNION SELECT new.key) WHERE k IS NOT NULL;
END;
CREATE TRIGGER IF NOT EXISTS sync_let_go_delete AFTER DELETE ON let_go WHEN (SELECT logging FROM sync_meta) = 1 BEGIN
    INSERT INTO sync_pending (tbl, key) VALUES ('let_go', old.key);
END;
