"""Reminders that fit a life, end to end through the local Discord with an injected clock:
/reminders edit, after-done, quiet-hours and pause with days."""

from datetime import UTC, datetime, timedelta

from tests.support.actions import EIGHT, create_stretch, ix_list, stretch_dms
from tests.support.helpers import eventually_async, run_bot

START = datetime(2026, 3, 2, 7, 0, tzinfo=UTC)  # the clock fixture's Monday morning
HOUR = timedelta(hours=1)
DAY = timedelta(days=1)


def unix(instant: datetime) -> int:
    return int(instant.timestamp())


async def invoke(server, world, command, options):
    return await server.invoke(world.alice, command, options, guild_id=world.guild.id)


async def answer(server, world, command, options):
    ix = await invoke(server, world, command, options)
    return await ix.response(timeout=5)


async def only_reminder(bot, world):
    [row] = await bot.stores.reminders.of_member(world.alice.id)
    return row


async def dms_after(server, world, count):
    """Wait until the member has had `count` stretch reminder DMs (acted on or not), after a
    round trip to the bot, and check there are no more."""
    await ix_list(server, world)
    await server.wait_until(lambda: len(stretch_dms(server, world.alice)) >= count)
    dms = stretch_dms(server, world.alice)
    assert len(dms) == count
    return dms


# --- edit ----------------------------------------------------------------------------------------


async def test_editing_time_and_days_moves_the_next_dm_keeps_id_and_streak(
    discord_server, bot, world, clock
):
    await create_stretch(discord_server, world)  # 08:00 every day, UTC
    before = await only_reminder(bot, world)
    clock.set(EIGHT)
    [dm] = await dms_after(discord_server, world, 1)
    done = await discord_server.click(world.alice, dm, label="Done")
    await done.response(timeout=5)

    choices = await discord_server.autocomplete(
        world.alice, "reminders edit", focused="reminder", value="", guild_id=world.guild.id
    )
    assert [c["value"] for c in choices] == [str(before.id)]  # one reminder, no "all"
    edited = await answer(
        discord_server,
        world,
        "reminders edit",
        {"reminder": str(before.id), "time": "9.30", "days": "weekdays"},
    )
    nine_thirty = unix(EIGHT + 1.5 * HOUR)
    assert edited.ephemeral
    assert "Every weekday at 09:30 (UTC)" in edited.content
    assert f"<t:{nine_thirty}:F>" in edited.content and f"<t:{nine_thirty}:R>" in edited.content

    clock.set(EIGHT + 1.5 * HOUR)  # Monday 09:30: the new time, once
    await dms_after(discord_server, world, 2)
    clock.set(EIGHT + 2 * HOUR)
    clock.set(EIGHT + DAY)  # Tuesday 08:00: the old time brings nothing
    await dms_after(discord_server, world, 2)
    clock.set(EIGHT + DAY + 1.5 * HOUR)
    *_, tuesday = await dms_after(discord_server, world, 3)

    after = await only_reminder(bot, world)
    assert after.id == before.id and after.created_at == before.created_at
    done = await discord_server.click(world.alice, tuesday, label="Done")
    assert "Stretching streak: **2** sessions" in (await done.response(timeout=5)).content
    listed = await ix_list(discord_server, world)
    assert "Every weekday at 09:30 (UTC)" in str(listed.embeds)


async def test_an_option_that_does_not_fit_is_refused_and_nothing_changes(
    discord_server, bot, world
):
    await create_stretch(discord_server, world)
    before = await only_reminder(bot, world)
    refused = await answer(
        discord_server,
        world,
        "reminders edit",
        {"reminder": str(before.id), "time": "9:00", "every_weeks": 2},
    )
    assert refused.ephemeral
    assert "`every_weeks` doesn't fit a stretch reminder on set days" in refused.content
    assert "`time`, `days`, `start`, `timezone`, `note`" in refused.content
    assert await only_reminder(bot, world) == before

    refused = await answer(
        discord_server, world, "reminders edit", {"reminder": str(before.id), "time": "25:99"}
    )
    assert "23" in refused.content  # a bad value: the parser's own help
    refused = await answer(discord_server, world, "reminders edit", {"reminder": str(before.id)})
    assert "Nothing to change" in refused.content
    refused = await answer(discord_server, world, "reminders edit", {"reminder": "all"})
    assert "Pick one reminder" in refused.content
    assert await only_reminder(bot, world) == before


# --- after-done ----------------------------------------------------------------------------------


