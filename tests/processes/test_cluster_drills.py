"""Cluster drills: three `python -m bot` processes (one shard each) on one PostgreSQL database
and one local Discord enforcing one global rate limit. Only the dispatcher's leader sends, so
a fan-out arrives once each with no 429; SIGKILL the leader in the middle of one and another
takes the lead and finishes it, losing and doubling nothing. `DRILL_SCALE=10` runs them ten
times larger."""

from __future__ import annotations

import asyncio
import itertools
import os
import signal
import time
from collections import Counter
from contextlib import suppress
from datetime import UTC, datetime, timedelta

import pytest

from bot.storage import PostgresDatabase
from tests.support.actions import create_stretch_reminders
from tests.support.helpers import TOKEN, BotProcess, eventually, posted_by_the_bot, process_env
from tests.support.seeding import seed_reminders_postgres

SCALE = int(os.environ.get("DRILL_SCALE", "1"))
LEADS = "this process now leads the dispatcher"

pytestmark = pytest.mark.timeout(120 * SCALE)


class Cluster:
    """Three processes, SHARD_COUNT=3 and SHARD_IDS 0, 1, 2. The shard-0 process starts alone
    and so takes the dispatcher's lead; the other two start once it is connected."""

    def __init__(self, server, url, tmp_path, send_rate):
        env = {
            "DISCORD_TOKEN": TOKEN,
            "DISCORD_API_BASE": server.api_base,
            "DATABASE_URL": url,
            "SHARD_COUNT": "3",
            "SEND_RATE_PER_SECOND": str(send_rate),
        }
        self.server = server
        self.processes = [
            BotProcess(process_env(**env, SHARD_IDS=str(shard)), cwd=tmp_path) for shard in range(3)
        ]
        self.logs: dict[int, tuple[int, str]] = {}

    async def start(self):
        self.server.gateway.max_concurrency = 3  # the three identify together
        await self.processes[0].start()
        await self.server.wait_for_shards({0}, timeout=30)
        await asyncio.gather(*(process.start() for process in self.processes[1:]))
        await self.server.wait_for_shards({0, 1, 2}, timeout=30)

    async def stop(self):
        for shard, process in enumerate(self.processes):
            if process.process is not None:
                with suppress(TimeoutError):
                    self.logs[shard] = await process.stop(signal.SIGTERM)
                process.kill()

    def leaders(self):
        return [shard for shard, (_, log) in sorted(self.logs.items()) if LEADS in log]


def members(server, count):
    return [server.add_user(f"member{i}") for i in range(count)]


async def seed(server, url, users):
    """Reminders due tomorrow: nothing is due while the cluster starts."""
    later = datetime.now(UTC) + timedelta(days=1)
    await seed_reminders_postgres(url, [(u.id, server.dm_channel(u.id)) for u in users], later)


async def make_all_due_now(url):
    """Every reminder due now, announced the way the bot announces a change, so the leader
    wakes from its sleep until tomorrow."""
    database = await PostgresDatabase.open(url)
    try:
        async with database.transaction() as tx:
            await tx.execute("UPDATE reminders SET next_due_at = ?", (int(time.time()),))
            tx.publish("reminders")
    finally:
        await database.close()


def delivered(server, users):
    return Counter({u.id: len(server.dm_messages(u.id)) for u in users})


async def test_three_processes_deliver_a_fan_out_once_each_without_a_429(
    discord_server, tmp_path, postgres_url
):
    users = members(discord_server, 300 * SCALE)
    await seed(discord_server, postgres_url, users)
    discord_server.rest.global_rate_limit = 250
    cluster = Cluster(discord_server, postgres_url, tmp_path, send_rate=200)
    created = [0]

    def count(event):
        if posted_by_the_bot(event):
            created[0] += 1

    try:
        await cluster.start()
        discord_server.subscribe(count)
        started = time.monotonic()
        await make_all_due_now(postgres_url)
        await eventually(lambda: created[0] >= len(users), timeout=60 * SCALE)
        took = time.monotonic() - started
        await asyncio.sleep(0.5)  # a duplicate would arrive now, if there were one
    finally:
        await cluster.stop()
    print(f"\n{len(users)} reminders in {took:.1f} s ({len(users) / took:.0f} sends/s)")
    assert sorted(cluster.logs) == [0, 1, 2]
    assert all(code == 0 for code, _ in cluster.logs.values())
    assert cluster.leaders() == [0]
    assert set(delivered(discord_server, users).values()) == {1}
    assert discord_server.status_counts()[429] == 0


