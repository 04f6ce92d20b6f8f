"""Exactly one dispatcher across the processes sharing a database.

Every process can dispatch; the one holding the lead (on PostgreSQL a session advisory lock
on a connection of its own) does. The others try again every second, so when the leader's
connection ends (the process died, or it lost the database) another takes over within a few
seconds. A leader that notices it lost its connection stops dispatching at once; its claims
are leased (bot.storage.ledger), so even one that has not noticed yet records nothing twice.

With SQLite the file lock already makes this process the only one: it leads from the start.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

from bot.storage import Database, Lead
from bot.tasks import spawn

log = logging.getLogger("bot.leadership")

RETRY_SECONDS = 1.0


class Leadership:
    def __init__(
        self,
        database: Database,
        *,
        on_elected: Callable[[], None],
        on_deposed: Callable[[], Awaitable[None]],
        name: str = "dispatcher",
        retry_seconds: float = RETRY_SECONDS,
    ) -> None:
        self.database = database
        self.name = name
        self.on_elected = on_elected
        self.on_deposed = on_deposed
        self.retry_seconds = retry_seconds
        self.leading = False
        self.terms = 0  # how often this process took the lead
        self._lead: Lead | None = None
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        if not self.database.shared:
            self._elected()
            return
        if self._task is None or self._task.done():
            self._task = spawn(self._run(), f"lead-{self.name}")

    async def stop(self) -> None:
        """Shutting down: stop dispatching and hand the lead on at once."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        if self.leading:
            await self._deposed()

    def _elected(self) -> None:
        self.leading = True
        self.terms += 1
        self.on_elected()

    async def _deposed(self) -> None:
        self.leading = False
        try:
            await self.on_deposed()
        finally:
            lead, self._lead = self._lead, None
            if lead is not None:
                await lead.release()

    async def _run(self) -> None:
        while True:
            try:
                lead = await self.database.try_lead(self.name)
            except Exception as exc:  # the database is unreachable now: keep trying
                log.warning("cannot try for the %s lead: %s", self.name, exc)
                lead = None
            if lead is None:
                await asyncio.sleep(self.retry_seconds)
                continue
            self._lead = lead
            log.info("this process now leads the %s", self.name)
            self._elected()
            await lead.lost.wait()
            log.warning("this process lost the %s lead; it stops until it leads again", self.name)
            await self._deposed()
