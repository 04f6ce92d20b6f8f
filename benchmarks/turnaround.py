"""Interaction turnaround: INTERACTION_CREATE sent by the local Discord -> first callback.

    python -m benchmarks.turnaround [--runs 5] [--samples 2000] [--rounds 20]

The bot runs as in production, a `python -m bot` process (SQLite in a temporary directory),
beside the floor, a process of its own too (benchmarks.floor_bot): the least possible
discord.py bot, answering a constant to a slash command and to a press of a button on its own
message (discord.py itself parses the pressed message and rebuilds its view before any bot
code runs). The local Discord runs here, in the measuring process, as Discord runs elsewhere:
its own work is not on the bot's CPU. It keeps every message it was sent, thousands of nested
dicts by the end; the cyclic garbage collector is off in this process, so its ever longer
scans of them (about 0.1 to 0.3 s each) don't show up as the bots' answers being late.

Measured for /sciatica overview, a /quickcheck button step and /reminders list, for one member
(`--samples` answers one after another) and for 50 members at once (`--rounds` of 50). Each case
starts from a fresh local Discord and a fresh process, the floor's and the bot's alike: one
member's answers measured after rounds of 50 came out about a quarter slower at p99, the
floor's too, so a case measured later would carry the rounds before it.
Reports median and p99 per case (milliseconds), each case's p99 as a multiple of the floor's
of the same kind at the same concurrency, the CPU time the answering process spent per
one-member probe (read from /proc), and the machine's load average before and after (other
work on the machine shows in the tails first).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import statistics
import sys
import tempfile
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

from benchmarks.floor_bot import FLOOR_COMMANDS
from bot.localdiscord import FakeDiscord
from bot.localdiscord.models import User
from tests.support.helpers import ROOT, TOKEN, BotProcess, bot_env, process_env

Probe = Callable[[FakeDiscord, User, int], Awaitable[float]]
MEMBERS = 50
BUTTON_CASES = ("/quickcheck button",)
"""Cases that answer a button press: compared with the floor's button press."""
WARM_UP = 20
"""Answers not counted before each case: a fresh process's first uses of a path."""
START_TIMEOUT = 60.0
"""Seconds a bot process may take to connect and sync its commands."""


@dataclass(frozen=True)
class Sizes:
    samples: int
    """One member's answers, one after another: p99 of 2,000 is the 20th slowest. Of 1,000,
    the tenth slowest moved the quick-check's ratio by ±0.15 from one run to the next (the
    floor's button press has the longest tail); of 200, the third slowest moved it by ±0.3."""
    rounds: int
    """Rounds of 50 members at once."""


async def slash(server: FakeDiscord, user: User, guild: int, name: str) -> float:
    ix = await server.invoke(user, name, {}, guild_id=guild)
    return (await ix.response(timeout=10)).latency


async def press(server: FakeDiscord, user: User, guild: int, command: str, label: str) -> float:
    """Run `command`, then press the button `label` on its answer: the press's turnaround."""
    ix = await server.invoke(user, command, {}, guild_id=guild)
    await ix.response(timeout=10)
    message = ix.message()
    assert message is not None, f"/{command} answered with no message to click"
    click = await server.click(user, message, label=label)
    return (await click.response(timeout=10)).latency


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


async def measure(
    server: FakeDiscord, users: list[User], guild: int, probe: Probe, concurrency: int, rounds: int
) -> list[float]:
    latencies: list[float] = []
    for _ in range(WARM_UP):  # not counted: first-use costs and leftovers
        await probe(server, users[0], guild)
    for _ in range(rounds):
        batch = users[:concurrency]
        latencies += await asyncio.gather(*(probe(server, user, guild) for user in batch))
    return latencies


@dataclass(frozen=True)
class Stage:
    """The local Discord, with one server of 50 members."""

    server: FakeDiscord
    users: list[User]
    guild: int


def cpu_seconds(pid: int) -> float:
    """The CPU time (user and system) a process has used so far, from Linux's /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@dataclass
class Measured:
    latencies: dict[str, list[float]]
    """Seconds per answer, by case and concurrency ("name x1", "name x50")."""
    cpu: dict[str, float]
    """The answering process's CPU seconds per one-member probe, by case."""


async def measure_case(stage: Stage, name: str, probe: Probe, sizes: Sizes, pid: int) -> Measured:
    """The case for one member, one answer after another, then for 50 members at once."""
    server, users, guild = stage.server, stage.users, stage.guild
    before = cpu_seconds(pid)
    one = await measure(server, users, guild, probe, 1, sizes.samples)
    cpu = (cpu_seconds(pid) - before) / (sizes.samples + WARM_UP)
    many = await measure(server, users, guild, probe, MEMBERS, sizes.rounds)
    return Measured({f"{name} x1": one, f"{name} x{MEMBERS}": many}, {name: cpu})


