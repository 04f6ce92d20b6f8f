"""The playground's time: real time, moved forward on request so the next reminder is due now."""

from __future__ import annotations

import asyncio
import contextlib
from datetime import UTC, datetime, timedelta

from bot.scheduling.clock import MAX_NAP_SECONDS


class PlaygroundClock:
    """A Clock (bot/scheduling/clock.py) that runs with the wall clock from an offset that only
    grows; moving it wakes every sleeper to re-check against the new time."""

    def __init__(self) -> None:
        self.offset = timedelta(0)
        self._moved = asyncio.Event()

    def now(self) -> datetime:
        return datetime.now(UTC) + self.offset

    def move_to(self, when: datetime) -> None:
        """Jump forward to `when` (never back: the bot's records only go forward in time)."""
        ahead = when - self.now()
        if ahead > timedelta(0):
            self.offset += ahead
        self._moved.set()
        self._moved = asyncio.Event()

    async def sleep_until(self, when: datetime, wake: asyncio.Event) -> None:
        while not wake.is_set():
            remaining = (when - self.now()).total_seconds()
            if remaining <= 0:
                return
            waiters = [
                asyncio.ensure_future(wake.wait()),
                asyncio.ensure_future(self._moved.wait()),
            ]
            try:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(
                        asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED),
                        timeout=min(remaining, MAX_NAP_SECONDS),
                    )
            finally:
                for waiter in waiters:
                    waiter.cancel()
