"""Bulk-load members and due reminders straight into a real database file, for drills and
benchmarks that need thousands of them (creating each through /reminders would test Discord's
patience, not the scheduler)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

from bot.scheduling.recurrence import WeeklySchedule, schedule_to_json
from bot.storage import PostgresDatabase, open_database


async def create_database(path: Path) -> None:
    """An empty database with every migration applied, through the bot's own code."""
    database = await open_database(path)
    await database.close()


def seed_reminders(
    path: Path,
    members: Iterable[tuple[int, int]],
    due: datetime | list[datetime],
    kind: str = "stretch",
) -> int:
    """One daily reminder of `kind` per (user_id, dm_channel_id), due at `due` (or due[i])."""
    rows = list(members)
    dues = due if isinstance(due, list) else [due] * len(rows)
    with sqlite3.connect(path) as conn:
        conn.executemany(
            "INSERT INTO members (user_id, dm_channel_id, created_at) VALUES (?, ?, 0)", rows
        )
        conn.executemany(
            "INSERT INTO reminders (kind, user_id, schedule, next_due_at, created_at)"
            " VALUES (?, ?, ?, ?, 0)",
            (
                (kind, user_id, _daily_at(when), int(when.timestamp()))
                for (user_id, _), when in zip(rows, dues, strict=True)
            ),
        )
    return len(rows)


async def seed_reminders_postgres(
    url: str,
    members: Iterable[tuple[int, int]],
    due: datetime | list[datetime],
    kind: str = "stretch",
) -> int:
    """`seed_reminders` for a PostgreSQL database (migrated first, by the bot's own code)."""
    rows = list(members)
    dues = due if isinstance(due, list) else [due] * len(rows)
    database = await PostgresDatabase.open(url)
    try:
        async with database.raw() as conn:
            await conn.copy_records_to_table(
                "members",
                records=[(user_id, channel, 0) for user_id, channel in rows],
                columns=["user_id", "dm_channel_id", "created_at"],
                schema_name=database.schema,
            )
            await conn.copy_records_to_table(
                "reminders",
                records=[
                    (kind, user_id, _daily_at(when), int(when.timestamp()), 0)
                    for (user_id, _), when in zip(rows, dues, strict=True)
                ],
                columns=["kind", "user_id", "schedule", "next_due_at", "created_at"],
                schema_name=database.schema,
            )
    finally:
        await database.close()
    return len(rows)


def _daily_at(when: datetime) -> str:
    return schedule_to_json(
        WeeklySchedule(when.time().replace(second=0, microsecond=0), frozenset(range(7)), "UTC")
    )
