-- Two machines, one book (`ties sync`). Every synced row gets a stable uid (contacts
-- have had one since 001): fields, referrals, their events and interactions get one
-- here. Rows written from now on get a random one in the INSERT itself, or from the
-- backstop triggers below when a writer (sqlite3 by hand) leaves it out. Rows that
-- exist now are given one by the store when it first opens this schema: a name-based
-- uid derived from what the row holds, so two copies of one database (a Dropbox
-- "conflicted copy") give their shared rows the same uids and merge without doubles.
ALTER TABLE contact_fields ADD COLUMN uid TEXT;
ALTER TABLE referrals ADD COLUMN uid TEXT;
ALTER TABLE referral_events ADD COLUMN uid TEXT;
ALTER TABLE interactions ADD COLUMN uid TEXT;
CREATE UNIQUE INDEX contact_fields_uid ON contact_fields (uid);
CREATE UNIQUE INDEX referrals_uid ON referrals (uid);
CREATE UNIQUE INDEX referral_events_uid ON referral_events (uid);
CREATE UNIQUE INDEX interactions_uid ON interactions (uid);

CREATE TRIGGER uid_contact_fields AFTER INSERT ON contact_fields WHEN new.uid IS NULL BEGIN
    UPDATE contact_fields SET uid = lower(hex(randomblob(12))) WHERE id = new.id;
END;
CREATE TRIGGER uid_referrals AFTER INSERT ON referrals WHEN new.uid IS NULL BEGIN
    UPDATE referrals SET uid = lower(hex(randomblob(12))) WHERE id = new.id;
END;
CREATE TRIGGER uid_referral_events AFTER INSERT ON referral_events WHEN new.uid IS NULL BEGIN
    UPDATE referral_events SET uid = lower(hex(randomblob(12))) WHERE id = new.id;
END;
CREATE TRIGGER uid_interactions AFTER INSERT ON interactions WHEN new.uid IS NULL BEGIN
    UPDATE interactions SET uid = lower(hex(randomblob(12))) WHERE id = new.id;
END;

-- The undo triggers of these four tables list every column: made again with `uid`, so
-- undoing a delete brings the row back under the uid it had (to sync, the same row).
DROP TRIGGER undo_contact_fields_update;
DROP TRIGGER undo_contact_fields_delete;
CREATE TRIGGER undo_contact_fields_update AFTER UPDATE ON contact_fields WHEN (SELECT journal FROM undo_state) IS NOT NULL BEGIN
    INSERT INTO undo_log (change_id, stmt) VALUES ((SELECT journal FROM undo_state), 'UPDATE contact_fields SET ' || 'id = ' || quote(old.id) || ', ' || 'contact_id = ' || quote(old.contact_id) || ', ' || 'kind = ' || quote(old.kind) || ', ' || 'label = ' || quote(old.label) || ', ' || 'value = ' || quote(old.value) || ', ' || 'position = ' || quote(old.position) || ', ' || 'uid = ' || quote(old.uid) || ' WHERE ' || 'id IS ' || quote(new.id));
END;
CREATE TRIGGER undo_contact_fields_delete AFTER DELETE ON contact_fields WHEN (SELECT journal FROM undo_state) IS NOT NULL BEGIN
    INSERT INTO undo_log (change_id, stmt) VALUES ((SELECT journal FROM undo_state), 'INSERT INTO contact_fields (id, contact_id, kind, label, value, position, uid) VALUES (' || quote(old.id) || ', ' || quote(old.contact_id) || ', ' || quote(old.kind) || ', ' || quote(old.label) || ', ' || quote(old.value) || ', ' || quote(old.position) || ', ' || quote(old.uid) || ')');
