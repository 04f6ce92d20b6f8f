"""The bot on PostgreSQL through the local Discord: the core reminder flow, and two bot
instances on one database (the way several processes share it): one syncs the commands, one
dispatches, and a change made through either is seen by the other."""

import asyncio
from contextlib import AsyncExitStack
from datetime import UTC, datetime, timedelta

import pytest

from bot.localdiscord.constants import InteractionCallbackType as Callback
from tests.support.actions import create_stretch
from tests.support.helpers import eventually, eventually_async, run_bot
from tests.support.rows import rows_naming, tables_naming_members

EIGHT = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
HALF_SEVEN = datetime(2026, 3, 2, 7, 30, tzinfo=UTC)


async def run(server, user, command, options, world):
    ix = await server.invoke(user, command, options, guild_id=world.guild.id)
    return await ix.response(timeout=5)


@pytest.fixture
async def pg_bot(discord_server, postgres_url, content, clock):
    async with run_bot(discord_server, postgres_url, content, clock) as running:
        yield running


async def test_create_deliver_once_done_and_delete_on_postgresql(
    discord_server, pg_bot, world, clock
):
    await create_stretch(discord_server, world)
    await discord_server.wait_for_dms(world.alice.id, 1, timeout=5)  # the confirmation
    clock.set(EIGHT)
    dms = await discord_server.wait_for_dms(world.alice.id, 2, timeout=5)
    done = await discord_server.click(world.alice, dms[-1], label="Done")
    assert (await done.response(timeout=5)).type == Callback.UPDATE_MESSAGE
    clock.set(EIGHT + timedelta(minutes=5))
    listed = await run(discord_server, world.alice, "reminders list", {}, world)
    assert listed.embeds[0]["footer"]["text"].startswith("Stretching streak: 1 ")
    assert len(discord_server.dm_messages(world.alice.id)) == 2  # the reminder came once
    database = pg_bot.stores.database
    [delivery] = await database.fetch_all("SELECT state, message_id FROM deliveries")
    assert delivery[0] == "sent" and delivery[1] == int(dms[-1]["id"])

    ix = await discord_server.invoke(world.alice, "privacy delete", {}, guild_id=world.guild.id)
    await ix.response(timeout=5)
    confirm = await discord_server.click(world.alice, ix.message(), label="Delete everything")
    assert (await confirm.response(timeout=5)).type == Callback.UPDATE_MESSAGE
    tables = await tables_naming_members(database)
    assert {"members", "reminders", "completions"} <= set(tables)
    assert await rows_naming(database, tables, world.alice.id) == dict.fromkeys(tables, 0)
    assert await database.fetch_all("SELECT * FROM deliveries") == []


async def two_bots(stack, server, url, content, clock):
    """The first leads (it started first); the local Discord sends interactions to the one
    that connected last, so commands go through the second, which does not dispatch."""
    leader = await stack.enter_async_context(run_bot(server, url, content, clock))
    await eventually(lambda: leader.leadership.leading, timeout=5)
    follower = await stack.enter_async_context(run_bot(server, url, content, clock))
    return leader, follower


async def test_two_processes_starting_together_sync_the_commands_once(
    discord_server, postgres_url, content, clock
):
    async with AsyncExitStack() as stack:
        await asyncio.gather(
            *(
                stack.enter_async_context(run_bot(discord_server, postgres_url, content, clock))
                for _ in range(2)
            )
        )
        await eventually(lambda: discord_server.gateway.ready_count >= 2, timeout=10)
        assert discord_server.rest.sync_count == 1


async def test_a_change_through_one_process_is_seen_by_the_other_within_a_second(
    discord_server, postgres_url, content, clock, world
):
    async with AsyncExitStack() as stack:
        leader, _ = await two_bots(stack, discord_server, postgres_url, content, clock)
        assert (await leader.guild_config.get(world.guild.id)).region is None  # cached there
        saved = await run(discord_server, world.moderator, "config region", {"region": "uk"}, world)
        assert "Saved" in saved.content

        async def seen(check):
            return check(await leader.guild_config.get(world.guild.id))

        await eventually_async(lambda: seen(lambda c: c.region == "uk"), timeout=1)
        options = {"name": "reminders", "enabled": False}
        await run(discord_server, world.moderator, "config feature", options, world)
        [reminders] = [t for t in leader.guild_config.toggles if t.name == "reminders"]
        await eventually_async(lambda: seen(lambda c: not c.enabled(reminders)), timeout=1)


