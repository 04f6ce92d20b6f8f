"""Recurrence in members' zones (DST gaps and folds, anchored cycles), catch-up, streaks, clocks."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.scheduling.clock import FakeClock, SystemClock
from bot.scheduling.recurrence import (
    EVERY_DAY,
    LATE_AFTER,
    WEEKDAYS,
    WEEKENDS,
    AfterDoneSchedule,
    EveryNDaysSchedule,
    EveryNWeeksSchedule,
    Send,
    Skip,
    WeeklySchedule,
    after_done_due,
    describe,
    first_day_ahead,
    local_date,
    next_occurrence,
    plan_due,
    schedule_from_json,
    schedule_to_json,
)
from tests.support.timing import DST_ZONES, TRANSITIONS

HOUR = timedelta(hours=1)
DAY = timedelta(days=1)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def daily(at: time, zone: str) -> WeeklySchedule:
    return WeeklySchedule(local_time=at, weekdays=EVERY_DAY, zone=zone)


def chain(schedule, after: datetime, count: int) -> list[datetime]:
    found = []
    for _ in range(count):
        after = next_occurrence(schedule, after)
        found.append(after)
    return found


# --- DST: wall-clock times hold, gaps shift forward, folds fire once -------------------------


@pytest.mark.parametrize(
    ("zone", "after", "expected"),
    [
        # Europe/London springs forward 2024-03-31 01:00 GMT -> 02:00 BST.
        ("Europe/London", utc(2024, 3, 30, 12), [utc(2024, 3, 31, 7), utc(2024, 4, 1, 7)]),
        # ...and falls back 2024-10-27 02:00 BST -> 01:00 GMT.
        ("Europe/London", utc(2024, 10, 26, 12), [utc(2024, 10, 27, 8), utc(2024, 10, 28, 8)]),
        ("America/New_York", utc(2024, 3, 9, 0), [utc(2024, 3, 9, 13), utc(2024, 3, 10, 12)]),
        ("America/New_York", utc(2024, 11, 2, 0), [utc(2024, 11, 2, 12), utc(2024, 11, 3, 13)]),
    ],
)
def test_eight_am_stays_eight_am_local_across_dst(zone, after, expected):
    schedule = daily(time(8, 0), zone)
    found = chain(schedule, after, len(expected))
    assert found == expected
    assert {slot.astimezone(ZoneInfo(zone)).time() for slot in found} == {time(8, 0)}


@pytest.mark.parametrize(
    ("zone", "at", "after", "expected"),
    [
        # 02:30 does not exist in New York on 2024-03-10: it fires at 03:30 EDT (07:30 UTC).
        ("America/New_York", time(2, 30), utc(2024, 3, 9, 12), utc(2024, 3, 10, 7, 30)),
        # In London the missing hour is 01:00-02:00, so 01:30 fires at 02:30 BST (01:30 UTC).
        ("Europe/London", time(1, 30), utc(2024, 3, 30, 12), utc(2024, 3, 31, 1, 30)),
        # Lord Howe skips 30 minutes (02:00 -> 02:30): 02:15 fires at 02:45 +11.
        ("Australia/Lord_Howe", time(2, 15), utc(2024, 10, 5), utc(2024, 10, 5, 15, 45)),
        # Chatham skips 02:45 -> 03:45: 03:00 fires at 04:00 +13:45.
        ("Pacific/Chatham", time(3, 0), utc(2024, 9, 28), utc(2024, 9, 28, 14, 15)),
        # Havana springs forward at midnight: 00:30 fires at 01:30 CDT.
        ("America/Havana", time(0, 30), utc(2024, 3, 9, 12), utc(2024, 3, 10, 5, 30)),
    ],
)
def test_time_skipped_by_spring_forward_moves_forward_by_the_gap(zone, at, after, expected):
    first, second = chain(daily(at, zone), after, 2)
    assert first == expected
    # The next day is back to the plain wall time.
    assert second.astimezone(ZoneInfo(zone)).replace(tzinfo=None) == datetime.combine(
        expected.astimezone(ZoneInfo(zone)).date() + DAY, at
    )


def test_gap_just_before_midnight_pushes_the_slot_into_the_next_day():
    # Nuuk springs forward 2024-03-30 23:00 -02 -> 00:00 -01, so Saturday's 23:30 fires at 00:30.
    schedule = daily(time(23, 30), "America/Nuuk")
    slot = utc(2024, 3, 31, 1, 30)
    assert next_occurrence(schedule, utc(2024, 3, 30, 12)) == slot
    # Found even when asked at 00:10 local, when the local date is already Sunday.
    assert next_occurrence(schedule, utc(2024, 3, 31, 1, 10)) == slot
    assert next_occurrence(schedule, slot) == utc(2024, 4, 1, 0, 30)


def test_london_0230_exists_on_the_spring_forward_day():
    assert next_occurrence(daily(time(2, 30), "Europe/London"), utc(2024, 3, 30, 12)) == utc(
        2024, 3, 31, 1, 30
    )


@pytest.mark.parametrize(
    ("zone", "at", "first_instance", "second_instance", "next_day"),
    [
        (
            "America/New_York",
            time(1, 30),
            utc(2024, 11, 3, 5, 30),
            utc(2024, 11, 3, 6, 30),
            utc(2024, 11, 4, 6, 30),
        ),
        (
            "Europe/London",
            time(1, 30),
            utc(2024, 10, 27, 0, 30),
            utc(2024, 10, 27, 1, 30),
            utc(2024, 10, 28, 1, 30),
        ),
        (
            "Australia/Lord_Howe",
            time(1, 45),
            utc(2024, 4, 6, 14, 45),
            utc(2024, 4, 6, 15, 15),
            utc(2024, 4, 7, 15, 15),
        ),
        (
            "Pacific/Chatham",
            time(3, 0),
            utc(2024, 4, 6, 13, 15),
            utc(2024, 4, 6, 14, 15),
            utc(2024, 4, 7, 14, 15),
        ),
    ],
)
def test_time_repeated_by_fall_back_fires_once_at_first_instance(
    zone, at, first_instance, second_instance, next_day
):
    schedule = daily(at, zone)
    assert next_occurrence(schedule, first_instance - 12 * HOUR) == first_instance
    assert next_occurrence(schedule, first_instance) == next_day
    # Even from between the two instances, the repeat is not a new occurrence.
    assert next_occurrence(schedule, first_instance + (second_instance - first_instance) / 2) == (
        next_day
    )
    assert next_occurrence(schedule, second_instance - timedelta(microseconds=1)) == next_day


# --- Weekday sets and anchored cycles ---------------------------------------------------------


def test_weekday_set_picks_the_next_listed_day():
    schedule = WeeklySchedule(time(9, 0), frozenset({0, 2, 4}), "UTC")
    # 2024-05-06 is a Monday.
    assert chain(schedule, utc(2024, 5, 6, 9), 4) == [
        utc(2024, 5, 8, 9),
        utc(2024, 5, 10, 9),
        utc(2024, 5, 13, 9),
        utc(2024, 5, 15, 9),
    ]


def test_weekdays_and_weekends():
    monday = utc(2024, 5, 6)
    weekdays = chain(WeeklySchedule(time(8), WEEKDAYS, "UTC"), monday, 10)
    weekends = chain(WeeklySchedule(time(8), WEEKENDS, "UTC"), monday, 4)
    assert [slot.weekday() for slot in weekdays] == [0, 1, 2, 3, 4] * 2
    assert [slot.date() for slot in weekends] == [
        date(2024, 5, 11),
        date(2024, 5, 12),
        date(2024, 5, 18),
        date(2024, 5, 19),
    ]


def test_next_occurrence_is_strictly_after():
    schedule = daily(time(8), "Europe/London")
    slot = utc(2024, 6, 1, 7)
    assert next_occurrence(schedule, slot) == slot + DAY
    assert next_occurrence(schedule, slot - timedelta(microseconds=1)) == slot


def test_weekday_is_that_of_the_members_zone_not_utc():
    # Monday 08:00 in Auckland is Sunday evening in UTC.
    schedule = WeeklySchedule(time(8), frozenset({0}), "Pacific/Auckland")
    slot = next_occurrence(schedule, utc(2024, 5, 1))
    assert slot == utc(2024, 5, 5, 20)
    assert slot.astimezone(ZoneInfo("Pacific/Auckland")).weekday() == 0


def test_result_is_utc_even_for_a_non_utc_after():
    after = datetime(2024, 5, 6, 12, tzinfo=ZoneInfo("Asia/Tokyo"))  # 04:00 in London
    slot = next_occurrence(daily(time(8), "Europe/London"), after)
    assert slot.tzinfo is UTC
    assert slot == utc(2024, 5, 6, 7)


def test_every_two_weeks_skips_the_off_week():
    # Anchored on Tuesday 2024-01-02 in Toronto.
    schedule = EveryNWeeksSchedule(2, 1, time(18, 30), "America/Toronto", date(2024, 1, 2))
    slots = chain(schedule, utc(2024, 1, 1), 3)
    toronto = ZoneInfo("America/Toronto")
    assert [slot.astimezone(toronto).date() for slot in slots] == [
        date(2024, 1, 2),
        date(2024, 1, 16),
        date(2024, 1, 30),
    ]
    assert next_occurrence(schedule, slots[0]) == slots[1]


def test_every_n_weeks_never_fires_before_its_anchor_week():
    schedule = EveryNWeeksSchedule(3, 0, time(7), "UTC", date(2024, 1, 3))
    # Monday of the anchor week is the first occurrence, even from years earlier.
    assert next_occurrence(schedule, utc(2020, 1, 1)) == utc(2024, 1, 1, 7)
    assert next_occurrence(schedule, utc(2024, 1, 1, 7)) == utc(2024, 1, 22, 7)


def test_every_two_weeks_across_a_53_week_iso_year():
    # 2020 has an ISO week 53, so "even ISO week" logic would drift here.
    schedule = EveryNWeeksSchedule(2, 0, time(10), "UTC", date(2020, 12, 21))
    assert [slot.date() for slot in chain(schedule, utc(2020, 12, 1), 3)] == [
        date(2020, 12, 21),
        date(2021, 1, 4),
        date(2021, 1, 18),
    ]


def test_every_two_weeks_across_a_leap_year_keeps_a_14_day_cycle():
    schedule = EveryNWeeksSchedule(2, 3, time(8), "Europe/London", date(2023, 12, 7))
    london = ZoneInfo("Europe/London")
    days = [slot.astimezone(london).date() for slot in chain(schedule, utc(2023, 12, 1), 40)]
    assert days[0] == date(2023, 12, 7)
    assert all(later - earlier == timedelta(days=14) for earlier, later in pairwise(days))
    assert date(2024, 2, 29) in days  # a Thursday in the cycle


def test_daily_schedule_fires_on_leap_day():
    schedule = daily(time(8), "America/New_York")
    assert next_occurrence(schedule, utc(2024, 2, 28, 13)) == utc(2024, 2, 29, 13)
    assert next_occurrence(schedule, utc(2023, 2, 28, 13)) == utc(2023, 3, 1, 13)


def test_weekly_thursday_lands_on_leap_day():
    schedule = WeeklySchedule(time(8), frozenset({3}), "UTC")
    assert next_occurrence(schedule, utc(2024, 2, 23)) == utc(2024, 2, 29, 8)


def test_date_line_skip_fires_once():
    # Samoa skipped 2011-12-30 entirely; that day's slot lands on the 31st, once.
    schedule = daily(time(8), "Pacific/Apia")
    apia = ZoneInfo("Pacific/Apia")
    slots = chain(schedule, utc(2011, 12, 28, 19), 4)  # 09:00 on the 28th, local
    local_days = [slot.astimezone(apia).date() for slot in slots]
    assert local_days == [
        date(2011, 12, 29),
        date(2011, 12, 31),
        date(2012, 1, 1),
        date(2012, 1, 2),
    ]


# --- Validation -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "build",
    [
        lambda: WeeklySchedule(time(8), frozenset(), "UTC"),
        lambda: WeeklySchedule(time(8), frozenset({7}), "UTC"),
        lambda: WeeklySchedule(time(8), frozenset({0}), "Mars/Olympus_Mons"),
        lambda: WeeklySchedule(time(8), frozenset({0}), ""),
        lambda: WeeklySchedule(time(8), frozenset({0}), "../../etc/passwd"),
        lambda: WeeklySchedule(time(8, tzinfo=UTC), frozenset({0}), "UTC"),
        lambda: EveryNWeeksSchedule(0, 0, time(8), "UTC", date(2024, 1, 1)),
        lambda: EveryNWeeksSchedule(13, 0, time(8), "UTC", date(2024, 1, 1)),
        lambda: EveryNWeeksSchedule(2, 7, time(8), "UTC", date(2024, 1, 1)),
        lambda: EveryNWeeksSchedule(2, -1, time(8), "UTC", date(2024, 1, 1)),
        lambda: AfterDoneSchedule(1, "UTC"),
        lambda: AfterDoneSchedule(169, "UTC"),
        lambda: AfterDoneSchedule(2.5, "UTC"),
        lambda: AfterDoneSchedule(3, "Not/A_Zone"),
    ],
)
def test_invalid_schedules_are_refused(build):
    with pytest.raises(ValueError):
        build()


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError):
        next_occurrence(daily(time(8), "UTC"), datetime(2024, 1, 1))
    with pytest.raises(ValueError):
        local_date(datetime(2024, 1, 1), "UTC")


# --- Properties -------------------------------------------------------------------------------


minute_times = st.builds(time, st.integers(0, 23), st.integers(0, 59))
any_instant = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2037, 12, 31), timezones=st.just(UTC)
)


@st.composite
def near_transitions(draw):
    """(zone, after, local time) clustered around real DST transitions, where bugs live."""
    zone, instant = draw(st.sampled_from(TRANSITIONS))
    after = instant + timedelta(minutes=draw(st.integers(-3 * 1440, 3 * 1440)))
    before_wall = (instant - timedelta(minutes=1)).astimezone(ZoneInfo(zone))
    near = (datetime.combine(date(2000, 1, 1), before_wall.time())) + timedelta(
        minutes=draw(st.integers(-90, 90))
    )
    at = draw(st.one_of(minute_times, st.just(near.time().replace(second=0, microsecond=0))))
    return zone, after, at


schedules_and_afters = st.one_of(
    near_transitions(),
    st.tuples(st.sampled_from((*DST_ZONES, "UTC", "Asia/Kolkata")), any_instant, minute_times),
)


def _exists(wall: datetime, tz: ZoneInfo) -> bool:
    return wall.replace(tzinfo=tz).astimezone(UTC).astimezone(tz).replace(tzinfo=None) == wall


def _fires_on(schedule, day: date) -> bool:
    """Independent statement of which local dates a schedule covers."""
    if isinstance(schedule, WeeklySchedule):
        return day.weekday() in schedule.weekdays
    if isinstance(schedule, EveryNDaysSchedule):
        return day >= schedule.start and (day - schedule.start).days % schedule.days == 0
    week_zero = schedule.anchor - timedelta(days=schedule.anchor.weekday())
    weeks = (day - week_zero).days // 7
    return day.weekday() == schedule.weekday and weeks >= 0 and weeks % schedule.weeks == 0


def _check_is_a_slot(schedule, slot: datetime) -> None:
    """`slot` is the schedule's wall time on a covered date, or that time pushed over a gap."""
    tz = ZoneInfo(schedule.zone)
    local = slot.astimezone(tz)
    assert local.fold == 0, "the second instance of a repeated time must never fire"
    wall = local.replace(tzinfo=None)
    for day in (local.date(), local.date() - DAY):
        intended = datetime.combine(day, schedule.local_time)
        if not _fires_on(schedule, day):
            continue
        if wall == intended:
            return
        if not _exists(intended, tz) and timedelta(0) < wall - intended <= DAY:
            return
    raise AssertionError(f"{slot} ({wall} local) is not a slot of {schedule}")


