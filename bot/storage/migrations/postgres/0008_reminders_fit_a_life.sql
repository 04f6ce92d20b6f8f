-- Reminders that fit a life: a member's quiet hours, a reminder held until they end, and where
-- an after-done reminder's wait counts from.
ALTER TABLE members ADD COLUMN quiet_hours TEXT;   -- "HH:MM-HH:MM" in the member's zone; NULL: none

-- The occurrence (unix seconds) quiet hours hold; next_due_at is then when they end. NULL: none.
ALTER TABLE reminders ADD COLUMN held_due_at BIGINT;
-- After-done reminders: the latest of their creation or resume, the member's last stretch
-- (Done, or a finished routine) and their last DM; the next DM is due `hours` after it.
ALTER TABLE reminders ADD COLUMN counts_from BIGINT;

-- The delivery was held by quiet hours (its DM says so, a resend after a crash too).
ALTER TABLE deliveries ADD COLUMN held INTEGER NOT NULL DEFAULT 0;
