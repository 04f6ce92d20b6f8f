"""The stores' contract, against each backend (a real SQLite file, a fresh PostgreSQL schema):
change announcements, and writes across stores that land together or not at all."""

import asyncio
from datetime import time

import pytest

from bot.core.guild_config import GuildConfigCache
from bot.scheduling.recurrence import WeeklySchedule, schedule_to_json
from bot.storage.events import GuildSettingsChanged, RemindersChanged

DAILY = schedule_to_json(WeeklySchedule(time(8, 0), frozenset(range(7)), "UTC"))


def heard(announcer):
    events = []
    announcer.subscribe(events.append)
    return events


async def create(stores, user_id=1):
    return await stores.reminders.create(
        kind="stretch",
        user_id=user_id,
        guild_id=None,
        schedule=DAILY,
        next_due_at=1_000,
        now=0,
        limit=10,
    )


async def test_every_change_to_reminders_is_announced_once_after_its_commit(stores):
    events = heard(stores.reminders.changes)
    reminder_id = await create(stores)
    await stores.reminders.reschedule(reminder_id, 2_000)
    await stores.reminders.set_status([reminder_id], "paused", None, {})
    await stores.reminders.delete([reminder_id])
    assert events == [RemindersChanged()] * 4

    async with stores.transaction() as tx:  # two writes in one transaction: one announcement
        await stores.stretch_breaks.drop(tx, 5)
        await stores.reminders.forget_member(tx, 1)
        assert len(events) == 4  # nothing is announced before the commit
    assert len(events) == 5


async def test_a_rolled_back_change_is_not_announced(stores):
    events = heard(stores.reminders.changes)
    with pytest.raises(RuntimeError):
        async with stores.transaction() as tx:
            await stores.reminders.forget_member(tx, 1)
            raise RuntimeError("boom")
    assert events == []


async def test_a_failing_listener_does_not_stop_the_others(stores):
    def broken(event):
        raise ValueError("listener bug")

    stores.reminders.changes.subscribe(broken)
    events = heard(stores.reminders.changes)
    await create(stores)
    assert events == [RemindersChanged()]


async def test_using_the_database_inside_a_transaction_raises_instead_of_hanging(stores):
    with pytest.raises(RuntimeError, match="inside a transaction"):
        async with stores.transaction():
            await stores.members.member(1)


async def test_a_task_started_inside_a_transaction_waits_its_turn(stores):
    async with stores.transaction() as tx:
        await stores.members.dms_reopened(tx, 1)
        later = asyncio.create_task(stores.members.member(1))
        await asyncio.sleep(0)
        assert not later.done()  # waiting for the lock, not refused
    assert await later is None


async def test_a_change_by_another_writer_drops_the_cached_settings(stores):
    """Two caches on one store stand in for two processes sharing the database."""
    here = GuildConfigCache(stores.guild_settings, now=lambda: 0)
    there = GuildConfigCache(stores.guild_settings, now=lambda: 0)
    events = heard(stores.guild_settings.changes)
    assert (await here.get(1)).region is None  # cached
    await there.set(1, 42, {"region": "uk"})
    assert events == [GuildSettingsChanged(1)]
    assert (await here.get(1)).region == "uk"
    await there.set(1, 42, {"region": "uk"})  # no change: nothing to announce
    assert events == [GuildSettingsChanged(1)]


async def test_settings_read_while_a_change_commits_are_not_cached(stores):
    cache = GuildConfigCache(stores.guild_settings, now=lambda: 0)
    load = stores.guild_settings.load

    async def load_then_change_lands(guild_id):
        stale = await load(guild_id)
        await stores.guild_settings.change(guild_id, 42, {"region": "uk"}, 0)
        return stale

    stores.guild_settings.load = load_then_change_lands
    assert (await cache.get(1)).region is None  # what was read, stale already
    stores.guild_settings.load = load
    assert (await cache.get(1)).region == "uk"  # the stale copy was not kept


async def test_a_reset_across_stores_lands_whole_or_not_at_all(stores):
    cache = GuildConfigCache(stores.guild_settings, now=lambda: 0)
    await cache.set(1, 42, {"region": "uk"})
    await stores.stretch_breaks.save(
        guild_id=1,
        channel_id=7,
        role_id=None,
        schedule=DAILY,
        next_due_at=1_000,
        moderator_id=42,
        audit=(None, "daily"),
        now=0,
    )
    with pytest.raises(RuntimeError):
        async with stores.transaction() as tx:
            await cache.reset(1, 42, tx)
            await stores.stretch_breaks.drop(tx, 1)
            raise RuntimeError("a feature's reset failed")
    assert (await cache.get(1)).region == "uk"
    assert await stores.stretch_breaks.current(1) is not None

    async with stores.transaction() as tx:
        changes = await cache.reset(1, 42, tx)
        await stores.stretch_breaks.drop(tx, 1)
    assert changes == {"region": ("uk", None)}
    assert (await cache.get(1)).region is None
    assert await stores.stretch_breaks.current(1) is None


async def test_adding_at_once_never_passes_the_members_limit(stores):
    """Count-then-insert takes turns per member, in one process or several."""

    async def add():
        return await stores.reminders.create(
            kind="stretch",
            user_id=1,
            guild_id=None,
            schedule=DAILY,
            next_due_at=1_000,
            now=0,
            limit=3,
        )

    results = await asyncio.gather(*(add() for _ in range(8)))
    assert sum(result is not None for result in results) == 3
    assert len(await stores.reminders.of_member(1)) == 3
