"""What the operator's tools cost: the online backup and a /metrics scrape.

    python -m benchmarks.ops [--runs 3] [--sizes 10000 100000] [--fanout 1000]

backup    `python -m bot backup` on a SQLite database of N reminders (one member each), the
          bot not running: seconds and the copy's size.
during    a 1,000-reminder fan-out by a real `python -m bot` process at Discord's 50/s, with
          the backup taken while it sends: the backup's seconds, the fan-out's sends/s over
          its whole run, and 429s (against a fan-out with no backup).
scrape    GET /metrics on that bot process after the fan-out: milliseconds and bytes.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import socket
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import aiohttp

from bot.localdiscord import FakeDiscord
from tests.support.helpers import (
    TOKEN,
    BotProcess,
    bot_env,
    eventually,
    posted_by_the_bot,
    process_env,
)
from tests.support.seeding import create_database, seed_reminders


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def backup_seconds(source: Path, target: Path) -> float:
    started = time.perf_counter()
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "backup",
        str(target),
        env=process_env(DATABASE_PATH=str(source)),
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    _, stderr = await process.communicate()
    if process.returncode != 0:
        raise RuntimeError(stderr.decode())
    return time.perf_counter() - started


async def idle_backup(size: int, folder: Path) -> dict[str, float]:
    source = folder / f"idle-{size}.db"
    await create_database(source)
    seed_reminders(source, [(10**17 + n, 10**18 + n) for n in range(size)], datetime.now(UTC))
    target = folder / f"idle-{size}-copy.db"
    seconds = await backup_seconds(source, target)
    return {"seconds": seconds, "mb": target.stat().st_size / 1e6}


async def fan_out(count: int, folder: Path, *, with_backup: bool) -> dict[str, float]:
    server = FakeDiscord(valid_token=TOKEN)
    await server.start()
    try:
        users = [server.add_user(f"m{n}") for n in range(count)]
        database = folder / f"fanout-{time.time_ns()}.db"
        await create_database(database)
        members = [(u.id, server.dm_channel(u.id)) for u in users]
        sent: list[float] = []
        server.subscribe(
            lambda event: sent.append(time.perf_counter()) if posted_by_the_bot(event) else None
        )
        port = free_port()
        env = bot_env(server, database, OPS_PORT=str(port), LOG_LEVEL="WARNING")
        seed_reminders(database, members, datetime.now(UTC))
        bot = BotProcess(env, cwd=folder)
        await bot.start()
        result: dict[str, float] = {}
        try:
            if with_backup:
                await eventually(lambda: len(sent) >= count // 4, timeout=120)
                result["backup_seconds"] = await backup_seconds(
                    database, folder / f"during-{time.time_ns()}.db"
                )
            await eventually(lambda: len(sent) >= count, timeout=300)
            started = time.perf_counter()
            url = f"http://127.0.0.1:{port}/metrics"
            async with aiohttp.ClientSession() as session, session.get(url) as response:
                body = await response.read()
            result["scrape_ms"] = (time.perf_counter() - started) * 1000
            result["scrape_bytes"] = len(body)
        finally:
            await bot.stop()
        result["sends_per_second"] = (len(sent) - 1) / (sent[-1] - sent[0])
        result["429"] = server.status_counts()[429]
        return result
    finally:
        await server.stop()


async def run(runs: int, sizes: list[int], fanout: int) -> dict[str, object]:
    figures: dict[str, object] = {}
    with tempfile.TemporaryDirectory() as folder_name:
        folder = Path(folder_name)
        for size in sizes:
            samples = []
            for run in range(runs):
                (folder / f"{size}-{run}").mkdir()
                samples.append(await idle_backup(size, folder / f"{size}-{run}"))
            figures[f"backup_{size}"] = {
                "seconds": statistics.median(s["seconds"] for s in samples),
                "mb": samples[0]["mb"],
            }
        for with_backup in (False, True):
            samples = [await fan_out(fanout, folder, with_backup=with_backup) for _ in range(runs)]
            figures["fanout_with_backup" if with_backup else "fanout_alone"] = {
                key: statistics.median(s[key] for s in samples) for key in samples[0]
            }
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10000, 100000])
    parser.add_argument("--fanout", type=int, default=1000)
    args = parser.parse_args()
    figures = asyncio.run(run(args.runs, args.sizes, args.fanout))
    for name, values in figures.items():
        assert isinstance(values, dict)
        print(f"{name:22} " + "  ".join(f"{k}={v:.3g}" for k, v in values.items()))
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
