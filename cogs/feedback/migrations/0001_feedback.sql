-- Feedback entries, staff replies, suggestions and votes, polls and ballots, survey responses.
-- Anonymous entries keep no author_id: see cogs/feedback/anonymity.py for author_key and
-- sealed_author. Votes keep their row with user_id NULL once a member is forgotten, so closed
-- results do not change.

CREATE TABLE feedback_keys (
    guild_id INTEGER PRIMARY KEY,
    secret BLOB NOT NULL
);

CREATE TABLE feedback_entries (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    guild_id INTEGER NOT NULL,
    category TEXT NOT NULL,
    rating INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 5),
    text TEXT NOT NULL,
    anonymous INTEGER NOT NULL DEFAULT 0,
    author_id INTEGER,
    author_key TEXT,
    sealed_author INTEGER,
    inbox_channel_id INTEGER,
    inbox_message_id INTEGER,
    created_at TEXT NOT NULL,
    CHECK (anonymous = 0 OR author_id IS NULL)
);
CREATE INDEX feedback_entries_by_time ON feedback_entries (guild_id, created_at);
CREATE INDEX feedback_entries_by_author ON feedback_entries (guild_id, author_key);

CREATE TABLE feedback_replies (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    guild_id INTEGER NOT NULL,
    entry_id INTEGER NOT NULL REFERENCES feedback_entries (id) ON DELETE CASCADE,
    staff_id INTEGER,
    text TEXT NOT NULL,
    delivered INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL
);
CREATE INDEX feedback_replies_by_entry ON feedback_replies (guild_id, entry_id);

CREATE TABLE feedback_suggestions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    guild_id INTEGER NOT NULL,
    author_id INTEGER,
    text TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'open',
    reason TEXT,
    status_by INTEGER,
    channel_id INTEGER,
    message_id INTEGER,
    thread_id INTEGER,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX feedback_suggestions_by_status ON feedback_suggestions (guild_id, status);

CREATE TABLE feedback_suggestion_votes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    guild_id INTEGER NOT NULL,
    suggestion_id INTEGER NOT NULL REFERENCES feedback_suggestions (id) ON DELETE CASCADE,
    user_id INTEGER,
    value INTEGER NOT NULL CHECK (value IN (-1, 1)),
    voted_at TEXT NOT NULL,
    UNIQUE (suggestion_id, user_id)
);

CREATE TABLE feedback_polls (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    guild_id INTEGER NOT NULL,
    channel_id INTEGER NOT NULL,
    message_id INTEGER,
    author_id INTEGER,
    question TEXT NOT NULL,
    options TEXT NOT NULL,
    multiple INTEGER NOT NULL DEFAULT 0,
    anonymous INTEGER NOT NULL DEFAULT 0,
    closes_at TEXT NOT NULL,
    closed_at TEXT
);

CREATE TABLE feedback_poll_votes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    guild_id INTEGER NOT NULL,
    poll_id INTEGER NOT NULL REFERENCES feedback_polls (id) ON DELETE CASCADE,
    user_id INTEGER,
    option INTEGER NOT NULL,
    voted_at TEXT NOT NULL,
    UNIQUE (poll_id, user_id, option)
);
CREATE INDEX feedback_poll_votes_by_poll ON feedback_poll_votes (guild_id, poll_id);

CREATE TABLE feedback_survey_responses (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    guild_id INTEGER NOT NULL,
    survey TEXT NOT NULL,
    user_id INTEGER,
    answers TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (guild_id, survey, user_id)
);
CREATE INDEX feedback_survey_by_time ON feedback_survey_responses (guild_id, created_at);

-- Digests already posted, so a timer fired twice (crash before its row was deleted) posts once.
CREATE TABLE feedback_digests (
    guild_id INTEGER NOT NULL,
    period TEXT NOT NULL,
    period_end TEXT NOT NULL,
    message_id INTEGER,
    posted_at TEXT NOT NULL,
    PRIMARY KEY (guild_id, period, period_end)
);
