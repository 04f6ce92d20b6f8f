"""Snooze targets: 10 minutes, an hour, this evening, tomorrow at the same time."""

from datetime import UTC, datetime, time, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.scheduling.planning import plan_reminder
from bot.scheduling.quiet_hours import QuietHours
from bot.scheduling.recurrence import WeeklySchedule, schedule_to_json
from bot.scheduling.snooze import EVENING_TIMES, MIN_LEAD, SnoozeChoice, snooze_target, snoozed_due
from bot.scheduling.zone_rules import zone_info
from bot.storage import Stores, open_database

TEN, HOUR, EVENING, TOMORROW = SnoozeChoice


def local(zone, *args, fold=0):
    return datetime(*args, tzinfo=zone_info(zone), fold=fold)


def target(choice, now, zone="Europe/London", occurrence=None, quiet=None):
    return snooze_target(
        choice, now=now, occurrence=occurrence or now, zone=zone, quiet=quiet
    )


NIGHT = QuietHours(time(22, 0), time(7, 0))


@pytest.mark.parametrize(
    ("choice", "now", "quiet", "expected"),
    [
        (TEN, (2026, 3, 2, 8, 0), None, (2026, 3, 2, 8, 10)),
        (HOUR, (2026, 3, 2, 8, 0), None, (2026, 3, 2, 9, 0)),
        (HOUR, (2026, 3, 2, 23, 30), None, (2026, 3, 3, 0, 30)),
        (EVENING, (2026, 3, 2, 8, 0), None, (2026, 3, 2, 19, 0)),
        (EVENING, (2026, 3, 2, 8, 0), NIGHT, (2026, 3, 2, 19, 0)),
        # quiet hours from 18:45: the latest half hour before them
        (EVENING, (2026, 3, 2, 8, 0), QuietHours(time(18, 45), time(7, 0)), (2026, 3, 2, 18, 30)),
        (EVENING, (2026, 3, 2, 8, 0), QuietHours(time(17, 15), time(7, 0)), (2026, 3, 2, 17, 0)),
        # the evening has begun: later, at least half an hour away
        (EVENING, (2026, 3, 2, 18, 45), None, (2026, 3, 2, 19, 30)),
        (EVENING, (2026, 3, 2, 20, 0), None, (2026, 3, 2, 20, 30)),
        (EVENING, (2026, 3, 2, 20, 31), None, None),
        (EVENING, (2026, 3, 2, 8, 0), QuietHours(time(16, 0), time(8, 0)), None),
        (TOMORROW, (2026, 3, 2, 8, 5), None, (2026, 3, 3, 8, 0)),
    ],
)
def test_snooze_targets_in_london(choice, now, quiet, expected):
    occurrence = local("Europe/London", 2026, 3, 2, 8, 0)
    found = target(choice, local("Europe/London", *now), occurrence=occurrence, quiet=quiet)
    assert found == (None if expected is None else local("Europe/London", *expected))
    assert found is None or found.tzinfo is UTC


def test_tomorrow_keeps_the_wall_clock_time_across_a_clock_change():
    # London moves to summer time on Sunday 29 March 2026: 08:00 is then 07:00 UTC
    occurrence = local("Europe/London", 2026, 3, 28, 8, 0)
    found = target(TOMORROW, occurrence + timedelta(minutes=3), occurrence=occurrence)
    assert found == datetime(2026, 3, 29, 7, 0, tzinfo=UTC)
    assert found - occurrence == timedelta(hours=23)


def test_tomorrow_at_a_time_the_clocks_skip_comes_at_the_end_of_the_gap():
    # New York skips 02:00-03:00 on 8 March 2026
    occurrence = local("America/New_York", 2026, 3, 7, 2, 30)
    found = target(TOMORROW, occurrence, zone="America/New_York", occurrence=occurrence)
    assert found == local("America/New_York", 2026, 3, 8, 3, 0)


def test_tomorrow_at_a_repeated_time_is_its_first_instance():
    occurrence = local("America/New_York", 2026, 10, 31, 1, 30)
    found = target(TOMORROW, occurrence, zone="America/New_York", occurrence=occurrence)
    assert found == local("America/New_York", 2026, 11, 1, 1, 30, fold=0).astimezone(UTC)
    assert found.astimezone(zone_info("America/New_York")).utcoffset() == timedelta(hours=-4)


