-- A stretch reminder's session (one occurrence) the member skipped with Not today, or missed
-- (no answer by the next occurrence), by the occurrence it was. Missed ones are recorded from
-- the delivery ledger before it is pruned, so /progress keeps showing them; Done presses stay
-- in completions.
CREATE TABLE session_marks (
    user_id      INTEGER NOT NULL,
    reminder_id  INTEGER REFERENCES reminders (id) ON DELETE SET NULL,
    due_at       INTEGER NOT NULL,   -- the occurrence, unix seconds UTC
    mark         TEXT    NOT NULL CHECK (mark IN ('skipped', 'missed')),
    marked_at    INTEGER NOT NULL
);
CREATE UNIQUE INDEX session_marks_occurrence ON session_marks (reminder_id, due_at);
CREATE INDEX session_marks_user ON session_marks (user_id, due_at);