END;
DROP TRIGGER undo_referrals_update;
DROP TRIGGER undo_referrals_delete;
CREATE TRIGGER undo_referrals_update AFTER UPDATE ON referrals WHEN (SELECT journal FROM undo_state) IS NOT NULL BEGIN
    INSERT INTO undo_log (change_id, stmt) VALUES ((SELECT journal FROM undo_state), 'UPDATE referrals SET ' || 'id = ' || quote(old.id) || ', ' || 'referrer_id = ' || quote(old.referrer_id) || ', ' || 'person_id = ' || quote(old.person_id) || ', ' || 'recipient_id = ' || quote(old.recipient_id) || ', ' || 'quality = ' || quote(old.quality) || ', ' || 'status = ' || quote(old.status) || ', ' || 'referred_on = ' || quote(old.referred_on) || ', ' || 'value = ' || quote(old.value) || ', ' || 'reason = ' || quote(old.reason) || ', ' || 'note = ' || quote(old.note) || ', ' || 'message_id = ' || quote(old.message_id) || ', ' || 'won_value = ' || quote(old.won_value) || ', ' || 'uid = ' || quote(old.uid) || ' WHERE ' || 'id IS ' || quote(new.id));
END;
CREATE TRIGGER undo_referrals_delete AFTER DELETE ON referrals WHEN (SELECT journal FROM undo_state) IS NOT NULL BEGIN
    INSERT INTO undo_log (change_id, stmt) VALUES ((SELECT journal FROM undo_state), 'INSERT INTO referrals (id, referrer_id, person_id, recipient_id, quality, status, referred_on, value, reason, note, message_id, won_value, uid) VALUES (' || quote(old.id) || ', ' || quote(old.referrer_id) || ', ' || quote(old.person_id) || ', ' || quote(old.recipient_id) || ', ' || quote(old.quality) || ', ' || quote(old.status) || ', ' || quote(old.referred_on) || ', ' || quote(old.value) || ', ' || quote(old.reason) || ', ' || quote(old.note) || ', ' || quote(old.message_id) || ', ' || quote(old.won_value) || ', ' || quote(old.uid) || ')');
END;
DROP TRIGGER undo_referral_events_update;
DROP TRIGGER undo_referral_events_delete;
CREATE TRIGGER undo_referral_events_update AFTER UPDATE ON referral_events WHEN (SELECT journal FROM undo_state) IS NOT NULL BEGIN
    INSERT INTO undo_log (change_id, stmt) VALUES ((SELECT journal FROM undo_state), 'UPDATE referral_events SET ' || 'id = ' || quote(old.id) || ', ' || 'referral_id = ' || quote(old.referral_id) || ', ' || 'status = ' || quote(old.status) || ', ' || 'occurred_on = ' || quote(old.occurred_on) || ', ' || 'uid = ' || quote(old.uid) || ' WHERE ' || 'id IS ' || quote(new.id));
END;
CREATE TRIGGER undo_referral_events_delete AFTER DELETE ON referral_events WHEN (SELECT journal FROM undo_state) IS NOT NULL BEGIN
    INSERT INTO undo_log (change_id, stmt) VALUES ((SELECT journal FROM undo_state), 'INSERT INTO referral_events (id, referral_id, status, occurred_on, uid) VALUES (' || quote(old.id) || ', ' || quote(old.referral_id) || ', ' || quote(old.status) || ', ' || quote(old.occurred_on) || ', ' || quote(old.uid) || ')');
END;
DROP TRIGGER undo_interactions_update;
DROP TRIGGER undo_interactions_delete;
CREATE TRIGGER undo_interactions_update AFTER UPDATE ON interactions WHEN (SELECT journal FROM undo_state) IS NOT NULL BEGIN
    INSERT INTO undo_log (change_id, stmt) VALUES ((SELECT journal FROM undo_state), 'UPDATE interactions SET ' || 'id = ' || quote(old.id) || ', ' || 'contact_id = ' || quote(old.contact_id) || ', ' || 'occurred_on = ' || quote(old.occurred_on) || ', ' || 'kind = ' || quote(old.kind) || ', ' || 'direction = ' || quote(old.direction) || ', ' || 'label = ' || quote(old.label) || ', ' || 'note = ' || quote(old.note) || ', ' || 'referral_id = ' || quote(old.referral_id) || ', ' || 'channel = ' || quote(old.channel) || ', ' || 'reward = ' || quote(old.reward) || ', ' || 'amount = ' || quote(old.amount) || ', ' || 'uid = ' || quote(old.uid) || ' WHERE ' || 'id IS ' || quote(new.id));
