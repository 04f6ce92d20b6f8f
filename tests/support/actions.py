"""What members do and see through the local Discord, shared by the end-to-end tests."""

from datetime import UTC, datetime

EIGHT = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


async def create_stretch(server, world, user=None, **options):
    user = user or world.alice
    values = {"time": "8:00", "days": "every day", "timezone": "UTC", **options}
    ix = await server.invoke(user, "reminders stretch", values, guild_id=world.guild.id)
    await ix.response(timeout=5)
    [reply] = await ix.wait_for_followups(1, timeout=5)
    return reply


def reminder_dms(server, user):
    return [m for m in server.dm_messages(user.id) if m.get("components")]


async def ix_list(server, world):
    ix = await server.invoke(world.alice, "reminders list", {}, guild_id=world.guild.id)
    return await ix.response(timeout=5)


def stretch_dms(server, user):
    """Every stretch reminder DM the member got, acted on or not."""
    return [
        m
        for m in server.dm_messages(user.id)
        if any(e.get("title") == "Time to stretch" for e in m["embeds"])
    ]
