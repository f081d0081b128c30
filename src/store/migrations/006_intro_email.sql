-- An introduction imported from email keeps the mail's Message-ID, so importing the
-- same mail or mailbox again adds nothing. Unique where present; referrals recorded by
-- hand have none. The undo triggers of `referrals` list every column: they are made
-- again with the new one, so undoing an edit or a delete restores it too.
ALTER TABLE referrals ADD COLUMN message_id TEXT;
CREATE UNIQUE INDEX referrals_message_id ON referrals (message_id) WHERE message_id IS NOT NULL;

DROP TRIGGER undo_referrals_update;
DROP TRIGGER undo_referrals_delete;
CREATE TRIGGER undo_referrals_update AFTER UPDATE ON referrals WHEN (SELECT journal FROM undo_state) IS NOT NULL BEGIN
    INSERT INTO undo_log (change_id, stmt) VALUES ((SELECT journal FROM undo_state), 'UPDATE referrals SET ' || 'id = ' || quote(old.id) || ', ' || 'referrer_id = ' || quote(old.referrer_id) || ', ' || 'person_id = ' || quote(old.person_id) || ', ' || 'recipient_id = ' || quote(old.recipient_id) || ', ' || 'quality = ' || quote(old.quality) || ', ' || 'status = ' || quote(old.status) || ', ' || 'referred_on = ' || quote(old.referred_on) || ', ' || 'value = ' || quote(old.value) || ', ' || 'reason = ' || quote(old.reason) || ', ' || 'note = ' || quote(old.note) || ', ' || 'message_id = ' || quote(old.message_id) || ' WHERE ' || 'id IS ' || quote(new.id));
END;
CREATE TRIGGER undo_referrals_delete AFTER DELETE ON referrals WHEN (SELECT journal FROM undo_state) IS NOT NULL BEGIN
    INSERT INTO undo_log (change_id, stmt) VALUES ((SELECT journal FROM undo_state), 'INSERT INTO referrals (id, referrer_id, person_id, recipient_id, quality, status, referred_on, value, reason, note, message_id) VALUES (' || quote(old.id) || ', ' || quote(old.referrer_id) || ', ' || quote(old.person_id) || ', ' || quote(old.recipient_id) || ', ' || quote(old.quality) || ', ' || quote(old.status) || ', ' || quote(old.referred_on) || ', ' || quote(old.value) || ', ' || quote(old.reason) || ', ' || quote(old.note) || ', ' || quote(old.message_id) || ')');
END;
