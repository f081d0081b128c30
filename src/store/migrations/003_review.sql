-- Review items the user let go ("not offered again"), with the due date the item had
-- then: it is hidden while its due date is on or before `due`, so it comes back only
-- when something new happens.
CREATE TABLE let_go (
    key TEXT PRIMARY KEY,
    due TEXT NOT NULL
) WITHOUT ROWID;

-- Review items done, by the day of the review: the day's budget counts them, so a
-- finished review stays finished. The interaction the done recorded goes with it.
CREATE TABLE review_done (
    key            TEXT    NOT NULL,
    on_date        TEXT    NOT NULL,
    interaction_id INTEGER NOT NULL REFERENCES interactions (id) ON DELETE CASCADE,
    PRIMARY KEY (key, on_date)
) WITHOUT ROWID;
CREATE INDEX review_done_interaction ON review_done (interaction_id);
