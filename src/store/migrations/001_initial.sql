-- Schema version 1. Shipped migrations are never edited: add a new file instead.

CREATE TABLE contacts (
    id           INTEGER PRIMARY KEY,
    uid          TEXT    NOT NULL UNIQUE,
    name         TEXT    NOT NULL CHECK (trim(name) <> ''),  -- not length(): it stops at a NUL
    company      TEXT,
    title        TEXT,
    circle       TEXT    NOT NULL DEFAULT 'other'
                 CHECK (circle IN ('client', 'prospect', 'partner', 'friend', 'family', 'other')),
    how_met      TEXT,
    notes        TEXT,
    cadence_days INTEGER CHECK (cadence_days IS NULL OR cadence_days > 0),
    do_not_ask   INTEGER NOT NULL DEFAULT 0 CHECK (do_not_ask IN (0, 1)),
    closeness    INTEGER CHECK (closeness IS NULL OR closeness BETWEEN 1 AND 5),
    -- Unknown vCard properties, kept verbatim so an export can write them back.
    vcard_extra  TEXT,
    created_on   TEXT    NOT NULL,
    archived_on  TEXT
);
CREATE INDEX contacts_name ON contacts (name COLLATE NOCASE);

CREATE TABLE contact_fields (
    id         INTEGER PRIMARY KEY,
    contact_id INTEGER NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
    kind       TEXT    NOT NULL
               CHECK (kind IN ('email', 'phone', 'url', 'address', 'birthday', 'nickname')),
    label      TEXT,
    value      TEXT    NOT NULL,
    position   INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX contact_fields_contact ON contact_fields (contact_id, position);
CREATE INDEX contact_fields_value ON contact_fields (kind, value COLLATE NOCASE);

CREATE TABLE tags (
    contact_id INTEGER NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
    tag        TEXT    NOT NULL CHECK (tag <> ''),
    PRIMARY KEY (contact_id, tag)
) WITHOUT ROWID;
CREATE INDEX tags_tag ON tags (tag);

CREATE TABLE referrals (
    id           INTEGER PRIMARY KEY,
    -- NULL means "me": exactly one of referrer_id / recipient_id is me.
    referrer_id  INTEGER REFERENCES contacts (id),
    person_id    INTEGER NOT NULL REFERENCES contacts (id),
    recipient_id INTEGER REFERENCES contacts (id),
    quality      TEXT    NOT NULL
                 CHECK (quality IN ('name_only', 'permission', 'warm_handoff', 'email_intro', 'three_way_meeting')),
    status       TEXT    NOT NULL
                 CHECK (status IN ('new', 'contacted', 'met', 'proposal', 'won', 'lost', 'dormant')),
    referred_on  TEXT    NOT NULL,
    value        REAL,
    reason       TEXT,
    note         TEXT,
    CHECK ((referrer_id IS NULL) <> (recipient_id IS NULL)),
    CHECK (person_id IS NOT referrer_id AND person_id IS NOT recipient_id)
);
CREATE INDEX referrals_referrer ON referrals (referrer_id);
CREATE INDEX referrals_person ON referrals (person_id);
CREATE INDEX referrals_recipient ON referrals (recipient_id);

CREATE TABLE referral_events (
    id          INTEGER PRIMARY KEY,
    referral_id INTEGER NOT NULL REFERENCES referrals (id) ON DELETE CASCADE,
    status      TEXT    NOT NULL
                CHECK (status IN ('new', 'contacted', 'met', 'proposal', 'won', 'lost', 'dormant')),
    occurred_on TEXT    NOT NULL
);
CREATE INDEX referral_events_referral ON referral_events (referral_id, occurred_on);

CREATE TABLE interactions (
    id          INTEGER PRIMARY KEY,
    contact_id  INTEGER NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
    occurred_on TEXT    NOT NULL,
    kind        TEXT    NOT NULL
                CHECK (kind IN ('meeting', 'call', 'message', 'job', 'praise', 'gift', 'extra',
                                'thanks', 'update', 'ask', 'complaint')),
    direction   TEXT    CHECK (direction IN ('in', 'out', 'both')),
    label       TEXT,
    note        TEXT,
    referral_id INTEGER REFERENCES referrals (id) ON DELETE SET NULL,
    channel     TEXT    CHECK (channel IN ('in_person', 'call', 'video', 'message')),
    reward      TEXT    CHECK (reward IN ('note', 'call', 'gift', 'meal', 'fee', 'referral_back')),
    amount      REAL
);
CREATE INDEX interactions_contact ON interactions (contact_id, occurred_on);
CREATE INDEX interactions_referral ON interactions (referral_id) WHERE referral_id IS NOT NULL;

-- Daily-review items hidden until a date (exclusive): key → until.
CREATE TABLE snoozes (
    key   TEXT PRIMARY KEY,
    until TEXT NOT NULL
) WITHOUT ROWID;
