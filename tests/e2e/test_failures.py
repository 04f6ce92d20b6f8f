"""When something breaks, the member still gets an answer: a command, an autocomplete and a
button that outlives restarts each fail safely, and the failure is logged once."""

import logging
import re
from datetime import UTC, datetime

from tests.support.actions import create_stretch
from tests.support.helpers import eventually

EIGHT = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
ERROR_ID = re.compile(r"error id: `([0-9a-f]{8})`")


async def broken(*args, **kwargs):
    raise RuntimeError("the database went away")


async def test_a_failing_command_answers_with_an_error_id_and_logs_it(
    discord_server, bot, world, monkeypatch, caplog
):
    caplog.set_level(logging.INFO, logger="bot")
    monkeypatch.setattr(bot.stores.reminders, "of_member", broken)
    ix = await discord_server.invoke(world.alice, "reminders list", {}, guild_id=world.guild.id)
    response = await ix.response(timeout=5)
    assert response.ephemeral
    [error_id] = ERROR_ID.findall(response.content)
    assert any(f"error {error_id} in interaction" in r.getMessage() for r in caplog.records)
    # the access log line is written once the answer is out
    await eventually(
        lambda: any(
            "interaction /reminders list" in r.getMessage()
            and f"outcome=error {error_id}" in r.getMessage()
            for r in caplog.records
        ),
        timeout=5,
    )


async def test_a_failing_autocomplete_offers_no_choices_and_logs_it(
    discord_server, bot, world, monkeypatch, caplog
):
    monkeypatch.setattr(bot.stores.reminders, "of_member", broken)
    choices = await discord_server.autocomplete(
        world.alice, "reminders pause", focused="reminder", value="", guild_id=world.guild.id
    )
    assert choices == []
    failures = [r for r in caplog.records if r.name == "bot.autocomplete"]
    assert [r.getMessage() for r in failures] == ["autocomplete reminder_autocomplete failed"]
    assert failures[0].exc_info is not None


async def test_a_failing_reminder_button_answers_the_member_privately(
    discord_server, bot, world, clock, monkeypatch, caplog
):
    await create_stretch(discord_server, world)
    clock.set(EIGHT)
    dms = await discord_server.wait_for_dms(world.alice.id, 2, timeout=5)
    monkeypatch.setattr(bot.stores.reminders, "get", broken)
    done = await discord_server.click(world.alice, dms[-1], label="Done")
    response = await done.response(timeout=5)
    assert response.ephemeral
    [error_id] = ERROR_ID.findall(response.content)
    assert any(f"error {error_id} in interaction" in r.getMessage() for r in caplog.records)
