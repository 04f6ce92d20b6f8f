"""Reminder delivery through the local Discord, with the bot as a real `python -m bot` process.

    python -m benchmarks.delivery [--runs 3] [--fanout 10000] [--ceiling 500] [--only TEXT]
    python -m benchmarks.delivery --backend postgres [--database-url postgresql://...]

light     60 reminders, one due each second for a minute: p50/p99 lateness (from each due
          instant to the DM request reaching Discord) with nothing else to send, so what
          remains is the dispatcher's own latency and the database's.
lateness  1,000 reminders due spread over one minute, no rate limit at the server: the same
          lateness, which now includes waiting behind the same second's other sends.
fan-out   N reminders due at the same instant; the server enforces a global limit equal to the
          bot's SEND_RATE_PER_SECOND: delivered/s as a fraction of that ceiling, 429s, losses,
          duplicates. Run at a raised ceiling and once at Discord's real 50/s with 1,000.
pictures  what the stretch picture on every stretch reminder DM costs. In the bot process, for
          1,000 reminders due at once at Discord's 50/s: stretch reminders (each DM uploads
          its stretch's PNG) against massage reminders (no picture), by the bot's CPU time
          and resident memory from the first DM to the last, and the bytes uploaded; 429s,
          losses and duplicates as above. In this process: drawing every picture (done once,
          at start-up) and what attaching adds to building one DM's request body through
          discord.py and aiohttp (the same embed with and without the picture).
answers   interaction turnaround (INTERACTION_CREATE sent -> first callback, p50/p99) while the
          bot also sends on its own, at Discord's 50/s and the default SEND_RATE_PER_SECOND:
          200 members setting up a reminder within 5 s (each one opens a DM and sends a consent
          DM), and 50 members using commands every half second, alone and during a fan-out of
          1,000 reminders due at once (their first command sends consent DMs too). Also 429s,
          consent DMs and reminders delivered.

With `--backend postgres` the light, lateness and fan-out scenarios run the bot on a fresh
schema of that PostgreSQL server (dropped afterwards), with DATABASE_URL, so it also takes the
dispatcher's lead before it sends.

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
from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path

import aiohttp
import asyncpg
import discord

from bot.content.library import load_library
from bot.core.settings import DEFAULT_DATA_DIR
from bot.localdiscord import FakeDiscord
from bot.localdiscord.constants import ErrorCode
from bot.localdiscord.models import Event, Interaction, User
from bot.pictures.cards import StretchPictures
from bot.pictures.poses import load_poses
from bot.ui.embeds import picture_file, stretch_embed
from tests.support.helpers import (
    BotProcess,
    bot_env,
    posted_by_the_bot,
    with_search_path,
)
from tests.support.seeding import create_database, seed_reminders, seed_reminders_postgres

UNKNOWN = ErrorCode.UNKNOWN_INTERACTION  # a first answer after the deadline
LOCAL_POSTGRES = "postgresql://postgres@127.0.0.1:5432/test"
START_DELAY = 6.0  # seconds for the process to start before the first reminder is due


def due_of(nonce: str) -> int:
    """Reminder nonces are r<id>.<due>, both base 36."""
    return int(nonce.split(".")[1], 36)


def process_figures(pid: int) -> tuple[float, float, float]:
    """CPU seconds used so far, resident and peak resident memory in MB, of a Linux process."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    cpu = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime
    status = dict(
        line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines()
    )
    rss, peak = (int(status[key].split()[0]) / 1024 for key in ("VmRSS", "VmHWM"))
    return cpu, rss, peak


