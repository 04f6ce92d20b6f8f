"""Reminder delivery through the local Discord, with the bot as a real `python -m bot` process.

    python -m benchmarks.delivery [--runs 3] [--fanout 10000] [--ceiling 500]
    python -m benchmarks.delivery --backend postgres [--database-url postgresql://...]

light     60 reminders, one due each second for a minute: p50/p99 lateness (from each due
          instant to the DM request reaching Discord) with nothing else to send, so what
          remains is the dispatcher's own latency and the database's.
lateness  1,000 reminders due spread over one minute, no rate limit at the server: the same
          lateness, which now includes waiting behind the same second's other sends.
fan-out   N reminders due at the same instant; the server enforces a global limit equal to the
          bot's SEND_RATE_PER_SECOND: delivered/s as a fraction of that ceiling, 429s, losses,
          duplicates. Run at a raised ceiling and once at Discord's real 50/s with 1,000.

With `--backend postgres` the bot runs on a fresh schema of that PostgreSQL server (dropped
afterwards), with DATABASE_URL, so it also takes the dispatcher's lead before it sends.

The local Discord runs in this process with its cyclic garbage collector off: it records every
request, and full collections over that record stalled its event loop for up to 0.3 s, long
enough to count a second's requests in the next 1-second window and answer 429s that Discord
would not. The bot, a separate process, runs as it always does.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import secrets
import statistics
import tempfile
import time
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg

from tests.conftest import TOKEN, BotProcess, process_env, with_search_path
from tests.localdiscord import FakeDiscord
from tests.seeding import create_database, seed_reminders, seed_reminders_postgres

LOCAL_POSTGRES = "postgresql://postgres@127.0.0.1:5432/test"

START_DELAY = 6.0  # seconds for the process to start before the first reminder is due


def due_of(nonce: str) -> int:
    """Reminder nonces are r<id>.<due>, both base 36."""
    return int(nonce.split(".")[1], 36)


@asynccontextmanager
async def seeded(
    tmp: Path, postgres: str | None, members: list[tuple[int, int]], dues: list[datetime]
) -> AsyncIterator[dict[str, str]]:
    """The bot's database setting, seeded with one reminder per member: a SQLite file, or a
    fresh schema on the PostgreSQL server `postgres` (dropped afterwards)."""
    if postgres is None:
        path = tmp / "bot.db"
        await create_database(path)
        seed_reminders(path, members, dues)
        yield {"DATABASE_PATH": str(path)}
        return
    schema = f"bench_{secrets.token_hex(4)}"
    admin = await asyncpg.connect(postgres)
    try:
        await admin.execute(f"CREATE SCHEMA {schema}")
        url = with_search_path(postgres, schema)
        await seed_reminders_postgres(url, members, dues)
        yield {"DATABASE_URL": url}
    finally:
        await admin.execute(f"DROP SCHEMA {schema} CASCADE")
        await admin.close()


async def deliver(
    count: int, spread: float, ceiling: int | None, send_rate: int, postgres: str | None = None
) -> dict[str, float]:
    server = FakeDiscord()
    await server.start()
    server.global_rate_limit = ceiling
    users = [server.add_user(f"m{i}") for i in range(count)]
    first_due = datetime.now(UTC) + timedelta(seconds=START_DELAY)
    dues = [first_due + timedelta(seconds=spread * i / count) for i in range(count)]
    members = [(u.id, server.dm_channel(u.id)) for u in users]
    with tempfile.TemporaryDirectory() as tmp:
        async with seeded(Path(tmp), postgres, members, dues) as database:
            await run_process(server, tmp, database, count, spread, ceiling, send_rate)
    return summary(server, users, count)


async def run_process(
    server: FakeDiscord,
    tmp: str,
    database: dict[str, str],
    count: int,
    spread: float,
    ceiling: int | None,
    send_rate: int,
) -> None:
    """`python -m bot` until every reminder arrived (and a second more, for duplicates)."""
    env = process_env(
        DISCORD_TOKEN=TOKEN,
        DISCORD_API_BASE=server.api_base,
        SEND_RATE_PER_SECOND=str(send_rate),
        LOG_LEVEL="WARNING",
        **database,
    )
    process = BotProcess(env, cwd=Path(tmp))
    await process.start()
    created: list[dict[str, object]] = []
    all_in = asyncio.Event()

    def count_message(message: dict[str, object]) -> None:
        created.append(message)
        if len(created) >= count:
            all_in.set()

    server.on_message_created = count_message  # O(1) per send, unlike scanning every DM
    try:
        timeout = START_DELAY + spread + count / min(send_rate, ceiling or send_rate) * 2 + 30
        async with asyncio.timeout(timeout):
            await all_in.wait()
        await asyncio.sleep(1.0)  # any duplicate would land now
    finally:
        await process.stop()
        await server.stop()


def summary(server: FakeDiscord, users: list[Any], count: int) -> dict[str, float]:
    sends = [
        r
        for r in server.requests
        if r.method == "POST"
        and r.path.endswith("/messages")
        and r.status == 200
        and r.json.get("nonce")
    ]
    lateness = sorted(r.wall - due_of(r.json["nonce"]) for r in sends)
    per_user = Counter(len(server.dm_messages(u.id)) for u in users)
    span = max(r.wall for r in sends) - min(r.wall for r in sends)
    return {
        "count": count,
        "lateness_p50_s": statistics.median(lateness),
        "lateness_p99_s": lateness[min(len(lateness) - 1, round(0.99 * (len(lateness) - 1)))],
        "delivered_per_s": (count - 1) / span if span else float("inf"),
        "status_429": server.status_counts()[429],
        "lost": per_user[0],
        "duplicated": sum(n for k, n in per_user.items() if k > 1),
    }


def deliver_without_collector_stalls(
    count: int, spread: float, ceiling: int | None, send_rate: int, postgres: str | None
) -> dict[str, float]:
    gc.disable()
    try:
        return asyncio.run(deliver(count, spread, ceiling, send_rate, postgres))
    finally:
        gc.enable()
        gc.collect()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--fanout", type=int, default=10_000)
    parser.add_argument("--ceiling", type=int, default=500)
    parser.add_argument("--backend", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("TEST_DATABASE_URL") or LOCAL_POSTGRES,
        help="the PostgreSQL server for --backend postgres (a schema per run, dropped after)",
    )
    parser.add_argument(
        "--scenarios", nargs="+", choices=("light", "lateness", "fanout", "discord"), default=None
    )
    args = parser.parse_args()
    postgres = args.database_url if args.backend == "postgres" else None
    every = {
        "light": ("light: 60 over 60 s", (60, 60.0, None, 40)),
        "lateness": ("lateness 1000 over 60 s", (1000, 60.0, None, 40)),
        "fanout": (
            f"fan-out {args.fanout} at {args.ceiling}/s",
            (args.fanout, 0.0, args.ceiling, args.ceiling),
        ),
        "discord": ("fan-out 1000 at 50/s", (1000, 0.0, 50, 50)),
    }
    scenarios = dict(every[key] for key in (args.scenarios or every))
    results = {}
    for name, (count, spread, ceiling, rate) in scenarios.items():
        runs = []
        for _ in range(args.runs):
            started = time.perf_counter()
            runs.append(deliver_without_collector_stalls(count, spread, ceiling, rate, postgres))
            runs[-1]["wall_s"] = time.perf_counter() - started
        results[name] = {
            "lateness_p50_s": round(statistics.median(r["lateness_p50_s"] for r in runs), 3),
            "lateness_p99_s": round(statistics.median(r["lateness_p99_s"] for r in runs), 3),
            "delivered_per_s": round(statistics.median(r["delivered_per_s"] for r in runs), 1),
            "fraction_of_ceiling": round(
                statistics.median(r["delivered_per_s"] for r in runs) / ceiling, 3
            )
            if ceiling
            else None,
            "status_429": sum(r["status_429"] for r in runs),
            "lost": sum(r["lost"] for r in runs),
            "duplicated": sum(r["duplicated"] for r in runs),
        }
    columns = ("p50 late s", "p99 late s", "sent/s", "of ceiling", "429", "lost", "dup")
    print(f"{'scenario':<28} " + " ".join(f"{c:>10}" for c in columns))
    for name, row in results.items():
        fraction = (
            "-" if row["fraction_of_ceiling"] is None else f"{row['fraction_of_ceiling']:.0%}"
        )
        cells = (
            f"{row['lateness_p50_s']:.3f}",
            f"{row['lateness_p99_s']:.3f}",
            f"{row['delivered_per_s']:.1f}",
            fraction,
            row["status_429"],
            row["lost"],
            row["duplicated"],
        )
        print(f"{name:<28} " + " ".join(f"{c:>10}" for c in cells))
    print(
        json.dumps(
            {
                "benchmark": "delivery",
                "backend": args.backend,
                "runs": args.runs,
                "results": results,
            }
        )
    )


if __name__ == "__main__":
    main()
