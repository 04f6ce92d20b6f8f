-- Core state: key/value facts the bot keeps about itself (e.g. the hash of the synced command tree).
CREATE TABLE bot_state (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
