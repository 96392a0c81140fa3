-- XP per guild, season and member. Rows of past seasons stay: they are the season archive.
CREATE TABLE games_xp (
    guild_id INTEGER NOT NULL,
    season TEXT NOT NULL,
    user_id INTEGER NOT NULL,
    xp INTEGER NOT NULL DEFAULT 0,
    messages INTEGER NOT NULL DEFAULT 0,
    last_message_at REAL NOT NULL DEFAULT 0,
    PRIMARY KEY (guild_id, season, user_id)
);
CREATE INDEX games_xp_rank ON games_xp (guild_id, season, xp DESC);

-- Seasons a guild has played; ended_at is set when the season rolled over.
CREATE TABLE games_seasons (
    guild_id INTEGER NOT NULL,
    season TEXT NOT NULL,
    started_at REAL NOT NULL,
    ended_at REAL,
    PRIMARY KEY (guild_id, season)
);

-- Trivia: uploaded lists, games, per-game and all-time scores.
CREATE TABLE games_trivia_lists (
    guild_id INTEGER NOT NULL,
    name TEXT NOT NULL,
    content TEXT NOT NULL,
    questions INTEGER NOT NULL,
    uploaded_by INTEGER NOT NULL,
    uploaded_at REAL NOT NULL,
    PRIMARY KEY (guild_id, name)
);
CREATE TABLE games_trivia_sessions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    guild_id INTEGER NOT NULL,
    channel_id INTEGER NOT NULL,
    list_name TEXT NOT NULL,
    started_by INTEGER NOT NULL,
    started_at REAL NOT NULL,
    ended_at REAL,
    questions INTEGER NOT NULL DEFAULT 0,
    end_reason TEXT
);
CREATE INDEX games_trivia_sessions_guild ON games_trivia_sessions (guild_id, started_at);
CREATE TABLE games_trivia_session_scores (
    session_id INTEGER NOT NULL REFERENCES games_trivia_sessions (id) ON DELETE CASCADE,
    guild_id INTEGER NOT NULL,
    user_id INTEGER NOT NULL,
    points INTEGER NOT NULL,
    PRIMARY KEY (session_id, user_id)
);
CREATE TABLE games_trivia_scores (
    guild_id INTEGER NOT NULL,
    list_name TEXT NOT NULL,
    user_id INTEGER NOT NULL,
    points INTEGER NOT NULL DEFAULT 0,
    games INTEGER NOT NULL DEFAULT 0,
    wins INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (guild_id, list_name, user_id)
);

-- Weekly challenges: progress per week (ISO week, e.g. 2026-W48) and streaks.
CREATE TABLE games_challenge_progress (
    guild_id INTEGER NOT NULL,
    week TEXT NOT NULL,
    challenge_id TEXT NOT NULL,
    user_id INTEGER NOT NULL,
    progress INTEGER NOT NULL DEFAULT 0,
    completed_at REAL,
    PRIMARY KEY (guild_id, week, challenge_id, user_id)
);
CREATE TABLE games_streaks (
    guild_id INTEGER NOT NULL,
    user_id INTEGER NOT NULL,
    last_week TEXT NOT NULL,
    streak INTEGER NOT NULL,
    PRIMARY KEY (guild_id, user_id)
);
