"""A /privacy delete question is answered whatever happened since it was shown: after a real
`python -m bot` restart it deletes (or cancels) as asked; a late answer, or one to a question
an older version showed, is told plainly that it expired and how to start again."""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from pathlib import Path
from typing import Any

from bot.localdiscord.constants import InteractionCallbackType as Callback
from tests.support.helpers import run_bot, running_bot

DELETED = "everything I kept about you is deleted"
EXPIRED = "expired, so nothing was deleted"
AGAIN = "run `/privacy delete` again"


def member_rows(database: Path, user_id: int) -> int:
    with sqlite3.connect(database) as conn:
        return int(
            conn.execute("SELECT COUNT(*) FROM members WHERE user_id = ?", (user_id,)).fetchone()[0]
        )


async def ask(server: Any, user: Any, world: Any, command: str, options: dict[str, Any]) -> Any:
    ix = await server.invoke(user, command, options, guild_id=world.guild.id)
    await ix.response(timeout=10)
    return ix


async def answer(server: Any, user: Any, question: Any, label: str) -> str:
    pressed = await server.click(user, question.message(), label=label)
    response = await pressed.response(timeout=10)
    assert response.type == Callback.UPDATE_MESSAGE, response
    shown = question.message()
    assert shown["components"] == []  # answered: no buttons left to press
    return str(shown["content"])


async def test_a_pending_delete_is_answered_after_a_restart(discord_server, world, tmp_path):
    database = tmp_path / "bot.db"
    async with running_bot(discord_server, tmp_path) as first:
        for user in (world.alice, world.bob):
            await ask(discord_server, user, world, "reminders timezone", {"zone": "Europe/London"})
        alice_asked = await ask(discord_server, world.alice, world, "privacy delete", {})
        bob_asked = await ask(discord_server, world.bob, world, "privacy delete", {})
    code, stderr = first.exited
    assert code == 0, stderr

    async with running_bot(discord_server, tmp_path, ready=2) as second:
        deleted = await answer(discord_server, world.alice, alice_asked, "Delete everything")
        assert DELETED in deleted
        kept = await answer(discord_server, world.bob, bob_asked, "Cancel")
        assert "Nothing was deleted" in kept
    code, stderr = second.exited
    assert code == 0, stderr
    assert member_rows(database, world.alice.id) == 0
    assert member_rows(database, world.bob.id) == 1


async def test_a_late_answer_is_told_it_expired_and_deletes_nothing(
    discord_server, world, tmp_path, content, clock
):
    database = tmp_path / "bot.db"
    async with run_bot(discord_server, database, content, clock):
        await ask(discord_server, world.alice, world, "reminders timezone", {"zone": "UTC"})
        question = await ask(discord_server, world.alice, world, "privacy delete", {})
        clock.advance(timedelta(minutes=3))
        said = await answer(discord_server, world.alice, question, "Delete everything")
    assert EXPIRED in said and AGAIN in said
    assert member_rows(database, world.alice.id) == 1


async def test_a_question_an_older_version_showed_is_answered_too(
    discord_server, world, tmp_path, content, clock
):
    database = tmp_path / "bot.db"
    async with run_bot(discord_server, database, content, clock):
        await ask(discord_server, world.alice, world, "reminders timezone", {"zone": "UTC"})
        question = await ask(discord_server, world.alice, world, "privacy delete", {})
        # what the version before this one sent: the custom_ids carried nothing
        [row] = question.message()["components"]
        old_ids = ("privacy:delete", "privacy:no")
        for button, custom_id in zip(row["components"], old_ids, strict=True):
            button["custom_id"] = custom_id
        said = await answer(discord_server, world.alice, question, "Delete everything")
    assert EXPIRED in said and AGAIN in said
    assert member_rows(database, world.alice.id) == 1


async def test_someone_elses_question_is_not_theirs_to_answer(
    discord_server, world, tmp_path, content, clock
):
    database = tmp_path / "bot.db"
    async with run_bot(discord_server, database, content, clock):
        await ask(discord_server, world.alice, world, "reminders timezone", {"zone": "UTC"})
        question = await ask(discord_server, world.alice, world, "privacy delete", {})
        message = question.message()
        pressed = await discord_server.click(world.bob, message, label="Delete everything")
        refused = await pressed.response(timeout=5)
        assert refused.ephemeral and "belong to someone else" in refused.content
    assert member_rows(database, world.alice.id) == 1
