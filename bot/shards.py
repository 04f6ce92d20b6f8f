"""Identify pacing: Discord starts at most `max_concurrency` sessions per 5 seconds, one in
each bucket `shard_id % max_concurrency`, and answers an identify over that limit with an
invalid session.

discord.py waits a flat 5 s before every identify but a process's first, whatever the
bucket; this keeps its behaviour for one bucket and lets shards in different buckets start
together. Shards run by other processes are not known here: processes sharing a database
also claim each bucket there before identifying (SciaticaBot.before_identify_hook).
"""

from __future__ import annotations

IDENTIFY_WINDOW_SECONDS = 5.0


def shard_of(guild_id: int, shard_count: int) -> int:
    """The shard Discord sends a server's events and interactions to (DMs go to shard 0)."""
    return (guild_id >> 22) % shard_count


class IdentifyPacer:
    """Hands out identify slots: per bucket, one every window; a shard's second and later
    identifies (after an invalid session) also wait a full window from the request."""

    def __init__(
        self, max_concurrency: int = 1, *, window: float = IDENTIFY_WINDOW_SECONDS
    ) -> None:
        self.max_concurrency = max(1, max_concurrency)
        self.window = window
        self._free_at: dict[int, float] = {}
        self._identified: set[int] = set()

    def bucket(self, shard_id: int) -> int:
        return shard_id % self.max_concurrency

    def reserve(self, shard_id: int, now: float) -> float:
        """Seconds this shard waits before identifying; the slot is taken from now on."""
        bucket = self.bucket(shard_id)
        start = max(now, self._free_at.get(bucket, now))
        if shard_id in self._identified:
            start = max(start, now + self.window)
        self._identified.add(shard_id)
        self._free_at[bucket] = start + self.window
        return start - now
