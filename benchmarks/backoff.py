"""Dispatcher back-off: how soon a reminder due during a database outage arrives once the
database takes writes again, and how many failed tries the outage costs.

    python -m benchmarks.backoff [--outages 5,30,120,600]

The real dispatcher on a real SQLite file, its clock a FakeClock moved a second at a time; every
write is refused at COMMIT from the due time until the outage ends. The back-off (1 s doubling
to a minute) trades the wait after an outage against the tries, and log lines, during it.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sqlite3
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

from bot.scheduling.clock import FakeClock
from bot.scheduling.dispatcher import Scheduler
from bot.scheduling.planning import plan_reminder
from bot.scheduling.recurrence import WeeklySchedule, schedule_to_json
from bot.storage import Claim, ReminderKind, SqliteDatabase, Stores, Transaction

DUE = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


async def outage(seconds: int) -> tuple[int, float]:
    """(failed tries, seconds from the end of the outage to the delivery)."""
    with tempfile.TemporaryDirectory() as folder:
        database = await SqliteDatabase.open(Path(folder) / "bot.db")
        stores = Stores(database)
        clock = FakeClock(DUE - timedelta(minutes=1))
        await stores.members.save_member(1, 0, dm_channel_id=501)
        await stores.reminders.create(
            kind=ReminderKind.STRETCH,
            user_id=1,
            guild_id=None,
            schedule=schedule_to_json(WeeklySchedule(time(8), frozenset(range(7)), "UTC")),
            next_due_at=int(DUE.timestamp()),
            now=int(clock.now().timestamp()),
            limit=10,
        )
        refused = [0]
        real = database.transaction

        @asynccontextmanager
        async def refusing() -> AsyncIterator[Transaction]:
            async with real() as tx:
                yield tx
                if clock.now() < DUE + timedelta(seconds=seconds):
                    refused[0] += 1
                    raise sqlite3.OperationalError("disk I/O error")

        delivered: list[datetime] = []

        async def send(claim: Claim) -> int:
            delivered.append(clock.now())
            return 1

        scheduler = Scheduler(stores.ledger, clock, plan_reminder, batch_size=10)
        scheduler.register(ReminderKind.STRETCH, send)
        scheduler.start()
        await _idle()
        database.transaction = refusing  # type: ignore[method-assign]
        try:
            clock.set(DUE)
            while not delivered:
                await _idle()
                clock.advance(timedelta(seconds=1))
        finally:
            await scheduler.stop()
            await database.close()
        restored = DUE + timedelta(seconds=seconds)
        return refused[0], (delivered[0] - restored).total_seconds()


async def _idle() -> None:
    """Long enough for a dispatcher turn on a real SQLite file."""
    for _ in range(3):
        await asyncio.sleep(0.003)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--outages", default="5,30,120,600")
    args = parser.parse_args()
    logging.disable(logging.ERROR)  # a failed try logs an error each time: not the figure here
    print(f"{'outage':>8} {'failed tries':>13} {'delivered after it ended':>25}")
    for seconds in (int(part) for part in args.outages.split(",")):
        tries, after = asyncio.run(outage(seconds))
        print(f"{seconds:>7}s {tries:>13} {after:>24.0f}s")


if __name__ == "__main__":
    main()