@asynccontextmanager
async def seeded(
    tmp: Path,
    postgres: str | None,
    members: list[tuple[int, int]],
    dues: list[datetime],
    kind: str,
) -> AsyncIterator[Path | str]:
    """The bot's database, seeded with one reminder per member: a SQLite file's path, or the
    URL of a fresh schema on the PostgreSQL server `postgres` (dropped afterwards)."""
    if postgres is None:
        path = tmp / "bot.db"
        await create_database(path)
        seed_reminders(path, members, dues, kind)
        yield path
        return
    schema = f"bench_{secrets.token_hex(4)}"
    admin = await asyncpg.connect(postgres)
    try:
        await admin.execute(f"CREATE SCHEMA {schema}")
        url = with_search_path(postgres, schema)
        await seed_reminders_postgres(url, members, dues, kind)
        yield url
    finally:
        await admin.execute(f"DROP SCHEMA {schema} CASCADE")
        await admin.close()


async def deliver(
    count: int,
    spread: float,
    ceiling: int | None,
    send_rate: int,
    kind: str = "stretch",
    postgres: str | None = None,
) -> dict[str, float]:
    server = FakeDiscord()
    await server.start()
    server.rest.global_rate_limit = ceiling
    users = [server.add_user(f"m{i}") for i in range(count)]
    first_due = datetime.now(UTC) + timedelta(seconds=START_DELAY)
    dues = [first_due + timedelta(seconds=spread * i / count) for i in range(count)]
    members = [(u.id, server.dm_channel(u.id)) for u in users]
    with tempfile.TemporaryDirectory() as tmp:
        async with seeded(Path(tmp), postgres, members, dues, kind) as database:
            env = bot_env(
                server, database, SEND_RATE_PER_SECOND=str(send_rate), LOG_LEVEL="WARNING"
            )
            process = BotProcess(env, cwd=Path(tmp))
            await process.start()
            created: list[Event] = []
            all_in = asyncio.Event()
            assert process.process is not None
            pid = process.process.pid
            at_first: list[tuple[float, float, float]] = []

            def count_message(event: Event) -> None:
                if not posted_by_the_bot(event):
                    return
                if not created:
                    at_first.append(process_figures(pid))
                created.append(event)
                if len(created) >= count:
                    all_in.set()

            server.subscribe(count_message)  # O(1) per send, not a scan
            try:
                timeout = (
                    START_DELAY + spread + count / min(send_rate, ceiling or send_rate) * 2 + 30
                )
                async with asyncio.timeout(timeout):
                    await all_in.wait()
                await asyncio.sleep(1.0)  # any duplicate would land now
                at_end = process_figures(pid)
            finally:
                await process.stop()
                await server.stop()
    sends = [
        r
        for r in server.rest.requests
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
        "bot_cpu_s": at_end[0] - at_first[0][0],
        "bot_rss_start_mb": at_first[0][1],
        "bot_rss_growth_mb": at_end[2] - at_first[0][1],
        "uploaded_mb": sum(len(data) for r in sends for _, data in r.files) / 1e6,
    }


class _Counter:
    """Stands in for the socket: counts what aiohttp would write."""

    def __init__(self) -> None:
        self.size = 0

    async def write(self, data: bytes) -> None:
        self.size += len(data)


async def _request_body(embed: discord.Embed, files: list[discord.File]) -> int:
    """Build one DM's body as discord.py and aiohttp do before sending it; returns its size."""
    with discord.http.handle_message_parameters(
        embed=embed, files=files or discord.utils.MISSING, nonce="r1.abc"
    ) as params:
        if not params.multipart:
            return len(json.dumps(params.payload).encode())
        form = aiohttp.FormData(quote_fields=False)
        for part in params.multipart:
            form.add_field(**part)
        counter = _Counter()
        await form().write(counter)  # type: ignore[arg-type]  # counts bytes; only write() is used
        return counter.size


