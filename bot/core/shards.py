"""Identify pacing: Discord starts at most `max_concurrency` sessions per 5 seconds, one in
each bucket `shard_id % max_concurrency`, and answers an identify over that limit with an
invalid session.

discord.py waits a flat 5 s before every identify but a process's first, whatever the
bucket; this keeps its behaviour for one bucket and lets shards in different buckets start
together. Shards run by other processes are not known here: processes sharing a database
also claim each bucket there before identifying (SciaticaBot.before_identify_hook).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager

from bot.storage import Transaction

log = logging.getLogger("bot")

IDENTIFY_WINDOW_SECONDS = 5.0
# a bucket stays claimed this long after its identify is sent: Discord's window, and a margin
# for the identify's way to Discord and the next claimant's
IDENTIFY_CLAIM_SECONDS = IDENTIFY_WINDOW_SECONDS + 0.5


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


class IdentifyClaims:
    """Processes sharing a database take turns per bucket: a lock on the bucket, held until
    Discord's window after this identify has passed, so no other process identifies in it
    meanwhile (Discord would refuse one, and spend a session start on it)."""

    def __init__(
        self,
        transaction: Callable[[], AbstractAsyncContextManager[Transaction]],
        *,
        hold_seconds: float = IDENTIFY_CLAIM_SECONDS,
    ) -> None:
        self._transaction = transaction
        self.hold_seconds = hold_seconds
        self._held: set[asyncio.Task[None]] = set()

    async def claim(self, bucket: int) -> None:
        """Return once this process holds the bucket (or the database failed: then identify
        anyway, as a single process does)."""
        claimed: asyncio.Future[None] = asyncio.get_running_loop().create_future()

        async def hold() -> None:
            async with self._transaction() as tx:
                await tx.lock(f"identify:{bucket}")
                claimed.set_result(None)
                await asyncio.sleep(self.hold_seconds)

        task = asyncio.create_task(hold(), name=f"identify-claim-{bucket}")
        self._held.add(task)
        task.add_done_callback(self._held.discard)
        await asyncio.wait([task, claimed], return_when=asyncio.FIRST_COMPLETED)
        if not claimed.done():
            log.warning("could not claim identify bucket %d: %s", bucket, task.exception())

    def cancel(self) -> None:
        """Shutting down: let every claim go (its lock ends with its transaction)."""
        for task in self._held:
            task.cancel()
