-- Members who use personal features: their time zone and cached DM channel.
CREATE TABLE members (
    user_id          INTEGER PRIMARY KEY,
    timezone         TEXT,
    dm_channel_id    INTEGER,
    dms_closed_at    INTEGER,          -- unix seconds: a DM was refused (403/50007)
    dms_closed_told  INTEGER NOT NULL DEFAULT 0,  -- the member has been told since
    created_at       INTEGER NOT NULL
);

-- Everything the durable scheduler fires: member reminders and guild stretch breaks.
CREATE TABLE reminders (
    id             INTEGER PRIMARY KEY,
    kind           TEXT    NOT NULL CHECK (kind IN ('stretch', 'massage', 'stretch_break')),
    user_id        INTEGER,            -- owner member (NULL for stretch breaks)
    guild_id       INTEGER,            -- server it was created from / posts to
    channel_id     INTEGER,            -- stretch breaks: where to post
    role_id        INTEGER,            -- stretch breaks: the one role a moderator chose to ping
    schedule       TEXT    NOT NULL,   -- JSON, see bot.recurrence
    note           TEXT,
    link           TEXT,
    status         TEXT    NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'paused')),
    paused_reason  TEXT,
    next_due_at    INTEGER NOT NULL,   -- unix seconds UTC of the next occurrence
    created_at     INTEGER NOT NULL,
    CHECK ((kind = 'stretch_break') = (user_id IS NULL))
);
CREATE INDEX reminders_due ON reminders (next_due_at) WHERE status = 'active';
CREATE INDEX reminders_user ON reminders (user_id) WHERE user_id IS NOT NULL;
CREATE INDEX reminders_guild ON reminders (guild_id, kind);

-- One row per occurrence the scheduler claimed: the at-most-once ledger.
CREATE TABLE deliveries (
    reminder_id  INTEGER NOT NULL REFERENCES reminders (id) ON DELETE CASCADE,
    due_at       INTEGER NOT NULL,
    state        TEXT    NOT NULL CHECK (state IN ('claimed', 'sent', 'failed', 'abandoned')),
    late         INTEGER NOT NULL DEFAULT 0,
    claimed_at   INTEGER NOT NULL,
    finished_at  INTEGER,
    message_id   INTEGER,
    PRIMARY KEY (reminder_id, due_at)
);
CREATE INDEX deliveries_claimed ON deliveries (claimed_at) WHERE state = 'claimed';

-- "Done" presses, by the member's local date, for streaks.
CREATE TABLE completions (
    user_id      INTEGER NOT NULL,
    reminder_id  INTEGER REFERENCES reminders (id) ON DELETE SET NULL,
    local_date   TEXT    NOT NULL,
    completed_at INTEGER NOT NULL
);
CREATE INDEX completions_user ON completions (user_id, local_date);