async def test_a_reminder_created_through_another_process_wakes_the_dispatcher(
    discord_server, postgres_url, content, clock, world
):
    async with AsyncExitStack() as stack:
        leader, follower = await two_bots(stack, discord_server, postgres_url, content, clock)
        # the dispatcher sleeps until 8:00 (nothing is due); only a wake makes it see 7:30
        await create_stretch(discord_server, world, time="7:30")
        await discord_server.wait_for_dms(world.alice.id, 1, timeout=5)
        clock.set(HALF_SEVEN)
        await discord_server.wait_for_dms(world.alice.id, 2, timeout=5)
        await eventually(lambda: leader.scheduler.sent_count == 1, timeout=5)  # the leader sent it
        assert not follower.scheduler.running and follower.scheduler.sent_count == 0


async def test_a_stretch_break_turned_off_in_one_process_is_not_posted_by_the_other(
    discord_server, postgres_url, content, clock, world
):
    async with AsyncExitStack() as stack:
        leader, _ = await two_bots(stack, discord_server, postgres_url, content, clock)
        options = {
            "channel": world.guild.general,
            "time": "7:30",
            "days": "every day",
            "timezone": "UTC",
        }
        await run(discord_server, world.moderator, "config stretch-break", options, world)
        await run(discord_server, world.moderator, "config stretch-break-off", {}, world)
        clock.set(HALF_SEVEN)
        await create_stretch(discord_server, world, time="7:31")  # something else is due
        clock.set(HALF_SEVEN + timedelta(minutes=1))
        await discord_server.wait_for_dms(world.alice.id, 2, timeout=5)
        await eventually(lambda: leader.scheduler.sent_count == 1, timeout=5)
        assert discord_server.channel_messages(world.guild.general) == []


async def test_when_the_dispatching_process_stops_another_takes_over(
    discord_server, postgres_url, content, clock, world
):
    async with AsyncExitStack() as stack:
        first = AsyncExitStack()
        leader = await first.enter_async_context(
            run_bot(discord_server, postgres_url, content, clock)
        )
        await eventually(lambda: leader.leadership.leading, timeout=5)
        follower = await stack.enter_async_context(
            run_bot(discord_server, postgres_url, content, clock)
        )
        await create_stretch(discord_server, world, time="7:30")
        await first.aclose()
        await eventually(lambda: follower.leadership.leading, timeout=5)
        clock.set(HALF_SEVEN)
        await discord_server.wait_for_dms(world.alice.id, 2, timeout=5)
        await eventually(lambda: follower.scheduler.sent_count == 1, timeout=5)


async def test_one_process_paces_alone_and_two_share_one_budget(
    discord_server, world, postgres_url, content, clock
):
    """Alone on the database a process paces itself with no round trip per send; once a
    second one runs, both reserve each send in the shared budget, and alone again after."""
    async with AsyncExitStack() as stack:
        first = await stack.enter_async_context(
            run_bot(discord_server, postgres_url, content, clock)
        )
        await eventually(lambda: not first.budget.shared, timeout=5)
        async with run_bot(discord_server, postgres_url, content, clock) as second:
            assert second.budget.shared
            await eventually(lambda: first.budget.shared, timeout=5)
            reserved = []
            reserve = second.budget.reserve

            async def counted(interval, tolerance):
                reserved.append(interval)
                return await reserve(interval, tolerance)

            second.budget.reserve = counted
            await create_stretch(discord_server, world)  # answered by the second: a consent DM
            assert reserved, "the second process sent without reserving"
        await eventually(lambda: not first.budget.shared, timeout=5)
