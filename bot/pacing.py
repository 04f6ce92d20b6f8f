"""Self-imposed pacing for the bot's own sends, so bursts never reach Discord's global limit."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

HEADROOM = 0.08  # of the ceiling, left for network jitter between the bot and Discord


class RateLimiter:
    """Spaces acquisitions so that no 1-second window holds more than `ceiling` of them.

    discord.py only reacts to 429s, and every 429 also counts toward the invalid-request ban,
    so the scheduler paces its own sends instead. A token bucket refilled at `rate` per second
    and holding at most `burst` tokens never lets more than `burst + rate` through in any
    1-second window, however the windows fall. Here `burst + rate` stays under the ceiling by
    the headroom, so requests delayed unevenly on their way still fit Discord's windows, and
    the small burst absorbs the event loop waking late from a 2 ms sleep, which a one-token
    bucket would lose for good.
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
        self.burst = max(ceiling * HEADROOM / 2, min(2.0, ceiling / 2))
        self.rate = min(ceiling * (1 - HEADROOM), ceiling - self.burst)
        self._tokens = self.burst
        self._monotonic = monotonic
        self._sleep = sleep
        self._updated = monotonic()
        self._lock = asyncio.Lock()

    async def acquire(self) -> None:
        async with self._lock:
            while True:
                now = self._monotonic()
                self._tokens = min(self.burst, self._tokens + (now - self._updated) * self.rate)
                self._updated = now
                if self._tokens >= 1 - 1e-9:  # tolerate float rounding of the refill
                    self._tokens = max(0.0, self._tokens - 1)
                    return
                await self._sleep((1 - self._tokens) / self.rate)
