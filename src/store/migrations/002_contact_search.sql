-- Schema version 2: trigram indexes over what `list --search` and contact lookup match,
-- so a search reads an index instead of every contact. Both are external-content FTS5
-- tables (they index the rows of `contacts` and `contact_fields` without a second copy
-- of the text), kept up to date by triggers. Tags are few and short: they are scanned.
-- Shipped migrations are never edited: add a new file instead.

CREATE VIRTUAL TABLE contact_text USING fts5 (
    name, company, title,
    content = 'contacts', content_rowid = 'id', tokenize = 'trigram'
);

CREATE TRIGGER contact_text_insert AFTER INSERT ON contacts BEGIN
    INSERT INTO contact_text (rowid, name, company, title)
    VALUES (new.id, new.name, new.company, new.title);
END;

CREATE TRIGGER contact_text_delete AFTER DELETE ON contacts BEGIN
    INSERT INTO contact_text (contact_text, rowid, name, company, title)
    VALUES ('delete', old.id, old.name, old.company, old.title);
END;

CREATE TRIGGER contact_text_update AFTER UPDATE OF id, name, company, title ON contacts BEGIN
    INSERT INTO contact_text (contact_text, rowid, name, company, title)
    VALUES ('delete', old.id, old.name, old.company, old.title);
    INSERT INTO contact_text (rowid, name, company, title)
    VALUES (new.id, new.name, new.company, new.title);
END;

CREATE VIRTUAL TABLE field_text USING fts5 (
    value,
    content = 'contact_fields', content_rowid = 'id', tokenize = 'trigram'
);

CREATE TRIGGER field_text_insert AFTER INSERT ON contact_fields BEGIN
    INSERT INTO field_text (rowid, value) VALUES (new.id, new.value);
END;

CREATE TRIGGER field_text_delete AFTER DELETE ON contact_fields BEGIN
    INSERT INTO field_text (field_text, rowid, value) VALUES ('delete', old.id, old.value);
END;

CREATE TRIGGER field_text_update AFTER UPDATE OF id, value ON contact_fields BEGIN
    INSERT INTO field_text (field_text, rowid, value) VALUES ('delete', old.id, old.value);
    INSERT INTO field_text (rowid, value) VALUES (new.id, new.value);
END;

INSERT INTO contact_text (contact_text) VALUES ('rebuild');
INSERT INTO field_text (field_text) VALUES ('rebuild');
