"""Pain check-ins in the database, pauses with an end that the dispatcher resumes by itself,
and its daily chores: real SQLite files and a FakeClock, no Discord."""

from datetime import UTC, datetime, time, timedelta
from types import SimpleNamespace

import pytest

from bot.scheduling.clock import FakeClock
from bot.scheduling.dispatcher import CHORE_INTERVAL, Scheduler
from bot.scheduling.planning import plan_reminder
from bot.scheduling.recurrence import WeeklySchedule, schedule_to_json
from bot.storage.events import RemindersChanged
from tests.support.dispatch import Recorder, settle

# SQLite alone, as before: these tests wait for the dispatcher by letting the event loop
# settle, which PostgreSQL's round trips can outlast on a busy machine
pytestmark = pytest.mark.sqlite_only

START = datetime(2026, 3, 2, 7, 0, tzinfo=UTC)  # a Monday
DAILY_8 = schedule_to_json(WeeklySchedule(time(8, 0), frozenset(range(7)), "UTC"))


def at(day: int, hour: int, minute: int = 0) -> int:
    return int(datetime(2026, 3, day, hour, minute, tzinfo=UTC).timestamp())


async def add_reminder(stores, user_id=1, due=None, kind="stretch"):
    await stores.members.save_member(user_id, 0, dm_channel_id=500 + user_id)
    return await stores.reminders.create(
        kind=kind,
        user_id=user_id,
        guild_id=None,
        schedule=DAILY_8,
        next_due_at=due or at(2, 8),
        now=0,
        limit=10,
    )


# --- check-ins ---------------------------------------------------------------------------------


async def test_a_score_is_stored_only_while_check_ins_are_on(stores):
    assert not await stores.checkins.record(1, "2026-03-02", 4, 0)  # no member row at all
    await stores.members.save_member(1, 0)
    assert not await stores.checkins.record(1, "2026-03-02", 4, 0)  # a member who never opted in
    assert await stores.members.set_checkins(1, True, 0)
    assert not await stores.members.set_checkins(1, True, 0)  # already on: nothing changed
    assert (await stores.members.member(1)).checkins_on is True
    assert await stores.checkins.record(1, "2026-03-02", 4, 10)
    await stores.members.set_checkins(1, False, 0)
    assert not await stores.checkins.record(1, "2026-03-03", 5, 20)
    assert await stores.checkins.scores(1, "2026-01-01") == {"2026-03-02": 4}


async def test_one_score_per_local_day_a_later_answer_replaces_it(stores):
    await stores.members.set_checkins(1, True, 0)  # creates the member row
    await stores.checkins.record(1, "2026-03-02", 4, 10)
    await stores.checkins.record(1, "2026-03-02", 8, 20)
    [row] = (await stores.checkins.export_member(1))["checkins"]
    assert row == {"user_id": 1, "local_date": "2026-03-02", "score": 8, "recorded_at": 20}
    with pytest.raises(ValueError, match="0 to 10"):
        await stores.checkins.record(1, "2026-03-02", 11, 30)


async def test_previous_scores_are_the_days_before_newest_first(stores):
    await stores.members.set_checkins(1, True, 0)
    await stores.members.set_checkins(2, True, 0)
    for day, score in ((1, 1), (2, 2), (3, 3), (4, 9)):
        await stores.checkins.record(1, f"2026-03-0{day}", score, 0)
    await stores.checkins.record(2, "2026-03-03", 10, 0)  # someone else's
    assert await stores.checkins.previous(1, "2026-03-04", 7) == [3, 2, 1]
    assert await stores.checkins.previous(1, "2026-03-04", 2) == [3, 2]


async def test_prune_deletes_days_before_the_limit_for_everyone(stores):
    for user in (1, 2):
        await stores.members.set_checkins(user, True, 0)
        await stores.checkins.record(user, "2025-03-03", 5, 0)
        await stores.checkins.record(user, "2025-03-04", 6, 0)
    assert await stores.checkins.prune("2025-03-04") == 2
    assert await stores.checkins.scores(1, "2000-01-01") == {"2025-03-04": 6}


async def test_completion_counts_count_every_done_by_day(stores):
    for day in ("2026-03-01", "2026-03-02", "2026-03-02"):
        await stores.members.record_completion(1, None, day, 0)
    assert await stores.members.completion_counts(1) == {"2026-03-01": 1, "2026-03-02": 2}
    assert await stores.members.completion_counts(1, "2026-03-02") == {"2026-03-02": 2}
    assert await stores.members.completion_counts(2) == {}


# --- pauses with an end ------------------------------------------------------------------------


async def test_pause_until_moves_active_reminders_and_is_announced(stores):
    running = await add_reminder(stores)
    stopped = await add_reminder(stores)
    await stores.reminders.set_status([stopped], "paused", None, {})
    events = []
    stores.reminders.changes.subscribe(events.append)
    paused = await stores.reminders.pause_until([running, stopped], at(5, 9))
    assert paused == [running]  # paused until resumed stays so
    assert events == [RemindersChanged()]
    row = await stores.reminders.get(running)
    assert (row.status, row.paused_until, row.next_due_at) == ("active", at(5, 9), at(5, 9))
    assert (await stores.reminders.get(stopped)).paused_until is None


