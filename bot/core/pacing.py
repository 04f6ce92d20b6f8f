"""Self-imposed pacing for every request the bot makes on its own, so bursts of DMs, posts
and edits never reach Discord's global limit, while answers to members are never held back."""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections.abc import Awaitable, Callable
from functools import lru_cache
from typing import Protocol

import yarl

log = logging.getLogger("bot.pacing")

HEADROOM = 0.08  # of the ceiling, left for network jitter between the bot and Discord
BACK_OFF = 0.5  # the pace is multiplied by this after Discord held requests for a global 429
RECOVERY_PER_SECOND = 0.02  # of the full pace, regained each second after a back-off
MIN_RATE = 1.0

INTERACTION_CALLBACK = re.compile(r"/interactions/[0-9]+/[^/]+/callback")
TOKEN_WEBHOOK = re.compile(r"/webhooks/([0-9]+)/[^/]+(?:/.*)?")


def is_paced(
    method: str, url: yarl.URL | str, *, api_base: str, application_id: int | None
) -> bool:
    """Whether a request counts toward Discord's global limit, so it must wait for the pacer.

    Discord exempts interaction traffic: the callback that answers an interaction, and the
    webhook on the application's id with the interaction's token (followups, edits of the
    original answer). Those must never queue behind a fan-out, or a member's answer would miss
    the 3-second deadline. Everything else under the REST API is paced, whatever feature sent
    it; what is not REST (the gateway, the CDN) is not limited by Discord that way.
    """
    path = _api_path(url, api_base)
    if path is None:
        return False
    if method.upper() == "POST" and INTERACTION_CALLBACK.fullmatch(path):
        return False
    webhook = TOKEN_WEBHOOK.fullmatch(path)
    return webhook is None or application_id is None or int(webhook[1]) != application_id


def _api_path(url: yarl.URL | str, api_base: str) -> str | None:
    """The path below the REST API's base (`/channels/1/messages`), or None if not under it."""
    base = _parsed(api_base)
    target = yarl.URL(url)
    prefix = base.raw_path.rstrip("/")
    if not target.absolute or target.origin() != base.origin():
        return None
    if not target.raw_path.startswith(prefix + "/"):
        return None
    return target.raw_path[len(prefix) :]


@lru_cache(maxsize=4)
def _parsed(api_base: str) -> yarl.URL:
    return yarl.URL(api_base)


class SharedSchedule(Protocol):
    """The send schedule of every process sharing the database (bot.storage.budget)."""

    shared: bool
    """Other processes are alive now; when False this process paces alone."""

    async def reserve(self, interval: float, tolerance: float) -> float:
        """Reserve one request's moment; the seconds to wait until it."""
        ...


class RateLimiter:
    """Spaces acquisitions so that no 1-second window holds more than `ceiling` of them.

    discord.py only reacts to 429s, and every 429 also counts toward the invalid-request ban,
    so the bot paces every request it makes on its own instead (one limiter for the whole
    process, acquired in the HTTP layer: see bot.core.discord_internals). Acquisitions are served in
    the order they were asked for, so one member's sends keep their order. A token bucket
    refilled at `rate` per second and holding at most `burst` tokens never lets more than
    `burst + rate` through in any 1-second window, however the windows fall. Here
    `burst + rate` stays under the ceiling by the headroom, so requests delayed unevenly on
    their way still fit Discord's windows, and the small burst absorbs the event loop waking
    late from a 2 ms sleep, which a one-token bucket would lose for good.

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
        self.waiting = 0
        """Acquisitions asked for and not yet let through (for the metrics)."""
        self.on_wait: Callable[[float], None] = lambda seconds: None
        """Told how long each acquisition waited (for the metrics)."""
        self.schedule: SharedSchedule | None = None
        """Set where several processes share one budget: while others are alive, each
        request reserves its moment there (a database round trip) instead of here."""

    async def acquire(self) -> None:
        asked = self._monotonic()
        self.waiting += 1
        try:
            await self._take()
        finally:
            self.waiting -= 1
        self.on_wait(self._monotonic() - asked)

    async def _take(self) -> None:
        reserved = 0.0
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
                if self.schedule is not None and self.schedule.shared:
                    wait = await self._reserve(self.schedule)
                    if wait is not None:
                        reserved = wait
                        break
                if self._tokens >= 1 - 1e-9:  # tolerate float rounding of the refill
                    self._tokens = max(0.0, self._tokens - 1)
                    return
                await self._sleep((1 - self._tokens) / self.rate)
        # a reserved moment is waited for outside the lock: the next request reserves the one
        # after it meanwhile, so the database's round trip does not slow the pace
        if reserved > 0:
            await self._sleep(reserved)

    async def _reserve(self, schedule: SharedSchedule) -> float | None:
        """Seconds until a moment reserved in the shared schedule, or None if it cannot be
        reached (then this process paces alone, as before)."""
        try:
            return await schedule.reserve(1 / self.rate, (self.burst - 1) / self.rate)
        except Exception as exc:
            log.warning("cannot reserve in the shared send budget, pacing alone: %s", exc)
            return None

    def _back_off(self) -> None:
        self.rate = max(MIN_RATE, self.rate * BACK_OFF)
        self._tokens = 0.0
        self._updated = self._monotonic()
