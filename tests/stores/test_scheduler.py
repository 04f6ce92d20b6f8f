"""The dispatcher against each backend (a SQLite file, a PostgreSQL schema) and a FakeClock; the
Discord send is a test double."""

import asyncio
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import discord
import pytest

from bot.scheduling.clock import FakeClock
from bot.scheduling.dispatcher import NONCE_WINDOW, delivery_nonce
from bot.scheduling.planning import plan_reminder
from bot.scheduling.recurrence import schedule_to_json
from bot.storage import Claim
from bot.storage.ledger import LEASE
from tests.support.dispatch import DAILY_8, Recorder, add, scheduler_on, settle

START = datetime(2026, 3, 2, 7, 0, tzinfo=UTC)  # a Monday


def closed_dms() -> discord.Forbidden:
    response = SimpleNamespace(status=403, reason="Forbidden")
    return discord.Forbidden(
        response, {"code": 50007, "message": "Cannot send messages to this user"}
    )


def server_error() -> discord.DiscordServerError:
    return discord.DiscordServerError(SimpleNamespace(status=503, reason="Unavailable"), "down")


@pytest.fixture
async def running(stores):
    clock = FakeClock(START)
    handler = Recorder()
    scheduler = scheduler_on(stores, clock, batch_size=1000, retry_delays=(0, 0))
    scheduler.register("stretch", handler)
    yield SimpleNamespace(store=stores, clock=clock, handler=handler, scheduler=scheduler)
    await scheduler.stop()


async def test_fires_at_its_time_once_and_moves_to_the_next_day(running):
    reminder_id = await add(running.store, running.clock)
    running.scheduler.start()
    await settle()
    assert running.handler.claims == []

    running.clock.set(datetime(2026, 3, 2, 8, 0, tzinfo=UTC))
    await running.handler.wait(1)
    await settle()
    assert len(running.handler.claims) == 1
    claim = running.handler.claims[0]
    assert claim.reminder.id == reminder_id and not claim.late
    row = await running.store.reminders.get(reminder_id)
    assert row.next_due_at == int(datetime(2026, 3, 3, 8, 0, tzinfo=UTC).timestamp())


async def test_a_new_earlier_reminder_wakes_the_sleeping_dispatcher(running):
    await add(running.store, running.clock, user_id=1, due=datetime(2026, 3, 9, 8, 0, tzinfo=UTC))
    running.scheduler.start()
    await settle()
    soon = datetime(2026, 3, 2, 7, 30, tzinfo=UTC)
    await add(running.store, running.clock, user_id=2, due=soon)  # the store wakes it
    running.clock.set(soon)
    await running.handler.wait(1)
    assert running.handler.claims[0].reminder.user_id == 2


async def test_after_short_downtime_one_late_send(running):
    await add(running.store, running.clock)
    running.clock.set(datetime(2026, 3, 2, 8, 40, tzinfo=UTC))
    running.scheduler.start()
    await running.handler.wait(1)
    await settle()
    assert [c.late for c in running.handler.claims] == [True]


async def test_after_long_downtime_nothing_floods(running):
    reminder_id = await add(running.store, running.clock)
    running.clock.set(datetime(2026, 3, 5, 12, 0, tzinfo=UTC))  # three days late
    running.scheduler.start()
    await settle()
    assert running.handler.claims == []
    row = await running.store.reminders.get(reminder_id)
    assert row.next_due_at == int(datetime(2026, 3, 6, 8, 0, tzinfo=UTC).timestamp())


async def test_closed_dms_pause_all_the_members_reminders_after_one_attempt(running):
    first = await add(running.store, running.clock, user_id=7)
    second = await add(running.store, running.clock, user_id=7)
    other = await add(running.store, running.clock, user_id=8)
    assert await running.store.members.take_closed_dms_notice(7) is False  # remembered: none
    running.handler.failures = [closed_dms()]
    running.clock.set(datetime(2026, 3, 2, 8, 0, tzinfo=UTC))
    running.scheduler.start()
    await running.handler.wait(1)
    await settle()
    attempts_for_7 = [
        n for n in running.handler.nonces if n.startswith((f"r{first}.", f"r{second}."))
    ]
    assert len(attempts_for_7) == 1
    assert [c.reminder.id for c in running.handler.claims] == [other]
    for reminder_id in (first, second):
        row = await running.store.reminders.get(reminder_id)
        assert (row.status, row.paused_reason) == ("paused", "dms_closed")
    assert (await running.store.members.member(7)).dms_closed_at is not None
    assert await running.store.members.take_closed_dms_notice(7) is True
    assert await running.store.members.take_closed_dms_notice(7) is False


