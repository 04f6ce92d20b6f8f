"""One-offs and appointments: their instants, what members type for them, editing them, and
the migration that lets the reminders table hold them."""

import sqlite3
from datetime import UTC, date, datetime, time, timedelta

import pytest

from bot.content.messages import InputError, Messages
from bot.core.settings import DEFAULT_DATA_DIR
from bot.scheduling.one_offs import NEVER, AppointmentSchedule, OnceSchedule, is_last, next_one_off
from bot.scheduling.recurrence import next_occurrence, schedule_from_json, schedule_to_json
from bot.scheduling.schedule_edits import Changes, EditError, apply_edit, edit_kind
from bot.scheduling.schedule_text import describe_in
from bot.scheduling.timeparse import parse_when
from bot.scheduling.zone_rules import zone_info
from bot.storage import SqliteDatabase, Stores, open_database
from bot.storage import sqlite as sqlite_storage

MESSAGES = Messages.load(DEFAULT_DATA_DIR)
MONDAY = datetime(2026, 3, 2, 7, 0, tzinfo=UTC)  # 07:00 in London


def local(zone, *args):
    return datetime(*args, tzinfo=zone_info(zone)).astimezone(UTC)


def test_a_one_off_fires_once():
    once = OnceSchedule(date(2026, 3, 5), time(10), "Europe/London")
    at = local("Europe/London", 2026, 3, 5, 10)
    assert next_occurrence(once, MONDAY) == at
    assert next_occurrence(once, at) == NEVER
    assert is_last(once, at)


def test_an_appointment_is_reminded_the_day_before_and_two_hours_before():
    appointment = AppointmentSchedule(date(2026, 3, 5), time(10), "Europe/London")
    day_before, two_hours = appointment.instants()
    assert day_before == local("Europe/London", 2026, 3, 4, 10)
    assert two_hours == local("Europe/London", 2026, 3, 5, 8)
    assert next_one_off(appointment, MONDAY) == day_before
    assert next_one_off(appointment, day_before) == two_hours
    assert not is_last(appointment, day_before) and is_last(appointment, two_hours)
    assert next_one_off(appointment, two_hours) == NEVER


def test_the_day_before_keeps_the_wall_clock_time_across_a_clock_change():
    # London springs forward on 29 March 2026: the day before is 23 hours before
    appointment = AppointmentSchedule(date(2026, 3, 30), time(9), "Europe/London")
    day_before, two_hours = appointment.instants()
    assert day_before == datetime(2026, 3, 29, 8, 0, tzinfo=UTC)  # 09:00 summer time
    assert appointment.appointment - day_before == timedelta(hours=24)
    assert two_hours == datetime(2026, 3, 30, 6, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    "schedule",
    [
        OnceSchedule(date(2026, 3, 5), time(10, 30), "Asia/Kolkata"),
        AppointmentSchedule(date(2026, 3, 5), time(14), "America/Vancouver"),
    ],
)
def test_one_offs_are_stored_and_read_back(schedule):
    assert schedule_from_json(schedule_to_json(schedule)) == schedule


def test_one_offs_in_words():
    once = OnceSchedule(date(2026, 3, 5), time(10), "UTC")
    assert describe_in(once, MESSAGES) == "Once, on Thursday 2026-03-05 at 10:00 (UTC)"
    appointment = AppointmentSchedule(date(2026, 3, 5), time(10), "UTC")
    assert describe_in(appointment, MESSAGES) == (
        "Appointment on Thursday 2026-03-05 at 10:00 (UTC): reminders the day before and 2 hours"
        " before"
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("thu 10:00", (2026, 3, 5, 10, 0)),
        ("Thursday 10am", (2026, 3, 5, 10, 0)),
        ("tomorrow at 9am", (2026, 3, 3, 9, 0)),
        ("2026-03-05 14:30", (2026, 3, 5, 14, 30)),
        ("10:00 on friday", (2026, 3, 6, 10, 0)),
        ("16:00", (2026, 3, 2, 16, 0)),  # later today
        ("6:00", (2026, 3, 3, 6, 0)),  # already past today: tomorrow
        ("9 am", (2026, 3, 2, 9, 0)),
        ("mon 9:00", (2026, 3, 2, 9, 0)),  # today, still ahead
        ("mon 6:00", (2026, 3, 9, 6, 0)),  # today's has passed: next Monday
        ("today 16:00", (2026, 3, 2, 16, 0)),
        ("1930 tomorrow", (2026, 3, 3, 19, 30)),
    ],
)
def test_parse_when(text, expected):
    day, at = parse_when(text, MONDAY, "Europe/London")
    assert (day.year, day.month, day.day, at.hour, at.minute) == expected


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("today 6:00", "reminders.when_past"),
        ("2026-03-01 10:00", "reminders.when_past"),
        ("call the clinic", "reminders.when_help"),
        ("someday 10:00", "reminders.when_help"),
        ("thu", "reminders.when_help"),
        ("", "reminders.when_help"),
        ("x" * 61, "reminders.when_help"),
    ],
)
def test_parse_when_refuses(text, key):
    with pytest.raises(InputError) as error:
        parse_when(text, MONDAY, "Europe/London")
    assert error.value.keys == (key,)
    assert error.value.render(MESSAGES)