async def test_a_members_pause_resume_or_snooze_ends_a_pause_with_an_end(stores):
    first = await add_reminder(stores)
    second = await add_reminder(stores)
    third = await add_reminder(stores)
    await stores.reminders.pause_until([first, second, third], at(5, 9))
    await stores.reminders.set_status([first], "paused", None, {})
    await stores.reminders.set_status([second], "active", None, {second: at(3, 8)})
    await stores.reminders.reschedule(third, at(2, 8, 30))
    rows = {rid: await stores.reminders.get(rid) for rid in (first, second, third)}
    assert all(row.paused_until is None for row in rows.values())
    assert rows[first].status == "paused"
    assert rows[second].next_due_at == at(3, 8)
    assert rows[third].next_due_at == at(2, 8, 30)


def test_the_planner_resumes_at_the_first_regular_time_and_keeps_an_early_pause():
    row = SimpleNamespace(
        schedule=DAILY_8, next_due_at=at(5, 9), paused_until=at(5, 9), held_due_at=None
    )
    resumed = plan_reminder(row, at(5, 9))
    assert resumed.occurrence is None  # nothing is made up for
    assert (resumed.next_due_at, resumed.paused_until) == (at(6, 8), None)
    on_a_slot = type("Row", (), {**vars(row), "next_due_at": at(5, 8), "paused_until": at(5, 8)})
    again = plan_reminder(on_a_slot, at(5, 8))  # the pause ends right on a regular time
    assert (again.occurrence, again.next_due_at, again.paused_until) == (at(5, 8), at(6, 8), None)
    late = plan_reminder(on_a_slot, at(5, 12))  # ...but the bot was down for hours: too stale
    assert (late.occurrence, late.next_due_at) == (None, at(6, 8))
    early = plan_reminder(row, at(4, 8))  # due before its end: the pause still runs
    assert early.occurrence is None
    assert (early.next_due_at, early.paused_until) == (at(5, 9), at(5, 9))


async def test_a_paused_reminder_sends_nothing_for_three_days_then_resumes_by_itself(stores):
    clock = FakeClock(START)
    reminder_id = await add_reminder(stores)
    others = await add_reminder(stores, user_id=2)
    handler = Recorder()
    scheduler = Scheduler(
        stores.ledger,
        clock,
        plan_reminder,
        woken_by=stores.reminders.changes,
        batch_size=1000,
    )
    scheduler.register("stretch", handler)
    until = int((START + timedelta(days=3)).timestamp())  # Thursday 07:00
    await stores.reminders.pause_until([reminder_id], until)
    scheduler.start()
    try:
        for day in (2, 3, 4):  # 08:00 on Monday, Tuesday and Wednesday come and go
            clock.set(datetime(2026, 3, day, 8, 0, tzinfo=UTC))
            await handler.wait(day - 1)
            await settle()
            assert (await stores.reminders.get(reminder_id)).paused_until == until
        assert [c.reminder.id for c in handler.claims] == [others] * 3
        clock.set(datetime(2026, 3, 5, 7, 0, tzinfo=UTC))
        await settle()
        row = await stores.reminders.get(reminder_id)
        assert row.paused_until is None  # resumed by the dispatcher at Thursday 07:00
        assert row.next_due_at == at(5, 8)
        clock.set(datetime(2026, 3, 5, 8, 0, tzinfo=UTC))
        await handler.wait(5)
        await settle()
        assert [c.reminder.id for c in handler.claims[3:]].count(reminder_id) == 1
    finally:
        await scheduler.stop()


# --- daily chores --------------------------------------------------------------------------------


async def test_chores_run_at_start_then_once_a_day_and_a_failure_stops_nothing(stores):
    clock = FakeClock(START)
    scheduler = Scheduler(stores.ledger, clock, plan_reminder, batch_size=1000)
    runs: list[datetime] = []
    attempts: list[datetime] = []

    async def chore(now: datetime) -> None:
        runs.append(now)

    async def broken(now: datetime) -> None:
        attempts.append(now)
        raise RuntimeError("disk full")

    scheduler.add_chore("count", chore)
    scheduler.add_chore("broken", broken)
    handler = Recorder()
    scheduler.register("stretch", handler)
    await add_reminder(stores, due=at(2, 8))
    scheduler.start()
    try:
        await settle()
        assert runs == [START] and attempts == [START]
        clock.set(START + timedelta(hours=1))
        await handler.wait(1)  # the dispatcher delivers after a failed chore
        clock.set(START + timedelta(hours=23))
        await settle()
        assert len(runs) == 1
        clock.set(START + CHORE_INTERVAL)
        await settle()
        assert runs == [START, START + CHORE_INTERVAL] and len(attempts) == 2
        scheduler.remove_chore("count")
        clock.set(START + 3 * CHORE_INTERVAL)
        await settle()
        assert len(runs) == 2
    finally:
        await scheduler.stop()
