"""/config end to end: moderators change settings, members can't, nothing pings."""

import sqlite3
from datetime import UTC, datetime, timedelta

import pytest

from bot.core import client
from bot.localdiscord.constants import MEMBER_PERMISSIONS, Permission
from bot.localdiscord.constants import InteractionCallbackType as Callback
from bot.localdiscord.models import NotAllowed
from tests.support.helpers import eventually_async, run_bot

MANAGE_GUILD = Permission.MANAGE_GUILD


async def run(server, user, command, options, world):
    ix = await server.invoke(user, command, options, guild_id=world.guild.id)
    return ix, await ix.response(timeout=5)


async def test_config_is_hidden_from_members_by_default(discord_server, bot, world):
    [config] = [c for c in discord_server.synced_commands() if c["name"] == "config"]
    assert int(config["default_member_permissions"]) == MANAGE_GUILD
    assert config.get("contexts") in (None, [0]) or config.get("dm_permission") is False


async def test_a_moderator_sets_everything_and_sees_it(discord_server, bot, world):
    log = discord_server.add_text_channel(world.guild.id, "mod-log")
    mod = world.moderator
    steps = [
        ("config log-channel", {"channel": log.id}),
        ("config region", {"region": "uk"}),
        ("config booking-link", {"url": "https://clinic.example/book"}),
        ("config feature", {"name": "quickcheck", "enabled": False}),
        ("config disclaimer", {"text": "Ask @everyone in <@&1> before trying anything new."}),
    ]
    for command, options in steps:
        _, response = await run(discord_server, mod, command, options, world)
        assert response.ephemeral and "Saved" in response.content, (command, response.content)

    _, shown = await run(discord_server, mod, "config show", {}, world)
    text = str(shown.embeds)
    assert "https://clinic.example/book" in text
    assert "quickcheck: off" in text
    assert "United Kingdom" in text or "UK" in text
    assert "region" in text  # in recent changes

    # the log lines are posted after each answer, at the pace of everything the bot sends
    await discord_server.wait_for_channel_messages(log.id, len(steps))
    lines = discord_server.channel_messages(log.id)
    assert len(lines) == len(steps)  # one line per change, the log channel's own included
    for (command, _), message in zip(steps, lines, strict=True):
        assert command.split()[1].replace("-", "_") in message["content"]
        assert message["allowed_mentions"] == {"parse": []}


async def test_a_member_without_manage_server_is_refused(discord_server, bot, world):
    _, response = await run(discord_server, world.alice, "config region", {"region": "us"}, world)
    assert response.ephemeral and "Manage Server" in response.content
    _, shown = await run(discord_server, world.moderator, "config show", {}, world)
    assert "US" not in str(shown.embeds).replace("USA", "")


async def test_a_disabled_feature_is_refused_to_members(discord_server, bot, world):
    await run(
        discord_server,
        world.moderator,
        "config feature",
        {"name": "learn", "enabled": False},
        world,
    )
    _, response = await run(discord_server, world.alice, "sciatica overview", {}, world)
    assert response.ephemeral and "turned off" in response.content


async def test_bad_input_is_refused(discord_server, bot, world):
    closed = discord_server.add_text_channel(world.guild.id, "read-only", bot_can_send=False)
    cases = [
        ("config booking-link", {"url": "http://clinic.example"}, "https"),
        ("config booking-link", {"url": "javascript:alert(1)"}, "https"),
        ("config log-channel", {"channel": closed.id}, "can't post"),
        ("config region", {"region": "atlantis"}, "Pick a region"),
        (
            "config stretch-break",
            {
                "channel": world.guild.general,
                "time": "25:00",
                "days": "weekdays",
                "timezone": "UTC",
            },
            "23",
        ),
        (
            "config stretch-break",
            {
                "channel": world.guild.general,
                "time": "9am",
                "days": "weekdays",
                "timezone": "Nowhere/City",
            },
            "zone",
        ),
    ]
    for command, options, hint in cases:
        _, response = await run(discord_server, world.moderator, command, options, world)
        assert response.ephemeral and hint.lower() in response.content.lower(), (
            options,
            response.content,
        )
    _, shown = await run(discord_server, world.moderator, "config show", {}, world)
    assert "No changes yet" in str(shown.embeds)


