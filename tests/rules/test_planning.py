"""The planner's due times for what a member did: a new reminder, a snooze and Later on a DM.
Plain times and a stand-in for the reminder store that records what it was asked to store."""

from datetime import UTC, date, datetime, time, timedelta
from types import SimpleNamespace

from bot.scheduling.one_offs import NEVER, OnceSchedule
from bot.scheduling.planning import (
    Snoozed,
    first_due,
    postpone_a_week,
    snooze,
    snooze_half_an_hour,
)
from bot.scheduling.recurrence import AfterDoneSchedule, WeeklySchedule, schedule_to_json
from bot.scheduling.snooze import SnoozeChoice
from bot.scheduling.zone_rules import zone_info

NOW = datetime(2026, 3, 2, 8, 5, tzinfo=UTC)  # a Monday, just after a daily 08:00 DM
DAILY_8 = WeeklySchedule(time(8, 0), frozenset(range(7)), "UTC")


def unix(instant: datetime) -> int:
    return int(instant.timestamp())


class Reminders:
    """Records every due time the planner stores; `answer` is what a snooze store call returns
    (by default: snoozed now, to the time asked)."""

    def __init__(self, answer="as asked"):
        self.answer = answer
        self.stored = []

    async def reschedule(self, reminder_id, next_due_at):
        self.stored.append((reminder_id, next_due_at))

    async def snooze(self, reminder_id, occurrence, due):
        self.stored.append((reminder_id, due))
        return (True, due) if self.answer == "as asked" else self.answer


def row(schedule=DAILY_8, next_due_at=None):
    due = unix(datetime(2026, 3, 3, 8, 0, tzinfo=UTC)) if next_due_at is None else next_due_at
    return SimpleNamespace(id=7, schedule=schedule_to_json(schedule), next_due_at=due)


def member(zone=None, quiet=None):
    return SimpleNamespace(timezone=zone, quiet_hours=quiet)


def test_a_new_after_done_reminder_counts_its_wait_from_now():
    assert first_due(AfterDoneSchedule(4, "Europe/London"), NOW) == unix(NOW + timedelta(hours=4))


def test_a_new_reminder_is_first_due_at_its_next_time_after_now():
    assert first_due(DAILY_8, NOW) == unix(datetime(2026, 3, 3, 8, 0, tzinfo=UTC))
    assert first_due(DAILY_8, NOW.replace(hour=7)) == unix(datetime(2026, 3, 2, 8, 0, tzinfo=UTC))
    tokyo = WeeklySchedule(time(8, 0), frozenset(range(7)), "Asia/Tokyo")
    assert first_due(tokyo, NOW) == unix(datetime(2026, 3, 3, 8, 0, tzinfo=zone_info("Asia/Tokyo")))


def test_a_one_off_whose_time_has_passed_is_never_due():
    passed = OnceSchedule(date(2026, 3, 2), time(8, 0), "UTC")
    assert first_due(passed, NOW) == unix(NEVER)
    assert first_due(passed, NOW - timedelta(hours=1)) == unix(NOW.replace(minute=0))


async def test_the_half_hour_snooze_never_moves_a_reminder_later_than_it_was_due():
    reminders = Reminders()
    half_hour = unix(NOW + timedelta(minutes=30))
    assert await snooze_half_an_hour(reminders, row(), NOW) == half_hour
    soon = unix(NOW + timedelta(minutes=10))
    assert await snooze_half_an_hour(reminders, row(next_due_at=soon), NOW) == half_hour
    assert reminders.stored == [(7, half_hour), (7, soon)]


async def test_later_asks_again_a_week_on():
    reminders = Reminders()
    week_on = unix(datetime(2026, 3, 9, 8, 5, tzinfo=UTC))
    assert await postpone_a_week(reminders, row(), NOW) == week_on
    assert reminders.stored == [(7, week_on)]


async def test_a_snooze_comes_back_at_the_choice_unless_the_next_regular_time_is_sooner():
    reminders = Reminders()
    occurrence = unix(NOW.replace(minute=0))
    ten = await snooze(reminders, row(), None, SnoozeChoice.TEN_MINUTES, occurrence, NOW)
    assert ten == Snoozed(unix(NOW + timedelta(minutes=10)))
    # a reminder due again at 10:00 today comes then, before tomorrow's 8:00
    ten_daily = WeeklySchedule(time(10, 0), frozenset(range(7)), "UTC")
    regular = unix(datetime(2026, 3, 2, 10, 0, tzinfo=UTC))
    tomorrow = await snooze(
        reminders, row(ten_daily), None, SnoozeChoice.TOMORROW, occurrence, NOW
    )
    assert tomorrow == Snoozed(regular, sooner=True)
    # an after-done reminder counts from its DMs: the snooze is its next time
    after_done = row(AfterDoneSchedule(2, "UTC"))
    later = await snooze(reminders, after_done, None, SnoozeChoice.TOMORROW, occurrence, NOW)
    assert later == Snoozed(unix(datetime(2026, 3, 3, 8, 0, tzinfo=UTC)))
    assert [due for _, due in reminders.stored] == [ten.until, regular, later.until]


async def test_a_snooze_is_in_the_members_zone_and_answers_what_the_store_found():
    occurrence = unix(NOW.replace(minute=0))
    # 08:05 UTC is 17:05 in Tokyo: this evening there is 19:00, not 19:00 UTC
    evening = await snooze(
        Reminders(), row(), member("Asia/Tokyo"), SnoozeChoice.EVENING, occurrence, NOW
    )
    tokyo_evening = datetime(2026, 3, 2, 19, 0, tzinfo=zone_info("Asia/Tokyo"))
    assert evening == Snoozed(unix(tokyo_evening))
    quiet_from_six = member("Asia/Tokyo", "18:00-07:00")
    nothing = Reminders()
    refused = await snooze(nothing, row(), quiet_from_six, SnoozeChoice.EVENING, occurrence, NOW)
    assert (refused, nothing.stored) == ("no_evening", [])
    gone = await snooze(Reminders(None), row(), None, SnoozeChoice.HOUR, occurrence, NOW)
    assert gone == "gone"
    earlier = unix(NOW + timedelta(minutes=10))
    again = await snooze(
        Reminders((False, earlier)), row(), None, SnoozeChoice.HOUR, occurrence, NOW
    )
    assert again == Snoozed(earlier, again=True)
