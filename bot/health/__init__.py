"""Health rules without Discord: the quick-check (triage, regions, signs, its data
and button ids), progress figures, sessions and streaks, the report. They count
what was due, so they may import scheduling, pictures, content and storage."""
