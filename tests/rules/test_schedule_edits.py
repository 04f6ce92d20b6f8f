"""Editing reminders in place, timed pauses, and the words for every kind of schedule."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.content.messages import Messages
from bot.core.settings import DEFAULT_DATA_DIR
from bot.scheduling.recurrence import (
    EVERY_DAY,
    WEEKDAYS,
    AfterDoneSchedule,
    EveryNDaysSchedule,
    EveryNWeeksSchedule,
    WeeklySchedule,
    describe,
    next_occurrence,
)
from bot.scheduling.schedule_edits import (
    EDIT_OPTIONS,
    Changes,
    EditError,
    PauseError,
    apply_edit,
    edit_kind,
    first_due_after_pause,
    next_due_after_edit,
    resume_at,
)
from bot.scheduling.schedule_text import DAY_KEYS, HELD_KEY, describe_in, describe_text
from tests.support.timing import DST_ZONES, TRANSITIONS

MESSAGES = Messages.load(DEFAULT_DATA_DIR)
HOUR = timedelta(hours=1)
DAY = timedelta(days=1)
LONDON = "Europe/London"

STRETCH = WeeklySchedule(time(8), WEEKDAYS, LONDON)
MASSAGE = EveryNWeeksSchedule(2, 1, time(18, 30), LONDON, date(2024, 1, 2))
AFTER_DONE = AfterDoneSchedule(3, LONDON)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def local(zone: str, *args: int) -> datetime:
    return datetime(*args, tzinfo=ZoneInfo(zone)).astimezone(UTC)


# --- Which options fit ----------------------------------------------------------------------


def test_each_stored_reminder_has_its_edit_kind():
    assert edit_kind("stretch", STRETCH) == "stretch"
    assert edit_kind("stretch", AFTER_DONE) == "after_done"
    assert edit_kind("massage", MASSAGE) == "massage"
    with pytest.raises(ValueError):
        edit_kind("stretch_break", STRETCH)
    with pytest.raises(ValueError):
        edit_kind("massage", STRETCH)


@pytest.mark.parametrize(
    ("kind", "schedule", "changes", "misfits"),
    [
        ("stretch", STRETCH, Changes(every_weeks=3), ("every_weeks",)),
        ("stretch", STRETCH, Changes(time=time(9), link="https://example.org"), ("link",)),
        ("stretch", STRETCH, Changes(hours=4), ("hours",)),
        ("massage", MASSAGE, Changes(days=EVERY_DAY, note="hi"), ("days", "note")),
        ("stretch", AFTER_DONE, Changes(time=time(9), weekday=2), ("time", "weekday")),
    ],
)
def test_an_option_that_does_not_fit_fails_the_whole_edit_and_names_what_fits(
    kind, schedule, changes, misfits
):
    with pytest.raises(EditError) as error:
        apply_edit(kind, schedule, changes)
    fits = EDIT_OPTIONS[edit_kind(kind, schedule)]
    assert error.value.misfits == misfits
    assert error.value.fits == fits
    text = error.value.render(MESSAGES)
    assert all(f"`{option}`" in text for option in (*misfits, *fits))
    assert ("don't fit" if len(misfits) > 1 else "doesn't fit") in text


def test_the_misfit_message_reads_well():
    with pytest.raises(EditError) as error:
        apply_edit("stretch", STRETCH, Changes(every_weeks=3))
    assert error.value.render(MESSAGES) == (
        "`every_weeks` doesn't fit a stretch reminder on set days. For this one you can change"
        " `time`, `days`, `start`, `timezone`, `note`."
    )


def test_the_options_per_kind_are_the_issues():
    assert EDIT_OPTIONS == {
        "stretch": ("time", "days", "start", "timezone", "note"),
        "massage": ("every_weeks", "weekday", "time", "timezone", "link"),
        "after_done": ("hours", "note", "timezone"),
        "once": ("when", "note", "timezone"),
        "appointment": ("when", "timezone"),
    }
    assert set(Changes().__dataclass_fields__) == {o for row in EDIT_OPTIONS.values() for o in row}


def test_an_edit_with_nothing_given_says_so():
    with pytest.raises(EditError) as error:
        apply_edit("stretch", STRETCH, Changes())
    assert error.value.keys == ("reminders.nothing_to_do",)


# --- The edited schedule ----------------------------------------------------------------------


def test_a_stretch_edit_changes_only_what_was_given():
    assert apply_edit("stretch", STRETCH, Changes(time=time(0, 0))) == WeeklySchedule(
        time(0, 0), WEEKDAYS, LONDON
    )
    assert apply_edit("stretch", STRETCH, Changes(days=frozenset({5}), timezone="Asia/Tokyo")) == (
        WeeklySchedule(time(8), frozenset({5}), "Asia/Tokyo")
    )
    # A note is the caller's to store; the schedule stays as it was.
    assert apply_edit("stretch", STRETCH, Changes(note="knees")) == STRETCH


def test_a_stretch_reminder_becomes_every_n_days_and_back():
    start = date(2026, 3, 6)
    every_three = apply_edit("stretch", STRETCH, Changes(days=3, start=start))
    assert every_three == EveryNDaysSchedule(3, time(8), LONDON, start)
    assert edit_kind("stretch", every_three) == "stretch"
    # a new interval or time keeps the start day; a new start moves the rhythm
    assert apply_edit("stretch", every_three, Changes(days=2, time=time(7))) == (
        EveryNDaysSchedule(2, time(7), LONDON, start)
    )
    assert apply_edit("stretch", every_three, Changes(start=date(2026, 3, 9))) == (
        EveryNDaysSchedule(3, time(8), LONDON, date(2026, 3, 9))
    )
    assert apply_edit("stretch", every_three, Changes(days=WEEKDAYS)) == STRETCH
    with pytest.raises(ValueError, match="start day"):
        apply_edit("stretch", STRETCH, Changes(days=3))  # the caller names the first day


def test_a_start_day_needs_an_interval_and_does_not_fit_other_kinds():
    with pytest.raises(EditError) as error:
        apply_edit("stretch", STRETCH, Changes(start=date(2026, 3, 6)))
    assert error.value.keys == ("reminders.start_needs_interval",)
    with pytest.raises(EditError) as error:
        apply_edit("stretch", AFTER_DONE, Changes(start=date(2026, 3, 6)))
    assert error.value.misfits == ("start",)


def test_a_massage_edit_keeps_its_on_and_off_weeks():
    edited = apply_edit("massage", MASSAGE, Changes(weekday=3, time=time(9)))
    assert edited == EveryNWeeksSchedule(2, 3, time(9), LONDON, MASSAGE.anchor)
    before = [next_occurrence(MASSAGE, utc(2024, 3, 1))]
    after = [next_occurrence(edited, utc(2024, 3, 1))]
    # The same fortnight: Tuesday's week, now on Thursday.
    assert (after[0].date() - before[0].date()).days == 2
    assert apply_edit("massage", MASSAGE, Changes(every_weeks=4, link="https://x.org")) == (
        EveryNWeeksSchedule(4, 1, time(18, 30), LONDON, MASSAGE.anchor)
    )


def test_an_after_done_edit():
    assert apply_edit("stretch", AFTER_DONE, Changes(hours=48)) == AfterDoneSchedule(48, LONDON)
    assert apply_edit("stretch", AFTER_DONE, Changes(timezone="UTC", note="x")) == (
        AfterDoneSchedule(3, "UTC")
    )


@pytest.mark.parametrize(
    ("kind", "schedule", "changes", "key"),
    [
        ("massage", MASSAGE, Changes(every_weeks=13), "reminders.bad_weeks"),
        ("massage", MASSAGE, Changes(every_weeks=0), "reminders.bad_weeks"),
        ("massage", MASSAGE, Changes(weekday=7), "parse.weekday_help"),
        ("stretch", STRETCH, Changes(days=frozenset()), "parse.days_help"),
        ("stretch", STRETCH, Changes(days=frozenset({7})), "parse.days_help"),
        ("stretch", STRETCH, Changes(days=1, start=date(2026, 3, 6)), "parse.every_days_range"),
        ("stretch", STRETCH, Changes(days=15, start=date(2026, 3, 6)), "parse.every_days_range"),
        ("stretch", AFTER_DONE, Changes(hours=1), "reminders.bad_hours"),
        ("stretch", AFTER_DONE, Changes(hours=169), "reminders.bad_hours"),
        ("stretch", STRETCH, Changes(timezone="Mars/Olympus_Mons"), "zones.help"),
    ],
)
def test_values_out_of_range_are_refused_with_the_usual_texts(kind, schedule, changes, key):
    with pytest.raises(EditError) as error:
        apply_edit(kind, schedule, changes)
    assert error.value.keys == (key,)
    assert error.value.render(MESSAGES)


# --- The next due time after an edit -------------------------------------------------------------


def test_an_edit_takes_effect_from_now():
    now = local(LONDON, 2024, 6, 3, 8, 30)  # a Monday
    edited = apply_edit("stretch", STRETCH, Changes(time=time(9)))
    assert next_due_after_edit(edited, now) == local(LONDON, 2024, 6, 3, 9)
    edited = apply_edit("stretch", STRETCH, Changes(time=time(8)))
    assert next_due_after_edit(edited, now) == local(LONDON, 2024, 6, 4, 8)


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(TRANSITIONS),
    st.integers(-2 * 86400, 2 * 86400),
    st.integers(-3600, 3600),
    st.builds(time, st.integers(0, 23), st.integers(0, 59)),
)
def test_the_next_due_after_an_edit_is_after_the_claimed_occurrence(
    zone_transition, seconds, claim_offset, at
):
    zone, transition = zone_transition
    now = transition + timedelta(seconds=seconds)
    in_flight = now + timedelta(seconds=claim_offset)
    new = WeeklySchedule(at, EVERY_DAY, zone)
    due = next_due_after_edit(new, now, in_flight=in_flight)
    assert due > now and due > in_flight
    assert due == next_occurrence(new, max(now, in_flight))


def test_an_after_done_edit_counts_from_the_last_done_or_dm():
    created = utc(2024, 6, 1, 8)
    done = utc(2024, 6, 3, 10)
    now = utc(2024, 6, 3, 12)
    due = next_due_after_edit(
        AfterDoneSchedule(4, LONDON), now, last_done_at=done, active_since=created
    )
    assert due == done + 4 * HOUR
    # Fewer hours than have passed since: due at once (a second after now), not in the past.
    due = next_due_after_edit(
        AfterDoneSchedule(2, LONDON), now + 3 * HOUR, last_done_at=done, active_since=created
    )
    assert due == now + 3 * HOUR + timedelta(seconds=1)
    with pytest.raises(ValueError, match="active_since"):
        next_due_after_edit(AfterDoneSchedule(2, LONDON), now)


def test_an_after_done_edit_while_its_dm_is_in_flight_waits_from_that_dm():
    # The DM due at 12:00 is going out; the member shortens 48 hours to 4. The next DM is 4 hours
    # after the one going out, not right behind it.
    now = utc(2024, 6, 3, 12, 0, 5)
    due = next_due_after_edit(
        AfterDoneSchedule(4, LONDON),
        now,
        in_flight=utc(2024, 6, 3, 12),
        last_done_at=utc(2024, 6, 1, 12),
        last_sent_at=utc(2024, 6, 1, 12),
        active_since=utc(2024, 5, 1),
    )
    assert due == now + 4 * HOUR


# --- Pauses that end by themselves -------------------------------------------------------------


def test_a_pause_ends_at_the_same_local_time_days_later():
    paused = local(LONDON, 2024, 6, 3, 21, 15)
    assert resume_at(paused, 1, LONDON) == local(LONDON, 2024, 6, 4, 21, 15)
    assert resume_at(paused, 60, LONDON) == local(LONDON, 2024, 8, 2, 21, 15)


@pytest.mark.parametrize(
    ("zone", "paused", "days", "resumed"),
    [
        # Across London's spring-forward: 20:00 GMT to 20:00 BST, an hour less elapsed.
        (LONDON, utc(2024, 3, 29, 20), 3, utc(2024, 4, 1, 19)),
        # Ending in the gap: 01:30 on 2024-03-31 does not exist; it moves forward to 02:30 BST.
        (LONDON, utc(2024, 3, 28, 1, 30), 3, utc(2024, 3, 31, 1, 30)),
        # Ending in the fold: 01:30 on 2024-10-27 happens twice; the pause ends at the first.
        (LONDON, utc(2024, 10, 24, 0, 30), 3, utc(2024, 10, 27, 0, 30)),
        # Lord Howe's half-hour: 02:15 is skipped on 2024-10-06 and becomes 02:45 +11.
        ("Australia/Lord_Howe", utc(2024, 10, 2, 15, 45), 3, utc(2024, 10, 5, 15, 45)),
        ("America/New_York", utc(2024, 11, 1, 12), 7, utc(2024, 11, 8, 13)),
    ],
)
def test_a_pause_across_dst(zone, paused, days, resumed):
    assert resume_at(paused, days, zone) == resumed


def test_pause_days_are_checked():
    paused = utc(2024, 6, 3, 12)
    for days in (0, 61, -1):
        with pytest.raises(PauseError) as error:
            resume_at(paused, days, LONDON)
        assert error.value.keys == ("reminders.bad_pause_days",)
    with pytest.raises(ValueError):
        resume_at(datetime(2024, 6, 3, 12), 3, LONDON)


def test_after_a_pause_the_next_regular_occurrence_at_or_after_the_end():
    resumed = local(LONDON, 2024, 6, 3, 8)  # a Monday, exactly a slot of STRETCH
    assert first_due_after_pause(STRETCH, resumed) == resumed
    assert first_due_after_pause(STRETCH, resumed + HOUR) == local(LONDON, 2024, 6, 4, 8)
    # After-done: the end of the pause counts like the reminder's creation.
    assert first_due_after_pause(AFTER_DONE, resumed) == resumed + 3 * HOUR


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(DST_ZONES),
    st.datetimes(
        min_value=datetime(2005, 1, 1), max_value=datetime(2035, 1, 1), timezones=st.just(UTC)
    ),
    st.integers(1, 60),
    st.builds(time, st.integers(0, 23), st.integers(0, 59)),
    st.frozensets(st.integers(0, 6), min_size=1),
)
def test_nothing_fires_during_a_pause(zone, paused, days, at, weekdays):
    schedule = WeeklySchedule(at, weekdays, zone)
    resumed = resume_at(paused, days, zone)
    assert resumed > paused
    assert abs((resumed - paused) - days * DAY) <= 2 * HOUR
    first = first_due_after_pause(schedule, resumed)
    assert first >= resumed
    assert next_occurrence(schedule, resumed - timedelta(microseconds=1)) == first


# --- The words for a schedule -------------------------------------------------------------------

clock_schedules = st.one_of(
    st.builds(
        WeeklySchedule,
        st.builds(time, st.integers(0, 23), st.integers(0, 59)),
        st.frozensets(st.integers(0, 6), min_size=1),
        st.sampled_from(DST_ZONES),
    ),
    st.builds(
        EveryNWeeksSchedule,
        st.integers(1, 12),
        st.integers(0, 6),
        st.builds(time, st.integers(0, 23), st.integers(0, 59)),
        st.sampled_from(DST_ZONES),
        st.dates(),
    ),
    st.builds(
        EveryNDaysSchedule,
        st.integers(2, 14),
        st.builds(time, st.integers(0, 23), st.integers(0, 59)),
        st.sampled_from(DST_ZONES),
        st.dates(),
    ),
)


@given(clock_schedules)
def test_the_texts_say_what_the_english_describe_said(schedule):
    assert describe_in(schedule, MESSAGES) == describe(schedule)


@pytest.mark.parametrize(
    ("hours", "text"),
    [
        (2, "2 hours after your last stretch or my last reminder, whichever is later"),
        (168, "168 hours after your last stretch or my last reminder, whichever is later"),
    ],
)
def test_describe_after_done(hours, text):
    assert describe_in(AfterDoneSchedule(hours, LONDON), MESSAGES) == text
    assert describe_text(AfterDoneSchedule(hours, LONDON)).key == "reminders.schedule_after_done"


def test_every_text_key_the_schedule_rules_use_exists():
    keys = [*DAY_KEYS, HELD_KEY, "reminders.quiet_same", "reminders.bad_pause_days"]
    keys += [f"reminders.edit_kind_{kind}" for kind in EDIT_OPTIONS]
    assert [key for key in keys if key not in MESSAGES] == []
    assert MESSAGES(HELD_KEY, due="<t:0:t>") == (
        "*(Held during your quiet hours: this was due <t:0:t>.)*"
    )
