-- The undo journal (the technique of sqlite.org/undoredo.html): every write transaction
-- opens a change in `undo_changes` and points `undo_state.journal` at it; triggers on
-- every table of the book append the statement that reverses each row they see to
-- `undo_log`, in the same transaction as the write. Undoing a change runs its
-- statements newest first, with the journal off, and removes it.
CREATE TABLE undo_changes (
    id   INTEGER PRIMARY KEY,
    at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%S', 'now')),
    what TEXT NOT NULL
);
CREATE TABLE undo_log (
    seq       INTEGER PRIMARY KEY,
    change_id INTEGER NOT NULL REFERENCES undo_changes (id) ON DELETE CASCADE,
    stmt      TEXT    NOT NULL
);
CREATE INDEX undo_log_change ON undo_log (change_id, seq);
-- One row: the change being written now, or NULL (nothing is journaled).
CREATE TABLE undo_state (
    only    INTEGER PRIMARY KEY CHECK (only = 1),
    journal INTEGER
);
INSERT INTO undo_state (only, journal) VALUES (1, NULL);

CREATE TRIGGER undo_contacts_insert AFTER INSERT ON contacts WHEN (SELECT journal FROM undo_state) IS NOT NULL BEGIN
    INSERT INTO undo_log (change_id, stmt) VALUES ((SELECT journal FROM undo_state), 'DELETE FROM contacts WHERE ' || 'id IS ' || quote(new.id));
END;
CREATE TRIGGER undo_contacts_update AFTER UPDATE ON contacts WHEN (SELECT journal FROM undo_state) IS NOT NULL BEGIN
    INSERT INTO undo_log (change_id, stmt) VALUES ((SELECT journal FROM undo_state), 'UPDATE contacts SET ' || 'id = ' || quote(old.id) || ', ' || 'uid = ' || quote(old.uid) || ', ' || 'name = ' || quote(old.name) || ', ' || 'company = ' || quote(old.company) || ', ' || 'title = ' || quote(old.title) || ', ' || 'circle = ' || quote(old.circle) || ', ' || 'how_met = ' || quote(old.how_met) || ', ' || 'notes = ' || quote(old.notes) || ', ' || 'cadence_days = ' || quote(old.cadence_days) || ', ' || 'do_not_ask = ' || quote(old.do_not_ask) || ', ' || 'closeness = ' || quote(old.closeness) || ', ' || 'vcard_extra = ' || quote(old.vcard_extra) || ', ' || 'created_on = ' || quote(old.created_on) || ', ' || 'archived_on = ' || quote(old.archived_on) || ' WHERE ' || 'id IS ' || quote(new.id));
END;
CREATE TRIGGER undo_contacts_delete AFTER DELETE ON contacts WHEN (SELECT journal FROM undo_state) IS NOT NULL BEGIN
    INSERT INTO undo_log (change_id, stmt) VALUES ((SELECT journal FROM undo_state), 'INSERT INTO contacts (id, uid, name, company, title, circle, how_met, notes, cadence_days, do_not_ask, closeness, vcard_extra, created_on, archived_on) VALUES (' || quote(old.id) || ', ' || quote(old.uid) || ', ' || quote(old.name) || ', ' || quote(old.company) || ', ' || quote(old.title) || ', ' || quote(old.circle) || ', ' || quote(old.how_met) || ', ' || quote(old.notes) || ', ' || quote(old.cadence_days) || ', ' || quote(old.do_not_ask) || ', ' || quote(old.closeness) || ', ' || quote(old.vcard_extra) || ', ' || quote(old.created_on) || ', ' || quote(old.archived_on) || ')');
END;

CREATE TRIGGER undo_contact_fields_insert AFTER INSERT ON contact_fields WHEN (SELECT journal FROM undo_state) IS NOT NULL BEGIN
    INSERT INTO undo_log (change_id, stmt) VALUES ((SELECT journal FROM undo_state), 'DELETE FROM contact_fields WHERE ' || 'id IS ' || quote(new.id));
