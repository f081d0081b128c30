-- A row that INSERT OR REPLACE (or UPDATE OR REPLACE of an id) removes fires no delete
-- trigger unless recursive triggers are on, so the contact it belonged to was not
-- marked and its packed history (migration 008) could keep the removed interaction.
-- The contact of the row about to be replaced is marked before the write.
CREATE TRIGGER scoring_interactions_replace BEFORE INSERT ON interactions
WHEN new.id IS NOT NULL BEGIN
    INSERT INTO scoring_dirty (contact_id)
        SELECT contact_id FROM interactions
        WHERE id = new.id
          AND contact_id NOT IN (SELECT contact_id FROM scoring_dirty);
END;
CREATE TRIGGER scoring_interactions_replace_id BEFORE UPDATE OF id ON interactions
WHEN new.id IS NOT old.id BEGIN
    INSERT INTO scoring_dirty (contact_id)
        SELECT contact_id FROM interactions
        WHERE id = new.id
          AND contact_id NOT IN (SELECT contact_id FROM scoring_dirty);
END;
