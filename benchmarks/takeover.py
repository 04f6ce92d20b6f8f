"""Takeover: how long the dispatcher's lead stays empty after the process holding it dies.

    python -m benchmarks.takeover [--runs 10] [--database-url postgresql://...]

Each run starts a process that takes the lead on a fresh PostgreSQL schema
(`tests.support.lead_holder`), starts a waiting candidate here (a `Leadership`, trying every second
as the bot does), kills the holder with SIGKILL at a random moment of the candidate's wait and times
until the candidate leads. Target: under 5 s.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import secrets
import statistics
import sys
import time

import asyncpg

from bot.core.leadership import Leadership
from bot.storage import PostgresDatabase
from tests.support.helpers import ROOT, with_search_path

LOCAL_POSTGRES = "postgresql://postgres@127.0.0.1:5432/test"


async def once(url: str) -> float:
    holder = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "tests.support.lead_holder", url, cwd=ROOT,
        stdout=asyncio.subprocess.PIPE
    )
    assert holder.stdout is not None
    if (await asyncio.wait_for(holder.stdout.readline(), 30)).strip() != b"leading":
        raise RuntimeError("the holder did not take the lead")
    database = await PostgresDatabase.open(url)
    elected = asyncio.Event()

    async def deposed() -> None:
        return None

    candidate = Leadership(database, on_elected=elected.set, on_deposed=deposed)
    try:
        candidate.start()
        # the holder dies at any moment of the candidate's one-second wait between tries
        await asyncio.sleep(random.uniform(0.2, 1.2))
        started = time.perf_counter()
        holder.kill()
        await holder.wait()
        await asyncio.wait_for(elected.wait(), 30)
        return time.perf_counter() - started
    finally:
        await candidate.stop()
        await database.close()
        if holder.returncode is None:
            holder.kill()
            await holder.wait()


async def measure(server: str, runs: int) -> list[float]:
    schema = f"bench_{secrets.token_hex(4)}"
    admin = await asyncpg.connect(server)
    try:
        await admin.execute(f"CREATE SCHEMA {schema}")
        return [await once(with_search_path(server, schema)) for _ in range(runs)]
    finally:
        await admin.execute(f"DROP SCHEMA {schema} CASCADE")
        await admin.close()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument(
        "--database-url", default=os.environ.get("TEST_DATABASE_URL") or LOCAL_POSTGRES
    )
    args = parser.parse_args()
    gaps = asyncio.run(measure(args.database_url, args.runs))
    median, worst = statistics.median(gaps), max(gaps)
    print(f"lead taken over after SIGKILL: median {median:.2f} s, max {worst:.2f} s")
    print(
        json.dumps(
            {
                "benchmark": "takeover",
                "runs": args.runs,
                "median_s": round(median, 3),
                "max_s": round(worst, 3),
            }
        )
    )


if __name__ == "__main__":
    main()