async def test_a_members_sends_never_overlap_across_batches(running):
    """The next batch is claimed while one is sending; a member with reminders in both gets
    their sends one after the other, so closed DMs still cost a single 403."""
    running.scheduler.batch_size = 2
    first_7 = await add(running.store, running.clock, user_id=7)
    await add(running.store, running.clock, user_id=8)
    second_7 = await add(running.store, running.clock, user_id=7)
    await add(running.store, running.clock, user_id=8)
    gate = asyncio.Event()
    record = running.handler.__call__

    async def slow_closed_dms_for_7(claim):
        if claim.reminder.user_id == 7 and not gate.is_set():
            await gate.wait()  # the 403 takes a while to come back
            running.handler.failures = [closed_dms()]
        return await record(claim)

    running.scheduler.register("stretch", slow_closed_dms_for_7)
    running.clock.set(datetime(2026, 3, 2, 8, 0, tzinfo=UTC))
    running.scheduler.start()
    await running.handler.wait(2)  # member 8's reminders from both batches went out
    gate.set()
    await settle()
    attempts_for_7 = [
        n for n in running.handler.nonces if n.startswith((f"r{first_7}.", f"r{second_7}."))
    ]
    assert len(attempts_for_7) == 1
    assert {c.reminder.user_id for c in running.handler.claims} == {8}
    row = await running.store.reminders.get(second_7)
    assert (row.status, row.paused_reason) == ("paused", "dms_closed")


async def test_a_batch_is_prepared_a_few_sends_at_a_time(stores):
    """Half a batch at most is being prepared or waiting for the pacer: preparing a whole
    batch at once stalled the event loop, and the pace with it, every second."""
    clock = FakeClock(datetime(2026, 3, 2, 8, 0, tzinfo=UTC))
    for user_id in range(30):
        await add(stores, clock, user_id=user_id)
    handler = Recorder()
    release = asyncio.Event()
    busy = [0, 0]  # now, most at once

    async def held_until_released(claim):
        busy[0] += 1
        busy[1] = max(busy)
        await release.wait()
        busy[0] -= 1
        return await handler(claim)

    scheduler = scheduler_on(stores, clock, batch_size=10)
    scheduler.register("stretch", held_until_released)
    scheduler.start()
    try:
        await settle()
        assert busy == [5, 5]
        release.set()
        await handler.wait(30)
        assert busy[1] == 5
    finally:
        await scheduler.stop()


async def test_a_server_error_is_retried_and_delivered_once(running):
    await add(running.store, running.clock)
    running.handler.failures = [server_error()]
    running.clock.set(datetime(2026, 3, 2, 8, 0, tzinfo=UTC))
    running.scheduler.start()
    await running.handler.wait(1)
    await settle()
    assert len(running.handler.claims) == 1
    assert len(set(running.handler.nonces)) == 1  # the retry reused the nonce


async def test_interrupted_claims_are_resent_with_the_same_nonce_only_while_fresh(stores):
    clock = FakeClock(datetime(2026, 3, 2, 8, 0, tzinfo=UTC))
    fresh_id = await add(stores, clock, user_id=1)
    stale_id = await add(stores, clock, user_id=2)
    now = int(clock.now().timestamp())
    claims = await stores.ledger.claim_due(now, 10, ["stretch"], plan_reminder)  # then "crash"
    assert {c.reminder.id for c in claims} == {fresh_id, stale_id}
    # pretend the second claim was made long ago
    await stores.database.execute(
        "UPDATE deliveries SET claimed_at = ? WHERE reminder_id = ?",
        (now - int(NONCE_WINDOW.total_seconds()) - 60, stale_id),
    )
    handler = Recorder()
    scheduler = scheduler_on(stores, clock, batch_size=1000)
    scheduler.register("stretch", handler)
    scheduler.start()
    if stores.database.shared:  # another process may still be sending them: wait out the lease
        await settle()
        assert handler.nonces == []
        clock.advance(LEASE)
    await handler.wait(1)
    await settle()
    await scheduler.stop()
    assert [c.reminder.id for c in handler.claims] == [fresh_id]
    assert handler.nonces == [delivery_nonce(c) for c in claims if c.reminder.id == fresh_id]
    rows = await stores.database.fetch_all("SELECT reminder_id, state FROM deliveries")
    states = {row[0]: row[1] for row in rows}
    assert states == {fresh_id: "sent", stale_id: "abandoned"}


def test_nonces_fit_discords_limit():
    claim = Claim(
        reminder=SimpleNamespace(id=2**63 - 1),
        due_at=int(datetime(2100, 1, 1, tzinfo=UTC).timestamp()),
        late=False,
    )
    assert len(delivery_nonce(claim)) <= 25


def test_plan_keeps_snoozed_times_on_the_recurrence():
    row = SimpleNamespace(
        schedule=schedule_to_json(DAILY_8),
        next_due_at=int(datetime(2026, 3, 2, 8, 30, tzinfo=UTC).timestamp()),  # a snooze
        paused_until=None,
        held_due_at=None,
    )
    plan = plan_reminder(row, int(datetime(2026, 3, 2, 8, 30, tzinfo=UTC).timestamp()))
    assert plan.occurrence == row.next_due_at
    assert plan.next_due_at == int((datetime(2026, 3, 3, 8, 0, tzinfo=UTC)).timestamp())
    assert timedelta(seconds=plan.next_due_at - plan.occurrence) < timedelta(days=1)
