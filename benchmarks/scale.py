"""Scale: how start-up, memory and the cost of firing grow with the number of stored reminders.

    python -m benchmarks.scale [--sizes 10000 100000 1000000] [--runs 3]
    python -m benchmarks.scale --backend postgres [--database-url postgresql://...]

For each size a fresh database is seeded (a SQLite file; or a new PostgreSQL schema, filled
with generate_series, dropped afterwards), then a child process (so peak RSS is its own)
opens and migrates it, arms the scheduler (earliest due time from the index), and fires
1,000 due reminders through the real claim/record path. Reported: start-to-armed time,
peak RSS above the same measurement on an empty database, and cost per fired reminder.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import secrets
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

FIRED = 1_000
NOW = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
LOCAL_POSTGRES = "postgresql://postgres@127.0.0.1:5432/test"


def schedule_json() -> str:
    from bot.scheduling.recurrence import WeeklySchedule, schedule_to_json

    return schedule_to_json(
        WeeklySchedule(datetime.min.time().replace(hour=9), frozenset(range(7)), "UTC")
    )


def seed(path: Path, size: int) -> None:
    """Create the schema through the bot's own migrations, then bulk-insert reminders."""
    from bot.storage import open_database

    async def migrate() -> None:
        database = await open_database(path)
        await database.close()

    asyncio.run(migrate())
    schedule = schedule_json()
    now = int(NOW.timestamp())
    with sqlite3.connect(path) as conn:
        conn.executemany(
            "INSERT INTO members (user_id, dm_channel_id, created_at) VALUES (?, ?, 0)",
            ((user, user + 10**12) for user in range(1, size + 1)),
        )
        # FIRED reminders are due now; the rest spread over the coming week.
        conn.executemany(
            "INSERT INTO reminders (kind, user_id, schedule, next_due_at, created_at)"
            " VALUES ('stretch', ?, ?, ?, 0)",
            (
                (user, schedule, now if user <= FIRED else now + 60 + (user * 7919) % (7 * 86400))
                for user in range(1, size + 1)
            ),
        )


def reset_sqlite(path: Path) -> None:
    """Every run fires the same FIRED reminders again: make them due."""
    with sqlite3.connect(path) as conn:
        conn.execute("DELETE FROM deliveries")
        conn.execute(
            "UPDATE reminders SET next_due_at = ? WHERE user_id <= ?",
            (int(NOW.timestamp()), FIRED),
        )