END;
CREATE TRIGGER undo_interactions_delete AFTER DELETE ON interactions WHEN (SELECT journal FROM undo_state) IS NOT NULL BEGIN
    INSERT INTO undo_log (change_id, stmt) VALUES ((SELECT journal FROM undo_state), 'INSERT INTO interactions (id, contact_id, occurred_on, kind, direction, label, note, referral_id, channel, reward, amount, uid) VALUES (' || quote(old.id) || ', ' || quote(old.contact_id) || ', ' || quote(old.occurred_on) || ', ' || quote(old.kind) || ', ' || quote(old.direction) || ', ' || quote(old.label) || ', ' || quote(old.note) || ', ' || quote(old.referral_id) || ', ' || quote(old.channel) || ', ' || quote(old.reward) || ', ' || quote(old.amount) || ', ' || quote(old.uid) || ')');
END;

-- This book's side of the exchange. `logging` is 1 once the book has synced: from
-- then on every change to a synced row is named in `sync_pending`, in the same
-- transaction as the change, and the next sync writes just those rows into the
-- document. Before the first sync nothing is logged (the first sync reads everything).
CREATE TABLE sync_meta (
    only        INTEGER PRIMARY KEY CHECK (only = 1),
    device      TEXT,
    logging     INTEGER NOT NULL DEFAULT 0 CHECK (logging IN (0, 1)),
    uids_filled INTEGER NOT NULL DEFAULT 0 CHECK (uids_filled IN (0, 1)),
    folder      TEXT,
    last_sync   TEXT,
    -- When a sync that changed the book last cleared the undo journal.
    undo_cut    TEXT
);
INSERT INTO sync_meta (only) VALUES (1);
-- The merged document as of the last sync, in the CRDT engine's own bytes: a whole
-- document, then the changes each later sync added, in order (read back to back they
-- are the document; a sync rewrites them as one when the changes have grown large).
CREATE TABLE sync_doc (
    seq   INTEGER PRIMARY KEY,
    chunk BLOB NOT NULL
);
-- Rows changed since the last sync: table and key (a uid; `contact uid/tag` for tags;
-- the review key for snoozes and let-gos). A row may be named more than once.
CREATE TABLE sync_pending (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,  -- never reused: a sync clears up to its seq
    tbl TEXT NOT NULL,
    key TEXT NOT NULL
);
-- A contact merged into another: its uid and the one it lives on as, so a touch another
-- machine logged on it meanwhile lands on the contact it was merged into.
CREATE TABLE sync_merged (
    uid      TEXT PRIMARY KEY,
    into_uid TEXT NOT NULL
) WITHOUT ROWID;
-- A contact back (a merge undone) is no longer merged.
CREATE TRIGGER sync_merged_undone AFTER INSERT ON contacts BEGIN
    DELETE FROM sync_merged WHERE uid = new.uid;
END;
-- Rows another machine sent that this book's rules refused (their contact was being
-- merged here at that moment, say): tried again at every sync until they are written.
CREATE TABLE sync_retry (
    tbl TEXT NOT NULL,
    key TEXT NOT NULL,
    PRIMARY KEY (tbl, key)
) WITHOUT ROWID;
-- The other files merged: what they were when last merged (an unchanged file is not
-- read again), and the device that writes them.
-- A file that has grown since and still begins with the bytes merged (its hash) is
-- merged from where it was.
CREATE TABLE sync_peers (
    file      TEXT PRIMARY KEY,
    device    TEXT,
    size      INTEGER NOT NULL,
    modified  TEXT    NOT NULL,
    hash      TEXT    NOT NULL,
    merged_at TEXT    NOT NULL
) WITHOUT ROWID;
-- A field edited on two machines before they synced: the value every machine kept and
-- the one it did not, for the user to pick.
CREATE TABLE sync_conflicts (
    tbl      TEXT NOT NULL,
    key      TEXT NOT NULL,
    field    TEXT NOT NULL,
    kept     TEXT,
    other    TEXT,
    found_on TEXT NOT NULL,
    PRIMARY KEY (tbl, key, field)
) WITHOUT ROWID;

