"""Log output: LOG_FORMAT=json gives one JSON object per line with the fields log shippers
index; neither format ever carries a health answer, a pain score or a member's note."""

import io
import json
import logging
import re

import pytest

from bot.core.logs import TEXT_FORMAT, JsonFormatter
from bot.localdiscord.constants import InteractionCallbackType as Callback
from tests.support.actions import EIGHT, create_stretch, reminder_dms
from tests.support.helpers import TOKEN, BotProcess, eventually, process_env, running_bot
from tests.support.progress import turn_checkins
from tests.support.quickcheck import answer_all, start

ERROR_ID = re.compile(r"`([0-9a-f]{8})`")
SCORE_NEAR_WORD = re.compile(r"(?i)\b(pain|score|check-?in)\b\W{0,3}\w{0,10}\W{0,3}8\b")


@pytest.fixture
def both_formats():
    """Every record of the bot's loggers, at DEBUG, written in both formats."""
    outputs = {"json": io.StringIO(), "text": io.StringIO()}
    handlers = []
    for name, formatter in (("json", JsonFormatter()), ("text", logging.Formatter(TEXT_FORMAT))):
        handler = logging.StreamHandler(outputs[name])
        handler.setFormatter(formatter)
        handlers.append(handler)
    loggers = [logging.getLogger(name) for name in ("bot", "cogs", "discord")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.INFO if logger.name == "discord" else logging.DEBUG)
        for handler in handlers:
            logger.addHandler(handler)
    try:
        yield outputs
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)
            for handler in handlers:
                logger.removeHandler(handler)


async def test_health_answers_scores_and_notes_reach_neither_format(
    discord_server, bot, world, clock, monkeypatch, both_formats
):
    await turn_checkins(discord_server, world, "on")
    await create_stretch(discord_server, world, note="left leg numb since Tuesday")
    clock.set(EIGHT)
    await discord_server.wait_until(
        lambda: any(m["components"] for m in reminder_dms(discord_server, world.alice)), timeout=5
    )
    [reminder] = reminder_dms(discord_server, world.alice)
    done = await discord_server.click(world.alice, reminder, label="Done")
    assert (await done.response(timeout=5)).type == Callback.UPDATE_MESSAGE
    eight = await discord_server.click(world.alice, done.message(), label="8")
    assert "**8** out of 10" in (await eight.response(timeout=5)).content
    questions = bot.content.quickcheck.questions
    check = await start(discord_server, world)
    await answer_all(discord_server, world, check, ["No"] * 5)  # five screens answered

    async def broken(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(bot.stores.reminders, "of_member", broken)
    failed = await discord_server.invoke(
        world.alice, "reminders list", {}, guild_id=world.guild.id
    )
    [error_id] = ERROR_ID.findall((await failed.response(timeout=5)).content)
    await eventually(lambda: "outcome=error" in both_formats["text"].getvalue())
    # each press (Done, the score, five quick-check screens) is logged once it has answered
    await eventually(lambda: both_formats["text"].getvalue().count("component") >= 7)

    entries = [json.loads(line) for line in both_formats["json"].getvalue().splitlines()]
    text = both_formats["text"].getvalue()
    assert len(entries) == len(re.findall(r"^\d{4}-\d\d-\d\d ", text, re.MULTILINE)) > 0
    for entry in entries:
        assert {"time", "level", "logger", "message"} <= entry.keys(), entry
    interactions = [e for e in entries if e["message"].startswith("interaction ")]
    assert len(interactions) >= 5 and all(e["shard"] == 0 for e in interactions)
    presses = [e["message"] for e in interactions if " component " in e["message"]]
    assert len(presses) >= 7 and all(m.endswith("outcome=ok") for m in presses), presses
    [logged_error] = [e for e in entries if "traceback" in e]
    assert logged_error["error_id"] == error_id and logged_error["level"] == "ERROR"
    assert "RuntimeError: the database went away" in logged_error["traceback"]
    assert any(e.get("error_id") == error_id and e in interactions for e in entries)

    health = [
        "pain:8",
        "out of 10",
        "numb since Tuesday",
        *(question.text for question in questions),
    ]
    for output in (json.dumps(entries), text):
        for words in health:
            assert words not in output, words
        # the score itself, however a log call might word it ("pain 8", "score=8")
        assert not SCORE_NEAR_WORD.search(output), SCORE_NEAR_WORD.search(output)


async def test_a_real_process_writes_one_json_object_per_line(discord_server, world, tmp_path):
    async with running_bot(discord_server, tmp_path, LOG_FORMAT="json") as process:
        about = await discord_server.invoke(world.alice, "about", {}, guild_id=world.guild.id)
        await about.response(timeout=10)
    code, stderr = process.exited
    assert code == 0, stderr
    entries = [json.loads(line) for line in stderr.splitlines()]
    assert all({"time", "level", "logger", "message"} <= e.keys() for e in entries)
    assert any(e["logger"].startswith("discord") for e in entries)
    [about_line] = [e for e in entries if e["message"].startswith("interaction /about")]
    assert about_line["shard"] == 0 and about_line["level"] == "INFO"
    assert entries[-1]["message"] == "stopped cleanly"


async def test_an_unknown_log_format_is_a_configuration_problem(tmp_path):
    process = BotProcess(process_env(DISCORD_TOKEN=TOKEN, LOG_FORMAT="xml"), cwd=tmp_path)
    await process.start()
    code, stderr = await process.wait()
    assert code == 78 and "LOG_FORMAT" in stderr
