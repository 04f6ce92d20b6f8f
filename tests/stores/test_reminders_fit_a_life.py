"""Reminders that fit a life, in the stores and on the dispatcher: quiet hours hold a DM and
send it once, after-done reminders follow the member's stretches, pauses with days resume by
themselves at the next regular time, edits keep the row and never repeat an occurrence in
flight. Real SQLite files and a FakeClock; the Discord send is a test double."""

from datetime import UTC, datetime, time, timedelta
from types import SimpleNamespace

import pytest

from bot.scheduling.clock import FakeClock
from bot.scheduling.dispatcher import Scheduler, delivery_nonce
from bot.scheduling.planning import plan_reminder
from bot.scheduling.recurrence import (
    AfterDoneSchedule,
    WeeklySchedule,
    schedule_from_json,
    schedule_to_json,
)
from bot.scheduling.reminder_times import (
    due_after_edit,
    due_after_stretch,
    pause_end,
    quiet_release,
)
from bot.scheduling.schedule_edits import PauseError
from tests.support.dispatch import Recorder, settle

# SQLite alone, as before: these tests wait for the dispatcher by letting the event loop
# settle, which PostgreSQL's round trips can outlast on a busy machine
pytestmark = pytest.mark.sqlite_only

START = datetime(2026, 3, 2, 7, 0, tzinfo=UTC)  # a Monday
HOUR = timedelta(hours=1)
DAY = timedelta(days=1)
NIGHT = "22:00-07:30"


def utc(day: int, hour: int, minute: int = 0, month: int = 3) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


def unix(instant: datetime) -> int:
    return int(instant.timestamp())


def daily(hour: int, minute: int = 0, zone: str = "UTC") -> WeeklySchedule:
    return WeeklySchedule(time(hour, minute), frozenset(range(7)), zone)


@pytest.fixture
async def running(stores):
    clock = FakeClock(START)
    handler = Recorder()
    scheduler = Scheduler(
        stores.ledger, clock, plan_reminder, woken_by=stores.reminders.changes, batch_size=100
    )
    scheduler.register("stretch", handler)
    scheduler.start()
    yield clock, handler
    await scheduler.stop()


async def add(stores, schedule, due, *, user_id=1, zone="UTC", quiet=None, now=START):
    await stores.members.save_member(user_id, 0, dm_channel_id=500 + user_id, timezone=zone)
    if quiet is not None:
        await stores.reminders.set_quiet_hours(user_id, quiet, 0)
    return await stores.reminders.create(
        kind="stretch",
        user_id=user_id,
        guild_id=None,
        schedule=schedule_to_json(schedule),
        next_due_at=unix(due),
        now=unix(now),
        limit=10,
    )


async def deliveries(stores):
    rows = await stores.database.fetch_all(
        "SELECT reminder_id, due_at, state, held FROM deliveries ORDER BY due_at"
    )
    return [tuple(row) for row in rows]


# --- quiet hours ---------------------------------------------------------------------------------


async def test_a_reminder_due_in_quiet_hours_is_held_then_sent_once_marked_held(stores, running):
    clock, handler = running
    reminder_id = await add(stores, daily(23), utc(2, 23), quiet=NIGHT)
    clock.set(utc(2, 23))
    await settle()
    row = await stores.reminders.get(reminder_id)
    assert handler.claims == []
    assert (row.held_due_at, row.next_due_at) == (unix(utc(2, 23)), unix(utc(3, 7, 30)))

    clock.set(utc(3, 7, 29))
    await settle()
    assert handler.claims == []
    clock.set(utc(3, 7, 30))
    await handler.wait(1)
    [claim] = handler.claims
    assert (claim.due_at, claim.held, claim.late) == (unix(utc(2, 23)), True, False)
    row = await stores.reminders.get(reminder_id)
    assert row.held_due_at is None and row.next_due_at == unix(utc(3, 23))  # held again then
    clock.set(utc(3, 12))
    await settle()
    assert len(handler.claims) == 1
    assert await deliveries(stores) == [(reminder_id, unix(utc(2, 23)), "sent", 1)]


