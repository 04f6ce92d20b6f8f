"""One-off reminders and appointments end to end: listed, counted, edited, deleted, delivered
once; an appointment's two reminders, from /reminders appointment or after Booked."""

from datetime import UTC, datetime, timedelta

from bot.localdiscord.constants import InteractionCallbackType as Callback
from tests.support.actions import ix_list
from tests.support.helpers import run_bot

THURSDAY_TEN = datetime(2026, 3, 5, 10, 0, tzinfo=UTC)


async def answer(server, world, command, options):
    """The member's answer: the reply, or the refusal."""
    ix = await server.invoke(world.alice, command, options, guild_id=world.guild.id)
    response = await ix.response(timeout=5)
    if response.type == Callback.DEFERRED_CHANNEL_MESSAGE:
        [reply] = await ix.wait_for_followups(1, timeout=5)
        return reply["content"]
    return response.content


def one_off_dms(server, user):
    titles = ("Your reminder", "Your appointment is tomorrow", "Your appointment is in 2 hours")
    return [
        m for m in server.dm_messages(user.id) if any(e.get("title") in titles for e in m["embeds"])
    ]


async def dms_after(server, world, count):
    await ix_list(server, world)
    await server.wait_until(lambda: len(one_off_dms(server, world.alice)) >= count)
    dms = one_off_dms(server, world.alice)
    assert len(dms) == count
    return dms


async def only_reminder_value(server, world):
    [row] = await server.autocomplete(
        world.alice, "reminders edit", focused="reminder", value="", guild_id=world.guild.id
    )
    return row["value"]


async def test_a_one_off_is_listed_and_delivered_once(discord_server, bot, world, clock):
    reply = await answer(
        discord_server,
        world,
        "reminders once",
        {"when": "thu 10:00", "note": "call the clinic", "timezone": "UTC"},
    )
    assert "Once, on Thursday 2026-03-05 at 10:00 (UTC)" in reply
    assert f"<t:{int(THURSDAY_TEN.timestamp())}:F>" in reply
    listed = str((await ix_list(discord_server, world)).embeds)
    assert "call the clinic" in listed and "Once, on Thursday 2026-03-05" in listed

    clock.set(THURSDAY_TEN - timedelta(seconds=1))
    await dms_after(discord_server, world, 0)
    clock.set(THURSDAY_TEN)
    [dm] = await dms_after(discord_server, world, 1)
    assert dm["embeds"][0]["fields"][0]["value"] == "call the clinic"
    assert dm["content"] == "Reminder"  # the lock screen names the kind, not the note
    assert not dm.get("components")
    clock.set(THURSDAY_TEN + timedelta(days=8))
    await dms_after(discord_server, world, 1)
    assert "no reminders" in (await ix_list(discord_server, world)).content


async def test_one_offs_count_toward_the_limit(discord_server, world, tmp_path, content, clock):
    database = tmp_path / "bot.db"
    async with run_bot(discord_server, database, content, clock, MAX_REMINDERS_PER_MEMBER="2"):
        for when in ("thu 10:00", "fri 10:00"):
            options = {"when": when, "note": "x", "timezone": "UTC"}
            assert "Saved" in await answer(discord_server, world, "reminders once", options)
        options = {"when": "sat 10:00", "note": "x", "timezone": "UTC"}
        refused = await answer(discord_server, world, "reminders once", options)
        assert "2" in refused and "Saved" not in refused


async def test_a_one_off_can_be_edited_and_deleted(discord_server, bot, world, clock):
    await answer(
        discord_server,
        world,
        "reminders once",
        {"when": "thu 10:00", "note": "call the clinic", "timezone": "UTC"},
    )
    value = await only_reminder_value(discord_server, world)
    edited = await answer(
        discord_server, world, "reminders edit", {"reminder": value, "when": "fri 9am"}
    )
    friday_nine = datetime(2026, 3, 6, 9, 0, tzinfo=UTC)
    assert "Once, on Friday 2026-03-06 at 09:00 (UTC)" in edited
    assert f"<t:{int(friday_nine.timestamp())}:F>" in edited
    refused = await answer(
        discord_server, world, "reminders edit", {"reminder": value, "days": "mon"}
    )
    assert "`days` doesn't fit a one-off reminder" in refused
    refused = await answer(
        discord_server, world, "reminders edit", {"reminder": value, "when": "2026-03-01 10:00"}
    )
    assert "already passed" in refused

    clock.set(THURSDAY_TEN)  # the old time: nothing
    await dms_after(discord_server, world, 0)
    deleted = await answer(discord_server, world, "reminders delete", {"reminder": value})
    assert "Deleted 1" in deleted
    clock.set(friday_nine)
    await dms_after(discord_server, world, 0)


