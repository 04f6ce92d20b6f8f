"""Quiet hours in members' zones (DST gaps, folds, 30-minute shifts) and holding a reminder."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from bot.scheduling.clock import FakeClock
from bot.scheduling.quiet_hours import Hold, QuietHours, QuietHoursError, plan_delivery, reach
from bot.scheduling.recurrence import (
    EVERY_DAY,
    AfterDoneSchedule,
    EveryNWeeksSchedule,
    Schedule,
    Send,
    Skip,
    WeeklySchedule,
    next_occurrence,
)
from bot.scheduling.schedule_edits import first_due_after_pause, next_due_after_edit, resume_at
from tests.support.timing import TRANSITIONS

MINUTE = timedelta(minutes=1)
HOUR = timedelta(hours=1)
DAY = timedelta(days=1)
LONDON = "Europe/London"
NIGHT = QuietHours(time(22, 0), time(7, 30))


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def local(zone: str, *args: int, fold: int = 0) -> datetime:
    return datetime(*args, tzinfo=ZoneInfo(zone), fold=fold).astimezone(UTC)


def daily(at: time, zone: str = LONDON) -> WeeklySchedule:
    return WeeklySchedule(at, EVERY_DAY, zone)


# --- Windows, plain days ----------------------------------------------------------------------


def test_a_window_across_midnight():
    assert not NIGHT.contains(local(LONDON, 2024, 6, 1, 21, 59), LONDON)
    assert NIGHT.contains(local(LONDON, 2024, 6, 1, 22, 0), LONDON)
    assert NIGHT.contains(local(LONDON, 2024, 6, 2, 3, 0), LONDON)
    assert NIGHT.contains(local(LONDON, 2024, 6, 2, 7, 29), LONDON)
    assert not NIGHT.contains(local(LONDON, 2024, 6, 2, 7, 30), LONDON)  # the end is outside
    assert NIGHT.release(local(LONDON, 2024, 6, 1, 23, 0), LONDON) == local(
        LONDON, 2024, 6, 2, 7, 30
    )
    assert NIGHT.release(local(LONDON, 2024, 6, 2, 1, 0), LONDON) == local(
        LONDON, 2024, 6, 2, 7, 30
    )


def test_a_window_within_one_day():
    lunch = QuietHours(time(12, 0), time(13, 30))
    assert not lunch.crosses_midnight and NIGHT.crosses_midnight
    assert lunch.contains(local(LONDON, 2024, 6, 1, 12, 45), LONDON)
    assert not lunch.contains(local(LONDON, 2024, 6, 1, 23, 0), LONDON)
    assert lunch.release(local(LONDON, 2024, 6, 1, 12, 45), LONDON) == local(
        LONDON, 2024, 6, 1, 13, 30
    )


def test_release_outside_quiet_hours_is_the_instant_itself_in_utc():
    instant = datetime(2024, 6, 1, 21, tzinfo=ZoneInfo("Asia/Tokyo"))  # 13:00 in London
    released = NIGHT.release(instant, LONDON)
    assert released == instant
    assert released.tzinfo is UTC


def test_the_zone_is_the_members():
    # 23:00 in London is quiet; the same instant is 18:00 in New York, which is not.
    instant = local(LONDON, 2024, 6, 1, 23, 0)
    assert NIGHT.contains(instant, LONDON)
    assert not NIGHT.contains(instant, "America/New_York")


def test_quiet_hours_need_two_different_naive_times():
    with pytest.raises(QuietHoursError) as error:
        QuietHours(time(22), time(22))
    assert error.value.keys == ("reminders.quiet_same",)
    with pytest.raises(ValueError):
        QuietHours(time(22, tzinfo=UTC), time(7))
    with pytest.raises(ValueError):
        NIGHT.contains(datetime(2024, 6, 1, 23), LONDON)


def test_stored_form_round_trips():
    assert NIGHT.stored() == "22:00-07:30"
    assert QuietHours.from_stored("22:00-07:30") == NIGHT


# --- Windows across DST -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("zone", "quiet", "inside", "released"),
    [
        # London skips 01:00-02:00 GMT on 2024-03-31: an end at 01:30 is reached at 02:00 BST.
        (LONDON, QuietHours(time(22), time(1, 30)), utc(2024, 3, 31, 0, 45), utc(2024, 3, 31, 1)),
        # New York skips 02:00-03:00 on 2024-03-10: an end at 02:30 is reached at 03:00 EDT.
        (
            "America/New_York",
            QuietHours(time(22), time(2, 30)),
            utc(2024, 3, 10, 6, 50),
            utc(2024, 3, 10, 7),
        ),
        # Lord Howe skips 02:00-02:30 (+10:30 -> +11) on 2024-10-06: 02:15 is reached at 02:30.
        (
            "Australia/Lord_Howe",
            QuietHours(time(22), time(2, 15)),
            utc(2024, 10, 5, 15, 20),
            utc(2024, 10, 5, 15, 30),
        ),
    ],
)
def test_an_end_in_a_spring_forward_gap_is_the_first_instant_after_it(
    zone, quiet, inside, released
):
    assert quiet.contains(inside, zone)
    assert quiet.release(inside, zone) == released
    assert not quiet.contains(released, zone)
    assert quiet.contains(released - timedelta(seconds=1), zone)


@pytest.mark.parametrize(
    ("zone", "quiet", "inside", "first_instance", "second_instance"),
    [
        # London repeats 01:00-02:00 on 2024-10-27 (BST, then GMT).
        (
            LONDON,
            QuietHours(time(23), time(1, 30)),
            utc(2024, 10, 27, 0, 10),
            utc(2024, 10, 27, 0, 30),
            utc(2024, 10, 27, 1, 30),
        ),
        # New York repeats 01:00-02:00 on 2024-11-03 (EDT, then EST).
        (
            "America/New_York",
            QuietHours(time(23), time(1, 30)),
            utc(2024, 11, 3, 5, 10),
            utc(2024, 11, 3, 5, 30),
            utc(2024, 11, 3, 6, 30),
        ),
        # Lord Howe repeats 01:30-02:00 on 2024-04-07 (+11, then +10:30).
        (
            "Australia/Lord_Howe",
            QuietHours(time(23), time(1, 45)),
            utc(2024, 4, 6, 14, 30),
            utc(2024, 4, 6, 14, 45),
            utc(2024, 4, 6, 15, 15),
        ),
    ],
)
def test_an_end_repeated_by_fall_back_is_its_first_instance(
    zone, quiet, inside, first_instance, second_instance
):
    assert quiet.release(inside, zone) == first_instance
    assert not quiet.contains(first_instance, zone)
    # The repeated stretch of clock is not a second window that night.
    between = first_instance + (second_instance - first_instance) / 2
    assert not quiet.contains(between, zone)
    assert not quiet.contains(second_instance - MINUTE, zone)


def test_a_window_the_clock_runs_back_through_is_never_left_and_reentered():
    # Quiet 01:30-03:00 on London's fall-back night: at 02:00 BST the clock goes back to 01:00
    # GMT, which by the wall clock alone would be outside quiet hours for half an hour.
    quiet = QuietHours(time(1, 30), time(3))
    start, end = utc(2024, 10, 27, 0, 30), utc(2024, 10, 27, 3)
    assert not quiet.contains(start - MINUTE, LONDON)
    for minutes in range(0, 150, 5):
        assert quiet.contains(start + minutes * MINUTE, LONDON)
    assert quiet.release(utc(2024, 10, 27, 1, 10), LONDON) == end
    assert not quiet.contains(end, LONDON)


def test_fall_back_across_midnight():
    # Santiago goes from 00:00 -03 back to 23:00 -04 on 2024-04-07 (UTC 03:00).
    zone = "America/Santiago"
    quiet = QuietHours(time(23, 30), time(6))
    assert quiet.contains(utc(2024, 4, 7, 3, 10), zone)  # 23:10 for the second time
    assert quiet.release(utc(2024, 4, 7, 2, 40), zone) == utc(2024, 4, 7, 10)


@pytest.mark.parametrize(
    ("zone", "night", "start", "end", "length"),
    [
        # 22:00-07:30 over London's spring-forward night is 8.5 hours long...
        (LONDON, date(2024, 3, 30), utc(2024, 3, 30, 22), utc(2024, 3, 31, 6, 30), 8.5),
        # ...and 10.5 over the fall-back night.
        (LONDON, date(2024, 10, 26), utc(2024, 10, 26, 21), utc(2024, 10, 27, 7, 30), 10.5),
        ("America/New_York", date(2024, 3, 9), utc(2024, 3, 10, 3), utc(2024, 3, 10, 11, 30), 8.5),
        # Lord Howe's half-hour shift: 9.5 - 0.5 hours.
        (
            "Australia/Lord_Howe",
            date(2024, 10, 5),
            utc(2024, 10, 5, 11, 30),
            utc(2024, 10, 5, 20, 30),
            9,
        ),
    ],
)
def test_a_window_spanning_the_dst_change(zone, night, start, end, length):
    windows = list(NIGHT.windows(datetime.combine(night, time(12), tzinfo=ZoneInfo(zone)), zone))
    assert (start, end) in windows
    assert end - start == timedelta(hours=length)
    assert NIGHT.contains(end - MINUTE, zone)
    assert not NIGHT.contains(end, zone)
    assert NIGHT.release(start, zone) == end


def test_a_window_dst_skips_entirely_holds_nothing():
    # London's clock never shows 01:10-01:40 on 2024-03-31.
    quiet = QuietHours(time(1, 10), time(1, 40))
    assert not any(
        quiet.contains(utc(2024, 3, 30, 23) + minutes * MINUTE, LONDON) for minutes in range(240)
    )


def test_a_start_in_a_gap_is_reached_when_the_clock_jumps():
    quiet = QuietHours(time(1, 15), time(6))
    assert not quiet.contains(utc(2024, 3, 31, 0, 59), LONDON)  # 00:59 GMT
    assert quiet.contains(utc(2024, 3, 31, 1), LONDON)  # 02:00 BST


def test_touching_windows_release_through_both():
    # Samoa skipped 2011-12-30: the night of the 29th ends when the night of the 30th begins.
    zone = "Pacific/Apia"
    quiet = QuietHours(time(23), time(0, 30))
    instant = local(zone, 2011, 12, 29, 23, 30)
    assert quiet.release(instant, zone) == local(zone, 2011, 12, 31, 0, 30)


@pytest.mark.parametrize(
    ("zone", "day", "wall", "expected"),
    [
        (LONDON, date(2024, 6, 1), time(8), utc(2024, 6, 1, 7)),
        (LONDON, date(2024, 3, 31), time(1, 30), utc(2024, 3, 31, 1)),  # in the gap
        (LONDON, date(2024, 10, 27), time(1, 30), utc(2024, 10, 27, 0, 30)),  # first of two
        ("Pacific/Chatham", date(2024, 9, 29), time(3), utc(2024, 9, 28, 14)),  # 02:45 -> 03:45
    ],
)
def test_reach(zone, day, wall, expected):
    assert reach(day, wall, ZoneInfo(zone)) == expected


# --- Properties of release ---------------------------------------------------------------------

QUIET_ZONES = (
    LONDON,
    "America/New_York",
    "Australia/Lord_Howe",
    "America/Santiago",
    "America/Havana",
    "Pacific/Chatham",
    "Antarctica/Troll",
    "UTC",
)
ZONED_TRANSITIONS = [(zone, at) for zone, at in TRANSITIONS if zone in QUIET_ZONES]
minute_times = st.builds(time, st.integers(0, 23), st.integers(0, 59))
quiet_hours = (
    st.tuples(minute_times, minute_times)
    .filter(lambda pair: pair[0] != pair[1])
    .map(lambda pair: QuietHours(*pair))
)
plain_instants = st.datetimes(
    min_value=datetime(2005, 1, 1), max_value=datetime(2035, 12, 31), timezones=st.just(UTC)
)


@st.composite
def zoned_instants(draw):
    """(zone, instant), clustered around real DST transitions, where bugs live."""
    if draw(st.booleans()):
        zone, at = draw(st.sampled_from(ZONED_TRANSITIONS))
        return zone, at + timedelta(seconds=draw(st.integers(-2 * 86400, 2 * 86400)))
    return draw(st.sampled_from(QUIET_ZONES)), draw(plain_instants)


@settings(max_examples=500, deadline=None)
@given(quiet_hours, zoned_instants())
def test_release_is_outside_never_early_and_idempotent(quiet, zone_instant):
    zone, instant = zone_instant
    released = quiet.release(instant, zone)
    assert released >= instant
    assert not quiet.contains(released, zone)
    assert quiet.release(released, zone) == released
    # at most a night and a day: when a night's end and the next night's start fall into one
    # spring-forward gap, the two nights join (see the Chatham case below)
    assert released - instant < 2 * DAY + 2 * HOUR
    if quiet.contains(instant, zone):
        # The first instant outside: everything from `instant` up to it is quiet.
        for fraction in (0.25, 0.5, 0.75):
            assert quiet.contains(instant + (released - instant) * fraction, zone)
        assert quiet.contains(released - timedelta(microseconds=1), zone)
    else:
        assert released == instant


def _wall_clock_quiet(quiet: QuietHours, wall: time) -> bool:
    if quiet.crosses_midnight:
        return wall >= quiet.start or wall < quiet.end
    return quiet.start <= wall < quiet.end


@settings(max_examples=500, deadline=None)
@given(quiet_hours, st.sampled_from(QUIET_ZONES), plain_instants)
def test_away_from_dst_quiet_hours_are_the_wall_clock_range(quiet, zone, instant):
    tz = ZoneInfo(zone)
    offsets = {(instant + hours * HOUR).astimezone(tz).utcoffset() for hours in range(-50, 51)}
    assume(len(offsets) == 1)
    wall = instant.astimezone(tz).time().replace(tzinfo=None)
    assert quiet.contains(instant, zone) == _wall_clock_quiet(quiet, wall)


# --- Holding a due reminder ---------------------------------------------------------------------

SEVEN = daily(time(7))


def test_a_reminder_due_outside_quiet_hours_is_sent_as_before():
    due = local(LONDON, 2024, 6, 3, 8)
    plan = plan_delivery(daily(time(8)), due, due, quiet=NIGHT, zone=LONDON)
    assert plan == Send(due, late=False, next=due + DAY)


def test_a_reminder_due_in_quiet_hours_is_held_until_they_end():
    due = local(LONDON, 2024, 6, 3, 7)
    release = local(LONDON, 2024, 6, 3, 7, 30)
    assert plan_delivery(SEVEN, due, due, quiet=NIGHT, zone=LONDON) == Hold(due, release)
    # At the release the same occurrence is sent, once, marked held; then the schedule resumes.
    plan = plan_delivery(SEVEN, release, release, held=due, quiet=NIGHT, zone=LONDON)
    assert plan == Send(due, late=False, next=due + DAY, held=True)


def test_quiet_hours_decide_by_when_the_dm_would_arrive():
    # Due at 21:50 but the bot was busy or offline until 22:10: a DM then would be in quiet hours.
    due = local(LONDON, 2024, 6, 3, 21, 50)
    now = due + 20 * MINUTE
    plan = plan_delivery(daily(time(21, 50)), due, now, quiet=NIGHT, zone=LONDON)
    assert plan == Hold(due, local(LONDON, 2024, 6, 4, 7, 30))
    # Due at 07:10, sent late at 07:40 when the window has already ended.
    due = local(LONDON, 2024, 6, 3, 7, 10)
    plan = plan_delivery(daily(time(7, 10)), due, due + 30 * MINUTE, quiet=NIGHT, zone=LONDON)
    assert plan == Send(due, late=True, next=due + DAY)


def test_a_hold_still_in_quiet_hours_is_held_again_with_the_same_identity():
    # The member lengthened their quiet hours while a reminder was held.
    due = local(LONDON, 2024, 6, 3, 7)
    longer = QuietHours(time(22), time(9))
    release = local(LONDON, 2024, 6, 3, 7, 30)
    plan = plan_delivery(SEVEN, release, release, held=due, quiet=longer, zone=LONDON)
    assert plan == Hold(due, local(LONDON, 2024, 6, 3, 9))


def test_a_hold_the_bot_was_offline_for_is_sent_late_within_grace_else_dropped():
    due = local(LONDON, 2024, 6, 3, 7)
    release = local(LONDON, 2024, 6, 3, 7, 30)
    plan = plan_delivery(SEVEN, release, release + 40 * MINUTE, held=due, quiet=NIGHT, zone=LONDON)
    assert plan == Send(due, late=True, next=due + DAY, held=True)
    # Back at 13:00: a stretch prompt six hours late is no use; wait for tomorrow's.
    plan = plan_delivery(SEVEN, release, release + 5.5 * HOUR, held=due, quiet=NIGHT, zone=LONDON)
    assert plan == Skip(next=due + DAY)


def test_an_after_done_hold_is_sent_however_late():
    schedule = AfterDoneSchedule(3, LONDON)
    due = local(LONDON, 2024, 6, 3, 2)
    release = local(LONDON, 2024, 6, 3, 7, 30)
    now = release + 10 * HOUR
    plan = plan_delivery(schedule, release, now, held=due, quiet=NIGHT, zone=LONDON)
    assert plan == Send(due, late=True, next=now + 3 * HOUR, held=True)


def test_skips_and_plans_without_quiet_hours_are_untouched():
    due = local(LONDON, 2024, 6, 3, 7)
    assert plan_delivery(SEVEN, due, due + 3 * HOUR, quiet=NIGHT, zone=LONDON) == Skip(due + DAY)
    assert plan_delivery(SEVEN, due, due) == Send(due, late=False, next=due + DAY)


def test_plan_delivery_refuses_what_cannot_be():
    due = local(LONDON, 2024, 6, 3, 7)
    with pytest.raises(ValueError, match="zone"):
        plan_delivery(SEVEN, due, due, quiet=NIGHT)
    with pytest.raises(ValueError, match="future"):
        plan_delivery(SEVEN, due, due, held=due + HOUR)
    with pytest.raises(ValueError, match="not due"):
        plan_delivery(SEVEN, due, due - HOUR)


# --- The dispatcher's use of the plan, simulated ------------------------------------------------


class Dispatcher:
    """One reminder row as the scheduler keeps it (next due, hold), minus SQLite and Discord.

    Time comes from the injected clock; the ledger counts sends per occurrence, as the
    deliveries table keyed by (reminder, due_at) and the nonce do.
    """

    def __init__(
        self,
        schedule: Schedule,
        first_due: datetime,
        clock: FakeClock,
        quiet: QuietHours | None = NIGHT,
        zone: str = LONDON,
    ) -> None:
        self.schedule = schedule
        self.next_due = first_due
        self.held: datetime | None = None
        self.clock = clock
        self.quiet = quiet
        self.zone = zone
        self.holds: list[Hold] = []
        self.sends: list[tuple[datetime, Send]] = []
        self.ledger: Counter[datetime] = Counter()

    def wake(self) -> None:
        now = self.clock.now()
        assert now >= self.next_due
        plan = plan_delivery(
            self.schedule, self.next_due, now, held=self.held, quiet=self.quiet, zone=self.zone
        )
        if isinstance(plan, Hold):
            self.holds.append(plan)
            self.held, self.next_due = plan.occurrence, plan.until
        elif isinstance(plan, Send):
            self.ledger[plan.occurrence] += 1
            self.sends.append((now, plan))
            self.held, self.next_due = None, plan.next
        else:
            self.held, self.next_due = None, plan.next
        assert self.next_due > now

    def run_until(self, end: datetime, offline: tuple[datetime, datetime] | None = None) -> None:
        """Wake at each due time up to `end`; while offline, wake once when back."""
        while self.next_due <= end:
            at = self.next_due
            if offline is not None and offline[0] <= at < offline[1]:
                at = offline[1]
            self.clock.set(max(at, self.clock.now()))
            self.wake()

    def snooze(self, until: datetime) -> None:
        """As the Snooze button does: the next firing moves, the recurrence stays."""
        self.next_due = min(until, self.next_due)

    @property
    def sent_at(self) -> list[datetime]:
        return [at for at, _ in self.sends]


def test_several_occurrences_in_one_window_send_one_held_message():
    # At 23:00 the member snoozes until 23:30, inside quiet hours; the regular 07:00 slot is in
    # the same window. One held DM comes at 07:30, then the schedule goes on from there.
    start = local(LONDON, 2024, 6, 3, 22, 59)
    clock = FakeClock(start)
    row = Dispatcher(SEVEN, local(LONDON, 2024, 6, 4, 7), clock)
    row.snooze(local(LONDON, 2024, 6, 3, 23, 30))
    row.run_until(local(LONDON, 2024, 6, 5, 12))
    release = local(LONDON, 2024, 6, 4, 7, 30)
    assert row.sends == [
        (release, Send(local(LONDON, 2024, 6, 3, 23, 30), False, release + 23.5 * HOUR, True)),
        (release + DAY, Send(local(LONDON, 2024, 6, 5, 7), False, release + 47.5 * HOUR, True)),
    ]


schedules = st.one_of(
    st.builds(
        WeeklySchedule, minute_times, st.frozensets(st.integers(0, 6), min_size=1), st.just(LONDON)
    ),
    st.builds(
        EveryNWeeksSchedule,
        st.integers(1, 3),
        st.integers(0, 6),
        minute_times,
        st.just(LONDON),
        st.dates(min_value=date(2004, 1, 1), max_value=date(2036, 1, 1)),
    ),
    st.builds(AfterDoneSchedule, st.integers(2, 30), st.just(LONDON)),
)


@st.composite
def simulations(draw):
    zone, start = draw(zoned_instants())
    schedule = draw(schedules)
    schedule = type(schedule)(**{**schedule.__dict__, "zone": zone})
    return schedule, start, draw(quiet_hours)


@settings(max_examples=200, deadline=None)
@given(simulations())
def test_each_held_occurrence_is_sent_exactly_once_and_never_in_quiet_hours(simulation):
    schedule, start, quiet = simulation
    zone = schedule.zone
    end = start + 9 * DAY
    clock = FakeClock(start)
    row = Dispatcher(schedule, next_occurrence(schedule, start), clock, quiet=quiet, zone=zone)
    row.run_until(end)
    assert set(row.ledger.values()) <= {1}, "an occurrence was sent twice"
    assert not [at for at in row.sent_at if quiet.contains(at, zone)]
    held_sends = [send.occurrence for _, send in row.sends if send.held]
    assert Counter(held_sends) == Counter(
        hold.occurrence for hold in row.holds if hold.until <= end
    )
    assert len(set(row.sent_at)) == len(row.sent_at), "two DMs in one wake-up"
    previous = next_occurrence(schedule, start)
    for sent_at, send in row.sends:
        if isinstance(schedule, AfterDoneSchedule):
            # Hours after the last DM, or when quiet hours ended if that fell inside them.
            assert sent_at == quiet.release(previous, zone)
            previous = sent_at + timedelta(hours=schedule.hours)
        else:
            # Every slot is sent: on time, or once when the window holding it ends.
            assert send.occurrence == previous
            assert send.held == quiet.contains(previous, zone)
            assert sent_at == quiet.release(previous, zone)
            previous = next_occurrence(schedule, sent_at)


@settings(max_examples=200, deadline=None)
@given(simulations(), st.integers(0, 3 * 86400), st.integers(60, 3 * 86400))
def test_an_outage_never_makes_a_hold_fire_twice(simulation, offline_after, offline_for):
    schedule, start, quiet = simulation
    zone = schedule.zone
    down = start + timedelta(seconds=offline_after)
    offline = (down, down + timedelta(seconds=offline_for))
    clock = FakeClock(start)
    row = Dispatcher(schedule, next_occurrence(schedule, start), clock, quiet=quiet, zone=zone)
    row.run_until(start + 8 * DAY, offline)
    assert set(row.ledger.values()) <= {1}
    assert not [at for at in row.sent_at if quiet.contains(at, zone)]
    assert not [at for at in row.sent_at if offline[0] <= at < offline[1]]
    assert len(set(row.sent_at)) == len(row.sent_at)


# --- The named interactions --------------------------------------------------------------------


def test_an_after_done_reminder_landing_in_quiet_hours():
    # Done at 20:30; three hours later is 23:30, inside 22:00-07:30: held to 07:30, sent once,
    # and the next one is three hours after that DM.
    schedule = AfterDoneSchedule(3, LONDON)
    done = local(LONDON, 2024, 6, 3, 20, 30)
    clock = FakeClock(done)
    row = Dispatcher(schedule, done + 3 * HOUR, clock)
    row.run_until(local(LONDON, 2024, 6, 4, 12))
    release = local(LONDON, 2024, 6, 4, 7, 30)
    assert row.holds == [Hold(done + 3 * HOUR, release)]
    assert row.sends == [
        (release, Send(done + 3 * HOUR, False, release + 3 * HOUR, True)),
        (release + 3 * HOUR, Send(release + 3 * HOUR, False, release + 6 * HOUR)),
    ]


def test_an_after_done_reminder_landing_in_a_quiet_window_across_spring_forward():
    # 8 hours after Done at 22:00 GMT is 07:00 BST, still quiet; the window ends at 07:30 BST.
    schedule = AfterDoneSchedule(8, LONDON)
    done = utc(2024, 3, 30, 22)
    clock = FakeClock(done)
    row = Dispatcher(schedule, done + 8 * HOUR, clock)
    row.run_until(utc(2024, 3, 31, 7))
    assert row.sends == [
        (utc(2024, 3, 31, 6, 30), Send(utc(2024, 3, 31, 6), False, utc(2024, 3, 31, 14, 30), True))
    ]


def test_an_edit_while_a_delivery_is_in_flight():
    # 08:00's DM is claimed and going out when the member moves the reminder to 09:00.
    old = daily(time(8))
    clock = FakeClock(local(LONDON, 2024, 6, 3, 8))
    row = Dispatcher(old, local(LONDON, 2024, 6, 3, 8), clock)
    row.wake()
    (in_flight,) = [send.occurrence for _, send in row.sends]
    clock.set(in_flight + 3 * timedelta(seconds=1))
    new = daily(time(9))
    row.schedule = new
    row.next_due = next_due_after_edit(new, clock.now(), in_flight=in_flight)
    assert row.next_due == local(LONDON, 2024, 6, 3, 9)
    row.run_until(local(LONDON, 2024, 6, 5, 12))
    # The old occurrence keeps its own identity (a resend after a crash reuses its nonce, which
    # Discord drops), and no occurrence of the new schedule shares it.
    assert [send.occurrence for _, send in row.sends] == [
        in_flight,
        local(LONDON, 2024, 6, 3, 9),
        local(LONDON, 2024, 6, 4, 9),
        local(LONDON, 2024, 6, 5, 9),
    ]
    assert set(row.ledger.values()) == {1}


def test_an_edit_to_the_same_time_while_in_flight_does_not_repeat_the_occurrence():
    in_flight = local(LONDON, 2024, 6, 3, 8)
    same = daily(time(8))
    assert next_due_after_edit(same, in_flight, in_flight=in_flight) == in_flight + DAY
    # Even with the clock behind the claim, the next due is after the claimed occurrence.
    assert next_due_after_edit(same, in_flight - HOUR, in_flight=in_flight) == in_flight + DAY


def test_a_pause_that_ends_inside_quiet_hours():
    # Paused at 23:00 for 3 days: it resumes at 23:00 in quiet hours; its next regular slot,
    # 07:00, is held to 07:30 and sent once. Nothing is sent during the pause.
    paused = local(LONDON, 2024, 6, 3, 23)
    resumed = resume_at(paused, 3, LONDON)
    assert resumed == local(LONDON, 2024, 6, 6, 23)
    assert NIGHT.contains(resumed, LONDON)
    clock = FakeClock(paused)
    row = Dispatcher(SEVEN, first_due_after_pause(SEVEN, resumed), clock)
    row.run_until(local(LONDON, 2024, 6, 7, 12))
    assert row.sends == [
        (
            local(LONDON, 2024, 6, 7, 7, 30),
            Send(local(LONDON, 2024, 6, 7, 7), False, local(LONDON, 2024, 6, 8, 7), True),
        )
    ]


def test_an_after_done_pause_that_ends_inside_quiet_hours():
    # The first DM after the pause comes the hours after it ends (01:00), held to 07:30.
    schedule = AfterDoneSchedule(2, LONDON)
    paused = local(LONDON, 2024, 6, 3, 23)
    resumed = resume_at(paused, 1, LONDON)
    clock = FakeClock(paused)
    row = Dispatcher(schedule, first_due_after_pause(schedule, resumed), clock)
    row.run_until(local(LONDON, 2024, 6, 5, 8))
    release = local(LONDON, 2024, 6, 5, 7, 30)
    assert row.sends == [(release, Send(resumed + 2 * HOUR, False, release + 2 * HOUR, True))]


def test_a_night_whose_end_and_next_start_share_a_gap_joins_the_next_night():
    """Chatham skips 02:45-03:45 on 26 September 2010: a 03:01-03:00 window's end (03:00) and the
    next start (03:01) both move to 03:45, so there is no minute outside quiet hours that day."""
    quiet = QuietHours(time(3, 1), time(3, 0))
    instant = datetime(2010, 9, 25, 11, 15, tzinfo=UTC)  # 00:00 on the 26th in Chatham
    released = quiet.release(instant, "Pacific/Chatham")
    assert not quiet.contains(released, "Pacific/Chatham")
    assert released == datetime(2010, 9, 26, 13, 15, tzinfo=UTC)  # 03:00 on the 27th
