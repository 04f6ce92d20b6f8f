-- A pause with an end: the reminder stays in the due index with next_due_at = paused_until;
-- when that comes, the dispatcher clears it and moves on to the next regular occurrence
-- without sending.
ALTER TABLE reminders ADD COLUMN paused_until INTEGER;