def _check_nothing_skipped(schedule, after: datetime, slot: datetime) -> None:
    tz = ZoneInfo(schedule.zone)
    day = after.astimezone(tz).date() - 2 * DAY
    while day <= slot.astimezone(tz).date():
        if _fires_on(schedule, day):
            candidate = datetime.combine(day, schedule.local_time, tzinfo=tz).astimezone(UTC)
            assert not after < candidate < slot, f"skipped {candidate}"
        day += DAY


@settings(max_examples=300, deadline=None)
@given(schedules_and_afters, st.frozensets(st.integers(0, 6), min_size=1))
def test_weekly_next_occurrence_properties(zone_after_time, weekdays):
    zone, after, at = zone_after_time
    schedule = WeeklySchedule(at, weekdays, zone)
    slot = next_occurrence(schedule, after)
    assert slot > after
    assert slot.tzinfo is UTC
    assert slot - after <= 8 * DAY
    _check_is_a_slot(schedule, slot)
    _check_nothing_skipped(schedule, after, slot)


@settings(max_examples=300, deadline=None)
@given(
    schedules_and_afters,
    st.integers(1, 12),
    st.integers(0, 6),
    st.dates(min_value=date(2005, 1, 1), max_value=date(2030, 1, 1)),
)
def test_every_n_weeks_next_occurrence_properties(zone_after_time, weeks, weekday, anchor):
    zone, after, at = zone_after_time
    schedule = EveryNWeeksSchedule(weeks, weekday, at, zone, anchor)
    slot = next_occurrence(schedule, after)
    assert slot > after
    _check_is_a_slot(schedule, slot)
    _check_nothing_skipped(schedule, after, slot)


