"""What members do and see through the local Discord, shared by the end-to-end tests."""

import asyncio
import json
import sqlite3
from datetime import UTC, datetime

from bot.localdiscord.constants import InteractionCallbackType as Callback
from bot.localdiscord.constants import MessageFlag

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


def stored_reminders(tmp_path):
    with sqlite3.connect(tmp_path / "bot.db") as conn:
        rows = conn.execute("SELECT schedule, next_due_at FROM reminders ORDER BY id").fetchall()
    return [(json.loads(schedule), next_due) for schedule, next_due in rows]


async def stretch(server, world, locale="en-US", **options):
    """/reminders stretch; returns the member's answer (the reply, or the refusal)."""
    ix = await server.invoke(
        world.alice, "reminders stretch", options, guild_id=world.guild.id, locale=locale
    )
    response = await ix.response(timeout=5)
    # deferred while the confirmation DM goes out
    if response.type == Callback.DEFERRED_CHANNEL_MESSAGE:
        [reply] = await ix.wait_for_followups(1, timeout=5)
        return reply
    flags = MessageFlag.EPHEMERAL if response.ephemeral else 0
    return {"content": response.content, "flags": flags}


async def create_stretch_reminders(server, guild, users, wave=40):
    """Everyone runs /reminders stretch, `wave` members at a time, each wave as soon as the
    previous one has its deferrals; returns the interactions."""
    options = {"time": "9:00", "days": "every day", "timezone": "UTC"}
    invoked = []
    for start in range(0, len(users), wave):
        batch = await asyncio.gather(
            *(
                server.invoke(user, "reminders stretch", options, guild_id=guild.id)
                for user in users[start : start + wave]
            )
        )
        await asyncio.gather(*(ix.response(timeout=5) for ix in batch))
        invoked += batch
    return invoked
