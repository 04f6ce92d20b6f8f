"""Snooze choices end to end: each fires once at its time, after a restart too."""

import copy
from datetime import UTC, datetime, timedelta

import pytest

from bot.localdiscord.constants import ComponentType, InteractionType
from bot.localdiscord.constants import InteractionCallbackType as Callback
from tests.support.actions import EIGHT, create_stretch, ix_list, stretch_dms
from tests.support.helpers import run_bot

CHOICES = ["Snooze 10 min", "Snooze 1 hour", "This evening", "Tomorrow, same time"]


async def dms_after(server, world, count):
    """After a round trip to the bot, the member has had exactly `count` stretch DMs."""
    await ix_list(server, world)
    await server.wait_until(lambda: len(stretch_dms(server, world.alice)) >= count)
    dms = stretch_dms(server, world.alice)
    assert len(dms) == count
    return dms


def labels(message):
    return [[c["label"] for c in row["components"]] for row in message["components"]]


async def press_again(server, user, stale, label):
    """A press of a button on the message as the member's client last showed it: as when the
    bot restarted after recording a press but before it could update the message."""
    [button] = [c for row in stale["components"] for c in row["components"] if c["label"] == label]
    data = {"custom_id": button["custom_id"], "component_type": ComponentType.BUTTON}
    return await server.interactions.send(
        InteractionType.MESSAGE_COMPONENT,
        data,
        server.places.of_message(user, stale),
        message=stale,
    )


@pytest.mark.parametrize(
    ("label", "back_at"),
    [
        ("Snooze 10 min", datetime(2026, 3, 2, 8, 10, tzinfo=UTC)),
        ("Snooze 1 hour", datetime(2026, 3, 2, 9, 0, tzinfo=UTC)),
        ("This evening", datetime(2026, 3, 2, 19, 0, tzinfo=UTC)),
        ("Tomorrow, same time", datetime(2026, 3, 3, 8, 0, tzinfo=UTC)),  # not a plan day
    ],
)
async def test_each_snooze_choice_fires_once_at_its_time(
    discord_server, bot, world, clock, label, back_at
):
    await create_stretch(discord_server, world, days="mon, wed, fri")  # 08:00 UTC
    clock.set(EIGHT)
    [dm] = await dms_after(discord_server, world, 1)
    assert labels(dm) == [["Done", "Not today", "Pause", "Start routine"], CHOICES]
    assert all(len(c["custom_id"]) <= 100 for row in dm["components"] for c in row["components"])

    pressed = await discord_server.click(world.alice, dm, label=label)
    answer = await pressed.response(timeout=5)
    assert answer.type == Callback.UPDATE_MESSAGE
    assert f"<t:{int(back_at.timestamp())}:f>" in answer.content

    clock.set(back_at - timedelta(seconds=1))
    await dms_after(discord_server, world, 1)
    clock.set(back_at)
    [_, again] = await dms_after(discord_server, world, 2)
    assert labels(again)[1] == CHOICES  # snoozable again, once more
    clock.set(back_at + timedelta(hours=2))
    await dms_after(discord_server, world, 2)
    # and the plan goes on: Wednesday 08:00
    clock.set(datetime(2026, 3, 4, 8, 0, tzinfo=UTC))
    await dms_after(discord_server, world, 3)


async def test_a_snooze_survives_a_restart_and_one_dm_snoozes_once(
    discord_server, world, tmp_path, content, clock
):
    database = tmp_path / "bot.db"
    async with run_bot(discord_server, database, content, clock):
        await create_stretch(discord_server, world, days="mon, wed, fri")
        clock.set(EIGHT)
        [dm] = await dms_after(discord_server, world, 1)
        as_shown = copy.deepcopy(dm)
        pressed = await discord_server.click(world.alice, dm, label="Snooze 1 hour")
        assert (await pressed.response(timeout=5)).type == Callback.UPDATE_MESSAGE

    async with run_bot(discord_server, database, content, clock):
        # the same DM pressed again (its update never reached the member's client)
        again = await press_again(discord_server, world.alice, as_shown, "Snooze 10 min")
        refused = await again.response(timeout=5)
        assert refused.ephemeral and "already snoozed" in refused.content
        assert f"<t:{int((EIGHT + timedelta(hours=1)).timestamp())}:f>" in refused.content
        clock.set(EIGHT + timedelta(minutes=10))
        await dms_after(discord_server, world, 1)
        clock.set(EIGHT + timedelta(hours=1))
        [_, snoozed] = await dms_after(discord_server, world, 2)

    async with run_bot(discord_server, database, content, clock):
        # the snoozed DM's own buttons work after a restart
        pressed = await discord_server.click(world.alice, snoozed, label="Snooze 10 min")
        assert (await pressed.response(timeout=5)).type == Callback.UPDATE_MESSAGE
        clock.set(EIGHT + timedelta(hours=1, minutes=10))
        await dms_after(discord_server, world, 3)
        clock.set(EIGHT + timedelta(hours=5))
        await dms_after(discord_server, world, 3)


async def test_this_evening_keeps_out_of_quiet_hours(discord_server, bot, world, clock):
    await create_stretch(discord_server, world, days="mon, wed, fri")
    ix = await discord_server.invoke(
        world.alice,
        "reminders quiet-hours",
        {"start": "18:45", "end": "07:00"},
        guild_id=world.guild.id,
    )
    await ix.response(timeout=5)
    clock.set(EIGHT)
    [dm] = await dms_after(discord_server, world, 1)
    pressed = await discord_server.click(world.alice, dm, label="This evening")
    back_at = datetime(2026, 3, 2, 18, 30, tzinfo=UTC)
    assert f"<t:{int(back_at.timestamp())}:f>" in (await pressed.response(timeout=5)).content
    clock.set(back_at)
    await dms_after(discord_server, world, 2)


async def test_a_dm_from_before_snooze_choices_still_snoozes_thirty_minutes(
    discord_server, bot, world, clock
):
    await create_stretch(discord_server, world)
    clock.set(EIGHT)
    dms = await discord_server.wait_for_dms(world.alice.id, 2, timeout=5)
    [reminder] = await bot.stores.reminders.of_member(world.alice.id)
    old = copy.deepcopy(dms[-1])  # as an earlier version sent it: one 30-minute snooze
    old["components"] = [
        {
            "type": ComponentType.ACTION_ROW,
            "components": [
                {
                    "type": ComponentType.BUTTON,
                    "style": 2,
                    "label": "Snooze 30 min",
                    "custom_id": f"rem:snooze:{reminder.id}",
                }
            ],
        }
    ]
    snooze = await press_again(discord_server, world.alice, old, "Snooze 30 min")
    assert (await snooze.response(timeout=5)).type == Callback.UPDATE_MESSAGE
    clock.set(EIGHT + timedelta(minutes=29))
    clock.set(EIGHT + timedelta(minutes=30))
    dms = await discord_server.wait_for_dms(world.alice.id, 3, timeout=5)
    assert len(dms) == 3  # confirmation, reminder, snoozed reminder
