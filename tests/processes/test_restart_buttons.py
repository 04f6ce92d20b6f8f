"""Every button the bot shows is answered after a deploy: real `python -m bot` processes, the
first stopped with SIGTERM between showing a screen and the press, the second started on the
same SQLite file. A quick-check goes on (an emergency Yes gets the emergency advice), a
/config reset is confirmed, the stretch routine steps on, and a custom id no version of the
bot made is told plainly that the check expired."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from bot.health.triage import Level
from bot.localdiscord.constants import InteractionCallbackType as Callback
from tests.support.helpers import running_bot


@asynccontextmanager
async def deployed(server: Any, tmp_path: Path, *, version: int) -> AsyncIterator[None]:
    """The bot running as its `version`th process on one database, stopped as a deploy does."""
    async with running_bot(server, tmp_path, ready=version) as process:
        yield
    code, stderr = process.exited
    assert code == 0, stderr
    assert "Traceback" not in stderr, stderr


async def invoke(server: Any, user: Any, world: Any, command: str, **options: Any) -> Any:
    ix = await server.invoke(user, command, options, guild_id=world.guild.id)
    response = await ix.response(timeout=10)
    assert response.ephemeral, response
    return ix


async def press(server: Any, user: Any, message: dict[str, Any], **which: str) -> Any:
    """Click a button; the answer, which must be an update of that message."""
    click = await server.click(user, message, **which)
    response = await click.response(timeout=10)
    assert response.type == Callback.UPDATE_MESSAGE, response
    return response


def title(response: Any) -> str:
    return str(response.embeds[0].get("title", "")) if response.embeds else ""


def answer_id(message: dict[str, Any], question: int, code: str) -> str:
    return next(
        button["custom_id"]
        for row in message["components"]
        for button in row["components"]
        if button.get("custom_id", "").endswith(f":{question}:{code}")
    )


def replace_custom_id(message: dict[str, Any], label: str, custom_id: str) -> None:
    """What another version of the bot (or a tampered message) left on a button."""
    button = next(
        button
        for row in message["components"]
        for button in row["components"]
        if button.get("label") == label
    )
    button["custom_id"] = custom_id


async def test_quick_checks_in_progress_go_on_after_a_restart(
    discord_server, world, tmp_path, content
):
    check = content.quickcheck
    levels = check.levels
    answers = len(check.questions)
    singles = [q for q in check.questions if not q.group]
    server = discord_server
    async with deployed(server, tmp_path, version=1):
        # alice: on the second emergency question when the bot stops
        emergency = await invoke(server, world.alice, world, "quickcheck", region="us")
        await press(server, world.alice, emergency.message(), label="No")
        # bob: half-way through the first shared screen, "Not sure" marked on its second item
        midway = await invoke(server, world.bob, world, "quickcheck")
        for _ in singles:
            await press(server, world.bob, midway.message(), label="No")
        await press(server, world.bob, midway.message(), label="2. Not sure")
        await press(server, world.bob, midway.message(), label="1. No")
        shown_before = str(midway.message()["embeds"])
        # alice again: a screen whose buttons will be tampered with
        forged = await invoke(server, world.alice, world, "quickcheck")
        await press(server, world.alice, forged.message(), label="No")

    async with deployed(server, tmp_path, version=2):
        # (a) Yes to an emergency question shown before the restart: the emergency advice
        question = check.questions[1]
        assert question.level is Level.EMERGENCY
        yes = answer_id(emergency.message(), 1, "y")
        result = await press(server, world.alice, emergency.message(), custom_id=yes)
        assert title(result) == levels[question.level].title
        assert question.reason in str(result.embeds)
        assert "US numbers" in str(result.embeds)  # the region typed at the start, carried

        # (b) the shared screen goes on from where it was: its marks, then on to a result
        assert "— **Not sure**" in shown_before
        refused = await server.click(world.alice, midway.message(), label="3. No")
        assert "belong to someone else" in (await refused.response(timeout=10)).content
        for label in ("3. No", "4. No"):
            await press(server, world.bob, midway.message(), label=label)
        assert "— **Not sure**" in str(midway.message()["embeds"])
        next_label = content.messages("quickcheck.ui.next")
        response = await press(server, world.bob, midway.message(), label=next_label)
        # "Not sure" to a recent infection is urgent, and with every nerve sign answered "No"
        # nothing left could make it an emergency: the result
        infection = check.question("infection")
        assert title(response) == levels[infection.level].title
        assert infection.reason in str(response.embeds)

        # (d) a custom id no version made: expired, how to start again, the safety net
        message = forged.message()
        replace_custom_id(message, "No", f"qc:{world.alice.id}:1:-:{'n' * answers}:1:n")
        expired = await press(server, world.alice, message, label="No")
        assert content.messages("quickcheck.ui.expired") in expired.content
        assert content.messages("quickcheck.ui.safety_net") in expired.content
        assert expired.components == [] and expired.embeds == []


async def test_an_emergency_yes_on_a_screen_the_previous_version_showed(
    discord_server, world, tmp_path, content
):
    """The version before this one put only the answers in the custom id: nothing else can be
    rebuilt, but Yes to an emergency question still gets the emergency advice, and any other
    press is told the check expired."""
    check = content.quickcheck
    server = discord_server
    async with deployed(server, tmp_path, version=1):
        yes_check = await invoke(server, world.alice, world, "quickcheck")
        no_check = await invoke(server, world.alice, world, "quickcheck")
    older = "." * len(check.questions)
    replace_custom_id(yes_check.message(), "Yes", f"qc:{older}:0:y")
    replace_custom_id(no_check.message(), "No", f"qc:{older}:0:n")
    async with deployed(server, tmp_path, version=2):
        result = await press(server, world.alice, yes_check.message(), label="Yes")
        assert title(result) == check.levels[check.questions[0].level].title
        assert check.questions[0].reason in str(result.embeds)
        expired = await press(server, world.alice, no_check.message(), label="No")
        assert content.messages("quickcheck.ui.expired") in expired.content


def region_setting(database: Path, guild_id: int) -> str | None:
    with sqlite3.connect(database) as conn:
        row = conn.execute(
            "SELECT value FROM guild_settings WHERE guild_id = ? AND key = 'region'", (guild_id,)
        ).fetchone()
    return row[0] if row else None


async def test_a_config_reset_and_a_stretch_routine_answered_after_a_restart(
    discord_server, world, tmp_path, content
):
    server = discord_server
    async with deployed(server, tmp_path, version=1):
        await invoke(server, world.moderator, world, "config region", region="ireland")
        reset = await invoke(server, world.moderator, world, "config reset")
        routine = await invoke(server, world.alice, world, "stretch routine")
        intro = routine.message()["embeds"]
    assert region_setting(tmp_path / "bot.db", world.guild.id) == "ireland"

    async with deployed(server, tmp_path, version=2):
        # (c) the reset asked before the restart is done when confirmed after it
        refused = await server.click(world.alice, reset.message(), label="Reset")
        assert "belong to someone else" in (await refused.response(timeout=10)).content
        done = await press(server, world.moderator, reset.message(), label="Reset")
        assert "back to their defaults" in done.content and done.components == []

        stepped = await press(server, world.alice, routine.message(), label="Next")
        first = content.library.routine.stretches[0]
        assert first.name in str(stepped.embeds)
        back = await press(server, world.alice, routine.message(), label="Back")
        assert back.embeds == intro
    assert region_setting(tmp_path / "bot.db", world.guild.id) is None