class Postgres:
    """Fresh schemas on one PostgreSQL server, each seeded in the server itself."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.schemas: list[str] = []

    def _admin(self, sql: str, *args: object) -> None:
        import asyncpg

        async def run() -> None:
            connection = await asyncpg.connect(self.url)
            try:
                await connection.execute(sql, *args)
            finally:
                await connection.close()

        asyncio.run(run())

    def seed(self, size: int) -> str:
        """A new schema migrated by the bot's own code, then `size` members and reminders
        written by generate_series (FIRED due now, the rest over the coming week)."""
        from bot.storage import PostgresDatabase

        schema = f"bench_{secrets.token_hex(4)}"
        self._admin(f"CREATE SCHEMA {schema}")
        self.schemas.append(schema)
        url = f"{self.url}{'&' if '?' in self.url else '?'}search_path={schema}"
        now = int(NOW.timestamp())

        async def fill() -> None:
            database = await PostgresDatabase.open(url)
            try:
                async with database.raw() as conn:
                    await conn.execute(
                        "INSERT INTO members (user_id, dm_channel_id, created_at)"
                        " SELECT g, g + 1000000000000, 0 FROM generate_series(1, $1::bigint) g",
                        size,
                    )
                    await conn.execute(
                        "INSERT INTO reminders (kind, user_id, schedule, next_due_at, created_at)"
                        " SELECT 'stretch', g, $2, CASE WHEN g <= $3::bigint THEN $4::bigint"
                        " ELSE $4::bigint + 60 + (g * 7919) % (7 * 86400) END, 0"
                        " FROM generate_series(1, $1::bigint) g",
                        size,
                        schedule_json(),
                        FIRED,
                        now,
                    )
                    await conn.execute("VACUUM ANALYZE members")
                    await conn.execute("VACUUM ANALYZE reminders")
            finally:
                await database.close()

        asyncio.run(fill())
        return url

    def reset(self, url: str) -> None:
        schema = url.rsplit("=", 1)[1]
        self._admin(
            f"DELETE FROM {schema}.deliveries;"
            f" UPDATE {schema}.reminders SET next_due_at = {int(NOW.timestamp())}"
            f" WHERE user_id <= {FIRED}"
        )

    def drop_all(self) -> None:
        for schema in self.schemas:
            self._admin(f"DROP SCHEMA {schema} CASCADE")
        self.schemas.clear()


def measure(target: str) -> dict[str, float]:
    """Runs in the child process; `target` is a SQLite path or a PostgreSQL URL."""
    from bot.scheduling.clock import FakeClock
    from bot.scheduling.planning import plan_reminder
    from bot.storage import (
        DeliveryLedger,
        DeliveryState,
        MemberStore,
        ReminderKind,
        is_database_url,
        open_database,
    )

    async def run() -> dict[str, float]:
        started = time.perf_counter()
        database = await open_database(target if is_database_url(target) else Path(target))
        ledger = DeliveryLedger(database, MemberStore(database))
        clock = FakeClock(NOW)
        earliest = await ledger.earliest_due([ReminderKind.STRETCH])
        armed = time.perf_counter() - started
        fire_started = time.perf_counter()
        fired = 0
        if earliest is not None:
            now = int(clock.now().timestamp())
            while claims := await ledger.claim_due(now, 40, [ReminderKind.STRETCH], plan_reminder):
                for claim in claims:
                    await ledger.finish_delivery(claim, DeliveryState.SENT, now, 1)
                fired += len(claims)
        fire_seconds = time.perf_counter() - fire_started
        await database.close()
        return {
            "armed_s": armed,
            "fired": fired,
            "per_fire_ms": fire_seconds / fired * 1000 if fired else 0.0,
            "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        }

    return asyncio.run(run())


def child(target: Path | str) -> dict[str, float]:
    output = subprocess.run(
        [sys.executable, "-m", "benchmarks.scale", "--child", str(target)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    figures: dict[str, float] = json.loads(output.strip().splitlines()[-1])
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--backend", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("TEST_DATABASE_URL") or LOCAL_POSTGRES,
        help="the PostgreSQL server to use (a schema is made per size and dropped after)",
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.child)))
        return

    results = []
    with databases(args.backend, args.database_url) as (make, reset):
        baseline_rss = statistics.median(child(make(0))["peak_rss_mb"] for _ in range(args.runs))
        for size in args.sizes:
            seed_started = time.perf_counter()
            target = make(size)
            seeded = time.perf_counter() - seed_started
            runs = []
            for _ in range(args.runs):
                reset(target)
                runs.append(child(target))
            results.append(
                {
                    "reminders": size,
                    "seed_s": round(seeded, 2),
                    "armed_s_median": round(statistics.median(r["armed_s"] for r in runs), 4),
                    "armed_s_max": round(max(r["armed_s"] for r in runs), 4),
                    "rss_over_empty_mb": round(
                        statistics.median(r["peak_rss_mb"] for r in runs) - baseline_rss, 1
                    ),
                    "per_fire_ms_median": round(
                        statistics.median(r["per_fire_ms"] for r in runs), 3
                    ),
                    "fired": runs[0]["fired"],
                }
            )

    print(
        f"{'reminders':>10} {'start→armed (s)':>16} {'RSS over empty (MB)':>20} {'ms per fire':>12}"
    )
    for row in results:
        print(
            f"{row['reminders']:>10,} {row['armed_s_median']:>16.4f} "
            f"{row['rss_over_empty_mb']:>20.1f} {row['per_fire_ms_median']:>12.3f}"
        )
    print(
        json.dumps(
            {
                "benchmark": "scale",
                "backend": args.backend,
                "baseline_rss_mb": round(baseline_rss, 1),
                "results": results,
            }
        )
    )


@contextmanager
def databases(backend: str, url: str) -> Iterator[tuple[Any, Any]]:
    """(make(size) -> target, reset(target)) for the backend; everything made is removed."""
    if backend == "postgres":
        server = Postgres(url)
        try:
            yield server.seed, server.reset
        finally:
            server.drop_all()
        return
    with tempfile.TemporaryDirectory() as tmp:

        def make(size: int) -> Path:
            path = Path(tmp) / f"{size}.db"
            seed(path, size)
            return path

        yield make, reset_sqlite


if __name__ == "__main__":
    main()