async def test_quiet_hours_are_read_in_the_members_zone(stores, running):
    # The reminder keeps UTC; the member lives in Tokyo, where 14:00 UTC is 23:00.
    clock, handler = running
    reminder_id = await add(stores, daily(14), utc(2, 14), zone="Asia/Tokyo", quiet="22:00-07:00")
    clock.set(utc(2, 14))
    await settle()
    row = await stores.reminders.get(reminder_id)
    assert row.next_due_at == unix(utc(2, 22))  # 07:00 in Tokyo
    clock.set(utc(2, 22))
    await handler.wait(1)
    assert handler.claims[0].held


async def test_turning_quiet_hours_off_sends_a_held_reminder_now_once(stores, running):
    clock, handler = running
    reminder_id = await add(stores, daily(23), utc(2, 23), quiet=NIGHT)
    clock.set(utc(2, 23))
    await settle()
    clock.set(utc(2, 23, 5))
    assert await stores.reminders.set_quiet_hours(1, None, unix(clock.now())) == 1
    await handler.wait(1)
    assert handler.claims[0].due_at == unix(utc(2, 23)) and handler.claims[0].held
    clock.set(utc(3, 7, 30))  # the old end of quiet hours: nothing more
    await settle()
    assert len(handler.claims) == 1
    assert (await stores.reminders.get(reminder_id)).next_due_at == unix(utc(3, 23))


async def test_longer_quiet_hours_hold_it_again_with_the_same_identity(stores, running):
    clock, handler = running
    await add(stores, daily(23), utc(2, 23), quiet=NIGHT)
    clock.set(utc(2, 23))
    await settle()
    await stores.reminders.set_quiet_hours(1, "21:00-09:00", unix(clock.now()))
    await settle()  # the dispatcher decides again at once: still quiet, held to the new end
    [row] = await stores.reminders.of_member(1)
    assert (row.held_due_at, row.next_due_at) == (unix(utc(2, 23)), unix(utc(3, 9)))
    clock.set(utc(3, 7, 30))
    await settle()
    assert handler.claims == []
    clock.set(utc(3, 9))
    await handler.wait(1)
    assert [(c.due_at, c.held) for c in handler.claims] == [(unix(utc(2, 23)), True)]


async def test_a_held_send_interrupted_by_a_crash_is_resent_held_with_its_nonce(stores):
    clock = FakeClock(utc(2, 23))
    await add(stores, daily(23), utc(2, 23), quiet=NIGHT)
    plan = plan_reminder
    assert await stores.ledger.claim_due(unix(clock.now()), 10, ["stretch"], plan) == []
    clock.set(utc(3, 7, 30))
    [claimed] = await stores.ledger.claim_due(unix(clock.now()), 10, ["stretch"], plan)  # "crash"
    handler = Recorder()
    scheduler = Scheduler(stores.ledger, clock, plan_reminder, batch_size=10)
    scheduler.register("stretch", handler)
    scheduler.start()
    try:
        await handler.wait(1)
    finally:
        await scheduler.stop()
    [resent] = handler.claims
    assert resent.held and handler.nonces == [delivery_nonce(claimed)]


def test_when_a_due_time_falls_in_quiet_hours():
    assert quiet_release(NIGHT, "UTC", unix(utc(2, 23))) == unix(utc(3, 7, 30))
    assert quiet_release(NIGHT, "UTC", unix(utc(2, 12))) is None
    assert quiet_release(None, "UTC", unix(utc(2, 23))) is None


# --- after-done ----------------------------------------------------------------------------------


async def test_an_after_done_reminder_follows_done_and_then_its_own_dms(stores, running):
    clock, handler = running
    schedule = AfterDoneSchedule(3, "UTC")
    reminder_id = await add(stores, schedule, START + 3 * HOUR)
    clock_reminder = await add(stores, daily(20), utc(2, 20))
    clock.set(utc(2, 8))  # Done on some stretch reminder, or a finished routine
    now = clock.now()
    moved = await stores.reminders.stretched(1, unix(now), lambda r: due_after_stretch(r, now))
    assert moved == [reminder_id]  # the wall-clock reminder keeps its time
    assert (await stores.reminders.get(clock_reminder)).next_due_at == unix(utc(2, 20))
    clock.set(utc(2, 10))  # when it was due before the Done: nothing
    await settle()
    assert handler.claims == []
    clock.set(utc(2, 11))
    await handler.wait(1)
    row = await stores.reminders.get(reminder_id)
    assert (row.next_due_at, row.counts_from) == (unix(utc(2, 14)), unix(utc(2, 11)))
    clock.set(utc(2, 14))  # no Done since that DM: three hours after it
    await handler.wait(2)
    assert [c.due_at for c in handler.claims] == [unix(utc(2, 11)), unix(utc(2, 14))]


