"""/privacy end to end, on each backend: every table that names a member is covered by some
feature's export and delete, found from the schema itself so a new table cannot be forgotten."""

import json
from datetime import UTC, datetime, time

import pytest

from bot.localdiscord.constants import InteractionCallbackType as Callback
from bot.planning import plan_reminder
from bot.recurrence import WeeklySchedule, schedule_to_json
from bot.sessions import Outcome, Session
from tests.helpers import run_bot

MEMBER_COLUMNS = ("user_id", "moderator_id")
EIGHT = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


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


@pytest.fixture
async def bot(discord_server, database_target, content, clock):
    """The bot on each backend in turn."""
    async with run_bot(discord_server, database_target, content, clock) as running:
        yield running


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


async def export(server, world):
    ix = await server.invoke(world.alice, "privacy export", {}, guild_id=world.guild.id)
    await ix.response(timeout=5)
    [(_, upload)] = ix.files
    return json.loads(upload)


async def delete(server, world):
    ix = await server.invoke(world.alice, "privacy delete", {}, guild_id=world.guild.id)
    await ix.response(timeout=5)
    confirm = await server.click(world.alice, ix.message(), label="Delete everything")
    return await confirm.response(timeout=5)


async def test_every_table_naming_a_member_is_exported_and_deleted(discord_server, bot, world):
    database = bot.stores.database
    tables = await tables_naming_members(database)
    assert {"members", "reminders", "audit_log"} <= set(tables)  # the schema scan works
    seeded = await seed_everything(bot, world.guild.id, world.alice.id)
    assert set(tables) <= seeded, "a new table names members: seed it here, export and delete it"
    assert all(
        count >= 1 for count in (await rows_naming(database, tables, world.alice.id)).values()
    )

    data = await export(discord_server, world)
    for table in seeded:
        assert data.get(table), f"/privacy export leaves out {table}"
    for table, column in tables.items():
        assert all(row[column] == world.alice.id for row in data[table]), table

    shown = await discord_server.invoke(world.alice, "privacy show", {}, guild_id=world.guild.id)
    lines = str((await shown.response(timeout=5)).embeds)
    for expected in (
        "Reminders: 1",
        "marked done: 1",
        "breaks joined: 1",
        "moderator: 1",
        "Pain check-ins: on",
        "only you see them): 1",
        "notifications show: the kind of reminder and your note",
        "Sessions missed or skipped (Not today): 1",
    ):
        assert expected in lines

    assert (await delete(discord_server, world)).type == Callback.UPDATE_MESSAGE
    assert await rows_naming(database, tables, world.alice.id) == dict.fromkeys(tables, 0)
    after = await export(discord_server, world)
    assert not any(rows for key, rows in after.items() if key != "user_id")
    # the server keeps its audit trail, naming nobody
    audit = await database.fetch_all("SELECT moderator_id FROM audit_log")
    assert [tuple(row) for row in audit] == [(0,)]


async def test_delete_is_all_or_nothing_across_features(discord_server, bot, world):
    database = bot.stores.database
    tables = await tables_naming_members(database)
    await seed_everything(bot, world.guild.id, world.alice.id)
    before = await rows_naming(database, tables, world.alice.id)
    breaks = bot.get_cog("StretchBreaks")

    async def fails(tx, user_id):
        raise RuntimeError("disk full")

    breaks.forget_member = fails  # the last feature asked fails after the others deleted
    response = await delete(discord_server, world)
    assert "nothing was changed" in response.content
    assert await rows_naming(database, tables, world.alice.id) == before