END;
CREATE TRIGGER undo_contact_fields_update AFTER UPDATE ON contact_fields WHEN (SELECT journal FROM undo_state) IS NOT NULL BEGIN
    INSERT INTO undo_log (change_id, stmt) VALUES ((SELECT journal FROM undo_state), 'UPDATE contact_fields SET ' || 'id = ' || quote(old.id) || ', ' || 'contact_id = ' || quote(old.contact_id) || ', ' || 'kind = ' || quote(old.kind) || ', ' || 'label = ' || quote(old.label) || ', ' || 'value = ' || quote(old.value) || ', ' || 'position = ' || quote(old.position) || ' WHERE ' || 'id IS ' || quote(new.id));
END;
CREATE TRIGGER undo_contact_fields_delete AFTER DELETE ON contact_fields WHEN (SELECT journal FROM undo_state) IS NOT NULL BEGIN
    INSERT INTO undo_log (change_id, stmt) VALUES ((SELECT journal FROM undo_state), 'INSERT INTO contact_fields (id, contact_id, kind, label, value, position) VALUES (' || quote(old.id) || ', ' || quote(old.contact_id) || ', ' || quote(old.kind) || ', ' || quote(old.label) || ', ' || quote(old.value) || ', ' || quote(old.position) || ')');
END;

CREATE TRIGGER undo_tags_insert AFTER INSERT ON tags WHEN (SELECT journal FROM undo_state) IS NOT NULL BEGIN
    INSERT INTO undo_log (change_id, stmt) VALUES ((SELECT journal FROM undo_state), 'DELETE FROM tags WHERE ' || 'contact_id IS ' || quote(new.contact_id) || ' AND ' || 'tag IS ' || quote(new.tag));
END;
CREATE TRIGGER undo_tags_update AFTER UPDATE ON tags WHEN (SELECT journal FROM undo_state) IS NOT NULL BEGIN
    INSERT INTO undo_log (change_id, stmt) VALUES ((SELECT journal FROM undo_state), 'UPDATE tags SET ' || 'contact_id = ' || quote(old.contact_id) || ', ' || 'tag = ' || quote(old.tag) || ' WHERE ' || 'contact_id IS ' || quote(new.contact_id) || ' AND ' || 'tag IS ' || quote(new.tag));
END;
CREATE TRIGGER undo_tags_delete AFTER DELETE ON tags WHEN (SELECT journal FROM undo_state) IS NOT NULL BEGIN
    INSERT INTO undo_log (change_id, stmt) VALUES ((SELECT journal FROM undo_state), 'INSERT INTO tags (contact_id, tag) VALUES (' || quote(old.contact_id) || ', ' || quote(old.tag) || ')');
END;

CREATE TRIGGER undo_referrals_insert AFTER INSERT ON referrals WHEN (SELECT journal FROM undo_state) IS NOT NULL BEGIN
    INSERT INTO undo_log (change_id, stmt) VALUES ((SELECT journal FROM undo_state), 'DELETE FROM referrals WHERE ' || 'id IS ' || quote(new.id));
END;
CREATE TRIGGER undo_referrals_update AFTER UPDATE ON referrals WHEN (SELECT journal FROM undo_state) IS NOT NULL BEGIN
    INSERT INTO undo_log (change_id, stmt) VALUES ((SELECT journal FROM undo_state), 'UPDATE referrals SET ' || 'id = ' || quote(old.id) || ', ' || 'referrer_id = ' || quote(old.referrer_id) || ', ' || 'person_id = ' || quote(old.person_id) || ', ' || 'recipient_id = ' || quote(old.recipient_id) || ', ' || 'quality = ' || quote(old.quality) || ', ' || 'status = ' || quote(old.status) || ', ' || 'referred_on = ' || quote(old.referred_on) || ', ' || 'value = ' || quote(old.value) || ', ' || 'reason = ' || quote(old.reason) || ', ' || 'note = ' || quote(old.note) || ' WHERE ' || 'id IS ' || quote(new.id));
