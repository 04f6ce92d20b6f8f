"""Interaction turnaround: INTERACTION_CREATE sent by the local Discord -> first callback.

    python -m benchmarks.turnaround [--runs 5] [--rounds 20]

Measured for /sciatica overview, a /quickcheck button step and /reminders list, at 1 and 50
concurrent members, beside the floor: a minimal discord.py bot answering a constant string
through the same local Discord. Reports median and p99 per case (milliseconds), each case's
p99 as a multiple of the floor's at the same concurrency, and the machine's load average
before and after (other work on the machine shows in the tails first).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import tempfile
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path

import discord
from discord.ext import commands

from bot.core.client import Content
from bot.core.discord_internals import use_api_base, use_gateway
from bot.core.settings import DEFAULT_DATA_DIR
from bot.localdiscord import FakeDiscord
from bot.localdiscord.models import User
from bot.scheduling.clock import FakeClock
from tests.support.helpers import run_bot

Probe = Callable[[FakeDiscord, User, int], Awaitable[float]]


async def slash(server: FakeDiscord, user: User, guild: int, name: str) -> float:
    ix = await server.invoke(user, name, {}, guild_id=guild)
    return (await ix.response(timeout=10)).latency


async def quickcheck_step(server: FakeDiscord, user: User, guild: int) -> float:
    ix = await server.invoke(user, "quickcheck", {}, guild_id=guild)
    await ix.response(timeout=10)
    message = ix.message()
    assert message is not None, "the quick-check answer has no message to click"
    click = await server.click(user, message, label="No")
    return (await click.response(timeout=10)).latency


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


async def measure(
    server: FakeDiscord, users: list[User], guild: int, probe: Probe, concurrency: int, rounds: int
) -> list[float]:
    latencies: list[float] = []
    await probe(server, users[0], guild)  # warm-up, not counted: first-use costs and leftovers
    for _ in range(rounds):
        batch = users[:concurrency]
        latencies += await asyncio.gather(*(probe(server, user, guild) for user in batch))
    return latencies


async def world(server: FakeDiscord, size: int) -> tuple[list[User], int]:
    guild = server.add_guild("Bench")
    users = [server.add_user(f"member{i}") for i in range(size)]
    for user in users:
        server.add_member(guild.id, user.id)
    return users, guild.id


async def run_product(content: Content, rounds: int) -> dict[str, list[float]]:
    server = FakeDiscord()
    await server.start()
    results: dict[str, list[float]] = {}
    try:
        with tempfile.TemporaryDirectory() as tmp:
            clock = FakeClock(datetime(2026, 3, 2, 7, 0, tzinfo=UTC))
            async with run_bot(server, Path(tmp) / "bot.db", content, clock):
                users, guild = await world(server, 50)
                cases: dict[str, Probe] = {
                    "/sciatica overview": lambda s, u, g: slash(s, u, g, "sciatica overview"),
                    "/quickcheck button": quickcheck_step,
                    "/reminders list": lambda s, u, g: slash(s, u, g, "reminders list"),
                }
                for name, probe in cases.items():
                    for concurrency in (1, 50):
                        key = f"{name} x{concurrency}"
                        results[key] = await measure(
                            server, users, guild, probe, concurrency, rounds
                        )
    finally:
        await server.stop()
    return results


async def run_floor(rounds: int) -> dict[str, list[float]]:
    """The same path with the least possible bot: a constant reply."""
    server = FakeDiscord()
    await server.start()
    use_api_base(server.api_base)
    use_gateway(server.gateway_url)
    bot = commands.Bot(command_prefix="!", intents=discord.Intents.none())

    @bot.tree.command(name="ping", description="Constant answer.")
    async def ping(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("pong", ephemeral=True)

    results: dict[str, list[float]] = {}
    try:
        await bot.login("test-token")
        task = asyncio.create_task(bot.connect())
        await server.wait_until_ready()
        await bot.tree.sync()
        users, guild = await world(server, 50)
        for concurrency in (1, 50):
            probe: Probe = lambda s, u, g: slash(s, u, g, "ping")  # noqa: E731
            results[f"floor x{concurrency}"] = await measure(
                server, users, guild, probe, concurrency, rounds
            )
        await bot.close()
        task.cancel()
    finally:
        await server.stop()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    content = Content.load(DEFAULT_DATA_DIR)
    load_before = os.getloadavg()[0]
    runs: dict[str, list[dict[str, float]]] = {}
    for _ in range(args.runs):
        for key, values in {
            **asyncio.run(run_floor(args.rounds)),
            **asyncio.run(run_product(content, args.rounds)),
        }.items():
            runs.setdefault(key, []).append(
                {"median": statistics.median(values), "p99": percentile(values, 0.99)}
            )
    table = {
        key: {
            "median_ms": round(statistics.median(r["median"] for r in values) * 1000, 2),
            "p99_ms": round(statistics.median(r["p99"] for r in values) * 1000, 2),
        }
        for key, values in runs.items()
    }
    print(f"{'case':<28} {'median ms':>10} {'p99 ms':>10} {'p99 / floor p99':>16}")
    for key, row in table.items():
        floor = table[f"floor x{key.rsplit('x', 1)[1]}"]["p99_ms"]
        ratio = row["p99_ms"] / floor
        print(f"{key:<28} {row['median_ms']:>10.2f} {row['p99_ms']:>10.2f} {ratio:>16.2f}")
    load_after = os.getloadavg()[0]
    print(f"load average (1 min): {load_before:.2f} before, {load_after:.2f} after")
    print(
        json.dumps(
            {
                "benchmark": "turnaround",
                "runs": args.runs,
                "rounds": args.rounds,
                "load_average": [load_before, load_after],
                "results": table,
            }
        )
    )


if __name__ == "__main__":
    main()
