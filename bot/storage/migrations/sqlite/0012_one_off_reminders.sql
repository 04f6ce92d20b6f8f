-- foreign keys off: rebuilds the reminders table (SQLite cannot change a CHECK in place)
-- One-off reminders ('once': a member's own, at one time) and appointments ('appointment': the
-- day before and two hours before). The table is copied whole, ids and all, so deliveries and
-- completions keep pointing at their reminders; the runner checks every foreign key after.
CREATE TABLE reminders_rebuilt (
    id             INTEGER PRIMARY KEY,
    kind           TEXT    NOT NULL
                   CHECK (kind IN ('stretch', 'massage', 'stretch_break', 'once', 'appointment')),
    user_id        INTEGER,
    guild_id       INTEGER,
    channel_id     INTEGER,
    role_id        INTEGER,
    schedule       TEXT    NOT NULL,   -- JSON, see bot.recurrence
    note           TEXT,
    link           TEXT,
    status         TEXT    NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'paused')),
    paused_reason  TEXT,
    next_due_at    INTEGER NOT NULL,   -- unix seconds UTC of the next occurrence
    created_at     INTEGER NOT NULL,
    paused_until   INTEGER,
    held_due_at    INTEGER,
    counts_from    INTEGER,
    CHECK ((kind = 'stretch_break') = (user_id IS NULL))
);
INSERT INTO reminders_rebuilt SELECT * FROM reminders;
DROP TABLE reminders;
ALTER TABLE reminders_rebuilt RENAME TO reminders;
CREATE INDEX reminders_due ON reminders (next_due_at) WHERE status = 'active';
CREATE INDEX reminders_user ON reminders (user_id) WHERE user_id IS NOT NULL;
CREATE INDEX reminders_guild ON reminders (guild_id, kind);
