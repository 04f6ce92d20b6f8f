"""/reminders and /privacy end to end: DMs arrive on time, once, with working buttons."""

import sqlite3
from datetime import timedelta

import pytest

from bot.localdiscord.constants import InteractionCallbackType as Callback
from bot.localdiscord.constants import MessageFlag
from bot.localdiscord.models import NotAllowed
from tests.support.actions import EIGHT, create_stretch, ix_list, reminder_dms
from tests.support.helpers import run_bot


async def test_create_confirms_by_dm_and_lists_the_next_time(discord_server, bot, world):
    reply = await create_stretch(discord_server, world, note="hamstrings!")
    assert reply["flags"] & MessageFlag.EPHEMERAL
    unix = int(EIGHT.timestamp())
    assert f"<t:{unix}:F>" in reply["content"] and f"<t:{unix}:R>" in reply["content"]
    [confirmation] = await discord_server.wait_for_dms(world.alice.id, 1, timeout=5)
    assert confirmation["embeds"]

    ix = await discord_server.invoke(world.alice, "reminders list", {}, guild_id=world.guild.id)
    listed = await ix.response(timeout=5)
    assert listed.ephemeral
    text = str(listed.embeds)
    assert f"<t:{unix}:F>" in text and "hamstrings!" in text


async def test_the_reminder_arrives_on_time_and_done_counts_a_streak(
    discord_server, bot, world, clock
):
    await create_stretch(discord_server, world)
    await discord_server.wait_for_dms(world.alice.id, 1, timeout=5)
    clock.set(EIGHT)
    dms = await discord_server.wait_for_dms(world.alice.id, 2, timeout=5)
    reminder = dms[-1]
    labels = [c["label"] for row in reminder["components"] for c in row["components"]]
    assert labels == [
        "Done",
        "Not today",
        "Pause",
        "Start routine",
        "Snooze 10 min",
        "Snooze 1 hour",
        "This evening",
        "Tomorrow, same time",
    ]
    assert reminder["nonce"]

    done = await discord_server.click(world.alice, reminder, label="Done")
    response = await done.response(timeout=5)
    assert response.type == Callback.UPDATE_MESSAGE and "1" in response.content

    listed = await ix_list(discord_server, world)
    assert listed.embeds[0]["footer"]["text"].startswith("Stretching streak: 1 ")


async def test_pause_resume_and_delete(discord_server, bot, world, clock):
    await create_stretch(discord_server, world)
    choices = await discord_server.autocomplete(
        world.alice, "reminders pause", focused="reminder", value="", guild_id=world.guild.id
    )
    assert choices[0]["value"] == "all" and len(choices) == 2
    reminder_value = choices[1]["value"]

    ix = await discord_server.invoke(
        world.alice, "reminders pause", {"reminder": reminder_value}, guild_id=world.guild.id
    )
    assert "Paused 1" in (await ix.response(timeout=5)).content
    clock.set(EIGHT)
    clock.set(EIGHT + timedelta(minutes=1))
    ix = await discord_server.invoke(world.alice, "reminders list", {}, guild_id=world.guild.id)
    assert "Paused" in str((await ix.response(timeout=5)).embeds)
    assert reminder_dms(discord_server, world.alice) == []

    ix = await discord_server.invoke(
        world.alice, "reminders resume", {"reminder": "all"}, guild_id=world.guild.id
    )
    assert "Resumed 1" in (await ix.response(timeout=5)).content
    clock.set(EIGHT + timedelta(days=1))
    await discord_server.wait_for_dms(world.alice.id, 2, timeout=5)

    ix = await discord_server.invoke(
        world.alice, "reminders delete", {"reminder": "all"}, guild_id=world.guild.id
    )
    assert "Deleted 1" in (await ix.response(timeout=5)).content
    clock.set(EIGHT + timedelta(days=2))
    ix = await discord_server.invoke(world.alice, "reminders list", {}, guild_id=world.guild.id)
    assert "no reminders" in (await ix.response(timeout=5)).content


async def test_bad_input_is_refused_clearly_and_nothing_is_saved(discord_server, bot, world):
    cases = [
        ("reminders stretch", {"time": "25:99", "days": "every day", "timezone": "UTC"}, "23"),
        ("reminders stretch", {"time": "8am", "days": "someday", "timezone": "UTC"}, "day"),
        ("reminders stretch", {"time": "8am", "days": "weekdays", "timezone": "Mars/Base"}, "zone"),
        ("reminders massage", {"every_weeks": 0, "timezone": "UTC"}, "1 to 12"),
        (
            "reminders massage",
            {"every_weeks": 2, "timezone": "UTC", "link": "javascript:alert(1)"},
            "https",
        ),
    ]
    for command, options, hint in cases:
        ix = await discord_server.invoke(world.alice, command, options, guild_id=world.guild.id)
        response = await ix.response(timeout=5)
        text = response.content or "".join(f["content"] for f in await ix.wait_for_followups(1))
        assert hint.lower() in text.lower(), (options, text)
    ix = await discord_server.invoke(world.alice, "reminders list", {}, guild_id=world.guild.id)
    assert "no reminders" in (await ix.response(timeout=5)).content