@asynccontextmanager
async def local_discord() -> AsyncIterator[Stage]:
    server = FakeDiscord()
    await server.start()
    try:
        guild = server.add_guild("Bench")
        users = [server.add_user(f"member{i}") for i in range(MEMBERS)]
        for user in users:
            server.add_member(guild.id, user.id)
        yield Stage(server, users, guild.id)
    finally:
        await server.stop()


async def synced(server: FakeDiscord, names: tuple[str, ...]) -> None:
    """Wait until a freshly started bot is connected and has synced `names`."""
    ready = server.gateway.ready_count

    def there() -> bool:
        known = {command["name"] for command in server.world.commands.get(None, [])}
        return server.gateway.ready_count > ready and set(names) <= known

    await server.wait_until(there, timeout=START_TIMEOUT)


@asynccontextmanager
async def floor_process(server: FakeDiscord) -> AsyncIterator[int]:
    """The least possible bot, connected: its process id."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "benchmarks.floor_bot",
        server.api_base,
        server.gateway_url,
        TOKEN,
        cwd=ROOT,
        env=process_env(),
    )
    try:
        await synced(server, FLOOR_COMMANDS)
        yield process.pid
    finally:
        process.terminate()
        await process.wait()


@asynccontextmanager
async def bot_process(server: FakeDiscord) -> AsyncIterator[int]:
    """`python -m bot` as in production (SQLite in a temporary directory), connected: its
    process id."""
    with tempfile.TemporaryDirectory() as tmp:
        bot = BotProcess(bot_env(server, Path(tmp) / "bot.db"), ROOT)
        await bot.start()
        assert bot.process is not None  # started
        try:
            await synced(server, ("sciatica", "quickcheck", "reminders"))
            yield bot.process.pid
        finally:
            await bot.stop()


Process = Callable[[FakeDiscord], AbstractAsyncContextManager[int]]
FLOOR_CASES: dict[str, Probe] = {
    "floor": lambda s, u, g: slash(s, u, g, "ping"),
    "floor button": lambda s, u, g: press(s, u, g, "panel", "Pong"),
}
PRODUCT_CASES: dict[str, Probe] = {
    "/sciatica overview": lambda s, u, g: slash(s, u, g, "sciatica overview"),
    "/quickcheck button": lambda s, u, g: press(s, u, g, "quickcheck", "No"),
    "/reminders list": lambda s, u, g: slash(s, u, g, "reminders list"),
}


async def run_case(name: str, probe: Probe, process: Process, sizes: Sizes) -> Measured:
    async with local_discord() as stage, process(stage.server) as pid:
        return await measure_case(stage, name, probe, sizes, pid)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--samples", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    sizes = Sizes(args.samples, args.rounds)
    gc.disable()  # the local Discord's own pauses are not the bots' (see above)
    load_before = os.getloadavg()[0]
    runs: dict[str, list[dict[str, float]]] = {}
    cpu: dict[str, list[float]] = {}
    every_case = [
        *((name, probe, floor_process) for name, probe in FLOOR_CASES.items()),
        *((name, probe, bot_process) for name, probe in PRODUCT_CASES.items()),
    ]
    for _ in range(args.runs):
        for name, probe, process in every_case:
            measured = asyncio.run(run_case(name, probe, process, sizes))
            for key, values in measured.latencies.items():
                runs.setdefault(key, []).append(
                    {"median": statistics.median(values), "p99": percentile(values, 0.99)}
                )
            for name, seconds in measured.cpu.items():
                cpu.setdefault(name, []).append(seconds)
    cpu_ms = {name: round(statistics.median(values) * 1000, 3) for name, values in cpu.items()}
    table = {
        key: {
            "median_ms": round(statistics.median(r["median"] for r in values) * 1000, 2),
            "p99_ms": round(statistics.median(r["p99"] for r in values) * 1000, 2),
        }
        for key, values in runs.items()
    }
    print(f"{'case':<28} {'median ms':>10} {'p99 ms':>10} {'p99 / floor p99':>16}")
    for key, row in table.items():
        name, concurrency = key.rsplit(" x", 1)
        kind = "floor button" if name in (*BUTTON_CASES, "floor button") else "floor"
        ratio = row["p99_ms"] / table[f"{kind} x{concurrency}"]["p99_ms"]
        print(f"{key:<28} {row['median_ms']:>10.2f} {row['p99_ms']:>10.2f} {ratio:>16.2f}")
    print("CPU of the answering process per one-member probe, ms (a button case: its command")
    print("and the press): " + ", ".join(f"{name} {ms:.2f}" for name, ms in cpu_ms.items()))
    load_after = os.getloadavg()[0]
    print(f"load average (1 min): {load_before:.2f} before, {load_after:.2f} after")
    print(
        json.dumps(
            {
                "benchmark": "turnaround",
                "runs": args.runs,
                "samples": args.samples,
                "rounds": args.rounds,
                "load_average": [load_before, load_after],
                "results": table,
                "cpu_ms_per_probe": cpu_ms,
            }
        )
    )


if __name__ == "__main__":
    main()
