"""When things happen: the clock, recurrence, quiet hours, edits and pauses, schedule
words, time and zone parsing, the planner and the dispatcher. No Discord; may import
pictures, content and storage."""
