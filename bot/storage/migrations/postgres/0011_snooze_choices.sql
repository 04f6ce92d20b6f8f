-- Snooze choices: when a member snoozed this delivered occurrence, the time it comes back
-- (unix seconds). Set once: one DM snoozes once, so an occurrence never gives two snoozed DMs.
ALTER TABLE deliveries ADD COLUMN snoozed_to BIGINT;