async def attaching(rounds: int) -> dict[str, float]:
    """Drawing every picture once, and what attaching one adds to building a DM's body."""
    library = load_library(DEFAULT_DATA_DIR)
    poses = load_poses(DEFAULT_DATA_DIR / "poses.toml", library.stretches)
    started = time.perf_counter()
    pictures = StretchPictures.render_all(poses)
    drawn_s = time.perf_counter() - started
    stretch = library.routine.stretches[0]
    picture = pictures.picture(stretch.slug)
    held = sum(len(pictures.picture(s).png) for s in library.stretches)
    per_dm: dict[bool, list[float]] = {False: [], True: []}
    sizes: dict[bool, int] = {}
    for _ in range(rounds):
        for with_picture in (False, True):
            started = time.perf_counter()
            embed = stretch_embed(library, stretch, picture=picture if with_picture else None)
            files = [picture_file(picture)] if with_picture else []
            sizes[with_picture] = await _request_body(embed, files)
            per_dm[with_picture].append(time.perf_counter() - started)
    without = statistics.median(per_dm[False]) * 1e6
    with_ = statistics.median(per_dm[True]) * 1e6
    return {
        "pictures": len(library.stretches),
        "drawing_all_s": drawn_s,
        "pictures_held_mb": held / 1e6,
        "dm_body_us_without": without,
        "dm_body_us_with": with_,
        "attach_us_per_dm": with_ - without,
        "dm_body_kb_without": sizes[False] / 1000,
        "dm_body_kb_with": sizes[True] / 1000,
    }


def print_pictures(runs: int) -> dict[str, object]:
    """Stretch reminders (a picture each) against massage reminders (none), 1,000 at 50/s."""
    fanouts: dict[str, dict[str, float]] = {}
    for kind in ("stretch", "massage"):
        figures = [deliver_without_collector_stalls(1000, 0.0, 50, 50, kind) for _ in range(runs)]
        fanouts[kind] = {
            key: round(statistics.median(f[key] for f in figures), 3)
            for key in (
                "delivered_per_s",
                "bot_cpu_s",
                "bot_rss_start_mb",
                "bot_rss_growth_mb",
                "uploaded_mb",
            )
        } | {key: sum(f[key] for f in figures) for key in ("status_429", "lost", "duplicated")}
    columns = ("sent/s", "cpu s", "rss MB", "+rss MB", "upload MB", "429", "lost", "dup")
    print(f"{'1000 due at once, 50/s':<28} " + " ".join(f"{c:>9}" for c in columns))
    for kind, row in fanouts.items():
        name = "stretch (a picture each)" if kind == "stretch" else "massage (no picture)"
        cells = (
            f"{row['delivered_per_s']:.1f}",
            f"{row['bot_cpu_s']:.2f}",
            f"{row['bot_rss_start_mb']:.1f}",
            f"{row['bot_rss_growth_mb']:.1f}",
            f"{row['uploaded_mb']:.1f}",
            row["status_429"],
            row["lost"],
            row["duplicated"],
        )
        print(f"{name:<28} " + " ".join(f"{c:>9}" for c in cells))
    cost = asyncio.run(attaching(rounds=200 * runs))
    extra_ms = (fanouts["stretch"]["bot_cpu_s"] - fanouts["massage"]["bot_cpu_s"]) / 1000 * 1000
    print(
        f"bot CPU per DM, stretch minus massage: {extra_ms:.2f} ms;"
        f" building one DM's body: {cost['dm_body_us_without']:.0f} us without the picture,"
        f" {cost['dm_body_us_with']:.0f} us with it ({cost['dm_body_kb_without']:.1f} KB ->"
        f" {cost['dm_body_kb_with']:.1f} KB); drawing all {cost['pictures']} pictures once at"
        f" start-up: {cost['drawing_all_s']:.2f} s, {cost['pictures_held_mb']:.2f} MB of PNGs held"
    )
    return {"fanout": fanouts, "extra_cpu_ms_per_dm": round(extra_ms, 3), "attaching": cost}


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


NOT_DUE_TODAY = timedelta(hours=12)  # members' own new reminders stay out of the figures
COMMANDS = ("sciatica overview", "reminders list", "help")
ROUND_EVERY = 0.5  # seconds between two rounds of the 50 members' commands
RUSH_WAVES = 5  # the 200 members arrive in this many waves, one a second


