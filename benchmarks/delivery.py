"""Reminder delivery through the local Discord, with the bot as a real `python -m bot` process.

    python -m benchmarks.delivery [--runs 3] [--fanout 10000] [--ceiling 500]

lateness  1,000 reminders due spread over one minute, no rate limit at the server:
          p50/p99 from each due instant to the DM request reaching Discord.
fan-out   N reminders due at the same instant; the server enforces a global limit equal to the
          bot's SEND_RATE_PER_SECOND: delivered/s as a fraction of that ceiling, 429s, losses,
          duplicates. Run at a raised ceiling and once at Discord's real 50/s with 1,000.

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
import statistics
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tests.conftest import TOKEN, BotProcess, process_env
from tests.localdiscord import FakeDiscord
from tests.seeding import create_database, seed_reminders

START_DELAY = 6.0  # seconds for the process to start before the first reminder is due


def due_of(nonce: str) -> int:
    """Reminder nonces are r<id>.<due>, both base 36."""
    return int(nonce.split(".")[1], 36)


async def deliver(
    count: int, spread: float, ceiling: int | None, send_rate: int
) -> dict[str, float]:
    server = FakeDiscord()
    await server.start()
    server.global_rate_limit = ceiling
    users = [server.add_user(f"m{i}") for i in range(count)]
    first_due = datetime.now(UTC) + timedelta(seconds=START_DELAY)
    dues = [first_due + timedelta(seconds=spread * i / count) for i in range(count)]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bot.db"
        await create_database(path)
        seed_reminders(path, [(u.id, server.dm_channel(u.id)) for u in users], dues)
        env = process_env(
            DISCORD_TOKEN=TOKEN,
            DISCORD_API_BASE=server.api_base,
            DATABASE_PATH=str(path),
            SEND_RATE_PER_SECOND=str(send_rate),
            LOG_LEVEL="WARNING",
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
    count: int, spread: float, ceiling: int | None, send_rate: int
) -> dict[str, float]:
    gc.disable()
    try:
        return asyncio.run(deliver(count, spread, ceiling, send_rate))
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
    args = parser.parse_args()
    scenarios = {
        "lateness 1000 over 60 s": (1000, 60.0, None, 40),
        f"fan-out {args.fanout} at {args.ceiling}/s": (
            args.fanout,
            0.0,
            args.ceiling,
            args.ceiling,
        ),
        "fan-out 1000 at 50/s": (1000, 0.0, 50, 50),
    }
    results = {}
    for name, (count, spread, ceiling, rate) in scenarios.items():
        runs = []
        for _ in range(args.runs):
            started = time.perf_counter()
            runs.append(deliver_without_collector_stalls(count, spread, ceiling, rate))
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
    print(json.dumps({"benchmark": "delivery", "runs": args.runs, "results": results}))


if __name__ == "__main__":
    main()
