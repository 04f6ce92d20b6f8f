"""/privacy end to end, on each backend: every table that names a member is covered by some
feature's export and delete, found from the schema itself so a new table cannot be forgotten."""

import json

import pytest

from bot.localdiscord.constants import InteractionCallbackType as Callback
from tests.support.helpers import run_bot
from tests.support.rows import rows_naming, seed_everything, tables_naming_members


@pytest.fixture
async def bot(discord_server, database_target, content, clock):
    """The bot on each backend in turn."""
    async with run_bot(discord_server, database_target, content, clock) as running:
        yield running


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
