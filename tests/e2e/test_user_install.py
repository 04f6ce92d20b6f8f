"""User install: the bot follows the member into servers that never added it, its DMs and
group DMs; server settings stay with servers that added it, and /help shows what works where."""

import sqlite3
from datetime import UTC, datetime

import pytest

from bot.localdiscord.constants import MEMBER_PERMISSIONS, MessageFlag, Permission
from bot.localdiscord.constants import InteractionCallbackType as Callback
from bot.localdiscord.constants import InteractionContextType as Context
from bot.localdiscord.models import NotOffered

MANAGE_GUILD = Permission.MANAGE_GUILD
EVERYWHERE = {"integration_types": [0, 1], "contexts": [0, 1, 2]}
BOOKING = "https://clinic.example/book"
DISCLAIMER = "Ask the clinic team before trying anything new."
ADD_APP = "Add to Server"


@pytest.fixture
def elsewhere(discord_server, world):
    """A server whose moderators never added the bot; the world's members are in it."""
    guild = discord_server.add_guild("Stretch Friends", bot_added=False)
    moderator = MANAGE_GUILD | MEMBER_PERMISSIONS
    discord_server.add_member(guild.id, world.moderator.id, permissions=moderator)
    for user in (world.alice, world.bob):
        discord_server.add_member(guild.id, user.id)
    return guild


@pytest.fixture
def group(discord_server, world):
    return discord_server.add_group_dm(world.alice, world.bob)


async def answer(server, user, command, options=None, **where):
    ix = await server.invoke(user, command, options or {}, **where)
    return ix, await ix.response(timeout=5)


async def test_every_synced_command_declares_where_it_works(discord_server, bot, world):
    synced = {c["name"]: c for c in discord_server.synced_commands()}
    assert {"sciatica", "stretch", "quickcheck", "reminders", "privacy", "help", "about"} <= set(
        synced
    )
    for name, command in synced.items():
        assert command.get("integration_types") is not None, name
        assert command.get("contexts") is not None, name
        if name != "config":
            assert sorted(command["integration_types"]) == EVERYWHERE["integration_types"], name
            assert sorted(command["contexts"]) == EVERYWHERE["contexts"], name
    config = synced["config"]
    assert config["integration_types"] == [0] and config["contexts"] == [0]
    assert int(config["default_member_permissions"]) == MANAGE_GUILD


@pytest.mark.parametrize("where", ["server without the bot", "group DM", "bot DM"])
async def test_reminders_list_and_quickcheck_work_wherever_the_member_is(
    discord_server, bot, world, elsewhere, group, where
):
    place = {
        "server without the bot": {"guild_id": elsewhere.id},
        "group DM": {"context": 2, "channel_id": group.id},
        "bot DM": {"context": 1, "installed": "user"},
    }[where]
    _, listed = await answer(discord_server, world.alice, "reminders list", **place)
    assert listed.ephemeral and "no reminders" in listed.content

    ix, started = await answer(discord_server, world.alice, "quickcheck", **place)
    assert started.ephemeral and started.embeds
    assert (ADD_APP in started.content) == (where == "server without the bot")
    click = await discord_server.click(world.alice, ix.message(), label="No")
    step = await click.response(timeout=5)
    # the next question, through the same install
    assert step.type == Callback.UPDATE_MESSAGE and step.embeds

    for user in (world.alice, world.moderator):
        with pytest.raises(NotOffered):
            await discord_server.invoke(user, "config show", **place)


async def test_server_settings_stay_with_servers_that_added_the_bot(
    discord_server, bot, world, elsewhere, content
):
    # settings the server kept from before (the bot was removed while it was offline)
    await bot.guild_config.set(
        elsewhere.id,
        world.moderator.id,
        {"region": "uk", "booking_link": BOOKING, "disclaimer": DISCLAIMER},
    )
    uk = content.regions["uk"]
    place = {"guild_id": elsewhere.id}

    _, massage = await answer(discord_server, world.alice, "sciatica massage", **place)
    assert ADD_APP in massage.content
    assert BOOKING not in str(massage.embeds) and DISCLAIMER not in str(massage.embeds)
    _, check = await answer(discord_server, world.alice, "quickcheck", **place)
    assert uk.name not in check.content + str(check.embeds)

    ix = await discord_server.invoke(
        world.alice, "reminders massage", {"every_weeks": 4, "timezone": "UTC"}, **place
    )
    [created] = await ix.wait_for_followups(1, timeout=5)
    assert "Saved" in created["content"] and ADD_APP in created["content"]
    with sqlite3.connect(bot.settings.database_path) as conn:
        assert conn.execute("SELECT guild_id FROM reminders").fetchall() == [(None,)]

    # once a moderator adds the bot, the same member's own install sees the server's settings
    discord_server.add_bot_to_guild(elsewhere.id)
    _, massage = await answer(
        discord_server, world.alice, "sciatica massage", installed="user", **place
    )
    assert ADD_APP not in massage.content
    assert BOOKING in str(massage.embeds) and DISCLAIMER in str(massage.embeds)


