"""The local Discord's string options, message text and pings, as Discord has them: option
lengths held to Discord's range, the client stopping at max_length, pings worked out from
content and allowed_mentions, and markdown rendered as a reader sees it."""

from __future__ import annotations

import pytest

from bot.localdiscord import FakeDiscord
from bot.localdiscord.constants import CommandType, OptionType
from bot.localdiscord.limits import command_problems
from bot.localdiscord.models import NotAllowed
from tests.support.discord_markdown import render

CHAT_INPUT, STRING = CommandType.CHAT_INPUT, OptionType.STRING


@pytest.fixture
async def server():
    fake = FakeDiscord()
    await fake.start()
    yield fake
    await fake.stop()


@pytest.mark.parametrize(
    ("option", "fits"),
    [
        ({"type": STRING, "max_length": 200}, True),
        ({"type": STRING, "min_length": 0, "max_length": 6000}, True),
        ({"type": STRING, "max_length": 0}, False),
        ({"type": STRING, "max_length": 6001}, False),
        ({"type": STRING, "min_length": 6001}, False),
        ({"type": STRING, "min_length": 5, "max_length": 4}, False),
        ({"type": OptionType.INTEGER, "max_length": 10}, False),
    ],
)
def test_option_lengths_are_held_to_discords_range(option, fits):
    command = {"name": "ok", "description": "fine"}
    command["options"] = [{"name": "word", "description": "w", **option}]
    assert (command_problems([command]) == []) is fits


async def test_the_client_stops_a_member_at_an_options_max_length(server):
    guild = server.add_guild()
    user = server.add_user("u")
    server.add_member(guild.id, user.id)
    word = {"type": STRING, "name": "word", "description": "w", "max_length": 10}
    free = {"type": STRING, "name": "free", "description": "f"}
    server.world.commands[None] = [
        {"id": "1", "name": "say", "description": "s", "type": CHAT_INPUT, "options": [word, free]}
    ]
    server.gateway.new_session()  # payloads are checked without a connected client
    with pytest.raises(NotAllowed, match="at most 10"):
        await server.invoke(user, "say", {"word": "x" * 11}, guild_id=guild.id)
    with pytest.raises(NotAllowed, match="at most 6000"):  # every string option's own limit
        await server.invoke(user, "say", {"free": "x" * 6001}, guild_id=guild.id)
    await server.invoke(user, "say", {"word": "x" * 10, "free": "x" * 6000}, guild_id=guild.id)
    assert len(server.interactions.by_token) == 1  # the refused ones were never delivered


def test_pings_come_from_content_narrowed_by_allowed_mentions():
    world = FakeDiscord().world
    alice = world.add_user("alice")
    channel = world.dm_channel(alice.id)
    content = f"hi <@{alice.id}> <@&5> @everyone"
    unfiltered = world.new_message(channel, {"content": content})
    assert [m["id"] for m in unfiltered["mentions"]] == [str(alice.id)]
    assert unfiltered["mention_roles"] == ["5"] and unfiltered["mention_everyone"] is True
    muted = world.new_message(channel, {"content": content, "allowed_mentions": {"parse": []}})
    assert muted["mentions"] == [] and muted["mention_roles"] == []
    assert muted["mention_everyone"] is False
    only_roles = {"parse": [], "roles": ["5"]}
    edited = world.edit_message(muted, {"allowed_mentions": only_roles})
    assert edited["mention_roles"] == ["5"] and edited["mentions"] == []
    embeds_only = world.new_message(channel, {"embeds": [{"description": "@everyone"}]})
    assert embeds_only["mention_everyone"] is False


def test_markdown_renders_what_a_reader_sees_and_what_is_live():
    live = render("**hi** [click](https://evil.example) <@1> @here ```x``` `y` snake_case_name")
    assert live.visible == "hi click <@1> @here x y snake_case_name"
    assert live.masked_links == [("click", "https://evil.example")]
    assert live.mentions == ["<@1>", "@here"] and live.code == ["x", "y"]
    assert live.formatting == ["**"]
    escaped = render("\\*\\*hi\\*\\* \\[click\\](https\\://evil.example) \\<\\@1\\> \\@here")
    assert escaped.visible == "**hi** [click](https://evil.example) <@1> @here"
    assert escaped.links == escaped.mentions == escaped.formatting == []
    assert render("# title").blocks == ["#"] and render("\\# title").blocks == []
    assert render("_under_ a").formatting == ["_"]
