"""Self-imposed pacing for the bot's own sends, so bursts never reach Discord's global limit."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

HEADROOM = 0.08  # of the ceiling, left for network jitter between the bot and Discord
BACK_OFF = 0.5  # the pace is multiplied by this after Discord held requests for a global 429
RECOVERY_PER_SECOND = 0.02  # of the full pace, regained each second after a back-off
MIN_RATE = 1.0


class RateLimiter:
    """Spaces acquisitions so that no 1-second window holds more than `ceiling` of them.

    discord.py only reacts to 429s, and every 429 also counts toward the invalid-request ban,
    so the scheduler paces its own sends instead. A token bucket refilled at `rate` per second
    and holding at most `burst` tokens never lets more than `burst + rate` through in any
    1-second window, however the windows fall. Here `burst + rate` stays under the ceiling by
    the headroom, so requests delayed unevenly on their way still fit Discord's windows, and
    the small burst absorbs the event loop waking late from a 2 ms sleep, which a one-token
    bucket would lose for good.

    If Discord still answers a global 429 (the ceiling was set above the limit Discord really
    enforces), discord.py holds every request until the window ends. `global_gate` gives the
    event it clears meanwhile: the limiter waits for it too, then halves its pace and regains it
    slowly, so a wrong ceiling costs a 429 now and then instead of one every second.
    """

    def __init__(
        self,
        ceiling: float,
        *,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        global_gate: Callable[[], asyncio.Event | None] = lambda: None,
    ) -> None:
        if ceiling < 2:
            raise ValueError("the ceiling must be at least 2 per second")
        self.burst = max(ceiling * HEADROOM / 2, min(2.0, ceiling / 2))
        self.full_rate = min(ceiling * (1 - HEADROOM), ceiling - self.burst)
        self.rate = self.full_rate
        self._tokens = self.burst
        self._monotonic = monotonic
        self._sleep = sleep
        self._gate = global_gate
        self._updated = monotonic()
        self._lock = asyncio.Lock()

    async def acquire(self) -> None:
        async with self._lock:
            while True:
                gate = self._gate()
                if gate is not None and not gate.is_set():
                    await gate.wait()
                    self._back_off()
                    continue
                now = self._monotonic()
                elapsed = now - self._updated
                self.rate = min(
                    self.full_rate, self.rate + elapsed * RECOVERY_PER_SECOND * self.full_rate
                )
                self._tokens = min(self.burst, self._tokens + elapsed * self.rate)
                self._updated = now
                if self._tokens >= 1 - 1e-9:  # tolerate float rounding of the refill
                    self._tokens = max(0.0, self._tokens - 1)
                    return
                await self._sleep((1 - self._tokens) / self.rate)

    def _back_off(self) -> None:
        self.rate = max(MIN_RATE, self.rate * BACK_OFF)
        self._tokens = 0.0
        self._updated = self._monotonic()
