"""A stretch reminder DM carries the picture of its stretch, shown by the embed, with alt text;
acting on the DM keeps it, and a massage reminder has none."""

from datetime import timedelta

from bot.localdiscord.constants import InteractionCallbackType as Callback
from tests.support.actions import EIGHT, create_stretch, reminder_dms


def uploaded(server, channel_id):
    """The files of every message the bot posted in `channel_id`, as the bytes sent."""
    return [
        file
        for request in server.rest.requests
        if request.method == "POST" and request.path == f"/channels/{channel_id}/messages"
        for file in request.files
    ]


async def test_a_stretch_reminder_dm_carries_its_stretchs_picture(
    discord_server, bot, world, clock, content
):
    await create_stretch(discord_server, world)
    clock.set(EIGHT)
    await discord_server.wait_until(lambda: len(reminder_dms(discord_server, world.alice)) == 1)
    [dm] = reminder_dms(discord_server, world.alice)
    stretch = content.library.stretch_of_the_day(EIGHT.date().toordinal())
    picture = content.pictures.picture(stretch.slug)
    [attachment] = dm["attachments"]
    assert attachment["filename"] == picture.filename
    assert attachment["description"] == picture.alt
    [embed] = dm["embeds"]
    assert embed["image"]["url"] == attachment["url"]  # shown by the embed, not beside it
    assert stretch.name in embed["description"]
    channel = world.alice.dm_channel_id
    assert uploaded(discord_server, channel) == [(picture.filename, picture.png)]

    done = await discord_server.click(world.alice, dm, label="Done")
    assert (await done.response(timeout=5)).type == Callback.UPDATE_MESSAGE
    assert done.message()["attachments"] == [attachment]  # the picture stays on the DM
    assert done.message()["embeds"][0]["image"]["url"] == attachment["url"]

    clock.set(EIGHT + timedelta(days=1))  # the next day's stretch, and its own picture
    await discord_server.wait_until(lambda: len(reminder_dms(discord_server, world.alice)) == 1)
    [second] = reminder_dms(discord_server, world.alice)
    tomorrow = content.library.stretch_of_the_day(EIGHT.date().toordinal() + 1)
    assert second["attachments"][0]["filename"] == content.pictures.picture(tomorrow.slug).filename


async def test_a_massage_reminder_dm_has_no_picture(discord_server, bot, world, clock):
    ix = await discord_server.invoke(
        world.alice,
        "reminders massage",
        {"every_weeks": 2, "time": "8:00", "timezone": "UTC"},
        guild_id=world.guild.id,
    )
    await ix.response(timeout=5)
    await ix.wait_for_followups(1, timeout=5)
    clock.set(EIGHT)
    await discord_server.wait_until(lambda: len(reminder_dms(discord_server, world.alice)) == 1)
    [dm] = reminder_dms(discord_server, world.alice)
    assert dm["attachments"] == [] and "image" not in dm["embeds"][0]
