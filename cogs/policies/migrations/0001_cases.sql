-- Moderation cases, numbered per guild; points balances; raid state.
CREATE TABLE policies_cases (
    guild_id     INTEGER NOT NULL,
    number       INTEGER NOT NULL,
    kind         TEXT    NOT NULL,      -- warn, note, timeout, untimeout, kick, ban, tempban, unban, delete, alert, role
    user_id      INTEGER NOT NULL,
    moderator_id INTEGER,               -- NULL: decided by a rule
    rule         TEXT,                  -- the rule's name for automatic cases
    reason       TEXT,
    duration     INTEGER,               -- seconds (timeout, tempban)
    expires_at   REAL,                  -- epoch seconds
    evidence     TEXT,                  -- matched part and a short excerpt
    channel_id   INTEGER,
    message_id   INTEGER,
    points       INTEGER NOT NULL DEFAULT 0,
    pardoned     INTEGER NOT NULL DEFAULT 0,
    created_at   REAL    NOT NULL,
    PRIMARY KEY (guild_id, number)
);
CREATE INDEX policies_cases_user ON policies_cases (guild_id, user_id, number);

CREATE TABLE policies_case_counters (
    guild_id    INTEGER PRIMARY KEY,
    last_number INTEGER NOT NULL
);

CREATE TABLE policies_points (
    guild_id INTEGER NOT NULL,
    user_id  INTEGER NOT NULL,
    points   INTEGER NOT NULL,
    anchor   REAL    NOT NULL,
    PRIMARY KEY (guild_id, user_id)
);

CREATE TABLE policies_raid (
    guild_id   INTEGER PRIMARY KEY,
    active     INTEGER NOT NULL,
    since      REAL,
    reason     TEXT,
    changed_by INTEGER
);