@settings(max_examples=300, deadline=None)
@given(
    schedules_and_afters,
    st.integers(2, 14),
    st.dates(min_value=date(2005, 1, 1), max_value=date(2030, 1, 1)),
)
def test_every_n_days_next_occurrence_properties(zone_after_time, days, start):
    zone, after, at = zone_after_time
    schedule = EveryNDaysSchedule(days, at, zone, start)
    slot = next_occurrence(schedule, after)
    assert slot > after
    assert slot.tzinfo is UTC
    _check_is_a_slot(schedule, slot)
    _check_nothing_skipped(schedule, after, slot)
    first = datetime.combine(start, at, tzinfo=ZoneInfo(zone)).astimezone(UTC)
    assert slot >= first - 2 * HOUR  # never before the start day (a gap may move it on)
    if after >= first:
        assert slot - after <= days * DAY + 3 * HOUR  # one interval, give or take DST


@settings(max_examples=200, deadline=None)
@given(schedules_and_afters, st.integers(2, 14), st.integers(-400, 400))
def test_every_n_days_keeps_its_rhythm_on_the_members_calendar(zone_after_time, days, shift):
    zone, after, at = zone_after_time
    start = after.astimezone(ZoneInfo(zone)).date() + timedelta(days=shift)
    schedule = EveryNDaysSchedule(days, at, zone, start)
    slots = chain(schedule, after, 4)
    intended = [_intended_day(schedule, slot) for slot in slots]
    assert all((day - start).days % days == 0 and day >= start for day in intended)
    assert [(b - a).days for a, b in pairwise(intended)] == [days] * 3