async def test_a_stretch_leaves_paused_after_done_reminders_alone_and_drops_a_hold(stores):
    schedule = AfterDoneSchedule(3, "UTC")
    paused = await add(stores, schedule, START + 3 * HOUR)
    timed = await add(stores, schedule, START + 3 * HOUR)
    held = await add(stores, schedule, START + 3 * HOUR)
    await stores.reminders.set_status([paused], "paused", None, {})
    await stores.reminders.pause_until([timed], unix(utc(5, 7)))
    await stores.database.execute(
        "UPDATE reminders SET held_due_at = ? WHERE id = ?", (unix(START), held)
    )
    now = utc(2, 8)
    moved = await stores.reminders.stretched(1, unix(now), lambda r: due_after_stretch(r, now))
    assert moved == [held]
    row = await stores.reminders.get(held)
    assert (row.next_due_at, row.held_due_at) == (unix(utc(2, 11)), None)
    assert (await stores.reminders.get(timed)).next_due_at == unix(utc(5, 7))


def test_after_done_hours_are_elapsed_hours_across_a_dst_change():
    # London springs forward at 01:00 UTC on 29 March: 3 hours after 00:30 is 03:30 UTC.
    row = SimpleNamespace(
        schedule=schedule_to_json(AfterDoneSchedule(3, "Europe/London")), counts_from=0
    )
    done = utc(29, 0, 30)
    assert due_after_stretch(row, done) == unix(utc(29, 3, 30))


# --- pauses with days ----------------------------------------------------------------------------


async def test_a_pause_for_two_days_resumes_by_itself_at_the_next_regular_time(stores, running):
    clock, handler = running
    reminder_id = await add(stores, daily(8), utc(2, 8))
    clock.set(utc(2, 8))
    await handler.wait(1)
    until = pause_end(clock.now(), 2, "UTC")  # paused right after Monday's DM
    assert until == unix(utc(4, 8))
    await stores.reminders.pause_until([reminder_id], until)
    clock.set(utc(3, 8))
    await settle()
    assert len(handler.claims) == 1
    clock.set(utc(4, 8))  # the pause ends at a regular time: that one is sent, once
    await handler.wait(2)
    await settle()
    row = await stores.reminders.get(reminder_id)
    assert row.paused_until is None and row.next_due_at == unix(utc(5, 8))
    assert [c.due_at for c in handler.claims] == [unix(utc(2, 8)), unix(utc(4, 8))]


async def test_a_pause_that_ended_while_the_bot_was_offline_floods_nothing(stores, running):
    clock, handler = running
    reminder_id = await add(stores, daily(8), utc(2, 8))
    await stores.reminders.pause_until([reminder_id], unix(utc(4, 7)))
    clock.set(utc(6, 12))
    await settle()
    assert handler.claims == []
    assert (await stores.reminders.get(reminder_id)).next_due_at == unix(utc(7, 8))


async def test_an_after_done_pause_counts_its_hours_from_the_end(stores, running):
    clock, _ = running
    reminder_id = await add(stores, AfterDoneSchedule(2, "UTC"), START + 2 * HOUR)
    await stores.reminders.pause_until([reminder_id], unix(utc(3, 7)))
    clock.set(utc(3, 7))
    await settle()
    row = await stores.reminders.get(reminder_id)
    assert (row.next_due_at, row.counts_from) == (unix(utc(3, 9)), unix(utc(3, 7)))


def test_pause_days_are_from_one_to_sixty_and_keep_the_local_time_across_dst():
    with pytest.raises(PauseError):
        pause_end(START, 61, "UTC")
    paused = datetime(2026, 3, 28, 9, 0, tzinfo=UTC)  # 09:00 in London, before DST
    assert pause_end(paused, 2, "Europe/London") == unix(utc(30, 8))  # 09:00 BST


# --- edits ---------------------------------------------------------------------------------------


