"""Sharding end to end: one process running two shards, and three `python -m bot` processes
sharing one local Discord (and one database), each answering the servers of its own shard."""

import re
import signal
from contextlib import suppress
from datetime import UTC, datetime

import asyncpg
import pytest

from bot.localdiscord.constants import InteractionCallbackType as Callback
from tests.support.helpers import BotProcess, bot_env, eventually_async, run_bot
from tests.support.seeding import seed_reminders_postgres

EIGHT = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)

pytestmark = pytest.mark.timeout(180)


def servers_on_shards(server, count, member):
    guilds = [server.add_guild(f"shard {shard}", shard=(shard, count)) for shard in range(count)]
    for guild in guilds:
        server.add_member(guild.id, member.id)
    return guilds


def reminder_dms(server, user):
    return [m for m in server.dm_messages(user.id) if m.get("components")]


async def test_one_process_runs_two_shards_and_answers_on_both(
    discord_server, tmp_path, content, clock
):
    discord_server.gateway.max_concurrency = 2  # one identify bucket per shard: both start at once
    alice = discord_server.add_user("alice")
    guilds = servers_on_shards(discord_server, 2, alice)
    async with run_bot(discord_server, tmp_path / "bot.db", content, clock, SHARD_COUNT="2"):
        assert discord_server.connected_shards() == {0, 1}
        for shard, guild in enumerate(guilds):
            ix = await discord_server.invoke(alice, "help", guild_id=guild.id)
            assert (await ix.response(timeout=5)).embeds
            assert ix.shard_id == shard

        # a reminder set up in shard 1's server; its DM buttons arrive on shard 0
        created = await discord_server.invoke(
            alice,
            "reminders stretch",
            {"time": "8:00", "days": "every day", "timezone": "UTC"},
            guild_id=guilds[1].id,
        )
        await created.wait_for_followups(1)
        clock.set(EIGHT)
        await discord_server.wait_until(lambda: bool(reminder_dms(discord_server, alice)))
        done = await discord_server.click(alice, reminder_dms(discord_server, alice)[0], "Done")
        assert (await done.response(timeout=5)).type == Callback.UPDATE_MESSAGE
        assert done.shard_id == 0 and created.shard_id == 1
    assert discord_server.rest.sync_count == 1
    assert discord_server.gateway.invalid_session_count == 0


async def test_three_processes_each_run_one_shard(discord_server, tmp_path, postgres_url):
    """SHARD_COUNT=3 with SHARD_IDS 0, 1 and 2 in three processes on one PostgreSQL database
    (a SQLite file takes one process). Only the shard-0 process is running while a reminder is
    due, so it holds the dispatcher's lead and sends that DM before connecting; then the three
    identify together. With max_concurrency 2, shards 0 and 2 share a bucket: one of them is
    refused and retries."""
    server = discord_server
    server.gateway.max_concurrency = 2
    alice = server.add_user("alice")
    guilds = servers_on_shards(server, 3, alice)
    await seed_reminders_postgres(
        postgres_url, [(alice.id, server.dm_channel(alice.id))], datetime.now(UTC)
    )

    def bot_process(shard):
        env = bot_env(server, postgres_url, SHARD_COUNT="3", SHARD_IDS=str(shard))
        return BotProcess(env, cwd=tmp_path)

    processes = [bot_process(shard) for shard in range(3)]
    logs = {}
    try:
        server.hold_identifies()
        await processes[0].start()
        await server.wait_until(lambda: bool(reminder_dms(server, alice)), timeout=30)
        await eventually_async(lambda: sent_deliveries(postgres_url, 1), timeout=10)
        for process in processes[1:]:
            await process.start()
        await server.wait_until(lambda: server.gateway.identifies_waiting == 3, timeout=30)
        server.release_identifies()
        await server.wait_for_shards({0, 1, 2}, timeout=30)
        assert server.gateway.invalid_session_count == 1  # shard 0 or 2, refused, then retried

        for shard, guild in enumerate(guilds):
            ix = await server.invoke(alice, "help", guild_id=guild.id)
            assert (await ix.response(timeout=5)).embeds  # the fake refuses answers after 3 s
            assert ix.shard_id == shard
        [reminder] = reminder_dms(server, alice)
        done = await server.click(alice, reminder, "Done")
        assert (await done.response(timeout=5)).type == Callback.UPDATE_MESSAGE
        assert done.shard_id == 0
    finally:
        server.release_identifies()
        for shard, process in enumerate(processes):
            if process.process is not None:
                with suppress(TimeoutError):
                    logs[shard] = await process.stop(signal.SIGTERM)
                process.kill()

    assert sorted(logs) == [0, 1, 2]
    for shard, (code, log) in logs.items():
        assert code == 0, log
        answered = [line for line in log.splitlines() if "interaction /help" in line]
        assert len(answered) == 1 and f"guild={guilds[shard].id} shard={shard}" in answered[0]
        assert ("interaction component guild=dm shard=0" in log) is (shard == 0)
        assert bool(re.search(r"synced \d+ application commands", log)) is (shard == 0), log
    assert "application commands are synced by the process that runs shard 0" in logs[1][1]
    assert server.rest.sync_count == 1
    assert len(server.dm_messages(alice.id)) == 1  # the one reminder, sent once
    assert await sent_deliveries(postgres_url, 1)


async def sent_deliveries(url, expected):
    connection = await asyncpg.connect(url)
    try:
        sent = await connection.fetchval("SELECT COUNT(*) FROM deliveries WHERE state = 'sent'")
    finally:
        await connection.close()
    return sent == expected


async def test_without_gateway_information_the_bot_stops_with_one_line(discord_server, tmp_path):
    """GET /gateway/bot tells the bot where to connect, its shard count and identify limit."""
    discord_server.fail_next("GET", r"/gateway/bot", status=404)
    env = bot_env(discord_server, tmp_path / "bot.db", LOG_LEVEL="WARNING")
    process = BotProcess(env, cwd=tmp_path)
    await process.start()
    code, stderr = await process.wait(timeout=30)
    lines = stderr.strip().splitlines()
    assert code != 0 and len(lines) == 1 and "/gateway/bot" in lines[0], stderr
    assert discord_server.gateway.identify_count == 0
