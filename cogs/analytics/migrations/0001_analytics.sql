-- Analytics keeps counts and identifiers only: never message content.
CREATE TABLE analytics_hourly (
    guild_id   INTEGER NOT NULL,
    hour       INTEGER NOT NULL,          -- unix seconds at the start of the UTC hour
    channel_id INTEGER NOT NULL,
    messages   INTEGER NOT NULL DEFAULT 0,
    reactions  INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (guild_id, hour, channel_id)
) WITHOUT ROWID;

CREATE TABLE analytics_active (
    guild_id INTEGER NOT NULL,
    day      TEXT    NOT NULL,            -- ISO date, UTC
    user_id  INTEGER NOT NULL,
    messages INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (guild_id, day, user_id)
) WITHOUT ROWID;

CREATE TABLE analytics_commands (
    guild_id INTEGER NOT NULL,
    day      TEXT    NOT NULL,
    name     TEXT    NOT NULL,
    uses     INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (guild_id, day, name)
) WITHOUT ROWID;

CREATE TABLE analytics_members (
    id       INTEGER PRIMARY KEY,
    guild_id INTEGER NOT NULL,
    user_id  INTEGER NOT NULL,
    kind     TEXT    NOT NULL CHECK (kind IN ('join', 'leave')),
    at       REAL    NOT NULL,            -- unix seconds
    stayed   REAL                         -- seconds since the join, for leaves when known
);
CREATE INDEX analytics_members_by_time ON analytics_members (guild_id, at);
CREATE INDEX analytics_members_by_user ON analytics_members (guild_id, user_id, at);

CREATE TABLE analytics_member_counts (
    guild_id INTEGER NOT NULL,
    day      TEXT    NOT NULL,
    members  INTEGER NOT NULL,
    PRIMARY KEY (guild_id, day)
) WITHOUT ROWID;

-- Events of the other features (cases, tickets, feedback, games, onboarding steps).
CREATE TABLE analytics_events (
    id       INTEGER PRIMARY KEY,
    guild_id INTEGER NOT NULL,
    kind     TEXT    NOT NULL,
    user_id  INTEGER,
    value    REAL,
    at       REAL    NOT NULL
);
CREATE INDEX analytics_events_by_kind ON analytics_events (guild_id, kind, at);

CREATE TABLE analytics_watch_seen (
    guild_id INTEGER NOT NULL,
    item_key TEXT    NOT NULL,
    seen_at  REAL    NOT NULL,
    PRIMARY KEY (guild_id, item_key)
) WITHOUT ROWID;

-- Monthly reports already posted, so a restart in the middle never posts one twice.
CREATE TABLE analytics_reports_sent (
    guild_id  INTEGER NOT NULL,
    month     TEXT    NOT NULL,
    posted_at REAL    NOT NULL,
    PRIMARY KEY (guild_id, month)
) WITHOUT ROWID;
