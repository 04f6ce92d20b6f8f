"""Benchmarks: scripts that print a table and a JSON line; run with `python -m benchmarks.NAME`."""