@pytest.mark.parametrize("kill_after", [40 * SCALE])
async def test_sigkill_of_the_leading_process_mid_fan_out_another_finishes_it(
    discord_server, tmp_path, postgres_url, kill_after
):
    """The leader (the shard-0 process) is killed right after a send lands, before it can
    record it; another process takes the lead within seconds and sends what was not claimed,
    then, once their lease ends, resends the dead leader's claims with their nonces, which
    the local Discord (like Discord) drops when the message already exists."""
    users = members(discord_server, 300 * SCALE)
    await seed(discord_server, postgres_url, users)
    discord_server.rest.global_rate_limit = 250
    cluster = Cluster(discord_server, postgres_url, tmp_path, send_rate=100)
    leader = cluster.processes[0]
    arrivals: list[float] = []

    def kill_once(event):
        if not posted_by_the_bot(event):
            return
        arrivals.append(time.monotonic())
        if len(arrivals) == kill_after:
            leader.kill()  # SIGKILL before the bot can read the reply or record the send

    try:
        await cluster.start()
        discord_server.subscribe(kill_once)
        await make_all_due_now(postgres_url)
        code, _ = await leader.wait(timeout=60 * SCALE)
        assert code == -signal.SIGKILL
        assert kill_after <= sum(delivered(discord_server, users).values()) < len(users)
        await eventually(lambda: len(arrivals) >= len(users), timeout=60 * SCALE)
        await asyncio.sleep(0.5)  # a duplicate would arrive now, if there were one
    finally:
        await cluster.stop()
    # the failover: the longest pause between sends around the kill, before the new leader
    # settles into its pace (the resends at the lease's end come much later)
    window = arrivals[kill_after - 1 : kill_after + 20]
    gap = max(b - a for a, b in itertools.pairwise(window))
    print(f"\nfailover gap {gap:.2f} s; {len(users)} reminders, all delivered once")
    assert cluster.logs[0][0] == -signal.SIGKILL
    assert all(cluster.logs[shard][0] == 0 for shard in (1, 2))
    assert len(cluster.leaders()) == 2 and cluster.leaders()[0] == 0  # one more took over
    assert set(delivered(discord_server, users).values()) == {1}
    assert discord_server.status_counts()[429] == 0
    assert gap < 5


async def test_three_processes_started_at_once_identify_in_turn_with_none_refused(
    discord_server, tmp_path, postgres_url
):
    """One identify bucket (max_concurrency 1), three processes started in the same instant:
    each claims the bucket through the database and identifies once Discord's window has
    passed for the one before."""
    cluster = Cluster(discord_server, postgres_url, tmp_path, send_rate=40)
    discord_server.gateway.max_concurrency = 1
    try:
        await asyncio.gather(*(process.start() for process in cluster.processes))
        await discord_server.wait_for_shards({0, 1, 2}, timeout=60)
    finally:
        await cluster.stop()
    assert discord_server.gateway.invalid_session_count == 0
    assert discord_server.gateway.identify_count == 3
    assert all(code == 0 for code, _ in cluster.logs.values())


async def test_three_processes_share_discords_real_ceiling_without_a_429(
    discord_server, tmp_path, postgres_url
):
    """Discord's own 50/s, counted across the processes, at the default pace in each (three
    times Discord's limit together, without one budget): the leader's 1,000-reminder fan-out
    while 300 members set up reminders through all three shards (each opens a DM and sends a
    consent DM, from whichever process answered). One budget through the database: no 429,
    every DM once. The pace reached is printed; benchmarks.cluster measures it at
    SEND_RATE_PER_SECOND=50, where the 8% headroom is all that absorbs a busy machine's
    jitter."""
    recipients = members(discord_server, 1000 * SCALE)
    await seed(discord_server, postgres_url, recipients)
    guilds = [discord_server.add_guild(name=f"Circle {n}", shard=(n, 3)) for n in range(3)]
    setters = {}
    for guild in guilds:
        setters[guild.id] = [discord_server.add_user(f"setter{guild.id}-{i}") for i in range(100)]
        for user in setters[guild.id]:
            discord_server.add_member(guild.id, user.id)
    cluster = Cluster(discord_server, postgres_url, tmp_path, send_rate=40)
    sent, sent_wall = [], []
    everyone = [*recipients, *(user for users in setters.values() for user in users)]
    try:
        await cluster.start()
        def created(event):
            if posted_by_the_bot(event):
                sent.append(time.monotonic())
                sent_wall.append(time.time())

        discord_server.subscribe(created)
        await make_all_due_now(postgres_url)
        await eventually(lambda: len(sent) >= 100, timeout=30)
        await asyncio.gather(
            *(
                create_stretch_reminders(discord_server, guild, setters[guild.id])
                for guild in guilds
            )
        )
        await eventually(lambda: len(sent) >= len(everyone), timeout=120 * SCALE)
        await asyncio.sleep(0.5)  # a duplicate would arrive now, if there were one
    finally:
        await cluster.stop()
    # what counts toward the global limit: everything but answers to interactions
    counted = [
        r.wall
        for r in discord_server.rest.requests
        if "/interactions/" not in r.path and "/webhooks/" not in r.path
    ]
    busy = [wall for wall in counted if sent_wall[0] <= wall <= sent_wall[-1]]
    per_second = (len(busy) - 1) / (busy[-1] - busy[0])
    print(
        f"\n{len(sent)} DMs ({len(recipients)} reminders, {len(everyone) - len(recipients)}"
        f" consent) in {sent[-1] - sent[0]:.1f} s; {per_second:.1f} requests/s counted by Discord"
    )
    assert discord_server.status_counts()[429] == 0
    assert set(delivered(discord_server, everyone).values()) == {1}
