-- One-off reminders ('once': a member's own, at one time) and appointments ('appointment': the
-- day before and two hours before).
ALTER TABLE reminders DROP CONSTRAINT reminders_kind_check;
ALTER TABLE reminders ADD CONSTRAINT reminders_kind_check
    CHECK (kind IN ('stretch', 'massage', 'stretch_break', 'once', 'appointment'));
