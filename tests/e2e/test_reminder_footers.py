"""Reminder DMs carry the educational, not-medical-advice footer with the red flags as new."""

from datetime import UTC, datetime

EIGHT = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)  # the clock fixture starts at 07:00 that day


async def reminder_dm(server, world, clock, command, options):
    ix = await server.invoke(world.alice, command, options, guild_id=world.guild.id)
    await ix.response(timeout=5)
    await ix.wait_for_followups(1, timeout=5)
    await server.wait_for_dms(world.alice.id, 1, timeout=5)  # the confirmation
    clock.set(EIGHT)
    dms = await server.wait_for_dms(world.alice.id, 2, timeout=5)
    return dms[-1]


def footer(dm):
    [embed] = dm["embeds"]
    return embed["footer"]["text"]


async def test_massage_reminder_dm_says_it_is_not_medical_advice(discord_server, bot, world, clock):
    dm = await reminder_dm(
        discord_server,
        world,
        clock,
        "reminders massage",
        {"every_weeks": 2, "time": "8:00", "timezone": "UTC"},
    )
    assert dm["components"], "the reminder itself, with its buttons"
    text = footer(dm).lower()
    assert "not medical advice" in text
    assert "new trouble peeing" in text and "both legs" in text
    assert "sudden" not in text


async def test_stretch_reminder_dm_says_it_is_not_medical_advice(discord_server, bot, world, clock):
    dm = await reminder_dm(
        discord_server,
        world,
        clock,
        "reminders stretch",
        {"time": "8:00", "days": "every day", "timezone": "UTC"},
    )
    assert dm["components"]
    text = footer(dm).lower()
    assert "not medical advice" in text and "new" in text
    assert "even if they came on slowly" in text
