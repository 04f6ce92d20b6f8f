"""/progress and pain check-ins as a member uses them through the local Discord."""

from datetime import timedelta

from bot.localdiscord.constants import InteractionCallbackType as Callback
from tests.support.actions import stretch_dms


async def progress(server, world, user=None, **options):
    ix = await server.invoke(user or world.alice, "progress", options, guild_id=world.guild.id)
    first = await ix.response(timeout=5)
    return ix, first


async def turn_checkins(server, world, state, user=None):
    _, reply = await progress(server, world, user, **{"check-ins": state})
    assert reply.ephemeral
    return reply.content


def uploads(server, ix):
    """The files the bot uploaded with the interaction's follow-ups (as the bytes sent)."""
    return [
        file
        for request in server.rest.requests
        if request.method == "POST" and ix.token in request.path
        for file in request.files
    ]


DAY = timedelta(days=1)


async def session_done(server, world, clock, when, count):
    """The DM due at `when` arrives (the member's `count`th) and they press Done on it."""
    clock.set(when)
    await server.wait_until(lambda: len(stretch_dms(server, world.alice)) == count, timeout=5)
    done = await server.click(world.alice, stretch_dms(server, world.alice)[-1], label="Done")
    answer = await done.response(timeout=5)
    assert answer.type == Callback.UPDATE_MESSAGE
    return done, answer.content


async def figures(server, world):
    ix, _ = await progress(server, world)
    [answer] = await ix.wait_for_followups(1, timeout=5)
    [embed] = answer["embeds"]
    return embed["description"], answer["attachments"][0]["description"]