CREATE TRIGGER sync_contacts_insert AFTER INSERT ON contacts WHEN (SELECT logging FROM sync_meta) = 1 AND new.uid IS NOT NULL BEGIN
    INSERT INTO sync_pending (tbl, key) VALUES ('contacts', new.uid);
END;
CREATE TRIGGER sync_contacts_update AFTER UPDATE ON contacts WHEN (SELECT logging FROM sync_meta) = 1 BEGIN
    INSERT INTO sync_pending (tbl, key) SELECT 'contacts', k FROM (SELECT old.uid AS k UNION SELECT new.uid) WHERE k IS NOT NULL;
END;
CREATE TRIGGER sync_contacts_delete AFTER DELETE ON contacts WHEN (SELECT logging FROM sync_meta) = 1 AND old.uid IS NOT NULL BEGIN
    INSERT INTO sync_pending (tbl, key) VALUES ('contacts', old.uid);
END;
CREATE TRIGGER sync_contact_fields_insert AFTER INSERT ON contact_fields WHEN (SELECT logging FROM sync_meta) = 1 AND new.uid IS NOT NULL BEGIN
    INSERT INTO sync_pending (tbl, key) VALUES ('contact_fields', new.uid);
END;
CREATE TRIGGER sync_contact_fields_update AFTER UPDATE ON contact_fields WHEN (SELECT logging FROM sync_meta) = 1 BEGIN
    INSERT INTO sync_pending (tbl, key) SELECT 'contact_fields', k FROM (SELECT old.uid AS k UNION SELECT new.uid) WHERE k IS NOT NULL;
END;
CREATE TRIGGER sync_contact_fields_delete AFTER DELETE ON contact_fields WHEN (SELECT logging FROM sync_meta) = 1 AND old.uid IS NOT NULL BEGIN
    INSERT INTO sync_pending (tbl, key) VALUES ('contact_fields', old.uid);
END;
CREATE TRIGGER sync_referrals_insert AFTER INSERT ON referrals WHEN (SELECT logging FROM sync_meta) = 1 AND new.uid IS NOT NULL BEGIN
    INSERT INTO sync_pending (tbl, key) VALUES ('referrals', new.uid);
END;
CREATE TRIGGER sync_referrals_update AFTER UPDATE ON referrals WHEN (SELECT logging FROM sync_meta) = 1 BEGIN
    INSERT INTO sync_pending (tbl, key) SELECT 'referrals', k FROM (SELECT old.uid AS k UNION SELECT new.uid) WHERE k IS NOT NULL;
END;
CREATE TRIGGER sync_referrals_delete AFTER DELETE ON referrals WHEN (SELECT logging FROM sync_meta) = 1 AND old.uid IS NOT NULL BEGIN
    INSERT INTO sync_pending (tbl, key) VALUES ('referrals', old.uid);
END;
CREATE TRIGGER sync_referral_events_insert AFTER INSERT ON referral_events WHEN (SELECT logging FROM sync_meta) = 1 AND new.uid IS NOT NULL BEGIN
    INSERT INTO sync_pending (tbl, key) VALUES ('referral_events', new.uid);
END;
CREATE TRIGGER sync_referral_events_update AFTER UPDATE ON referral_events WHEN (SELECT logging FROM sync_meta) = 1 BEGIN
    INSERT INTO sync_pending (tbl, key) SELECT 'referral_events', k FROM (SELECT old.uid AS k UNION SELECT new.uid) WHERE k IS NOT NULL;
END;
CREATE TRIGGER sync_referral_events_delete AFTER DELETE ON referral_events WHEN (SELECT logging FROM sync_meta) = 1 AND old.uid IS NOT NULL BEGIN
    INSERT INTO sync_pending (tbl, key) VALUES ('referral_events', old.uid);
