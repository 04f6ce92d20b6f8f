"""The bot reads time and waits through a Clock, so tests can drive time without sleeping."""

from __future__ import annotations

import asyncio
import contextlib
from datetime import UTC, datetime, timedelta
from typing import Protocol

MAX_NAP_SECONDS = 60.0
"""Longest single real sleep: re-checking the wall clock this often corrects drift and suspends."""


class Clock(Protocol):
    def now(self) -> datetime:
        """The current instant as an aware UTC datetime."""

    async def sleep_until(self, when: datetime, wake: asyncio.Event) -> None:
        """Return once the clock reaches `when` or `wake` is set, whichever comes first.

        `wake` is never cleared here: the caller owns it (e.g. set when a reminder is edited).
        """


class SystemClock:
    """Real time."""

    def now(self) -> datetime:
        return datetime.now(UTC)

    async def sleep_until(self, when: datetime, wake: asyncio.Event) -> None:
        while not wake.is_set():
            remaining = (when - self.now()).total_seconds()
            if remaining <= 0:
                return
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(wake.wait(), timeout=min(remaining, MAX_NAP_SECONDS))


class FakeClock:
    """Time that moves only when a test says so; advancing wakes the sleepers it makes due."""

    def __init__(self, start: datetime) -> None:
        self._now = _as_utc(start)
        self._tick = asyncio.Event()

    def now(self) -> datetime:
        return self._now

    def advance(self, delta: timedelta) -> None:
        self.set(self._now + delta)

    def set(self, dt: datetime) -> None:
        self._now = _as_utc(dt)
        # Release everyone waiting on this tick; each sleeper re-checks against the new time.
        self._tick.set()
        self._tick = asyncio.Event()

    async def sleep_until(self, when: datetime, wake: asyncio.Event) -> None:
        while self._now < when and not wake.is_set():
            await _first_set(self._tick, wake)


def _as_utc(dt: datetime) -> datetime:
    if dt.tzinfo is None:
        raise ValueError("clock times must be timezone-aware")
    return dt.astimezone(UTC)


async def _first_set(*events: asyncio.Event) -> None:
    """Wait until any of the events is set (asyncio has no built-in 'wait for any event')."""
    waiters = [asyncio.create_task(event.wait()) for event in events]
    try:
        await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for waiter in waiters:
            waiter.cancel()


def from_unix(seconds: int) -> datetime:
    """A stored Unix time as an aware UTC datetime (what `discord.utils.format_dt` shows)."""
    return datetime.fromtimestamp(seconds, UTC)
