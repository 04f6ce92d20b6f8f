"""Real `python -m bot` processes, drills and clusters against the local Discord."""