END;
CREATE TRIGGER undo_referrals_delete AFTER DELETE ON referrals WHEN (SELECT journal FROM undo_state) IS NOT NULL BEGIN
    INSERT INTO undo_log (change_id, stmt) VALUES ((SELECT journal FROM undo_state), 'INSERT INTO referrals (id, referrer_id, person_id, recipient_id, quality, status, referred_on, value, reason, note) VALUES (' || quote(old.id) || ', ' || quote(old.referrer_id) || ', ' || quote(old.person_id) || ', ' || quote(old.recipient_id) || ', ' || quote(old.quality) || ', ' || quote(old.status) || ', ' || quote(old.referred_on) || ', ' || quote(old.value) || ', ' || quote(old.reason) || ', ' || quote(old.note) || ')');
END;

CREATE TRIGGER undo_referral_events_insert AFTER INSERT ON referral_events WHEN (SELECT journal FROM undo_state) IS NOT NULL BEGIN
    INSERT INTO undo_log (change_id, stmt) VALUES ((SELECT journal FROM undo_state), 'DELETE FROM referral_events WHERE ' || 'id IS ' || quote(new.id));
END;
CREATE TRIGGER undo_referral_events_update AFTER UPDATE ON referral_events WHEN (SELECT journal FROM undo_state) IS NOT NULL BEGIN
    INSERT INTO undo_log (change_id, stmt) VALUES ((SELECT journal FROM undo_state), 'UPDATE referral_events SET ' || 'id = ' || quote(old.id) || ', ' || 'referral_id = ' || quote(old.referral_id) || ', ' || 'status = ' || quote(old.status) || ', ' || 'occurred_on = ' || quote(old.occurred_on) || ' WHERE ' || 'id IS ' || quote(new.id));
END;
CREATE TRIGGER undo_referral_events_delete AFTER DELETE ON referral_events WHEN (SELECT journal FROM undo_state) IS NOT NULL BEGIN
    INSERT INTO undo_log (change_id, stmt) VALUES ((SELECT journal FROM undo_state), 'INSERT INTO referral_events (id, referral_id, status, occurred_on) VALUES (' || quote(old.id) || ', ' || quote(old.referral_id) || ', ' || quote(old.status) || ', ' || quote(old.occurred_on) || ')');
END;

CREATE TRIGGER undo_interactions_insert AFTER INSERT ON interactions WHEN (SELECT journal FROM undo_state) IS NOT NULL BEGIN
    INSERT INTO undo_log (change_id, stmt) VALUES ((SELECT journal FROM undo_state), 'DELETE FROM interactions WHERE ' || 'id IS ' || quote(new.id));
END;
CREATE TRIGGER undo_interactions_update AFTER UPDATE ON interactions WHEN (SELECT journal FROM undo_state) IS NOT NULL BEGIN
    INSERT INTO undo_log (change_id, stmt) VALUES ((SELECT journal FROM undo_state), 'UPDATE interactions SET ' || 'id = ' || quote(old.id) || ', ' || 'contact_id = ' || quote(old.contact_id) || ', ' || 'occurred_on = ' || quote(old.occurred_on) || ', ' || 'kind = ' || quote(old.kind) || ', ' || 'direction = ' || quote(old.direction) || ', ' || 'label = ' || quote(old.label) || ', ' || 'note = ' || quote(old.note) || ', ' || 'referral_id = ' || quote(old.referral_id) || ', ' || 'channel = ' || quote(old.channel) || ', ' || 'reward = ' || quote(old.reward) || ', ' || 'amount = ' || quote(old.amount) || ' WHERE ' || 'id IS ' || quote(new.id));
END;
CREATE TRIGGER undo_interactions_delete AFTER DELETE ON interactions WHEN (SELECT journal FROM undo_state) IS NOT NULL BEGIN
    INSERT INTO undo_log (change_id, stmt) VALUES ((SELECT journal FROM undo_state), 'INSERT INTO interactions (id, contact_id, occurred_on, kind, direction, label, note, referral_id, channel, reward, amount) VALUES (' || quote(old.id) || ', ' || quote(old.contact_id) || ', ' || quote(old.occurred_on) || ', ' || quote(old.kind) || ', ' || quote(old.direction) || ', ' || quote(old.label) || ', ' || quote(old.note) || ', ' || quote(old.referral_id) || ', ' || quote(old.channel) || ', ' || quote(old.reward) || ', ' || quote(old.amount) || ')');