async def test_sharing_in_a_server_without_the_bot_goes_through_the_answer(
    discord_server, bot, world, elsewhere
):
    place = {"guild_id": elsewhere.id}
    _, shared = await answer(
        discord_server, world.alice, "sciatica overview", {"share": True}, **place
    )
    assert not shared.ephemeral and shared.embeds
    [posted] = discord_server.channel_messages(elsewhere.general)
    assert posted["webhook_id"]  # the interaction's answer, not a channel post by the bot
    related = posted["components"][0]["components"][0]["options"][0]["value"]
    pick = await discord_server.select(world.bob, posted, [related])
    picked = await pick.response(timeout=5)
    assert picked.ephemeral and picked.embeds and ADD_APP in picked.content
    channel_calls = [r for r in discord_server.rest.requests if r.path.startswith("/channels/")]
    assert channel_calls == []


@pytest.mark.parametrize("where", ["server without the bot", "group DM"])
async def test_a_refused_dm_is_told_at_once_and_nothing_is_kept(
    discord_server, bot, world, elsewhere, group, where
):
    place = {"guild_id": elsewhere.id} if where == "server without the bot" else {"context": 2}
    discord_server.set_dms_open(world.alice.id, False)
    options = {"time": "8:00", "days": "every day", "timezone": "UTC"}
    ix = await discord_server.invoke(world.alice, "reminders stretch", options, **place)
    [refusal] = await ix.wait_for_followups(1, timeout=5)
    assert refusal["flags"] & MessageFlag.EPHEMERAL
    assert "no reminder was saved" in refusal["content"]
    assert "Content & Social" in refusal["content"]  # the member's own settings, not a server's
    _, listed = await answer(discord_server, world.alice, "reminders list", **place)
    assert "no reminders" in listed.content
    with sqlite3.connect(bot.settings.database_path) as conn:
        assert conn.execute("SELECT COUNT(*) FROM reminders").fetchone() == (0,)

    discord_server.set_dms_open(world.alice.id, True)
    ix = await discord_server.invoke(world.alice, "reminders stretch", options, **place)
    [created] = await ix.wait_for_followups(1, timeout=5)
    assert "Saved" in created["content"]
    [confirmation] = await discord_server.wait_for_dms(world.alice.id, 1, timeout=5)
    assert confirmation["embeds"]


def help_text(response):
    return str(response.embeds)


async def test_help_lists_only_what_the_member_can_use_there(
    discord_server, bot, world, elsewhere, group
):
    _, member = await answer(discord_server, world.alice, "help", guild_id=world.guild.id)
    assert "/config" not in help_text(member)
    assert "/reminders list" in help_text(member) and "/quickcheck" in help_text(member)

    _, moderator = await answer(discord_server, world.moderator, "help", guild_id=world.guild.id)
    assert "/config show" in help_text(moderator)
    assert "/config stretch-break" in help_text(moderator)

    for place in ({"context": 1}, {"context": 1, "installed": "user"}, {"guild_id": elsewhere.id}):
        _, shown = await answer(discord_server, world.moderator, "help", **place)
        assert "/config" not in help_text(shown), place
        assert "/sciatica overview" in help_text(shown) and "/privacy delete" in help_text(shown)
    assert ADD_APP in shown.embeds[0]["description"]  # the server without the bot

    _, private = await answer(
        discord_server, world.alice, "help", context=Context.PRIVATE_CHANNEL, channel_id=group.id
    )
    assert "/config" not in help_text(private) and "/stretch routine" in help_text(private)
    assert ADD_APP not in help_text(private)


async def test_reminders_paused_by_closed_dms_are_explained_for_the_members_own_install(
    discord_server, bot, world, group, clock
):
    options = {"time": "8:00", "days": "every day", "timezone": "UTC"}
    ix = await discord_server.invoke(
        world.alice, "reminders stretch", options, context=Context.PRIVATE_CHANNEL
    )
    await ix.wait_for_followups(1, timeout=5)
    discord_server.set_dms_open(world.alice.id, False)
    clock.set(datetime(2026, 3, 2, 8, 0, tzinfo=UTC))
    await discord_server.wait_until(lambda: discord_server.status_counts()[403] >= 1)

    ix = await discord_server.invoke(
        world.alice, "about", context=Context.PRIVATE_CHANNEL, channel_id=group.id
    )
    await ix.response(timeout=5)
    [notice] = await ix.wait_for_followups(1, timeout=5)
    assert "paused" in notice["content"] and "Content & Social" in notice["content"]

    discord_server.set_dms_open(world.alice.id, True)
    ix = await discord_server.invoke(
        world.alice, "reminders resume", {"reminder": "all"}, context=Context.PRIVATE_CHANNEL
    )
    await ix.response(timeout=5)
    [resumed] = await ix.wait_for_followups(1, timeout=5)
    assert "Resumed 1 reminder" in resumed["content"]


@pytest.mark.parametrize("where", ["server without the bot", "group DM"])
async def test_stretches_with_their_pictures_work_through_the_members_own_install(
    discord_server, bot, world, elsewhere, group, content, where
):
    place = (
        {"guild_id": elsewhere.id}
        if where == "server without the bot"
        else {"context": 2, "channel_id": group.id}
    )
    slug = next(iter(content.library.stretches))
    ix, shown = await answer(discord_server, world.alice, "stretch show", {"name": slug}, **place)
    assert shown.ephemeral and ix.files and ix.message()["attachments"]
    ix, _ = await answer(discord_server, world.alice, "stretch routine", **place)
    step = await discord_server.click(world.alice, ix.message(), label="Next")
    assert (await step.response(timeout=5)).type == Callback.UPDATE_MESSAGE
    assert step.message()["attachments"]