async def test_an_edit_keeps_the_row_and_never_repeats_the_occurrence_in_flight(stores):
    reminder_id = await add(stores, daily(8), utc(2, 8))
    await stores.members.record_completion(1, reminder_id, "2026-03-01", 0)
    now = unix(utc(2, 8))
    [claim] = await stores.ledger.claim_due(now, 10, ["stretch"], plan_reminder)  # being sent
    async with stores.transaction() as tx:
        row = await stores.reminders.get(reminder_id, tx)
        in_flight = await stores.ledger.in_flight(tx, reminder_id)
        assert in_flight == claim.due_at
        moved = WeeklySchedule(time(8), frozenset({0, 1}), "UTC")  # days changed, same time
        due = due_after_edit(row, moved, utc(2, 8), in_flight)
        await stores.reminders.edit(
            tx,
            reminder_id,
            schedule=schedule_to_json(moved),
            note="hips",
            link=None,
            next_due_at=due,
        )
    row = await stores.reminders.get(reminder_id)
    assert row.id == reminder_id and row.note == "hips"
    assert row.next_due_at == unix(utc(3, 8))  # Tuesday: not Monday 08:00 a second time
    assert schedule_from_json(row.schedule) == moved
    assert await stores.members.completion_counts(1) == {"2026-03-01": 1}


async def test_an_edit_that_fails_saves_nothing(stores):
    reminder_id = await add(stores, daily(8), utc(2, 8))
    before = await stores.reminders.get(reminder_id)
    with pytest.raises(RuntimeError):
        async with stores.transaction() as tx:
            await stores.reminders.edit(
                tx,
                reminder_id,
                schedule=schedule_to_json(daily(9)),
                note="x",
                link=None,
                next_due_at=unix(utc(2, 9)),
            )
            raise RuntimeError("the answer could not be built")
    assert await stores.reminders.get(reminder_id) == before


async def test_only_a_note_changed_keeps_the_due_time_and_the_hold(stores):
    reminder_id = await add(stores, daily(23), utc(2, 23), quiet=NIGHT)
    await stores.ledger.claim_due(unix(utc(2, 23)), 10, ["stretch"], plan_reminder)  # held
    row = await stores.reminders.get(reminder_id)
    assert due_after_edit(row, daily(23), utc(2, 23, 30), None) is None
    moved = due_after_edit(row, daily(21), utc(2, 23, 30), None)
    assert moved == unix(utc(3, 21))
    async with stores.transaction() as tx:
        await stores.reminders.edit(
            tx, reminder_id, schedule=row.schedule, note="n", link=None, next_due_at=None
        )
    after = await stores.reminders.get(reminder_id)
    assert (after.held_due_at, after.next_due_at) == (row.held_due_at, row.next_due_at)


def test_an_edited_paused_reminder_keeps_its_pause():
    row = SimpleNamespace(
        schedule=schedule_to_json(daily(8)),
        status="active",
        paused_until=unix(utc(5, 8)),
        counts_from=None,
        created_at=0,
    )
    assert due_after_edit(row, daily(9), utc(2, 8), None) is None


def test_the_planner_holds_across_a_dst_change_in_the_members_zone():
    # London springs forward on the night of 28-29 March: quiet hours 22:00-07:30 end at
    # 07:30 BST, 06:30 UTC; the next 23:00 is 22:00 UTC.
    schedule = schedule_to_json(daily(23, zone="Europe/London"))
    row = SimpleNamespace(
        schedule=schedule, next_due_at=unix(utc(28, 23)), paused_until=None, held_due_at=None
    )
    hold = plan_reminder(row, unix(utc(28, 23)), quiet=NIGHT, zone="Europe/London")
    assert (hold.occurrence, hold.held_due_at, hold.next_due_at) == (
        None,
        unix(utc(28, 23)),
        unix(utc(29, 6, 30)),
    )
    row.next_due_at, row.held_due_at = hold.next_due_at, hold.held_due_at
    send = plan_reminder(row, unix(utc(29, 6, 30)), quiet=NIGHT, zone="Europe/London")
    assert (send.occurrence, send.held, send.held_due_at, send.next_due_at) == (
        unix(utc(28, 23)),
        True,
        None,
        unix(utc(29, 22)),
    )


def test_unreadable_stored_quiet_hours_never_stop_a_delivery():
    row = SimpleNamespace(
        schedule=schedule_to_json(daily(23)),
        next_due_at=unix(utc(2, 23)),
        paused_until=None,
        held_due_at=None,
    )
    for stored in ("22:00", "late-early", "22:00-22:00"):
        plan = plan_reminder(row, unix(utc(2, 23)), quiet=stored, zone="UTC")
        assert plan.occurrence == unix(utc(2, 23)) and not plan.held