def _intended_day(schedule, slot: datetime) -> date:
    """The local date whose wall time `slot` is (the day before, if a gap pushed it over)."""
    local = slot.astimezone(ZoneInfo(schedule.zone))
    if local.time() >= schedule.local_time or not _fires_on(schedule, local.date() - DAY):
        return local.date()
    return local.date() - DAY


def test_every_two_days_holds_eight_oclock_across_the_clocks_going_forward():
    schedule = EveryNDaysSchedule(2, time(8), "Europe/London", date(2026, 3, 26))
    assert chain(schedule, utc(2026, 3, 20), 4) == [
        utc(2026, 3, 26, 8),
        utc(2026, 3, 28, 8),
        utc(2026, 3, 30, 7),  # 08:00 summer time
        utc(2026, 4, 1, 7),
    ]
    assert schedule_from_json(schedule_to_json(schedule)) == schedule
    assert describe(schedule) == "Every 2 days at 08:00 (Europe/London)"


@pytest.mark.parametrize("days", [0, 1, 15, 30])
def test_every_n_days_runs_from_2_to_14(days):
    with pytest.raises(ValueError, match="2 to 14"):
        EveryNDaysSchedule(days, time(8), "UTC", date(2026, 3, 2))


def test_an_every_n_days_reminder_starts_on_the_first_day_its_time_is_ahead():
    assert first_day_ahead(time(8), "Europe/London", utc(2026, 3, 2, 7, 59)) == date(2026, 3, 2)
    assert first_day_ahead(time(8), "Europe/London", utc(2026, 3, 2, 8)) == date(2026, 3, 3)
    # 23:30 UTC on Monday is already Tuesday 08:30 in Tokyo
    assert first_day_ahead(time(8), "Asia/Tokyo", utc(2026, 3, 2, 23, 30)) == date(2026, 3, 4)


