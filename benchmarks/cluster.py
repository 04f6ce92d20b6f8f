"""Three `python -m bot` processes (SHARD_COUNT=3, one shard each) on one PostgreSQL database,
with the local Discord enforcing Discord's real global limit, 50/s counted across them all.

    python -m benchmarks.cluster [--runs 3] [--fanout 1000] [--setters 300]
                                 [--database-url postgresql://...]

start     the three started at the same moment on one identify bucket (max_concurrency 1):
          identifies refused by Discord's limit, seconds until every shard is ready.
fan-out   N reminders due at once, sent by the dispatcher's leader while the other two idle,
          SEND_RATE_PER_SECOND=50 in each: reminders/s, 429s.
busy      the same fan-out while M members set up reminders through the three shards (each
          opens a DM and sends a consent DM from the process that answered): requests/s
          counted by Discord, the fan-out's own reminders/s, 429s, DMs not delivered once.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import secrets
import statistics
import tempfile
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import asyncpg

from bot.localdiscord import FakeDiscord
from bot.localdiscord.models import Event, Guild, User
from bot.storage import PostgresDatabase
from tests.support.helpers import (
    TOKEN,
    BotProcess,
    eventually,
    posted_by_the_bot,
    postgres_server_url,
    process_env,
    with_search_path,
)
from tests.support.seeding import seed_reminders_postgres


class Cluster:
    """SHARD_COUNT=3, one process per shard, SEND_RATE_PER_SECOND=50 in each."""

    def __init__(self, server: FakeDiscord, url: str, folder: Path) -> None:
        env = {
            "DISCORD_TOKEN": TOKEN,
            "DISCORD_API_BASE": server.api_base,
            "DATABASE_URL": url,
            "SHARD_COUNT": "3",
            "SEND_RATE_PER_SECOND": "50",
            "LOG_LEVEL": "WARNING",
        }
        self.processes = [
            BotProcess(process_env(**env, SHARD_IDS=str(shard)), cwd=folder) for shard in range(3)
        ]

    async def start(self) -> None:
        await asyncio.gather(*(process.start() for process in self.processes))

    async def stop(self) -> None:
        for process in self.processes:
            try:
                await process.stop()
            except TimeoutError:
                process.kill()


async def due_now(url: str) -> None:
    """Every reminder due now, announced so the leader wakes."""
    database = await PostgresDatabase.open(url)
    try:
        async with database.transaction() as tx:
            await tx.execute("UPDATE reminders SET next_due_at = ?", (int(time.time()),))
            tx.publish("reminders")
    finally:
        await database.close()


async def set_up_reminders(server: FakeDiscord, guild: Guild, users: list[User]) -> None:
    """/reminders stretch by each member, 40 at a time."""
    options = {"time": "9:00", "days": "every day", "timezone": "UTC"}
    for start in range(0, len(users), 40):
        batch = await asyncio.gather(
            *(
                server.invoke(user, "reminders stretch", options, guild_id=guild.id)
                for user in users[start : start + 40]
            )
        )
        await asyncio.gather(*(ix.response(timeout=5) for ix in batch))


@asynccontextmanager
async def fresh_schema(server_url: str) -> AsyncIterator[str]:
    schema = f"bench_{secrets.token_hex(6)}"
    connection = await asyncpg.connect(server_url)
    try:
        await connection.execute(f"CREATE SCHEMA {schema}")
    finally:
        await connection.close()
    try:
        yield with_search_path(server_url, schema)
    finally:
        connection = await asyncpg.connect(server_url)
        try:
            await connection.execute(f"DROP SCHEMA {schema} CASCADE")
        finally:
            await connection.close()


async def start_together(server_url: str, folder: Path) -> dict[str, float]:
    server = FakeDiscord(valid_token=TOKEN)
    await server.start()
    try:
        async with fresh_schema(server_url) as url:
            cluster = Cluster(server, url, folder)
            server.gateway.max_concurrency = 1
            started = time.monotonic()
            try:
                await asyncio.gather(*(process.start() for process in cluster.processes))
                await server.wait_for_shards({0, 1, 2}, timeout=90)
                ready = time.monotonic() - started
            finally:
                await cluster.stop()
        return {"refused": server.gateway.invalid_session_count, "ready_s": ready}
    finally:
        await server.stop()


async def fan_out(server_url: str, folder: Path, count: int, setters: int) -> dict[str, float]:
    server = FakeDiscord(valid_token=TOKEN)
    await server.start()
    try:
        async with fresh_schema(server_url) as url:
            recipients = [server.add_user(f"r{n}") for n in range(count)]
            tomorrow = datetime.now(UTC) + timedelta(days=1)
            channels = [(u.id, server.dm_channel(u.id)) for u in recipients]
            await seed_reminders_postgres(url, channels, tomorrow)
            guilds = [server.add_guild(name=f"Circle {n}", shard=(n, 3)) for n in range(3)]
            members = {
                g.id: [server.add_user(f"s{g.id}-{n}") for n in range(setters // 3)] for g in guilds
            }
            for guild in guilds:
                for user in members[guild.id]:
                    server.add_member(guild.id, user.id)
            cluster = Cluster(server, url, folder)
            sent: list[float] = []
            reminders: list[float] = []
            recipient_channels = {server.dm_channel(u.id) for u in recipients}

            def created(event: Event) -> None:
                if not posted_by_the_bot(event) or event.message is None:
                    return
                sent.append(time.time())
                if int(event.message["channel_id"]) in recipient_channels:
                    reminders.append(time.time())

            everyone = [*recipients, *(u for users in members.values() for u in users)]
            try:
                server.gateway.max_concurrency = 3
                await cluster.start()
                await server.wait_for_shards({0, 1, 2}, timeout=60)
                server.subscribe(created)
                await due_now(url)
                if setters:
                    await eventually(lambda: len(sent) >= 100, timeout=60)
                    await asyncio.gather(
                        *(set_up_reminders(server, g, members[g.id]) for g in guilds)
                    )
                await eventually(lambda: len(sent) >= len(everyone), timeout=300)
                await asyncio.sleep(0.5)
            finally:
                await cluster.stop()
        counted = [
            r.wall
            for r in server.rest.requests
            if "/interactions/" not in r.path
            and "/webhooks/" not in r.path
            and sent[0] <= r.wall <= sent[-1]
        ]
        once = sum(len(server.dm_messages(u.id)) == 1 for u in everyone)
        return {
            "requests_per_s": (len(counted) - 1) / (counted[-1] - counted[0]),
            "reminders_per_s": (len(reminders) - 1) / (reminders[-1] - reminders[0]),
            "429": server.status_counts()[429],
            "not_once": len(everyone) - once,
        }
    finally:
        await server.stop()


async def run(server_url: str, runs: int, count: int, setters: int) -> dict[str, dict[str, float]]:
    results: dict[str, list[dict[str, float]]] = {"start": [], "fan-out": [], "busy": []}
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        for _ in range(runs):
            results["start"].append(await start_together(server_url, folder))
            results["fan-out"].append(await fan_out(server_url, folder, count, 0))
            results["busy"].append(await fan_out(server_url, folder, count, setters))
    return {
        scenario: {key: statistics.median(s[key] for s in samples) for key in samples[0]}
        | {
            f"{key}_max": max(s[key] for s in samples)
            for key in ("refused", "429")
            if key in samples[0]
        }
        for scenario, samples in results.items()
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--fanout", type=int, default=1000)
    parser.add_argument("--setters", type=int, default=300)
    parser.add_argument("--database-url", default=postgres_server_url())
    args = parser.parse_args()
    figures = asyncio.run(run(args.database_url, args.runs, args.fanout, args.setters))
    for scenario, values in figures.items():
        print(f"{scenario:8} " + "  ".join(f"{k}={v:.3g}" for k, v in values.items()))
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