async def test_an_after_done_reminder_comes_its_hours_after_done_or_a_finished_routine(
    discord_server, bot, world, clock
):
    ix = await invoke(
        discord_server, world, "reminders after-done", {"hours": 3, "timezone": "UTC"}
    )
    await ix.response(timeout=5)
    [created] = await ix.wait_for_followups(1, timeout=5)
    assert "3 hours after your last stretch or my last reminder" in created["content"]
    assert f"<t:{unix(START + 3 * HOUR)}:F>" in created["content"]

    clock.set(START + 3 * HOUR)  # 10:00: three hours after it was made
    [dm] = await dms_after(discord_server, world, 1)
    clock.set(START + 3 * HOUR + timedelta(minutes=20))
    done = await discord_server.click(world.alice, dm, label="Done")
    pressed = await done.response(timeout=5)
    due = START + 6 * HOUR + timedelta(minutes=20)  # 13:20, three hours after Done
    assert "marked done" in pressed.content and f"<t:{unix(due)}:R>" in pressed.content
    clock.set(due - timedelta(minutes=1))
    await dms_after(discord_server, world, 1)
    clock.set(due)
    await dms_after(discord_server, world, 2)

    clock.set(START + 7 * HOUR)  # 14:00: a routine finished counts too
    ix = await invoke(discord_server, world, "stretch routine", {})
    await ix.response(timeout=5)
    finish = await discord_server.click(world.alice, ix.message(), label="Finish")
    finished = await finish.response(timeout=5)
    assert f"<t:{unix(START + 10 * HOUR)}:R>" in finished.content
    clock.set(due + 3 * HOUR)  # 16:20, three hours after the last DM: moved on by the routine
    await dms_after(discord_server, world, 2)
    clock.set(START + 10 * HOUR)
    await dms_after(discord_server, world, 3)


# --- quiet hours ---------------------------------------------------------------------------------


async def test_quiet_hours_hold_a_due_reminder_and_send_it_once_when_they_end(
    discord_server, bot, world, clock
):
    await create_stretch(discord_server, world, time="23:00", note="gentle")
    saved = await answer(
        discord_server, world, "reminders quiet-hours", {"start": "22:00", "end": "7.30"}
    )
    assert saved.ephemeral and "from 22:00 to 07:30 (UTC)" in saved.content
    listed = await ix_list(discord_server, world)
    assert "Quiet hours:** 22:00\u201307:30 (UTC)" in str(listed.embeds)

    eleven = datetime(2026, 3, 2, 23, 0, tzinfo=UTC)
    clock.set(eleven)
    reminder = await only_reminder(bot, world)

    async def held():
        return (await bot.stores.reminders.get(reminder.id)).held_due_at == unix(eleven)

    await eventually_async(held, timeout=5)
    await dms_after(discord_server, world, 0)
    release = datetime(2026, 3, 3, 7, 30, tzinfo=UTC)
    listed = await ix_list(discord_server, world)
    assert f"it was due <t:{unix(eleven)}:f> and comes <t:{unix(release)}:F>" in str(listed.embeds)

    clock.set(release)
    [dm] = await dms_after(discord_server, world, 1)
    [embed] = dm["embeds"]
    assert (
        f"Held during your quiet hours: this was due <t:{unix(eleven)}:f>" in (embed["description"])
    )
    assert embed["fields"][0]["value"] == "gentle"
    clock.set(release + HOUR)
    await dms_after(discord_server, world, 1)  # once

    off = await answer(discord_server, world, "reminders quiet-hours-off", {})
    assert "Quiet hours off" in off.content
    clock.set(eleven + DAY)  # Tuesday 23:00 comes on time again
    await dms_after(discord_server, world, 2)


async def test_a_held_reminder_survives_a_restart_and_is_sent_once(
    discord_server, world, tmp_path, content, clock
):
    database = tmp_path / "bot.db"
    eleven = datetime(2026, 3, 2, 23, 0, tzinfo=UTC)
    async with run_bot(discord_server, database, content, clock) as bot:
        await create_stretch(discord_server, world, time="23:00")
        await answer(
            discord_server, world, "reminders quiet-hours", {"start": "22:00", "end": "07:30"}
        )
        clock.set(eleven)
        reminder = await only_reminder(bot, world)

        async def held():
            return (await bot.stores.reminders.get(reminder.id)).held_due_at is not None

        await eventually_async(held, timeout=5)
    clock.set(datetime(2026, 3, 3, 7, 45, tzinfo=UTC))  # back after the end, within grace
    async with run_bot(discord_server, database, content, clock):
        [dm] = await dms_after(discord_server, world, 1)
        assert f"this was due <t:{unix(eleven)}:f>" in dm["embeds"][0]["description"]
    async with run_bot(discord_server, database, content, clock):
        await dms_after(discord_server, world, 1)


# --- pause with days -----------------------------------------------------------------------------


async def test_a_pause_for_two_days_resumes_by_itself(discord_server, bot, world, clock):
    await create_stretch(discord_server, world)  # 08:00 every day
    paused = await answer(discord_server, world, "reminders pause", {"reminder": "all", "days": 2})
    until = unix(START + 2 * DAY)  # Wednesday 07:00
    assert "Paused 1 reminder until" in paused.content and f"<t:{until}:F>" in paused.content
    listed = await ix_list(discord_server, world)
    assert f"Paused until <t:{until}:f>" in str(listed.embeds)

    for day in (0, 1):  # Monday and Tuesday 08:00 come and go
        clock.set(EIGHT + day * DAY)
        await dms_after(discord_server, world, 0)
    clock.set(START + 2 * DAY)
    reminder = await only_reminder(bot, world)

    async def resumed():
        return (await bot.stores.reminders.get(reminder.id)).paused_until is None

    await eventually_async(resumed, timeout=5)
    listed = await ix_list(discord_server, world)
    wednesday = unix(EIGHT + 2 * DAY)
    assert f"<t:{wednesday}:F>" in str(listed.embeds) and "Paused" not in str(listed.embeds)
    clock.set(EIGHT + 2 * DAY)
    await dms_after(discord_server, world, 1)