@settings(max_examples=300, deadline=None)
@given(schedules_and_afters)
def test_daily_slots_are_about_a_day_apart(zone_after_time):
    zone, after, at = zone_after_time
    first, second, third = chain(daily(at, zone), after, 3)
    # 24 h give or take a DST shift (at most 2 h, Troll) plus a gap push.
    # (Local dates can repeat: a gap just before midnight pushes one slot into the next day.)
    assert 21 * HOUR <= second - first <= 27 * HOUR
    assert 21 * HOUR <= third - second <= 27 * HOUR


# --- Catch-up after downtime ------------------------------------------------------------------

EIGHT_DAILY = daily(time(8), "UTC")


def test_on_time_send_is_not_late():
    slot = utc(2024, 5, 6, 8)
    assert plan_due(slot, slot, EIGHT_DAILY) == Send(slot, late=False, next=slot + DAY)
    assert plan_due(slot, slot + LATE_AFTER, EIGHT_DAILY).late is False
    assert plan_due(slot, slot + LATE_AFTER + timedelta(seconds=1), EIGHT_DAILY).late is True


def test_within_grace_sends_once_marked_late():
    slot = utc(2024, 5, 6, 8)
    plan = plan_due(slot, slot + 40 * timedelta(minutes=1), EIGHT_DAILY)
    assert plan == Send(slot, late=True, next=slot + DAY)
    assert plan_due(slot, slot + HOUR, EIGHT_DAILY) == Send(slot, late=True, next=slot + DAY)


