-- What a reminder DM's text line (the one a phone's lock screen shows) may say. No row, or
-- 'kind': only the kind of reminder ("Stretch reminder"); 'note': the member's own note too.
CREATE TABLE reminder_settings (
    user_id       BIGINT  PRIMARY KEY,
    notification  TEXT    NOT NULL CHECK (notification IN ('kind', 'note')),
    changed_at    BIGINT  NOT NULL
);
