-- A referral reopened after it was won keeps what it was won for: `won_value` is set
-- when it is won and left as it is when it is reopened, so winning it again offers the
-- old value (`value` stays the value of a referral that is won now). The undo triggers
-- of `referrals` list every column: they are made again with the new one.
ALTER TABLE referrals ADD COLUMN won_value REAL;
UPDATE referrals SET won_value = value WHERE status = 'won';

DROP TRIGGER undo_referrals_update;
DROP TRIGGER undo_referrals_delete;
CREATE TRIGGER undo_referrals_update AFTER UPDATE ON referrals WHEN (SELECT journal FROM undo_state) IS NOT NULL BEGIN
    INSERT INTO undo_log (change_id, stmt) VALUES ((SELECT journal FROM undo_state), 'UPDATE referrals SET ' || 'id = ' || quote(old.id) || ', ' || 'referrer_id = ' || quote(old.referrer_id) || ', ' || 'person_id = ' || quote(old.person_id) || ', ' || 'recipient_id = ' || quote(old.recipient_id) || ', ' || 'quality = ' || quote(old.quality) || ', ' || 'status = ' || quote(old.status) || ', ' || 'referred_on = ' || quote(old.referred_on) || ', ' || 'value = ' || quote(old.value) || ', ' || 'reason = ' || quote(old.reason) || ', ' || 'note = ' || quote(old.note) || ', ' || 'message_id = ' || quote(old.message_id) || ', ' || 'won_value = ' || quote(old.won_value) || ' WHERE ' || 'id IS ' || quote(new.id));
END;
CREATE TRIGGER undo_referrals_delete AFTER DELETE ON referrals WHEN (SELECT journal FROM undo_state) IS NOT NULL BEGIN
    INSERT INTO undo_log (change_id, stmt) VALUES ((SELECT journal FROM undo_state), 'INSERT INTO referrals (id, referrer_id, person_id, recipient_id, quality, status, referred_on, value, reason, note, message_id, won_value) VALUES (' || quote(old.id) || ', ' || quote(old.referrer_id) || ', ' || quote(old.person_id) || ', ' || quote(old.recipient_id) || ', ' || quote(old.quality) || ', ' || quote(old.status) || ', ' || quote(old.referred_on) || ', ' || quote(old.value) || ', ' || quote(old.reason) || ', ' || quote(old.note) || ', ' || quote(old.message_id) || ', ' || quote(old.won_value) || ')');
END;
