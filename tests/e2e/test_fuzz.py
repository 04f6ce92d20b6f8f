"""Fuzzing every synced command with hypothesis: whatever members type, every interaction is
answered in time, with a body Discord accepts, and never with an unexpected-error reply."""

from __future__ import annotations

import asyncio
import os
import threading
from collections.abc import Coroutine
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.localdiscord import FakeDiscord
from bot.localdiscord.constants import MEMBER_PERMISSIONS, OptionType, Permission
from bot.localdiscord.constants import InteractionCallbackType as Callback
from bot.scheduling.clock import FakeClock
from tests.support.discord_markdown import BIDI_CONTROLS, render
from tests.support.helpers import run_bot

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "60"))
UNEXPECTED = "something went wrong on our side"

nasty_text = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=200),
    st.sampled_from(
        [
            "@everyone",
            "@here",
            "<@&123456789012345678>",
            "<@123>",
            "\u200b8\u200b:\u200b00",
            "\uff18\uff1a\uff13\uff10\uff50\uff4d",  # full-width 8:30pm
            "25:99",
            "-1",
            "javascript:alert(1)",
            "https://",
            "https://exa mple.com",
            "Europe/Nowhere",
            "../../etc/passwd",
            "'; DROP TABLE reminders; --",
            "all",
            "0",
            "[click me](https://evil.example)",
            "```py",
            "\u202eevil\u202c",
            "# heading ||spoiler|| **bold**",
        ]
    ),
    st.just("x" * 6000),
)
numbers = st.one_of(st.integers(-(2**53), 2**53), st.sampled_from([0, -1, 1, 12, 13, 2**31]))


class Live:
    """The fake Discord and the bot on a loop in another thread, shared by every example."""

    def __init__(self, tmp_path, content) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.server = FakeDiscord()
        self.call(self.server.start())
        self.guild = self.server.add_guild("Fuzz")
        self.user = self.server.add_user("fuzzer")
        self.server.add_member(
            self.guild.id, self.user.id, permissions=Permission.MANAGE_GUILD | MEMBER_PERMISSIONS
        )
        self.role = self.server.add_role(self.guild.id, "role")
        clock = FakeClock(datetime(2026, 3, 2, 7, 0, tzinfo=UTC))
        self.running = run_bot(self.server, tmp_path / "bot.db", content, clock)
        self.call(self.running.__aenter__())

    def call(self, coroutine: Coroutine[Any, Any, Any]) -> Any:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout=60)

    def close(self) -> None:
        self.call(self.running.__aexit__(None, None, None))
        self.call(self.server.stop())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=10)
        self.loop.close()


@pytest.fixture(scope="module")
def live(tmp_path_factory, content):
    live = Live(tmp_path_factory.mktemp("fuzz"), content)
    yield live
    live.close()
    assert [(r.path, r.response) for r in live.server.rest.rejections] == []
    pinged = [
        m
        for m in live.server.world.messages.values()
        if m["mentions"] or m["mention_roles"] or m["mention_everyone"]
    ]
    assert pinged == [], "whatever was typed, nothing the bot sent pings anyone"


def leaf_commands(commands: list[dict[str, Any]]) -> list[tuple[str, list[dict[str, Any]]]]:
    found = []
    for command in commands:
        subs = [o for o in command.get("options") or [] if o["type"] == OptionType.SUB_COMMAND]
        if subs:
            found += [(f"{command['name']} {s['name']}", s.get("options") or []) for s in subs]
        else:
            found.append((command["name"], command.get("options") or []))
    return found


def option_value(draw, option: dict[str, Any], live: Live) -> Any:
    if option.get("choices"):
        return draw(st.sampled_from([c["value"] for c in option["choices"]]))
    kind = option["type"]
    if kind == OptionType.STRING:  # Discord's client stops typing at the option's max_length
        return draw(nasty_text)[: option.get("max_length") or 6000]
    if kind in (OptionType.INTEGER, OptionType.NUMBER):
        return draw(numbers)
    if kind == OptionType.BOOLEAN:
        return draw(st.booleans())
    if kind == OptionType.CHANNEL:
        return live.guild.general
    if kind == OptionType.ROLE:
        return live.role.id
    raise AssertionError(f"no fuzz strategy for option type {kind}")


def assert_echo_inert(text: str, live: Live) -> None:
    """Whatever was typed, the answer holds no link to it, no ping, no bidi control."""
    rendered = render(text)
    assert not any("evil.example" in url for _, url in rendered.links), text
    pings = [m for m in rendered.mentions if not m.startswith("<t:")]
    assert pings in ([], [f"<#{live.guild.general}>"]), text
    assert not BIDI_CONTROLS & set(text), text


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_any_input_to_any_command_is_answered_in_time(live, data):
    commands = leaf_commands(live.server.synced_commands())
    name, schema = data.draw(st.sampled_from(commands))
    values = {}
    for option in schema:
        if option.get("required") or data.draw(st.booleans()):
            values[option["name"]] = option_value(data.draw, option, live)
    in_dm = not name.startswith("config") and data.draw(st.booleans())
    guild_id = None if in_dm else live.guild.id

    async def run() -> None:
        ix = await live.server.invoke(live.user, name, values, guild_id=guild_id)
        response = await ix.response(timeout=3)
        assert response.latency < 3
        texts = [response.content, *(m.get("content") or "" for m in ix.followups)]
        if response.type == Callback.DEFERRED_CHANNEL_MESSAGE:
            texts += [m.get("content") or "" for m in await ix.wait_for_followups(1, timeout=10)]
        assert not any(UNEXPECTED in text for text in texts), (name, values, texts)
        for text in texts:
            assert_echo_inert(text, live)

    live.call(run())


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(data=st.data())
def test_any_autocomplete_input_gets_at_most_25_choices(live, data):
    targets = [
        (name, option["name"])
        for name, schema in leaf_commands(live.server.synced_commands())
        for option in schema
        if option.get("autocomplete")
    ]
    name, focused = data.draw(st.sampled_from(targets))
    typed = data.draw(nasty_text)

    async def run() -> list[dict[str, Any]]:
        return await live.server.autocomplete(
            live.user, name, focused=focused, value=typed[:6000], guild_id=live.guild.id
        )

    choices = live.call(run())
    assert len(choices) <= 25
    assert not any(BIDI_CONTROLS & set(choice["name"]) for choice in choices), choices