async def test_first_reminder_without_a_zone_asks_for_it(discord_server, bot, world):
    ix = await discord_server.invoke(
        world.alice,
        "reminders stretch",
        {"time": "8am", "days": "weekdays"},
        guild_id=world.guild.id,
    )
    response = await ix.response(timeout=5)
    assert response.ephemeral and "time zone" in response.content
    choices = await discord_server.autocomplete(
        world.alice, "reminders timezone", focused="zone", value="london", guild_id=world.guild.id
    )
    assert choices[0]["value"] == "Europe/London"
    ix = await discord_server.invoke(
        world.alice, "reminders timezone", {"zone": "london"}, guild_id=world.guild.id
    )
    assert "Europe/London" in (await ix.response(timeout=5)).content
    ix = await discord_server.invoke(
        world.alice,
        "reminders stretch",
        {"time": "8am", "days": "weekdays"},
        guild_id=world.guild.id,
    )
    await ix.response(timeout=5)
    [reply] = await ix.wait_for_followups(1, timeout=5)
    assert "Europe/London" in reply["content"]


async def test_closed_dms_at_creation_save_nothing(discord_server, bot, world):
    discord_server.set_dms_open(world.alice.id, False)
    reply = await create_stretch(discord_server, world)
    assert "Privacy Settings" in reply["content"]
    ix = await discord_server.invoke(world.alice, "reminders list", {}, guild_id=world.guild.id)
    assert "no reminders" in (await ix.response(timeout=5)).content


async def test_dms_closed_later_pause_with_one_403_and_the_member_is_told(
    discord_server, bot, world, clock
):
    await create_stretch(discord_server, world)
    await create_stretch(discord_server, world, time="8:00 am")
    discord_server.set_dms_open(world.alice.id, False)
    clock.set(EIGHT)
    await discord_server.wait_until(lambda: discord_server.status_counts()[403] >= 1)
    clock.set(EIGHT + timedelta(days=1))
    clock.set(EIGHT + timedelta(days=2))

    ix = await discord_server.invoke(world.alice, "about", {}, guild_id=world.guild.id)
    await ix.response(timeout=5)
    [notice] = await ix.wait_for_followups(1, timeout=5)
    assert "paused" in notice["content"] and notice["flags"] & MessageFlag.EPHEMERAL
    ix = await discord_server.invoke(world.alice, "about", {}, guild_id=world.guild.id)
    await ix.response(timeout=5)
    assert ix.followups == []  # told once
    assert discord_server.status_counts()[403] == 1  # both reminders paused after one refusal
    listed = await ix_list(discord_server, world)
    assert str(listed.embeds).count("couldn't DM you") == 2


async def test_the_reminder_survives_a_restart_and_fires_once(
    discord_server, world, tmp_path, content, clock
):
    database = tmp_path / "bot.db"
    async with run_bot(discord_server, database, content, clock):
        await create_stretch(discord_server, world)
    clock.set(EIGHT)
    async with run_bot(discord_server, database, content, clock):
        await discord_server.wait_for_dms(world.alice.id, 2, timeout=5)
        clock.set(EIGHT + timedelta(minutes=5))
        await ix_list(discord_server, world)
    async with run_bot(discord_server, database, content, clock):
        await ix_list(discord_server, world)
    assert len(reminder_dms(discord_server, world.alice)) == 1


async def test_privacy_delete_leaves_no_row_about_the_member(discord_server, bot, world, tmp_path):
    await create_stretch(discord_server, world)
    ix = await discord_server.invoke(world.alice, "privacy export", {}, guild_id=world.guild.id)
    response = await ix.response(timeout=5)
    assert response.ephemeral
    ix = await discord_server.invoke(world.alice, "privacy delete", {}, guild_id=world.guild.id)
    await ix.response(timeout=5)
    confirm = await discord_server.click(world.alice, ix.message(), label="Delete everything")
    assert (await confirm.response(timeout=5)).type == Callback.UPDATE_MESSAGE

    with sqlite3.connect(tmp_path / "bot.db") as conn:
        for table, column in [
            ("members", "user_id"),
            ("reminders", "user_id"),
            ("completions", "user_id"),
            ("stretch_break_joins", "user_id"),
            ("audit_log", "moderator_id"),
        ]:
            count = conn.execute(
                f"SELECT COUNT(*) FROM {table} WHERE {column} = ?", (world.alice.id,)
            ).fetchone()[0]
            assert count == 0, table


async def test_discords_client_stops_a_member_at_the_note_and_link_limits(
    discord_server, bot, world
):
    [group] = [c for c in discord_server.synced_commands() if c["name"] == "reminders"]
    declared = {
        (sub["name"], option["name"]): option.get("max_length")
        for sub in group["options"]
        for option in sub.get("options") or []
        if option["name"] in ("note", "link")
    }
    assert declared == {
        ("stretch", "note"): 200,
        ("after-done", "note"): 200,
        ("once", "note"): 200,
        ("edit", "note"): 200,
        ("massage", "link"): 512,
        ("edit", "link"): 512,
    }
    with pytest.raises(NotAllowed):
        await create_stretch(discord_server, world, note="n" * 201)
    reply = await create_stretch(discord_server, world, note="n" * 200)
    assert "Saved" in reply["content"]
