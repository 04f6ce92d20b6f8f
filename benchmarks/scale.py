"""Scale: how start-up, memory and the cost of firing grow with the number of stored reminders.

    python -m benchmarks.scale [--sizes 10000 100000 1000000] [--runs 3]

For each size a fresh SQLite file is seeded, then a child process (so peak RSS is its own)
opens and migrates it, arms the scheduler (earliest due time from the index), and fires
1,000 due reminders through the real claim/record path. Reported: start-to-armed time,
peak RSS above the same measurement on an empty database, and cost per fired reminder.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

FIRED = 1_000
NOW = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)


def seed(path: Path, size: int) -> None:
    """Create the schema through the bot's own migrations, then bulk-insert reminders."""
    from bot.recurrence import WeeklySchedule, schedule_to_json
    from bot.storage import open_database

    async def migrate() -> None:
        database = await open_database(path)
        await database.close()

    asyncio.run(migrate())
    schedule = schedule_to_json(
        WeeklySchedule(datetime.min.time().replace(hour=9), frozenset(range(7)), "UTC")
    )
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


def measure(path: str) -> dict[str, float]:
    """Runs in the child process."""
    from bot.clock import FakeClock
    from bot.scheduler import plan_reminder
    from bot.storage import DeliveryLedger, open_database

    async def run() -> dict[str, float]:
        started = time.perf_counter()
        database = await open_database(Path(path))
        ledger = DeliveryLedger(database)
        clock = FakeClock(NOW)
        earliest = await ledger.earliest_due(["stretch"])
        armed = time.perf_counter() - started
        fire_started = time.perf_counter()
        fired = 0
        if earliest is not None:
            now = int(clock.now().timestamp())
            while claims := await ledger.claim_due(now, 40, ["stretch"], plan_reminder):
                for claim in claims:
                    await ledger.finish_delivery(claim, "sent", now, 1)
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


def child(path: Path) -> dict[str, float]:
    output = subprocess.run(
        [sys.executable, "-m", "benchmarks.scale", "--child", str(path)],
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
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.child)))
        return

    results = []
    with tempfile.TemporaryDirectory() as tmp:
        empty = Path(tmp) / "empty.db"
        seed(empty, 0)
        baseline_rss = statistics.median(child(empty)["peak_rss_mb"] for _ in range(args.runs))
        for size in args.sizes:
            path = Path(tmp) / f"{size}.db"
            seed_started = time.perf_counter()
            seed(path, size)
            seeded = time.perf_counter() - seed_started
            runs = []
            for _ in range(args.runs):
                # every run fires the same FIRED reminders again: reset them to due
                with sqlite3.connect(path) as conn:
                    conn.execute("DELETE FROM deliveries")
                    conn.execute(
                        "UPDATE reminders SET next_due_at = ? WHERE user_id <= ?",
                        (int(NOW.timestamp()), FIRED),
                    )
                runs.append(child(path))
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
            {"benchmark": "scale", "baseline_rss_mb": round(baseline_rss, 1), "results": results}
        )
    )


if __name__ == "__main__":
    main()
