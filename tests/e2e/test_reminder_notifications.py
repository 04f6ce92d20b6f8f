"""Every reminder DM carries a text line, which is what a phone's notification and lock screen
show: the kind of reminder only (a lock screen is public), or the member's note by their choice,
kept and deleted with the rest of their data."""

import json
from datetime import UTC, datetime

from tests.support.actions import EIGHT, create_stretch, ix_list, stretch_dms

SUPPRESS_NOTIFICATIONS = 1 << 12
NOTE = "left hamstring, after the MRI"  # a health detail a lock screen must not show


async def answer(server, world, command, options):
    ix = await server.invoke(world.alice, command, options, guild_id=world.guild.id)
    return await ix.response(timeout=5)


async def test_stretch_and_massage_dms_name_only_their_kind(discord_server, bot, world, clock):
    await create_stretch(discord_server, world, note=NOTE)
    ix = await discord_server.invoke(
        world.alice,
        "reminders massage",
        {"every_weeks": 2, "time": "8:00", "timezone": "UTC"},
        guild_id=world.guild.id,
    )
    await ix.response(timeout=5)
    await ix.wait_for_followups(1, timeout=5)
    [confirmation] = await discord_server.wait_for_dms(world.alice.id, 1, timeout=5)
    assert confirmation["content"] == "Reminders are on"  # the first reminder's consent DM

    clock.set(EIGHT)
    dms = await discord_server.wait_for_dms(world.alice.id, 3, timeout=5)
    by_title = {dm["embeds"][0]["title"]: dm for dm in dms[1:]}
    stretch = by_title["Time to stretch"]
    massage = by_title["Time to book your massage"]
    assert stretch["content"] == "Stretch reminder"
    assert massage["content"] == "Massage booking reminder"
    assert NOTE in str(stretch["embeds"])  # the note stays inside the DM, off the lock screen
    for dm in (stretch, massage):
        assert not dm["flags"] & SUPPRESS_NOTIFICATIONS  # the line is meant to be seen


async def test_a_held_dm_names_its_kind_too(discord_server, bot, world, clock):
    await create_stretch(discord_server, world, time="23:00", note=NOTE)
    await answer(discord_server, world, "reminders quiet-hours", {"start": "22:00", "end": "7:30"})
    clock.set(datetime(2026, 3, 2, 23, 0, tzinfo=UTC))
    await ix_list(discord_server, world)
    clock.set(datetime(2026, 3, 3, 7, 30, tzinfo=UTC))
    await discord_server.wait_until(lambda: len(stretch_dms(discord_server, world.alice)) == 1)
    [held] = stretch_dms(discord_server, world.alice)
    assert "Held during your quiet hours" in held["embeds"][0]["description"]
    assert held["content"] == "Stretch reminder"


async def test_a_member_may_show_their_note_and_privacy_shows_and_deletes_the_choice(
    discord_server, bot, world, clock
):
    await create_stretch(discord_server, world, note=f"{NOTE}\n<@{world.bob.id}>")
    chosen = await answer(discord_server, world, "reminders notification-text", {"show": "note"})
    assert chosen.ephemeral and "anyone who sees your lock screen" in chosen.content
    shown = await answer(discord_server, world, "privacy show", {})
    assert "notifications show: the kind of reminder and your note" in str(shown.embeds)

    clock.set(EIGHT)
    await discord_server.wait_until(lambda: len(stretch_dms(discord_server, world.alice)) == 1)
    [dm] = stretch_dms(discord_server, world.alice)
    assert dm["content"] == f"Stretch reminder: {NOTE} <@{world.bob.id}>"  # on one line
    assert dm["allowed_mentions"] == {"parse": []}  # what a member typed never pings anyone

    ix = await discord_server.invoke(world.alice, "privacy export", {}, guild_id=world.guild.id)
    await ix.response(timeout=5)
    [(_, upload)] = ix.files
    [setting] = json.loads(upload)["reminder_settings"]
    assert setting["notification"] == "note" and setting["user_id"] == world.alice.id

    back = await answer(discord_server, world, "reminders notification-text", {"show": "kind"})
    assert "only what kind of reminder" in back.content
    shown = await answer(discord_server, world, "privacy show", {})
    assert "notifications show: the kind of reminder only" in str(shown.embeds)
    assert await bot.stores.reminders.notification(world.alice.id) == "kind"