END;
CREATE TRIGGER sync_interactions_insert AFTER INSERT ON interactions WHEN (SELECT logging FROM sync_meta) = 1 AND new.uid IS NOT NULL BEGIN
    INSERT INTO sync_pending (tbl, key) VALUES ('interactions', new.uid);
END;
CREATE TRIGGER sync_interactions_update AFTER UPDATE ON interactions WHEN (SELECT logging FROM sync_meta) = 1 BEGIN
    INSERT INTO sync_pending (tbl, key) SELECT 'interactions', k FROM (SELECT old.uid AS k UNION SELECT new.uid) WHERE k IS NOT NULL;
END;
CREATE TRIGGER sync_interactions_delete AFTER DELETE ON interactions WHEN (SELECT logging FROM sync_meta) = 1 AND old.uid IS NOT NULL BEGIN
    INSERT INTO sync_pending (tbl, key) VALUES ('interactions', old.uid);
END;
CREATE TRIGGER sync_tags_insert AFTER INSERT ON tags WHEN (SELECT logging FROM sync_meta) = 1 AND (SELECT uid FROM contacts WHERE id = new.contact_id) || char(31) || lower(new.tag) IS NOT NULL BEGIN
    INSERT INTO sync_pending (tbl, key) VALUES ('tags', (SELECT uid FROM contacts WHERE id = new.contact_id) || char(31) || lower(new.tag));
END;
CREATE TRIGGER sync_tags_update AFTER UPDATE ON tags WHEN (SELECT logging FROM sync_meta) = 1 BEGIN
    INSERT INTO sync_pending (tbl, key) SELECT 'tags', k FROM (SELECT (SELECT uid FROM contacts WHERE id = old.contact_id) || char(31) || lower(old.tag) AS k UNION SELECT (SELECT uid FROM contacts WHERE id = new.contact_id) || char(31) || lower(new.tag)) WHERE k IS NOT NULL;
END;
CREATE TRIGGER sync_tags_delete AFTER DELETE ON tags WHEN (SELECT logging FROM sync_meta) = 1 AND (SELECT uid FROM contacts WHERE id = old.contact_id) || char(31) || lower(old.tag) IS NOT NULL BEGIN
    INSERT INTO sync_pending (tbl, key) VALUES ('tags', (SELECT uid FROM contacts WHERE id = old.contact_id) || char(31) || lower(old.tag));
END;
CREATE TRIGGER sync_snoozes_insert AFTER INSERT ON snoozes WHEN (SELECT logging FROM sync_meta) = 1 BEGIN
    INSERT INTO sync_pending (tbl, key) VALUES ('snoozes', new.key);
END;
CREATE TRIGGER sync_snoozes_update AFTER UPDATE ON snoozes WHEN (SELECT logging FROM sync_meta) = 1 BEGIN
    INSERT INTO sync_pending (tbl, key) SELECT 'snoozes', k FROM (SELECT old.key AS k UNION SELECT new.key) WHERE k IS NOT NULL;
END;
CREATE TRIGGER sync_snoozes_delete AFTER DELETE ON snoozes WHEN (SELECT logging FROM sync_meta) = 1 BEGIN
    INSERT INTO sync_pending (tbl, key) VALUES ('snoozes', old.key);
END;
CREATE TRIGGER sync_let_go_insert AFTER INSERT ON let_go WHEN (SELECT logging FROM sync_meta) = 1 BEGIN
    INSERT INTO sync_pending (tbl, key) VALUES ('let_go', new.key);
END;
CREATE TRIGGER sync_let_go_update AFTER UPDATE ON let_go WHEN (SELECT logging FROM sync_meta) = 1 BEGIN
    INSERT INTO sync_pending (tbl, key) SELECT 'let_go', k FROM (SELECT old.key AS k UNION SELECT new.key) WHERE k IS NOT NULL;
END;
CREATE TRIGGER sync_let_go_delete AFTER DELETE ON let_go WHEN (SELECT logging FROM sync_meta) = 1 BEGIN
    INSERT INTO sync_pending (tbl, key) VALUES ('let_go', old.key);
END;