def test_beyond_grace_skips_to_the_next_future_slot():
    slot = utc(2024, 5, 6, 8)
    now = slot + HOUR + timedelta(seconds=1)
    assert plan_due(slot, now, EIGHT_DAILY) == Skip(next=slot + DAY)
    assert plan_due(slot, now, EIGHT_DAILY, grace=2 * HOUR) == Send(slot, True, slot + DAY)


def test_long_outage_sends_only_the_latest_slot_if_still_fresh():
    stored = utc(2024, 5, 1, 8)
    now = utc(2024, 5, 6, 8, 20)
    assert plan_due(stored, now, EIGHT_DAILY) == Send(utc(2024, 5, 6, 8), True, utc(2024, 5, 7, 8))
    assert plan_due(stored, utc(2024, 5, 6, 10), EIGHT_DAILY) == Skip(next=utc(2024, 5, 7, 8))


def test_plan_refuses_a_slot_that_is_not_due():
    with pytest.raises(ValueError):
        plan_due(utc(2024, 5, 6, 8), utc(2024, 5, 6, 7), EIGHT_DAILY)


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from((*DST_ZONES, "UTC")),
    minute_times,
    st.frozensets(st.integers(0, 6), min_size=1),
    any_instant,
    st.one_of(st.integers(0, 3600), st.integers(0, 30 * 86400), st.integers(3590, 3610)).map(
        lambda seconds: timedelta(seconds=seconds)
    ),
)
def test_catch_up_never_floods(zone, at, weekdays, start, downtime):
    """Simulate a scheduler that stores plan.next: one catch-up sends at most once."""
    schedule = WeeklySchedule(at, weekdays, zone)
    stored = next_occurrence(schedule, start)
    now = stored + downtime
    sends = []
    while stored <= now:
        plan = plan_due(stored, now, schedule)
        assert plan.next > now
        assert plan.next == next_occurrence(schedule, now)
        if isinstance(plan, Send):
            sends.append(plan)
            assert timedelta(0) <= now - plan.occurrence <= HOUR
            assert plan.late == (now - plan.occurrence > LATE_AFTER)
        stored = plan.next
    assert len(sends) <= 1
    if downtime <= HOUR:
        assert [send.occurrence for send in sends] == [now - downtime]
    if not sends:
        # Skipping is only allowed when no slot at all falls inside the grace window.
        assert next_occurrence(schedule, now - HOUR - timedelta(microseconds=1)) > now


# --- After-done schedules --------------------------------------------------------------------

THREE_HOURS = AfterDoneSchedule(3, "Europe/London")


def test_after_done_waits_from_the_later_of_done_and_the_last_dm():
    created = utc(2024, 5, 6, 8)
    sent = utc(2024, 5, 6, 11)
    due = after_done_due
    assert due(THREE_HOURS, last_done_at=None, last_sent_at=None, active_since=created) == (
        created + 3 * HOUR
    )
    # No Done since the DM: the next one is the DM plus the hours.
    assert due(THREE_HOURS, last_done_at=None, last_sent_at=sent, active_since=created) == (
        sent + 3 * HOUR
    )
    assert (
        due(THREE_HOURS, last_done_at=sent - HOUR, last_sent_at=sent, active_since=created)
        == sent + 3 * HOUR
    )
    # Done after the DM moves the next one to Done plus the hours.
    done = sent + 40 * timedelta(minutes=1)
    assert due(THREE_HOURS, last_done_at=done, last_sent_at=sent, active_since=created) == (
        done + 3 * HOUR
    )
    # Stretching before the reminder existed does not make it due sooner than its first wait.
    assert due(
        THREE_HOURS, last_done_at=created - HOUR, last_sent_at=None, active_since=created
    ) == (created + 3 * HOUR)


def test_after_done_hours_are_elapsed_hours_across_dst():
    # London springs forward at 01:00 UTC on 2024-03-31: 8 hours after 22:00 GMT is 07:00 BST.
    done = utc(2024, 3, 30, 22)
    due = after_done_due(
        AfterDoneSchedule(8, "Europe/London"),
        last_done_at=done,
        last_sent_at=None,
        active_since=done - DAY,
    )
    assert due == utc(2024, 3, 31, 6)
    assert due - done == 8 * HOUR
    assert due.tzinfo is UTC


