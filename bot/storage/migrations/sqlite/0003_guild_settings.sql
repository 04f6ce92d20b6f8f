-- Per-server settings chosen by moderators, one row per changed key (defaults live in code).
CREATE TABLE guild_settings (
    guild_id  INTEGER NOT NULL,
    key       TEXT    NOT NULL,
    value     TEXT    NOT NULL,
    PRIMARY KEY (guild_id, key)
);

-- Every configuration change: who, when, old -> new.
CREATE TABLE audit_log (
    id            INTEGER PRIMARY KEY,
    guild_id      INTEGER NOT NULL,
    moderator_id  INTEGER NOT NULL,
    setting       TEXT    NOT NULL,
    old_value     TEXT,
    new_value     TEXT,
    changed_at    INTEGER NOT NULL
);
CREATE INDEX audit_log_guild ON audit_log (guild_id, changed_at);

-- Members who pressed "I did it" on a community stretch break, per server-local day.
CREATE TABLE stretch_break_joins (
    guild_id    INTEGER NOT NULL,
    local_date  TEXT    NOT NULL,
    user_id     INTEGER NOT NULL,
    PRIMARY KEY (guild_id, local_date, user_id)
);
