"""Sessions over a member's plan and the streak over them (bot.health.sessions), with plain times,
and the store that reads what they are judged from, on each backend."""

from datetime import UTC, date, datetime, time

from bot.health.sessions import (
    Completion,
    Delivered,
    Mark,
    Outcome,
    Session,
    best_streak,
    current_streak,
    newly_missed,
    occurrence_of,
    schedules_of,
    sessions,
)
from bot.scheduling.planning import plan_reminder
from bot.scheduling.recurrence import AfterDoneSchedule, WeeklySchedule, schedule_to_json

MON_WED_FRI = WeeklySchedule(time(8), frozenset({0, 2, 4}), "UTC")
PLAN = {1: MON_WED_FRI}


def at(day: int, hour: int = 8, minute: int = 0) -> datetime:
    """A time in March 2026 (the 2nd is a Monday), UTC."""
    return datetime(2026, 3, day, hour, minute, tzinfo=UTC)


def sent(*days: int, reminder_id: int = 1, held: bool = False) -> list[Delivered]:
    return [Delivered(reminder_id, at(day), held) for day in days]


def done(day: int, hour: int = 8, minute: int = 5, reminder_id: int | None = 1) -> Completion:
    instant = at(day, hour, minute)
    return Completion(reminder_id, instant, instant.date())


def outcomes(history):
    return [(s.day.day, s.outcome) for s in history]


DONE, SKIPPED, MISSED, OPEN = Outcome.DONE, Outcome.SKIPPED, Outcome.MISSED, Outcome.OPEN


def test_three_planned_sessions_done_are_three_in_a_row_whatever_lies_between():
    history = sessions(PLAN, sent(2, 4, 6), [done(2), done(4), done(6)], [], "UTC")
    assert outcomes(history) == [(2, DONE), (4, DONE), (6, DONE)]
    assert current_streak(history) == 3 and best_streak(history) == 3


def test_a_pause_sends_nothing_so_the_streak_survives_it_until_a_session_is_missed():
    # Fri 6 done, paused Sat to Mon (no DM on Mon 9), Wed 11 sent and not answered yet
    history = sessions(PLAN, sent(2, 4, 6, 11), [done(2), done(4), done(6)], [], "UTC")
    assert outcomes(history)[-1] == (11, OPEN)
    assert current_streak(history) == 3
    # Friday's DM comes with Wednesday's unanswered: Wednesday was missed
    later = sessions(PLAN, sent(2, 4, 6, 11, 13), [done(2), done(4), done(6)], [], "UTC")
    assert outcomes(later)[-2:] == [(11, MISSED), (13, OPEN)]
    assert current_streak(later) == 0 and best_streak(later) == 3


def test_not_today_is_neutral_and_a_missed_session_ends_the_run():
    skip = Mark(1, at(4), SKIPPED)
    history = sessions(PLAN, sent(2, 4, 6, 9), [done(2), done(6)], [skip], "UTC")
    assert outcomes(history) == [(2, DONE), (4, SKIPPED), (6, DONE), (9, OPEN)]
    assert current_streak(history) == 2
    missed = sessions(PLAN, sent(2, 4, 6, 9), [done(2), done(6)], [], "UTC")
    assert outcomes(missed)[1] == (4, MISSED)
    assert current_streak(missed) == 1 and best_streak(missed) == 1


def test_done_beats_not_today_on_the_same_session():
    history = sessions(PLAN, sent(2, 4), [done(2, 9)], [Mark(1, at(2), SKIPPED)], "UTC")
    assert outcomes(history)[0] == (2, DONE)


def test_a_dm_held_by_quiet_hours_and_left_unanswered_is_neutral():
    delivered = [*sent(2), *sent(4, held=True), *sent(6)]
    history = sessions(PLAN, delivered, [done(2), done(6)], [], "UTC")
    assert outcomes(history) == [(2, DONE), (4, OPEN), (6, DONE)]
    assert current_streak(history) == 2


def test_a_snoozed_resend_is_the_same_session():
    delivered = [Delivered(1, at(2)), Delivered(1, at(2, 8, 30)), *sent(4)]
    history = sessions(PLAN, delivered, [done(2, 8, 35)], [], "UTC")
    assert outcomes(history) == [(2, DONE), (4, OPEN)]
    assert occurrence_of(MON_WED_FRI, at(2, 8, 30)) == at(2)
    assert occurrence_of(MON_WED_FRI, at(3, 12)) == at(2)  # Tuesday belongs to Monday's


def test_done_on_an_old_dm_after_the_next_came_counts_for_the_new_one():
    history = sessions(PLAN, sent(2, 4), [done(4, 9)], [], "UTC")
    assert outcomes(history) == [(2, MISSED), (4, DONE)]


def test_an_after_done_reminder_counts_each_window_it_was_done_in():
    plan = {1: AfterDoneSchedule(2, "UTC")}
    delivered = [
        Delivered(1, at(2, 10)),
        Delivered(1, at(2, 10, 30)),  # a snooze inside the wait: the same window
        Delivered(1, at(2, 14)),
        Delivered(1, at(2, 18)),
        Delivered(1, at(2, 22)),
    ]
    presses = [done(2, 10, 5), done(2, 10, 40), done(2, 14, 1), done(2, 18, 2)]
    history = sessions(plan, delivered, presses, [], "UTC")
    assert [s.outcome for s in history] == [DONE, DONE, DONE, OPEN]
    assert current_streak(history) == 3


