"""The features moderators can turn off are the ones loaded: each declares its own toggle, and
/config offers them exactly as before they did."""

import pytest

from bot.core import client
from tests.support.helpers import run_bot

TODAYS_FEATURE_COMMAND = {
    "description": "Turn a feature on or off for this server.",
    "name": "feature",
    "options": [
        {
            "choices": [
                {"name": "learn", "value": "learn"},
                {"name": "quickcheck", "value": "quickcheck"},
                {"name": "reminders", "value": "reminders"},
                {"name": "stretch breaks", "value": "stretch_breaks"},
            ],
            "description": "Which feature.",
            "name": "name",
            "required": True,
            "type": 3,
        },
        {"description": "On or off.", "name": "enabled", "required": True, "type": 5},
    ],
    "type": 1,
}
"""What /config feature was synced as while the features were listed in the core."""


async def run(server, user, command, options, world):
    ix = await server.invoke(user, command, options, guild_id=world.guild.id)
    return await ix.response(timeout=5)


def config_options(server):
    [config] = [c for c in server.synced_commands() if c["name"] == "config"]
    return config["options"]


def feature_command(server):
    [feature] = [o for o in config_options(server) if o["name"] == "feature"]
    return feature


async def features_shown(server, world):
    shown = await run(server, world.moderator, "config show", {}, world)
    [field] = [f for f in shown.embeds[0]["fields"] if f["name"] == "Features"]
    return field["value"]


@pytest.mark.parametrize("order", ["as listed", "reversed"])
async def test_config_feature_is_synced_as_before_whatever_the_load_order(
    discord_server, world, tmp_path, content, clock, monkeypatch, order
):
    if order == "reversed":
        monkeypatch.setattr(client, "EXTENSIONS", tuple(reversed(client.EXTENSIONS)))
    async with run_bot(discord_server, tmp_path / "bot.db", content, clock):
        assert feature_command(discord_server) == TODAYS_FEATURE_COMMAND
        await run(
            discord_server,
            world.moderator,
            "config feature",
            {"name": "quickcheck", "enabled": False},
            world,
        )
        assert await features_shown(discord_server, world) == (
            "learn: on\nquickcheck: off\nreminders: on\nstretch breaks: on"
        )


async def test_a_feature_declared_in_its_own_cog_is_offered_and_refused_when_off(
    discord_server, world, tmp_path, content, clock, monkeypatch
):
    monkeypatch.setattr(client, "EXTENSIONS", (*client.EXTENSIONS, "tests.support.breathing"))
    async with run_bot(discord_server, tmp_path / "bot.db", content, clock):
        choices = feature_command(discord_server)["options"][0]["choices"]
        assert choices[0] == {"name": "breathing", "value": "breathing"}
        assert choices[1:] == TODAYS_FEATURE_COMMAND["options"][0]["choices"]
        assert (
            "in, and out" in (await run(discord_server, world.alice, "breathe", {}, world)).content
        )

        off = {"name": "breathing", "enabled": False}
        saved = await run(discord_server, world.moderator, "config feature", off, world)
        assert saved.content == "Saved. feature_breathing: not set → off"
        assert (await features_shown(discord_server, world)).startswith("breathing: off\n")
        refused = await run(discord_server, world.alice, "breathe", {}, world)
        assert refused.ephemeral
        assert (
            refused.content
            == "The moderators of this server have turned off the learning commands."
        )
        sciatica = await run(discord_server, world.alice, "sciatica overview", {}, world)
        assert "turned off" not in sciatica.content  # only the feature turned off is refused
