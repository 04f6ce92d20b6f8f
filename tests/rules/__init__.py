"""Pure rules, tested directly: no database, no local Discord, no process."""