def test_the_evening_is_the_members_own_in_their_zone():
    now = datetime(2027, 1, 14, 17, 0, tzinfo=UTC)  # 10:00 in Vancouver (UTC-7 all year)
    found = target(EVENING, now, zone="America/Vancouver")
    assert found == datetime(2027, 1, 15, 2, 0, tzinfo=UTC)


def test_tomorrow_in_the_members_zone_not_the_servers_day():
    now = datetime(2026, 3, 2, 23, 30, tzinfo=UTC)  # already Tuesday 08:30 in Tokyo
    occurrence = datetime(2026, 3, 2, 23, 0, tzinfo=UTC)  # Tuesday 08:00 in Tokyo
    found = target(TOMORROW, now, zone="Asia/Tokyo", occurrence=occurrence)
    assert found == local("Asia/Tokyo", 2026, 3, 4, 8, 0)


ZONES = ["Europe/London", "America/New_York", "Australia/Lord_Howe", "Pacific/Apia", "UTC"]


@given(
    now=st.datetimes(datetime(2024, 1, 1), datetime(2028, 12, 31), timezones=st.just(UTC)),
    zone=st.sampled_from(ZONES),
    quiet=st.sampled_from([None, NIGHT, QuietHours(time(18, 0), time(8, 0))]),
)
def test_every_target_is_ahead_and_the_evening_is_never_quiet(now, zone, quiet):
    tz = zone_info(zone)
    for choice in SnoozeChoice:
        found = target(choice, now, zone=zone, quiet=quiet)
        if choice is EVENING and found is None:
            latest = datetime.combine(now.astimezone(tz).date(), EVENING_TIMES[-1], tzinfo=tz)
            assert latest < now + MIN_LEAD or quiet is not None
            continue
        assert found is not None and found > now
    evening = target(EVENING, now, zone=zone, quiet=quiet)
    if evening is not None:
        assert evening >= now + MIN_LEAD
        assert quiet is None or not quiet.contains(evening, zone)
        assert evening.astimezone(tz).time() in EVENING_TIMES
        assert evening.astimezone(tz).date() == now.astimezone(tz).date()
    tomorrow = target(TOMORROW, now, zone=zone)
    assert tomorrow.astimezone(tz).date() >= now.astimezone(tz).date() + timedelta(days=1)


def test_a_snooze_never_skips_the_next_regular_reminder():
    snoozed = datetime(2026, 3, 3, 8, 0, tzinfo=UTC)
    regular = datetime(2026, 3, 2, 20, 0, tzinfo=UTC)
    assert snoozed_due(snoozed, regular, follows_done=False) == regular
    assert snoozed_due(regular, snoozed, follows_done=False) == regular
    # an after-done reminder counts from its DMs: the snooze is its next time
    assert snoozed_due(snoozed, regular, follows_done=True) == snoozed


async def test_an_occurrence_snoozes_once_in_either_database(database_target):
    database = await open_database(database_target)
    stores = Stores(database)
    try:
        eight = int(datetime(2026, 3, 2, 8, 0, tzinfo=UTC).timestamp())
        daily = schedule_to_json(WeeklySchedule(time(8, 0), frozenset(range(7)), "UTC"))
        await stores.members.save_member(7, 0, dm_channel_id=99)
        reminder_id = await stores.reminders.create(
            kind="stretch", user_id=7, guild_id=None, schedule=daily,
            next_due_at=eight, now=0, limit=5,
        )  # fmt: skip
        [claim] = await stores.ledger.claim_due(eight, 10, ["stretch"], plan_reminder)
        assert await stores.reminders.snooze(reminder_id, claim.due_at, eight + 600) == (
            True,
            eight + 600,
        )
        assert await stores.reminders.snooze(reminder_id, claim.due_at, eight + 3600) == (
            False,
            eight + 600,
        )
        assert (await stores.reminders.get(reminder_id)).next_due_at == eight + 600
        exported = await stores.ledger.export_member(7)
        assert [row["snoozed_to"] for row in exported["deliveries"]] == [eight + 600]
        assert await stores.reminders.snooze(reminder_id + 1, claim.due_at, eight) is None
    finally:
        await database.close()