async def answered_while_busy(
    fanout: int, members: int, ceiling: int, send_rate: int, *, rush: bool
) -> dict[str, float]:
    """Members' commands while the bot sends on its own, to a real `python -m bot` process.

    rush: every member runs /reminders stretch once, in RUSH_WAVES waves a second apart.
    Otherwise the members run a command together every ROUND_EVERY seconds until the fan-out
    of `fanout` reminders is delivered (or for 10 s without one), /reminders stretch first."""
    server = FakeDiscord()
    await server.start()
    server.rest.global_rate_limit = ceiling
    recipients = [server.add_user(f"r{i}") for i in range(fanout)]
    guild = server.add_guild("Busy")
    users = [server.add_user(f"m{i}") for i in range(members)]
    for user in users:
        server.add_member(guild.id, user.id)
    due = datetime.now(UTC) + timedelta(seconds=START_DELAY)
    answers: list[float] = []
    stretches: list[Interaction] = []
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bot.db"
        await create_database(path)
        seed_reminders(path, [(u.id, server.dm_channel(u.id)) for u in recipients], due)
        env = bot_env(server, path, SEND_RATE_PER_SECOND=str(send_rate), LOG_LEVEL="WARNING")
        process = BotProcess(env, cwd=Path(tmp))
        await process.start()
        created = [0]

        def count_message(event: Event) -> None:
            if posted_by_the_bot(event):
                created[0] += 1

        server.subscribe(count_message)

        async def command(user: User, name: str) -> None:
            options = {}
            if name == "reminders stretch":
                at = (datetime.now(UTC) + NOT_DUE_TODAY).strftime("%H:%M")
                options = {"time": at, "days": "every day", "timezone": "UTC"}
            ix = await server.invoke(user, name, options, guild_id=guild.id)
            if name == "reminders stretch":
                stretches.append(ix)
            answers.append((await ix.response(timeout=10)).latency)

        try:
            async with asyncio.timeout(START_DELAY + fanout / send_rate * 2 + 60):
                await server.wait_until(
                    lambda: server.gateway.ready_count > 0 and bool(server.synced_commands()), 30
                )
                if fanout:
                    await server.wait_until(lambda: created[0] >= 2 * send_rate, 60)
                started = time.perf_counter()
                if rush:
                    wave = -(-members // RUSH_WAVES)
                    for start in range(0, members, wave):
                        names = [(u, "reminders stretch") for u in users[start : start + wave]]
                        await asyncio.gather(
                            asyncio.gather(*(command(u, n) for u, n in names)),
                            asyncio.sleep(1.0 if start + wave < members else 0),
                        )
                else:
                    round_number = 0
                    while round_number * ROUND_EVERY < 10 or created[0] < fanout + members:
                        name = (
                            "reminders stretch"
                            if round_number == 0
                            else COMMANDS[round_number % len(COMMANDS)]
                        )
                        await asyncio.gather(
                            asyncio.gather(*(command(u, name) for u in users)),
                            asyncio.sleep(ROUND_EVERY),
                        )
                        round_number += 1
                await server.wait_until(
                    lambda: (
                        created[0] >= fanout + members and all(ix.followups for ix in stretches)
                    ),
                    60,
                )
                settled = time.perf_counter() - started
            await asyncio.sleep(1.0)  # any duplicate would land now
        finally:
            await process.stop()
            await server.stop()
    per_recipient = Counter(len(server.dm_messages(u.id)) for u in recipients)
    return {
        "answered": len(answers),
        "turnaround_p50_ms": statistics.median(answers) * 1000,
        "turnaround_p99_ms": percentile(answers, 0.99) * 1000,
        "turnaround_max_ms": max(answers) * 1000,
        "late": sum(1 for r in server.rest.rejections if r.response.get("code") == UNKNOWN),
        "status_429": server.status_counts()[429],
        "consent_dms": sum(1 for u in users if len(server.dm_messages(u.id)) == 1),
        "settled_s": settled,
        "lost": per_recipient[0] if fanout else 0,
        "duplicated": sum(n for k, n in per_recipient.items() if k > 1),
    }


def without_collector_stalls(
    run: Callable[[], Coroutine[None, None, dict[str, float]]],
) -> dict[str, float]:
    gc.disable()
    try:
        return asyncio.run(run())
    finally:
        gc.enable()
        gc.collect()


def deliver_without_collector_stalls(
    count: int,
    spread: float,
    ceiling: int | None,
    send_rate: int,
    kind: str = "stretch",
    postgres: str | None = None,
) -> dict[str, float]:
    return without_collector_stalls(
        lambda: deliver(count, spread, ceiling, send_rate, kind, postgres)
    )


def print_answers(runs: int, only: str) -> dict[str, dict[str, float]]:
    """The answers scenarios: medians of the runs' figures, counts summed over the runs."""
    scenarios = {
        "200 set up reminders in 5 s": (0, 200, True),
        "50 members, no fan-out": (0, 50, False),
        "50 members, fan-out 1000": (1000, 50, False),
    }
    results: dict[str, dict[str, float]] = {}
    for name, (fanout, members, rush) in scenarios.items():
        if only not in name:
            continue
        figures = [
            without_collector_stalls(
                partial(answered_while_busy, fanout, members, 50, 40, rush=rush)
            )
            for _ in range(runs)
        ]
        results[name] = {
            key: round(statistics.median(f[key] for f in figures), 1)
            for key in ("turnaround_p50_ms", "turnaround_p99_ms", "turnaround_max_ms", "settled_s")
        } | {
            key: sum(f[key] for f in figures)
            for key in ("answered", "late", "status_429", "consent_dms", "lost", "duplicated")
        }
    if not results:
        return results
    columns = ("answered", "p50 ms", "p99 ms", "max ms", "late", "429", "consent", "lost", "dup")
    print(f"{'answers at 50/s, pace 40/s':<28} " + " ".join(f"{c:>8}" for c in columns))
    for name, row in results.items():
        cells = (
            row["answered"],
            f"{row['turnaround_p50_ms']:.1f}",
            f"{row['turnaround_p99_ms']:.1f}",
            f"{row['turnaround_max_ms']:.1f}",
            row["late"],
            row["status_429"],
            row["consent_dms"],
            row["lost"],
            row["duplicated"],
        )
        print(f"{name:<28} " + " ".join(f"{c:>8}" for c in cells))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--fanout", type=int, default=10_000)
    parser.add_argument("--ceiling", type=int, default=500)
    parser.add_argument("--only", default="", help="run only the scenarios naming this text")
    parser.add_argument("--backend", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("TEST_DATABASE_URL") or LOCAL_POSTGRES,
        help="the PostgreSQL server for --backend postgres (a schema per run, dropped after)",
    )
    args = parser.parse_args()
    postgres = args.database_url if args.backend == "postgres" else None
    scenarios = {
        "light: 60 over 60 s": (60, 60.0, None, 40),
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
        if args.only not in name:
            continue
        runs = []
        for _ in range(args.runs):
            started = time.perf_counter()
            runs.append(
                deliver_without_collector_stalls(count, spread, ceiling, rate, postgres=postgres)
            )
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
    if results:
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
    # the answers and pictures scenarios measure the bot itself; they run on SQLite
    on_sqlite = postgres is None
    answers = print_answers(args.runs, args.only) if on_sqlite else {}
    pictures = print_pictures(args.runs) if on_sqlite and args.only in "pictures" else {}
    print(
        json.dumps(
            {
                "benchmark": "delivery",
                "backend": args.backend,
                "runs": args.runs,
                "results": results,
                "answers": answers,
                "pictures": pictures,
            }
        )
    )


if __name__ == "__main__":
    main()
