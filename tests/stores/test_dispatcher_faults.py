"""The dispatcher outlives a database that refuses writes for a while: each failure is logged,
the next try waits a back-off on the clock, the dispatcher says it is unhealthy meanwhile, and
what was due is delivered once the database takes writes again, once. Each backend, a FakeClock,
the Discord send a test double."""

import logging
import sqlite3
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta

from bot.scheduling.clock import FakeClock
from bot.scheduling.dispatcher import Scheduler, backoff_seconds
from bot.scheduling.recurrence import schedule_to_json
from tests.support.dispatch import DAILY_8, Recorder, add, scheduler_on, settle

EIGHT = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
NOTE = "left leg pain 8 out of 10"


class RefusedCommits:
    """Every write transaction of the database runs whole and is then refused at COMMIT (as a
    full or read-only disk refuses it), `remaining` more times; records when each one ended."""

    def __init__(self, database, clock, remaining):
        self.clock = clock
        self.remaining = remaining
        self.ended: list[tuple[datetime, bool]] = []  # (when, committed)
        real = database.transaction

        @asynccontextmanager
        async def transaction():
            async with real() as tx:
                yield tx
                refused = self.remaining > 0
                self.ended.append((clock.now(), not refused))
                if refused:
                    self.remaining -= 1
                    raise sqlite3.OperationalError("disk I/O error")

        database.transaction = transaction


async def add_with_note(stores, clock, user_id=1):
    await stores.members.save_member(user_id, 0, dm_channel_id=500 + user_id)
    return await stores.reminders.create(
        kind="stretch",
        user_id=user_id,
        guild_id=None,
        schedule=schedule_to_json(DAILY_8),
        next_due_at=int(EIGHT.timestamp()),
        now=int(clock.now().timestamp()),
        limit=10,
        note=NOTE,
    )


async def tick_until(clock, until, step=timedelta(seconds=1)):
    """Let the clock run second by second, as real time would, letting the dispatcher act."""
    while clock.now() < until:
        clock.advance(step)
        await settle()


def test_the_backoff_doubles_from_a_second_to_at_most_a_minute():
    assert [backoff_seconds(n) for n in range(1, 10)] == [1, 2, 4, 8, 16, 32, 60, 60, 60]


async def test_claims_refused_at_commit_are_retried_with_backoff_and_delivered_once(stores, caplog):
    caplog.set_level(logging.INFO, logger="bot.scheduler")
    clock = FakeClock(EIGHT - timedelta(hours=1))
    reminder_id = await add_with_note(stores, clock)
    later_id = await add(stores, clock, user_id=2, due=EIGHT + timedelta(seconds=40))
    handler = Recorder()
    scheduler = scheduler_on(stores, clock, batch_size=100)
    scheduler.register("stretch", handler)
    scheduler.start()
    try:
        await settle()
        assert scheduler.healthy and scheduler.problem is None
        refusals = RefusedCommits(stores.database, clock, remaining=4)
        clock.set(EIGHT)
        await settle()
        assert handler.claims == []
        assert not scheduler.healthy
        assert "dispatching failed" in scheduler.problem
        assert "disk I/O error" in scheduler.problem
        await tick_until(clock, EIGHT + timedelta(seconds=20))
        # refused at 0, 1, 3 and 7 s: each try waits twice as long as the one before
        tries = [int((when - EIGHT).total_seconds()) for when, _ in refusals.ended]
        assert tries[:5] == [0, 1, 3, 7, 15]
        assert [committed for _, committed in refusals.ended[:5]] == [False] * 4 + [True]
        assert [c.reminder.id for c in handler.claims] == [reminder_id]
        assert scheduler.healthy and scheduler.problem is None
        await tick_until(clock, EIGHT + timedelta(seconds=45))
        assert [c.reminder.id for c in handler.claims] == [reminder_id, later_id]
        assert not handler.claims[1].late  # the later one went on time
    finally:
        await scheduler.stop()
    assert len(handler.nonces) == 2  # no send was ever tried twice
    rows = await stores.database.fetch_all("SELECT reminder_id, state FROM deliveries")
    assert sorted((row[0], row[1]) for row in rows) == [(reminder_id, "sent"), (later_id, "sent")]
    row = await stores.reminders.get(reminder_id)
    assert row.next_due_at == int((EIGHT + timedelta(days=1)).timestamp())
    failures = [r for r in caplog.records if "dispatching failed" in r.getMessage()]
    assert len(failures) == 4  # each failure logged, the traceback once
    assert [bool(r.exc_info) for r in failures] == [True, False, False, False]
    assert "next try in 8 s" in failures[3].getMessage()
    assert any("works again after 4 failed tries" in r.getMessage() for r in caplog.records)
    assert NOTE not in caplog.text


async def test_an_outage_longer_than_the_cap_retries_once_a_minute(stores, caplog):
    clock = FakeClock(EIGHT - timedelta(hours=1))
    await add(stores, clock)
    handler = Recorder()
    scheduler = scheduler_on(stores, clock, batch_size=100)
    scheduler.register("stretch", handler)
    scheduler.start()
    try:
        await settle()
        refusals = RefusedCommits(stores.database, clock, remaining=10)
        clock.set(EIGHT)
        await tick_until(clock, EIGHT + timedelta(minutes=6), step=timedelta(seconds=5))
        gaps = [
            (later - earlier).total_seconds()
            for (earlier, _), (later, _) in zip(refusals.ended, refusals.ended[1:], strict=False)
        ]
        expected = [1, 2, 4, 8, 16, 32, 60, 60, 60]
        assert len(gaps) >= len(expected)
        for gap, delay in zip(gaps, expected, strict=False):
            assert delay <= gap < delay + 5  # the clock moves in 5 s steps here
    finally:
        await scheduler.stop()
    assert len(handler.claims) == 1


async def test_an_outcome_that_cannot_be_recorded_is_recorded_once_writes_work(stores, monkeypatch):
    clock = FakeClock(EIGHT)
    reminder_id = await add(stores, clock)
    record_sent = stores.ledger.record_sent
    refusals = [sqlite3.OperationalError("database is locked")] * 2

    async def refused_twice(sent, now):
        if refusals:
            raise refusals.pop()
        await record_sent(sent, now)

    monkeypatch.setattr(stores.ledger, "record_sent", refused_twice)
    handler = Recorder()
    scheduler: Scheduler = scheduler_on(stores, clock, batch_size=100)
    scheduler.register("stretch", handler)
    scheduler.start()
    try:
        await handler.wait(1)
        await settle()
        assert not scheduler.healthy and "recording deliveries" in scheduler.problem
        state = await stores.database.fetch_one("SELECT state FROM deliveries")
        assert state[0] == "claimed"
        await tick_until(clock, EIGHT + timedelta(seconds=3))
        assert scheduler.healthy
    finally:
        await scheduler.stop()
    assert [c.reminder.id for c in handler.claims] == [reminder_id]
    rows = await stores.database.fetch_all("SELECT state FROM deliveries")
    assert [row[0] for row in rows] == ["sent"]


async def test_a_dispatcher_that_dies_anyway_reports_it(stores):
    clock = FakeClock(EIGHT)
    scheduler = scheduler_on(stores, clock, batch_size=100)

    async def fatal():
        raise SystemError("interpreter trouble")

    scheduler._run = fatal  # what the loop cannot catch ends the task: say so
    scheduler.start()
    await settle()
    assert not scheduler.healthy
    assert scheduler.problem == "the dispatcher stopped: SystemError"
    await scheduler.stop()
