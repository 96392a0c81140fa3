-- Welcome: one onboarding journey per join, members who accepted the rules, sticky roles.
-- Times are UNIX epoch seconds (REAL), like the core's timers table.

CREATE TABLE welcome_journeys (
    id               INTEGER PRIMARY KEY,
    guild_id         INTEGER NOT NULL,
    user_id          INTEGER NOT NULL,
    joined_at        REAL NOT NULL,
    gate_state       TEXT NOT NULL,
    accepted_at      REAL,
    picked_roles_at  REAL,
    first_message_at REAL,
    active_7d_at     REAL,
    left_at          REAL,
    dm_failed        INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX welcome_journeys_member ON welcome_journeys (guild_id, user_id, id);
CREATE INDEX welcome_journeys_joined ON welcome_journeys (guild_id, joined_at);

-- Whoever accepted the rules once is not gated again on rejoin (unless rules.gate_rejoin).
CREATE TABLE welcome_accepted (
    guild_id    INTEGER NOT NULL,
    user_id     INTEGER NOT NULL,
    accepted_at REAL NOT NULL,
    PRIMARY KEY (guild_id, user_id)
);

-- Roles a member held when leaving, among the guild's sticky roles at that time.
CREATE TABLE welcome_sticky_roles (
    guild_id INTEGER NOT NULL,
    user_id  INTEGER NOT NULL,
    role_id  INTEGER NOT NULL,
    saved_at REAL NOT NULL,
    PRIMARY KEY (guild_id, user_id, role_id)
);