@settings(max_examples=300, deadline=None)
@given(
    st.integers(2, 168),
    st.sampled_from(DST_ZONES),
    any_instant,
    st.one_of(st.none(), st.integers(-30 * 86400, 30 * 86400)),
    st.one_of(st.none(), st.integers(-30 * 86400, 30 * 86400)),
)
def test_after_done_next_due_is_always_after_every_event(hours, zone, since, done, sent):
    schedule = AfterDoneSchedule(hours, zone)
    done_at = None if done is None else since + timedelta(seconds=done)
    sent_at = None if sent is None else since + timedelta(seconds=sent)
    # Given in the member's zone, where adding to a datetime would add wall-clock hours.
    tz = ZoneInfo(zone)
    since, done_at, sent_at = (
        None if at is None else at.astimezone(tz) for at in (since, done_at, sent_at)
    )
    due = after_done_due(schedule, last_done_at=done_at, last_sent_at=sent_at, active_since=since)
    events = [at for at in (since, done_at, sent_at) if at is not None]
    assert all(due > event for event in events)
    assert due - max(events) == timedelta(hours=hours)


def test_after_done_next_occurrence_is_the_wait_after_the_instant():
    after = datetime(2024, 3, 30, 23, tzinfo=ZoneInfo("Europe/London"))
    assert next_occurrence(THREE_HOURS, after) == utc(2024, 3, 31, 2)
    assert next_occurrence(THREE_HOURS, after).tzinfo is UTC


def test_after_done_catch_up_sends_once_however_long_the_outage():
    due = utc(2024, 5, 6, 8)
    assert plan_due(due, due, THREE_HOURS) == Send(due, late=False, next=due + 3 * HOUR)
    # Never stale: after three days offline it is sent once, late, and the next one waits
    # the hours from this DM.
    now = due + 3 * DAY
    assert plan_due(due, now, THREE_HOURS) == Send(due, late=True, next=now + 3 * HOUR)


@settings(max_examples=200, deadline=None)
@given(
    st.integers(2, 168),
    any_instant,
    st.integers(0, 30 * 86400).map(lambda seconds: timedelta(seconds=seconds)),
)
def test_after_done_catch_up_never_floods(hours, start, downtime):
    schedule = AfterDoneSchedule(hours, "UTC")
    stored, now = start, start + downtime
    sends = 0
    while stored <= now:
        plan = plan_due(stored, now, schedule)
        assert isinstance(plan, Send)
        sends += 1
        stored = plan.next
    assert sends == 1
    assert stored == now + timedelta(hours=hours)


def test_the_english_describe_leaves_after_done_to_the_texts():
    with pytest.raises(TypeError, match="describe_text"):
        describe(THREE_HOURS)


# --- Description ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("schedule", "text"),
    [
        (daily(time(7, 5), "UTC"), "Every day at 07:05 (UTC)"),
        (
            WeeklySchedule(time(8), WEEKDAYS, "Europe/London"),
            "Every weekday at 08:00 (Europe/London)",
        ),
        (WeeklySchedule(time(10), WEEKENDS, "UTC"), "Every Saturday and Sunday at 10:00 (UTC)"),
        (WeeklySchedule(time(21), frozenset({6}), "UTC"), "Every Sunday at 21:00 (UTC)"),
        (
            WeeklySchedule(time(9, 30), frozenset({4, 0, 2}), "Asia/Kolkata"),
            "Every Monday, Wednesday and Friday at 09:30 (Asia/Kolkata)",
        ),
        (
            EveryNWeeksSchedule(2, 1, time(18, 30), "America/Toronto", date(2024, 1, 2)),
            "Every 2 weeks on Tuesday at 18:30 (America/Toronto)",
        ),
        (
            EveryNWeeksSchedule(1, 4, time(18, 30), "UTC", date(2024, 1, 2)),
            "Every Friday at 18:30 (UTC)",
        ),
    ],
)
def test_describe(schedule, text):
    assert describe(schedule) == text


# --- Storage ---------------------------------------------------------------------------------


@given(
    st.one_of(
        st.builds(
            WeeklySchedule,
            minute_times,
            st.frozensets(st.integers(0, 6), min_size=1),
            st.sampled_from(DST_ZONES),
        ),
        st.builds(
            EveryNWeeksSchedule,
            st.integers(1, 12),
            st.integers(0, 6),
            minute_times,
            st.sampled_from(DST_ZONES),
            st.dates(),
        ),
        st.builds(AfterDoneSchedule, st.integers(2, 168), st.sampled_from(DST_ZONES)),
    )
)
def test_schedule_json_round_trips(schedule):
    assert schedule_from_json(schedule_to_json(schedule)) == schedule