async def test_stretch_break_posts_on_time_with_a_working_button(discord_server, bot, world, clock):
    role = discord_server.add_role(world.guild.id, "stretchers")
    options = {
        "channel": world.guild.general,
        "time": "7:30",
        "days": "every day",
        "timezone": "UTC",
        "role": role.id,
    }
    _, response = await run(discord_server, world.moderator, "config stretch-break", options, world)
    assert "saved" in response.content.lower()
    clock.set(datetime(2026, 3, 2, 7, 30, tzinfo=UTC))
    [post] = await discord_server.wait_for_channel_messages(world.guild.general, 1, timeout=5)
    assert post["content"] == f"<@&{role.id}>"
    assert post["allowed_mentions"]["roles"] == [str(role.id)] or post["allowed_mentions"][
        "roles"
    ] == [role.id]
    assert "everyone" not in post["allowed_mentions"].get("parse", [])

    for member in (world.alice, world.bob, world.alice):
        click = await discord_server.click(member, post, label="I did it")
        joined = await click.response(timeout=5)
        assert joined.ephemeral
    assert "2" in joined.content

    _, off = await run(discord_server, world.moderator, "config stretch-break-off", {}, world)
    assert "off" in off.content
    clock.set(datetime(2026, 3, 3, 7, 31, tzinfo=UTC))
    await run(discord_server, world.moderator, "config show", {}, world)
    assert len(discord_server.channel_messages(world.guild.general)) == 1


async def test_reset_needs_confirmation(discord_server, bot, world):
    await run(discord_server, world.moderator, "config region", {"region": "ireland"}, world)
    ix, _ = await run(discord_server, world.moderator, "config reset", {}, world)
    click = await discord_server.click(world.moderator, ix.message(), label="Reset")
    assert (await click.response(timeout=5)).type == Callback.UPDATE_MESSAGE
    _, shown = await run(discord_server, world.moderator, "config show", {}, world)
    assert "Ireland" not in str(shown.embeds).split("Recent")[0]


def ireland_kept(shown):
    return "Ireland" in str(shown.embeds).split("Recent")[0]


async def test_a_late_reset_answer_is_told_it_expired_and_changes_nothing(
    discord_server, bot, world, clock
):
    await run(discord_server, world.moderator, "config region", {"region": "ireland"}, world)
    ix, _ = await run(discord_server, world.moderator, "config reset", {}, world)
    clock.advance(timedelta(minutes=3))
    click = await discord_server.click(world.moderator, ix.message(), label="Reset")
    response = await click.response(timeout=5)
    assert response.type == Callback.UPDATE_MESSAGE and response.components == []
    assert "expired, so nothing was changed" in response.content
    assert "run `/config reset` again" in response.content
    _, shown = await run(discord_server, world.moderator, "config show", {}, world)
    assert ireland_kept(shown)


async def test_a_reset_question_an_older_version_showed_is_answered_too(discord_server, bot, world):
    """The version before this one kept the question in memory: its custom ids carried
    neither who was asked nor when."""
    await run(discord_server, world.moderator, "config region", {"region": "ireland"}, world)
    ix, _ = await run(discord_server, world.moderator, "config reset", {}, world)
    [row] = ix.message()["components"]
    for button, old in zip(row["components"], ("config:reset", "config:no"), strict=True):
        button["custom_id"] = old
    click = await discord_server.click(world.moderator, ix.message(), label="Reset")
    assert "expired, so nothing was changed" in (await click.response(timeout=5)).content
    _, shown = await run(discord_server, world.moderator, "config show", {}, world)
    assert ireland_kept(shown)


async def test_a_moderator_who_lost_manage_server_cannot_confirm_a_reset(
    discord_server, bot, world
):
    await run(discord_server, world.moderator, "config region", {"region": "ireland"}, world)
    ix, _ = await run(discord_server, world.moderator, "config reset", {}, world)
    discord_server.add_member(world.guild.id, world.moderator.id)  # Manage Server taken away
    click = await discord_server.click(world.moderator, ix.message(), label="Reset")
    refused = await click.response(timeout=5)
    assert refused.ephemeral and "Manage Server" in refused.content
    discord_server.add_member(
        world.guild.id, world.moderator.id, permissions=MANAGE_GUILD | MEMBER_PERMISSIONS
    )
    _, shown = await run(discord_server, world.moderator, "config show", {}, world)
    assert ireland_kept(shown)


async def test_removing_the_bot_removes_the_servers_rows(
    discord_server, bot, world, tmp_path, clock
):
    await run(discord_server, world.moderator, "config region", {"region": "uk"}, world)
    await run(
        discord_server,
        world.moderator,
        "config stretch-break",
        {"channel": world.guild.general, "time": "9am", "days": "weekdays", "timezone": "UTC"},
        world,
    )
    discord_server.remove_guild(world.guild.id)
    clock.advance(timedelta(seconds=1))

    async def no_rows() -> bool:
        with sqlite3.connect(tmp_path / "bot.db") as conn:
            return all(
                conn.execute(
                    f"SELECT COUNT(*) FROM {t} WHERE guild_id = ?", (world.guild.id,)
                ).fetchone()[0]
                == 0
                for t in ("guild_settings", "audit_log", "reminders")
            )

    await eventually_async(no_rows, timeout=5)


