-- Tags keep the case they were typed in ("VIP" stays "VIP"); matching, ordering and
-- de-duplication stay case-insensitive through the column's NOCASE collation, so the
-- primary key refuses "vip" beside "VIP" on one contact. SQLite cannot change a
-- column's collation in place: the table is rebuilt, and its index and undo triggers
-- made again. Tags stored before this were lowercased; they stay as they are.
CREATE TABLE tags_new (
    contact_id INTEGER NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
    tag        TEXT    NOT NULL COLLATE NOCASE CHECK (tag <> ''),
    PRIMARY KEY (contact_id, tag)
) WITHOUT ROWID;
INSERT OR IGNORE INTO tags_new (contact_id, tag) SELECT contact_id, tag FROM tags;
DROP TABLE tags;
ALTER TABLE tags_new RENAME TO tags;
CREATE INDEX tags_tag ON tags (tag);

CREATE TRIGGER undo_tags_insert AFTER INSERT ON tags WHEN (SELECT journal FROM undo_state) IS NOT NULL BEGIN
    INSERT INTO undo_log (change_id, stmt) VALUES ((SELECT journal FROM undo_state), 'DELETE FROM tags WHERE ' || 'contact_id IS ' || quote(new.contact_id) || ' AND ' || 'tag IS ' || quote(new.tag));
END;
CREATE TRIGGER undo_tags_update AFTER UPDATE ON tags WHEN (SELECT journal FROM undo_state) IS NOT NULL BEGIN
    INSERT INTO undo_log (change_id, stmt) VALUES ((SELECT journal FROM undo_state), 'UPDATE tags SET ' || 'contact_id = ' || quote(old.contact_id) || ', ' || 'tag = ' || quote(old.tag) || ' WHERE ' || 'contact_id IS ' || quote(new.contact_id) || ' AND ' || 'tag IS ' || quote(new.tag));
END;
CREATE TRIGGER undo_tags_delete AFTER DELETE ON tags WHEN (SELECT journal FROM undo_state) IS NOT NULL BEGIN
    INSERT INTO undo_log (change_id, stmt) VALUES ((SELECT journal FROM undo_state), 'INSERT INTO tags (contact_id, tag) VALUES (' || quote(old.contact_id) || ', ' || quote(old.tag) || ')');
END;
