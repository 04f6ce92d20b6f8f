"""Self-imposed pacing for the bot's own sends, so bursts never reach Discord's global limit."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable


class RateLimiter:
    """Spaces acquisitions so that no 1-second window holds more than `ceiling` of them.

    discord.py only reacts to 429s, and every 429 also counts toward the invalid-request ban,
    so the scheduler paces its own sends instead. Discord counts in 1-second windows: a bucket
    refilled at `ceiling - 1` per second holding at most one token never exceeds `ceiling` in
    any window, however the windows fall.
    """

    def __init__(
        self,
        ceiling: float,
        *,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        if ceiling < 2:
            raise ValueError("the ceiling must be at least 2 per second")
        self.rate = ceiling - 1
        self.capacity = 1.0
        self._tokens = self.capacity
        self._monotonic = monotonic
        self._sleep = sleep
        self._updated = monotonic()
        self._lock = asyncio.Lock()

    async def acquire(self) -> None:
        async with self._lock:
            while True:
                now = self._monotonic()
                self._tokens = min(self.capacity, self._tokens + (now - self._updated) * self.rate)
                self._updated = now
                if self._tokens >= 1 - 1e-9:  # tolerate float rounding of the refill
                    self._tokens = max(0.0, self._tokens - 1)
                    return
                await self._sleep((1 - self._tokens) / self.rate)
