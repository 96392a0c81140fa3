-- Core tables: guild config versions and persistent timers.
CREATE TABLE IF NOT EXISTS guild_config_versions (
    guild_id   INTEGER NOT NULL,
    version    INTEGER NOT NULL,
    document   TEXT    NOT NULL,
    author_id  INTEGER,
    created_at TEXT    NOT NULL,
    PRIMARY KEY (guild_id, version)
);

CREATE TABLE IF NOT EXISTS timers (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    guild_id   INTEGER NOT NULL,
    kind       TEXT    NOT NULL,
    key        TEXT,
    due_at     REAL    NOT NULL,   -- unix seconds, UTC
    payload    TEXT    NOT NULL DEFAULT '{}',
    created_at REAL    NOT NULL
);
-- One pending timer per (guild, kind, key) when a key is given: scheduling again replaces it.
CREATE UNIQUE INDEX IF NOT EXISTS timers_key ON timers (guild_id, kind, key) WHERE key IS NOT NULL;
CREATE INDEX IF NOT EXISTS timers_due ON timers (due_at);
