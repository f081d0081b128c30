-- Scoring reads every contact's history; reading 1.7 million interaction rows one by one
-- costs several times what scoring them does. Each contact's history, as scoring reads
-- it (date, kind, direction, referral, and a label only where a reason quotes it), is
-- kept packed in one row here: a derived copy, never the record. `scoring_dirty` names
-- the contacts whose packed history is stale: every change to `interactions` marks its
-- contact in the same statement (triggers, so undo, merges, imports and repairs are all
-- covered), readers read a marked contact from `interactions` itself, and the store
-- packs the marked contacts again before each write commits (store::packed).
CREATE TABLE scoring_history (
    contact_id INTEGER PRIMARY KEY REFERENCES contacts (id) ON DELETE CASCADE,
    history    BLOB    NOT NULL
);
CREATE TABLE scoring_dirty (
    contact_id INTEGER PRIMARY KEY
);

-- Marks are added with NOT EXISTS rather than INSERT OR IGNORE: a trigger fired by a
-- foreign key action (ON DELETE SET NULL) runs under the outer statement's conflict
-- policy, which would turn a repeated mark into a constraint error.
CREATE TRIGGER scoring_interactions_insert AFTER INSERT ON interactions BEGIN
    INSERT INTO scoring_dirty (contact_id)
        SELECT new.contact_id
        WHERE NOT EXISTS (SELECT 1 FROM scoring_dirty WHERE contact_id = new.contact_id);
END;
CREATE TRIGGER scoring_interactions_update AFTER UPDATE ON interactions BEGIN
    INSERT INTO scoring_dirty (contact_id)
        SELECT id FROM (SELECT old.contact_id AS id UNION SELECT new.contact_id)
        WHERE id NOT IN (SELECT contact_id FROM scoring_dirty);
END;
CREATE TRIGGER scoring_interactions_delete AFTER DELETE ON interactions BEGIN
    INSERT INTO scoring_dirty (contact_id)
        SELECT old.contact_id
        WHERE NOT EXISTS (SELECT 1 FROM scoring_dirty WHERE contact_id = old.contact_id);
END;
-- Deleting a referral sets its interactions' referral_id to NULL through the foreign key;
-- the contacts are marked here too, whatever the order SQLite runs the two in.
CREATE TRIGGER scoring_referrals_delete BEFORE DELETE ON referrals BEGIN
    INSERT INTO scoring_dirty (contact_id)
        SELECT DISTINCT contact_id FROM interactions
        WHERE referral_id = old.id
          AND contact_id NOT IN (SELECT contact_id FROM scoring_dirty);
END;

-- Every existing history is packed when the store opens after this migration.
INSERT INTO scoring_dirty (contact_id) SELECT DISTINCT contact_id FROM interactions;
