-- Pain check-ins, opt-in: the choice on the member row, and one score (0-10) per member and local day.
-- Health data: kept 12 months (the bot prunes older days daily), shown only to the member.
ALTER TABLE members ADD COLUMN checkins_on INTEGER NOT NULL DEFAULT 0;

CREATE TABLE checkins (
    user_id      INTEGER NOT NULL,
    local_date   TEXT    NOT NULL,   -- the day in the member time zone, YYYY-MM-DD
    score        INTEGER NOT NULL CHECK (score BETWEEN 0 AND 10),
    recorded_at  INTEGER NOT NULL,   -- unix seconds of the (latest) answer
    PRIMARY KEY (user_id, local_date)
);
CREATE INDEX checkins_date ON checkins (local_date);