async def test_an_appointment_gives_two_reminders(discord_server, bot, world, clock):
    ix = await discord_server.invoke(
        world.alice, "reminders appointment", {"timezone": "UTC"}, guild_id=world.guild.id
    )
    submitted = await discord_server.submit_modal(
        ix,
        {"appointment:day": "2026-03-05", "appointment:time": "10:00"},
    )
    await submitted.response(timeout=5)
    [reply] = await submitted.wait_for_followups(1, timeout=5)
    assert "Appointment on Thursday 2026-03-05 at 10:00 (UTC)" in reply["content"]
    day_before = datetime(2026, 3, 4, 10, 0, tzinfo=UTC)
    assert f"<t:{int(day_before.timestamp())}:F>" in reply["content"]

    clock.set(day_before)
    [first] = await dms_after(discord_server, world, 1)
    assert first["embeds"][0]["title"] == "Your appointment is tomorrow"
    assert first["content"] == "Appointment reminder"
    text = str(first["embeds"])
    assert f"<t:{int(THURSDAY_TEN.timestamp())}:F>" in text
    assert "medicines" in text and "/sciatica appointment" in text
    assert "less feeling when you do" in text
    assert "Go to A&E or call your emergency number now" in text
    assert "One leg or foot getting weaker needs a doctor the same day" in text
    clock.set(THURSDAY_TEN - timedelta(hours=2))
    [_, second] = await dms_after(discord_server, world, 2)
    assert second["embeds"][0]["title"] == "Your appointment is in 2 hours"
    clock.set(THURSDAY_TEN + timedelta(days=2))
    await dms_after(discord_server, world, 2)
    assert "no reminders" in (await ix_list(discord_server, world)).content


async def test_booked_on_a_massage_reminder_offers_the_appointment_form(
    discord_server, world, tmp_path, content, clock
):
    database = tmp_path / "bot.db"
    async with run_bot(discord_server, database, content, clock):
        options = {"every_weeks": 4, "time": "8:00", "timezone": "UTC"}
        assert "Saved" in await answer(discord_server, world, "reminders massage", options)
        clock.set(datetime(2026, 3, 2, 8, 0, tzinfo=UTC))
        await discord_server.wait_until(
            lambda: any(m.get("components") for m in discord_server.dm_messages(world.alice.id))
        )
        [dm] = [m for m in discord_server.dm_messages(world.alice.id) if m.get("components")]
        booked = await discord_server.click(world.alice, dm, label="Booked")
        assert (await booked.response(timeout=5)).type == Callback.UPDATE_MESSAGE
    async with run_bot(discord_server, database, content, clock):  # the button outlives it
        opened = await discord_server.click(world.alice, dm, label="Add appointment reminders")
        submitted = await discord_server.submit_modal(
            opened,
            {"appointment:day": "thu", "appointment:time": "2:30 pm"},
        )
        await submitted.response(timeout=5)
        [reply] = await submitted.wait_for_followups(1, timeout=5)
        assert "Appointment on Thursday 2026-03-05 at 14:30 (UTC)" in reply["content"]

        again = await discord_server.click(world.alice, dm, label="Add appointment reminders")
        refused = await discord_server.submit_modal(
            again,
            {"appointment:day": "someday", "appointment:time": "10:00"},
        )
        response = await refused.response(timeout=5)
        if response.type == Callback.DEFERRED_CHANNEL_MESSAGE:
            [response] = await refused.wait_for_followups(1, timeout=5)
            words = response["content"]
        else:
            words = response.content
        assert "like 'thu 10:00'" in words


async def test_the_appointment_form_is_answered_after_a_restart(
    discord_server, world, tmp_path, content, clock
):
    database = tmp_path / "bot.db"
    async with run_bot(discord_server, database, content, clock):
        opened = await discord_server.invoke(
            world.alice,
            "reminders appointment",
            {"timezone": "Asia/Tokyo"},
            guild_id=world.guild.id,
        )
        await opened.response(timeout=5)
    async with run_bot(discord_server, database, content, clock):  # filled in meanwhile
        submitted = await discord_server.submit_modal(
            opened, {"appointment:day": "2026-03-05", "appointment:time": "10:00"}
        )
        await submitted.response(timeout=5)
        [reply] = await submitted.wait_for_followups(1, timeout=5)
        assert "Appointment on Thursday 2026-03-05 at 10:00 (Asia/Tokyo)" in reply["content"]