def test_parse_when_reads_the_day_in_the_members_zone():
    # 23:30 UTC on Monday is Tuesday 08:30 in Tokyo: "9:00" is Tuesday's there
    day, at = parse_when("9:00", datetime(2026, 3, 2, 23, 30, tzinfo=UTC), "Asia/Tokyo")
    assert (day, at) == (date(2026, 3, 3), time(9))


def test_editing_a_one_off():
    once = OnceSchedule(date(2026, 3, 5), time(10), "UTC")
    assert edit_kind("once", once) == "once"
    moved = apply_edit("once", once, Changes(when=(date(2026, 3, 6), time(9))))
    assert moved == OnceSchedule(date(2026, 3, 6), time(9), "UTC")
    # a new zone keeps the wall-clock time
    assert apply_edit("once", once, Changes(timezone="Asia/Tokyo")) == OnceSchedule(
        date(2026, 3, 5), time(10), "Asia/Tokyo"
    )
    appointment = AppointmentSchedule(once.day, once.local_time, "UTC")
    with pytest.raises(EditError) as error:
        apply_edit("appointment", appointment, Changes(note="x"))
    assert error.value.misfits == ("note",)


async def test_the_migration_keeps_every_reminder_and_what_points_at_it(tmp_path, monkeypatch):
    path = tmp_path / "bot.db"
    every = sqlite_storage.migration_files()
    monkeypatch.setattr(
        sqlite_storage, "migration_files", lambda directory=None: [m for m in every if m[0] < 12]
    )
    database = await SqliteDatabase.open(path)
    async with database.transaction() as tx:
        await tx.execute(
            "INSERT INTO reminders (kind, user_id, schedule, next_due_at, created_at,"
            " counts_from) VALUES ('stretch', 7, '{}', 100, 1, 50)"
        )
        await tx.execute(
            "INSERT INTO deliveries (reminder_id, due_at, state, claimed_at, snoozed_to)"
            " VALUES (1, 100, 'sent', 1, 700)"
        )
        await tx.execute(
            "INSERT INTO completions (user_id, reminder_id, local_date, completed_at)"
            " VALUES (7, 1, '2026-03-02', 1)"
        )
    await database.close()
    monkeypatch.undo()

    database = await SqliteDatabase.open(path)
    try:
        assert await database.schema_version() == 12
        [row] = await database.fetch_all("SELECT id, kind, counts_from FROM reminders")
        assert tuple(row) == (1, "stretch", 50)
        [delivery] = await database.fetch_all("SELECT reminder_id, snoozed_to FROM deliveries")
        assert tuple(delivery) == (1, 700)
        async with database.transaction() as tx:
            await tx.execute(
                "INSERT INTO reminders (kind, user_id, schedule, next_due_at, created_at)"
                " VALUES ('once', 7, '{}', 100, 1)"
            )
            await tx.execute("DELETE FROM reminders WHERE id = 1")
        # the foreign keys still hold: the delivery went with it, the completion stays
        assert await database.fetch_all("SELECT * FROM deliveries") == []
        [completion] = await database.fetch_all("SELECT reminder_id FROM completions")
        assert completion[0] is None
        async with database.transaction() as tx:  # the connection that writes
            [[foreign_keys]] = await tx.fetch_all("PRAGMA foreign_keys")
        assert foreign_keys == 1
    finally:
        await database.close()
    with sqlite3.connect(path) as raw, pytest.raises(sqlite3.IntegrityError):
        raw.execute(
            "INSERT INTO reminders (kind, user_id, schedule, next_due_at, created_at)"
            " VALUES ('weekly-ish', 7, '{}', 1, 1)"
        )


async def test_both_databases_keep_one_offs_and_appointments(database_target):
    database = await open_database(database_target)
    stores = Stores(database)
    try:
        for kind, schedule in (
            ("once", OnceSchedule(date(2026, 3, 5), time(10), "UTC")),
            ("appointment", AppointmentSchedule(date(2026, 3, 5), time(10), "UTC")),
        ):
            created = await stores.reminders.create(
                kind=kind, user_id=7, guild_id=None, schedule=schedule_to_json(schedule),
                next_due_at=1, now=0, limit=5,
            )  # fmt: skip
            assert created is not None
        kinds = [row.kind for row in await stores.reminders.of_member(7)]
        assert kinds == ["once", "appointment"]
    finally:
        await database.close()
