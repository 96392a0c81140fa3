-- Complaints: tickets (numbered per guild), their history, deadline marks, ratings, statements.
-- Times are unix seconds (REAL, UTC). Every row carries guild_id; every query filters on it.

CREATE TABLE IF NOT EXISTS complaints_counters (
    guild_id    INTEGER PRIMARY KEY,
    last_number INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS complaints_tickets (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    guild_id          INTEGER NOT NULL,
    number            INTEGER NOT NULL,
    kind              TEXT    NOT NULL DEFAULT 'complaint',
    member_id         INTEGER NOT NULL,
    other_party_id    INTEGER,
    opened_by         INTEGER NOT NULL,
    subject           TEXT    NOT NULL,
    description       TEXT    NOT NULL DEFAULT '',
    category          TEXT    NOT NULL,
    priority          TEXT    NOT NULL,
    status            TEXT    NOT NULL,
    tier              INTEGER NOT NULL DEFAULT 0,
    claimant_id       INTEGER,
    channel_id        INTEGER,
    opened_at         REAL    NOT NULL,
    first_response_at REAL,
    tier_started_at   REAL,
    tier_responded_at REAL,
    closed_at         REAL,
    closed_by         INTEGER,
    resolution        TEXT,
    member_left       INTEGER NOT NULL DEFAULT 0,
    epoch             INTEGER NOT NULL DEFAULT 0,
    version           INTEGER NOT NULL DEFAULT 0,
    policy_case       TEXT,
    UNIQUE (guild_id, number)
);
CREATE INDEX IF NOT EXISTS complaints_tickets_status ON complaints_tickets (guild_id, status);
CREATE INDEX IF NOT EXISTS complaints_tickets_member ON complaints_tickets (guild_id, member_id);
CREATE INDEX IF NOT EXISTS complaints_tickets_channel ON complaints_tickets (guild_id, channel_id);

-- The ordered history of a ticket (transcripts); internal rows are staff-only notes.
CREATE TABLE IF NOT EXISTS complaints_events (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    guild_id    INTEGER NOT NULL,
    ticket_id   INTEGER NOT NULL REFERENCES complaints_tickets (id) ON DELETE CASCADE,
    at          REAL    NOT NULL,
    kind        TEXT    NOT NULL,
    author_id   INTEGER,
    author_name TEXT    NOT NULL DEFAULT '',
    text        TEXT    NOT NULL DEFAULT '',
    attachments TEXT    NOT NULL DEFAULT '[]',
    internal    INTEGER NOT NULL DEFAULT 0,
    message_id  INTEGER,
    fields      TEXT    NOT NULL DEFAULT '{}'
);
CREATE INDEX IF NOT EXISTS complaints_events_ticket ON complaints_events (guild_id, ticket_id, at);

-- Deadline checkpoints already acted upon, per epoch: the at-most-once guard of timers.
CREATE TABLE IF NOT EXISTS complaints_marks (
    guild_id  INTEGER NOT NULL,
    ticket_id INTEGER NOT NULL REFERENCES complaints_tickets (id) ON DELETE CASCADE,
    epoch     INTEGER NOT NULL,
    mark      TEXT    NOT NULL,
    at        REAL    NOT NULL,
    PRIMARY KEY (ticket_id, epoch, mark)
);
CREATE INDEX IF NOT EXISTS complaints_marks_guild ON complaints_marks (guild_id, at);

CREATE TABLE IF NOT EXISTS complaints_ratings (
    guild_id  INTEGER NOT NULL,
    ticket_id INTEGER NOT NULL PRIMARY KEY REFERENCES complaints_tickets (id) ON DELETE CASCADE,
    member_id INTEGER NOT NULL,
    score     INTEGER NOT NULL CHECK (score BETWEEN 1 AND 5),
    comment   TEXT    NOT NULL DEFAULT '',
    at        REAL    NOT NULL
);

-- A dispute's parties each state their view once (a new statement replaces the old one).
CREATE TABLE IF NOT EXISTS complaints_statements (
    guild_id  INTEGER NOT NULL,
    ticket_id INTEGER NOT NULL REFERENCES complaints_tickets (id) ON DELETE CASCADE,
    member_id INTEGER NOT NULL,
    text      TEXT    NOT NULL,
    at        REAL    NOT NULL,
    PRIMARY KEY (ticket_id, member_id)
);