END;

CREATE TRIGGER undo_snoozes_insert AFTER INSERT ON snoozes WHEN (SELECT journal FROM undo_state) IS NOT NULL BEGIN
    INSERT INTO undo_log (change_id, stmt) VALUES ((SELECT journal FROM undo_state), 'DELETE FROM snoozes WHERE ' || 'key IS ' || quote(new.key));
END;
CREATE TRIGGER undo_snoozes_update AFTER UPDATE ON snoozes WHEN (SELECT journal FROM undo_state) IS NOT NULL BEGIN
    INSERT INTO undo_log (change_id, stmt) VALUES ((SELECT journal FROM undo_state), 'UPDATE snoozes SET ' || 'key = ' || quote(old.key) || ', ' || 'until = ' || quote(old.until) || ' WHERE ' || 'key IS ' || quote(new.key));
END;
CREATE TRIGGER undo_snoozes_delete AFTER DELETE ON snoozes WHEN (SELECT journal FROM undo_state) IS NOT NULL BEGIN
    INSERT INTO undo_log (change_id, stmt) VALUES ((SELECT journal FROM undo_state), 'INSERT INTO snoozes (key, until) VALUES (' || quote(old.key) || ', ' || quote(old.until) || ')');
END;

CREATE TRIGGER undo_let_go_insert AFTER INSERT ON let_go WHEN (SELECT journal FROM undo_state) IS NOT NULL BEGIN
    INSERT INTO undo_log (change_id, stmt) VALUES ((SELECT journal FROM undo_state), 'DELETE FROM let_go WHERE ' || 'key IS ' || quote(new.key));
END;
CREATE TRIGGER undo_let_go_update AFTER UPDATE ON let_go WHEN (SELECT journal FROM undo_state) IS NOT NULL BEGIN
    INSERT INTO undo_log (change_id, stmt) VALUES ((SELECT journal FROM undo_state), 'UPDATE let_go SET ' || 'key = ' || quote(old.key) || ', ' || 'due = ' || quote(old.due) || ' WHERE ' || 'key IS ' || quote(new.key));
END;
CREATE TRIGGER undo_let_go_delete AFTER DELETE ON let_go WHEN (SELECT journal FROM undo_state) IS NOT NULL BEGIN
    INSERT INTO undo_log (change_id, stmt) VALUES ((SELECT journal FROM undo_state), 'INSERT INTO let_go (key, due) VALUES (' || quote(old.key) || ', ' || quote(old.due) || ')');
END;

CREATE TRIGGER undo_review_done_insert AFTER INSERT ON review_done WHEN (SELECT journal FROM undo_state) IS NOT NULL BEGIN
    INSERT INTO undo_log (change_id, stmt) VALUES ((SELECT journal FROM undo_state), 'DELETE FROM review_done WHERE ' || 'key IS ' || quote(new.key) || ' AND ' || 'on_date IS ' || quote(new.on_date));
END;
CREATE TRIGGER undo_review_done_update AFTER UPDATE ON review_done WHEN (SELECT journal FROM undo_state) IS NOT NULL BEGIN
    INSERT INTO undo_log (change_id, stmt) VALUES ((SELECT journal FROM undo_state), 'UPDATE review_done SET ' || 'key = ' || quote(old.key) || ', ' || 'on_date = ' || quote(old.on_date) || ', ' || 'interaction_id = ' || quote(old.interaction_id) || ' WHERE ' || 'key IS ' || quote(new.key) || ' AND ' || 'on_date IS ' || quote(new.on_date));
END;
CREATE TRIGGER undo_review_done_delete AFTER DELETE ON review_done WHEN (SELECT journal FROM undo_state) IS NOT NULL BEGIN
    INSERT INTO undo_log (change_id, stmt) VALUES ((SELECT journal FROM undo_state), 'INSERT INTO review_done (key, on_date, interaction_id) VALUES (' || quote(old.key) || ', ' || quote(old.on_date) || ', ' || quote(old.interaction_id) || ')');
END;