def test_after_done_is_stored_with_its_type():
    text = schedule_to_json(AfterDoneSchedule(3, "Europe/London"))
    assert text == '{"hours": 3, "type": "after_done", "zone": "Europe/London"}'
    with pytest.raises(ValueError):
        schedule_from_json('{"hours": 200, "type": "after_done", "zone": "UTC"}')


# --- Local days -------------------------------------------------------------------

def test_local_date_is_the_members_calendar_day():
    instant = utc(2024, 3, 31, 23, 30)
    assert local_date(instant, "Europe/London") == date(2024, 4, 1)  # 00:30 BST
    assert local_date(instant, "America/Los_Angeles") == date(2024, 3, 31)
    assert local_date(utc(2024, 1, 1, 10, 30), "Pacific/Kiritimati") == date(2024, 1, 2)
    with pytest.raises(ValueError):
        local_date(instant, "Not/A_Zone")


# --- Clocks -----------------------------------------------------------------------------------

T0 = utc(2024, 5, 6, 8)


async def settle() -> None:
    """Let ready tasks run without letting any real time pass."""
    for _ in range(20):
        await asyncio.sleep(0)


def test_fake_clock_moves_only_when_told():
    clock = FakeClock(datetime(2024, 5, 6, 10, tzinfo=ZoneInfo("Europe/Paris")))
    assert clock.now() == T0
    assert clock.now().tzinfo is UTC
    clock.advance(timedelta(minutes=5))
    assert clock.now() == T0 + timedelta(minutes=5)
    clock.set(T0 - DAY)
    assert clock.now() == T0 - DAY
    with pytest.raises(ValueError):
        FakeClock(datetime(2024, 1, 1))
    with pytest.raises(ValueError):
        clock.set(datetime(2024, 1, 1))


async def test_fake_clock_sleeper_wakes_when_time_passes_its_due_time():
    clock = FakeClock(T0)
    sleeper = asyncio.create_task(clock.sleep_until(T0 + HOUR, asyncio.Event()))
    await settle()
    assert not sleeper.done()
    clock.advance(30 * timedelta(minutes=1))
    await settle()
    assert not sleeper.done()
    clock.advance(31 * timedelta(minutes=1))
    await settle()
    assert sleeper.done()
    await sleeper
    assert asyncio.all_tasks() == {asyncio.current_task()}  # no helper task left behind


async def test_fake_clock_set_wakes_only_sleepers_it_makes_due():
    clock = FakeClock(T0)
    early = asyncio.create_task(clock.sleep_until(T0 + HOUR, asyncio.Event()))
    late = asyncio.create_task(clock.sleep_until(T0 + DAY, asyncio.Event()))
    await settle()
    clock.set(T0 + 2 * HOUR)
    await settle()
    assert early.done()
    assert not late.done()
    clock.set(T0 + DAY)
    await settle()
    assert late.done()


async def test_fake_clock_sleeper_wakes_on_event():
    clock = FakeClock(T0)
    wake = asyncio.Event()
    sleeper = asyncio.create_task(clock.sleep_until(T0 + DAY, wake))
    await settle()
    assert not sleeper.done()
    wake.set()
    await settle()
    assert sleeper.done()
    assert clock.now() == T0
    assert wake.is_set()  # the caller owns the event


async def test_fake_clock_returns_at_once_when_already_due_or_woken():
    clock = FakeClock(T0)
    await asyncio.wait_for(clock.sleep_until(T0, asyncio.Event()), timeout=1)
    woken = asyncio.Event()
    woken.set()
    await asyncio.wait_for(clock.sleep_until(T0 + DAY, woken), timeout=1)


async def test_cancelled_fake_sleeper_leaves_no_tasks_behind():
    clock = FakeClock(T0)
    sleeper = asyncio.create_task(clock.sleep_until(T0 + DAY, asyncio.Event()))
    await settle()
    sleeper.cancel()
    with pytest.raises(asyncio.CancelledError):
        await sleeper
    await settle()
    assert asyncio.all_tasks() == {asyncio.current_task()}


async def test_system_clock_is_utc_and_returns_at_once_for_a_past_time():
    clock = SystemClock()
    now = clock.now()
    assert now.tzinfo is UTC
    await asyncio.wait_for(clock.sleep_until(now - HOUR, asyncio.Event()), timeout=1)


async def test_system_clock_sleeper_wakes_on_event():
    clock = SystemClock()
    wake = asyncio.Event()
    asyncio.get_running_loop().call_soon(wake.set)
    await asyncio.wait_for(clock.sleep_until(clock.now() + DAY, wake), timeout=1)
    assert wake.is_set()
