"""Rows about a member: seeding one in every table, finding and counting them."""

from datetime import time

from bot.health.sessions import Outcome, Session
from bot.scheduling.planning import plan_reminder
from bot.scheduling.recurrence import WeeklySchedule, schedule_to_json
from tests.support.actions import EIGHT

MEMBER_COLUMNS = ("user_id", "moderator_id")


async def tables_naming_members(database):
    """{table: column} for every table with a column that holds a member's id."""
    if database.dialect == "sqlite":
        rows = await database.fetch_all("SELECT name FROM sqlite_master WHERE type = 'table'")
        columns = {
            row[0]: {c[1] for c in await database.fetch_all(f"PRAGMA table_info({row[0]})")}
            for row in rows
        }
    else:
        rows = await database.fetch_all(
            "SELECT table_name, column_name FROM information_schema.columns"
            " WHERE table_schema = current_schema()"
        )
        columns = {}
        for table, column in rows:
            columns.setdefault(table, set()).add(column)
    found = {}
    for table, names in columns.items():
        for column in MEMBER_COLUMNS:
            if column in names:
                found[table] = column
    return found


async def seed_everything(bot, guild_id, user_id):
    """One row in every table about `user_id`, made through the stores the features use.

    Returns the tables seeded; a table the schema has but this leaves out fails the test."""
    stores = bot.stores
    now = int(EIGHT.timestamp())
    await stores.members.save_member(
        user_id, now, timezone="Europe/London", dm_channel_id=9001, region="uk"
    )
    reminder_id = await stores.reminders.create(
        kind="stretch",
        user_id=user_id,
        guild_id=guild_id,
        schedule=schedule_to_json(WeeklySchedule(time(8, 0), frozenset(range(7)), "UTC")),
        next_due_at=now,
        now=now,
        limit=10,
    )
    # the bot's clock is before 8:00, so its scheduler leaves this claim to the test
    assert await stores.ledger.claim_due(now, 10, ["stretch"], plan_reminder)
    await stores.members.record_completion(user_id, reminder_id, "2026-03-02", now)
    await stores.reminders.set_notification(user_id, "note", now)
    missed = Session(reminder_id, EIGHT, Outcome.MISSED, EIGHT.date())
    await stores.sessions.record_missed(user_id, [missed], now)
    await stores.stretch_breaks.record_join(guild_id, "2026-03-02", user_id)
    await bot.guild_config.set(guild_id, user_id, {"region": "uk"})
    await stores.members.set_checkins(user_id, True, now)
    assert await stores.checkins.record(user_id, "2026-03-02", 4, now)
    return {
        "members",
        "reminders",
        "deliveries",
        "completions",
        "stretch_break_joins",
        "audit_log",
        "checkins",
        "reminder_settings",
        "session_marks",
    }


async def rows_naming(database, tables, user_id):
    counts = {}
    for table, column in tables.items():
        row = await database.fetch_one(
            f"SELECT COUNT(*) FROM {table} WHERE {column} = ?", (user_id,)
        )
        counts[table] = row[0]
    return counts