def test_done_presses_older_than_the_ledger_count_one_session_per_reminder_and_day():
    presses = [done(2), done(2, 20), done(3, reminder_id=None), done(4)]
    history = sessions(PLAN, [], presses, [], "UTC")
    assert outcomes(history) == [(2, DONE), (3, DONE), (4, DONE)]
    assert current_streak(history) == 3
    # a missed session kept as a mark still ends the run once the ledger has forgotten it
    kept = sessions(PLAN, [], presses, [Mark(1, at(3, 9), MISSED)], "UTC")
    assert current_streak(kept) == 1 and best_streak(kept) == 2


def test_days_are_the_members_own():
    late = [Delivered(1, datetime(2026, 3, 2, 23, 30, tzinfo=UTC))]
    [session] = sessions({}, late, [], [], "Pacific/Kiritimati")
    assert session.day == date(2026, 3, 3)


def test_only_missed_sessions_not_yet_kept_are_recorded():
    history = sessions(PLAN, sent(2, 4, 6), [done(6)], [], "UTC")
    assert [(s.reminder_id, s.at) for s in newly_missed(history, [])] == [(1, at(2)), (1, at(4))]
    kept = [Mark(1, at(2), MISSED)]
    assert [s.at for s in newly_missed(history, kept)] == [at(4)]


def test_nothing_planned_is_no_streak():
    assert current_streak([]) == 0 and best_streak([]) == 0


# --- what sessions are judged from, as stored ------------------------------------------------


async def test_the_store_reads_sent_dms_presses_and_marks_and_keeps_missed_once(stores):
    monday = int(at(2).timestamp())
    reminder_id = await stores.reminders.create(
        kind="stretch",
        user_id=7,
        guild_id=None,
        schedule=schedule_to_json(MON_WED_FRI),
        next_due_at=monday,
        now=monday - 3600,
        limit=10,
    )
    for day in (2, 4):
        now = int(at(day).timestamp())
        await stores.reminders.reschedule(reminder_id, now)
        [claim] = await stores.ledger.claim_due(now, 10, ["stretch"], plan_reminder)
        await stores.ledger.record_sent([(claim, 99)], now)
    await stores.members.record_completion(7, reminder_id, "2026-03-04", int(at(4, 9).timestamp()))

    inputs = await stores.sessions.inputs(7)
    assert schedules_of(inputs) == {reminder_id: MON_WED_FRI}
    assert inputs.delivered == [Delivered(reminder_id, at(2)), Delivered(reminder_id, at(4))]
    assert inputs.completions == [Completion(reminder_id, at(4, 9), date(2026, 3, 4))]
    history = sessions(schedules_of(inputs), inputs.delivered, inputs.completions, [], "UTC")
    assert outcomes(history) == [(2, MISSED), (4, DONE)]
    since = int(at(1).timestamp())
    assert await stores.sessions.members_with_dms_since(since) == [7]

    missed = newly_missed(history, inputs.marks)
    for _ in range(2):  # a second record of the same session is a no-op
        await stores.sessions.record_missed(7, missed, monday)
    assert (await stores.sessions.inputs(7)).marks == [Mark(reminder_id, at(2), MISSED)]
    exported = await stores.sessions.export_member(7)
    assert [row["mark"] for row in exported["session_marks"]] == ["missed"]
    async with stores.transaction() as tx:
        await stores.sessions.forget_member(tx, 7)
    assert (await stores.sessions.inputs(7)).marks == []


def test_a_second_dm_the_same_day_after_an_edit_is_the_same_session():
    weekdays_at_930 = WeeklySchedule(time(9, 30), frozenset(range(5)), "UTC")
    delivered = [Delivered(1, at(2)), Delivered(1, at(2, 9, 30)), Delivered(1, at(3, 9, 30))]
    history = sessions({1: weekdays_at_930}, delivered, [done(2), done(3, 9, 35)], [], "UTC")
    assert outcomes(history) == [(2, DONE), (3, DONE)]
    # a snooze past midnight stays with the evening it came from
    late = WeeklySchedule(time(23, 50), frozenset(range(7)), "UTC")
    delivered = [Delivered(1, at(2, 23, 50)), Delivered(1, at(3, 0, 20))]
    history = sessions({1: late}, delivered, [done(3, 0, 25)], [], "UTC")
    assert outcomes(history) == [(2, DONE)]


async def test_not_today_marks_the_latest_dm_and_replaces_a_missed_mark(stores):
    monday = int(at(2).timestamp())
    reminder_id = await stores.reminders.create(
        kind="stretch",
        user_id=7,
        guild_id=None,
        schedule=schedule_to_json(MON_WED_FRI),
        next_due_at=monday,
        now=monday - 3600,
        limit=10,
    )
    no_dm_yet = int(at(1, 12).timestamp())
    assert await stores.sessions.skip(7, reminder_id, no_dm_yet) == no_dm_yet
    [claim] = await stores.ledger.claim_due(monday, 10, ["stretch"], plan_reminder)
    await stores.ledger.record_sent([(claim, 99)], monday)
    missed = Session(reminder_id, at(2), MISSED, date(2026, 3, 2))
    await stores.sessions.record_missed(7, [missed], monday)
    assert await stores.sessions.skip(7, reminder_id, monday + 60) == monday
    marks = (await stores.sessions.inputs(7)).marks
    assert marks == [Mark(reminder_id, at(1, 12), SKIPPED), Mark(reminder_id, at(2), SKIPPED)]