async def test_stretch_break_commands_sit_in_config_and_are_for_moderators_only(
    discord_server, bot, world
):
    [config] = [c for c in discord_server.synced_commands() if c["name"] == "config"]
    names = {option["name"] for option in config["options"]}
    assert {"stretch-break", "stretch-break-off", "reset", "show"} <= names
    _, response = await run(discord_server, world.alice, "config stretch-break-off", {}, world)
    assert response.ephemeral and "Manage Server" in response.content


async def test_stretch_break_commands_join_config_whatever_the_load_order(
    discord_server, world, tmp_path, content, clock, monkeypatch
):
    later_first = tuple(reversed(client.EXTENSIONS))
    assert later_first.index("cogs.stretch_breaks") < later_first.index("cogs.config")
    monkeypatch.setattr(client, "EXTENSIONS", later_first)
    async with run_bot(discord_server, tmp_path / "bot.db", content, clock):
        [config] = [c for c in discord_server.synced_commands() if c["name"] == "config"]
        assert {"stretch-break", "stretch-break-off"} <= {o["name"] for o in config["options"]}
        _, off = await run(discord_server, world.moderator, "config stretch-break-off", {}, world)
        assert off.ephemeral and "no stretch break" in off.content.lower()


async def test_reset_turns_the_stretch_break_off_with_the_settings(
    discord_server, bot, world, clock
):
    await run(discord_server, world.moderator, "config region", {"region": "uk"}, world)
    options = {
        "channel": world.guild.general,
        "time": "7:30",
        "days": "every day",
        "timezone": "UTC",
    }
    await run(discord_server, world.moderator, "config stretch-break", options, world)
    _, shown = await run(discord_server, world.moderator, "config show", {}, world)
    [field] = [f for f in shown.embeds[0]["fields"] if f["name"] == "Community stretch break"]
    assert "every day" in field["value"].lower() and f"<#{world.guild.general}>" in field["value"]

    ix, _ = await run(discord_server, world.moderator, "config reset", {}, world)
    click = await discord_server.click(world.moderator, ix.message(), label="Reset")
    assert (await click.response(timeout=5)).type == Callback.UPDATE_MESSAGE
    _, shown = await run(discord_server, world.moderator, "config show", {}, world)
    [field] = [f for f in shown.embeds[0]["fields"] if f["name"] == "Community stretch break"]
    assert field["value"] == "off"
    assert "United Kingdom" not in str(shown.embeds).split("Recent")[0]

    clock.set(datetime(2026, 3, 2, 7, 31, tzinfo=UTC))
    await run(discord_server, world.moderator, "config show", {}, world)
    assert discord_server.channel_messages(world.guild.general) == []


async def test_discords_client_stops_a_moderator_at_the_limits_the_bot_keeps(
    discord_server, bot, world
):
    [config] = [c for c in discord_server.synced_commands() if c["name"] == "config"]
    options = {
        (sub["name"], option["name"]): option.get("max_length")
        for sub in config["options"]
        for option in sub.get("options") or []
    }
    assert options[("disclaimer", "text")] == 300
    assert options[("booking-link", "url")] == 512
    with pytest.raises(NotAllowed):
        await run(discord_server, world.moderator, "config disclaimer", {"text": "x" * 301}, world)
    _, saved = await run(
        discord_server, world.moderator, "config disclaimer", {"text": "x" * 300}, world
    )
    assert "Saved" in saved.content


async def test_a_disclaimer_of_nothing_visible_clears_it_and_nothing_breaks(
    discord_server, bot, world
):
    """Spaces and invisible characters are no note: Discord would refuse the empty field."""
    mod = world.moderator
    _, saved = await run(discord_server, mod, "config disclaimer", {"text": "Be gentle"}, world)
    assert "Saved" in saved.content
    _, cleared = await run(
        discord_server, mod, "config disclaimer", {"text": " \u200b\u2060 \u200e"}, world
    )
    assert "Saved" in cleared.content
    assert (await bot.guild_config.get(world.guild.id)).disclaimer is None
    _, show = await run(discord_server, mod, "config show", {}, world)
    assert show.embeds, show.content
    _, topic = await run(discord_server, world.alice, "sciatica overview", {}, world)
    assert topic.embeds and "Be gentle" not in str(topic.embeds)
