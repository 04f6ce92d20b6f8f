"""One send budget for every process sharing a PostgreSQL database.

Discord's global limit counts every request of the bot token, whichever process makes it.
Each process paces itself (bot.core.pacing); alone, that is enough and costs no database round
trip. While other processes of the same installation are alive (each holds one listening
connection named after the installation, so PostgreSQL itself knows how many live), every
paced request reserves its moment in one shared schedule instead: a generic cell rate
algorithm whose single value, the theoretical arrival time, lives in bot_state and moves on
by one interval per request in one UPDATE, timed by the database's clock, so processes on
different machines agree. Any window of one second then holds at most `rate` requests plus
the burst, across all processes together.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from bot.storage.connection import Database

log = logging.getLogger("bot.storage")

KEY = "send_budget"
CHECK_SECONDS = 1.0  # how often a process looks whether it is alone


class SendBudget:
    def __init__(self, database: Database, presence_name: str) -> None:
        self.db = database
        self.presence_name = presence_name
        self.shared = True
        """Other processes are alive: reserve every request here. Assumed at start, so a
        process that joins a running cluster never sends on its own budget alone."""
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        await self.db.execute(
            "INSERT INTO bot_state (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING",
            (KEY, "-infinity"),
        )
        await self.check()
        self._task = asyncio.create_task(self._keep_checking(), name="send-budget")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def check(self) -> None:
        row = await self.db.fetch_one(
            "SELECT COUNT(*) FROM pg_stat_activity WHERE application_name = ?",
            (self.presence_name,),
        )
        alone = row is not None and int(row[0]) <= 1
        if self.shared == alone:
            log.info("send budget: %s", "this process alone" if alone else "shared with others")
        self.shared = not alone

    async def _keep_checking(self) -> None:
        while True:
            await asyncio.sleep(CHECK_SECONDS)
            try:
                await self.check()
            except Exception as exc:  # unreachable now: keep the last answer, try again
                log.warning("cannot check who shares the send budget: %s", exc)

    async def reserve(self, interval: float, tolerance: float) -> float:
        """Reserve the next moment for one request; returns the seconds to wait before sending
        it (0: now). `interval` is 1/rate; `tolerance` how far ahead of the schedule a
        request may go (the burst)."""
        row = await self.db.fetch_one(
            "UPDATE bot_state SET value = (GREATEST(CAST(value AS TIMESTAMPTZ), clock_timestamp())"
            " + make_interval(secs => ?))::text WHERE key = ?"
            " RETURNING EXTRACT(EPOCH FROM CAST(value AS TIMESTAMPTZ) - clock_timestamp())",
            (interval, KEY),
        )
        if row is None:
            raise RuntimeError("the send budget's row is missing")
        return max(0.0, float(row[0]) - interval - tolerance)
