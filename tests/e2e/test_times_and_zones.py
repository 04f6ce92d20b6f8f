"""Times, days and time zones as members type them, end to end through the local Discord."""

import zoneinfo
from datetime import UTC, datetime, timedelta

from bot.localdiscord.constants import MessageFlag
from tests.support.actions import reminder_dms, stored_reminders, stretch
from tests.support.zone_files import fake_host, package_rules

EPHEMERAL = MessageFlag.EPHEMERAL






async def zone_choices(server, world, value, locale="en-US"):
    return await server.autocomplete(
        world.alice,
        "reminders timezone",
        focused="zone",
        value=value,
        guild_id=world.guild.id,
        locale=locale,
    )


async def test_half_past_seven_on_weekdays_eastern_time(
    discord_server, bot, world, tmp_path, clock
):
    reply = await stretch(discord_server, world, time="7.30", days="mon-fri", timezone="EST")
    assert reply["flags"] & EPHEMERAL
    assert "07:30 (America/New_York)" in reply["content"]
    assert "weekday" in reply["content"]

    [(schedule, next_due)] = stored_reminders(tmp_path)
    assert schedule == {
        "type": "weekly",
        "time": "07:30",
        "weekdays": [0, 1, 2, 3, 4],
        "zone": "America/New_York",
    }
    monday = datetime(2026, 3, 2, 12, 30, tzinfo=UTC)  # 07:30 in New York (UTC-5 in March)
    assert next_due == int(monday.timestamp())
    assert f"<t:{next_due}:F>" in reply["content"]

    await discord_server.wait_for_dms(world.alice.id, 1, timeout=5)  # the confirmation
    for day in range(5):  # Monday to Friday, 07:30 New York time
        clock.set(monday + timedelta(days=day))
        await discord_server.wait_for_dms(world.alice.id, 2 + day, timeout=5)
    assert len(reminder_dms(discord_server, world.alice)) == 5
    listed = await discord_server.invoke(world.alice, "reminders list", {}, guild_id=world.guild.id)
    text = str((await listed.response(timeout=5)).embeds)
    # after Friday's, the next one is Monday: not the weekend, and 07:30 New York summer time
    next_monday = datetime(2026, 3, 9, 11, 30, tzinfo=UTC)
    assert f"<t:{int(next_monday.timestamp())}:F>" in text


async def test_times_and_days_as_people_write_them(discord_server, bot, world, tmp_path):
    cases = [
        ({"time": "noon", "days": "daily"}, "12:00", list(range(7))),
        ({"time": "midnight", "days": "Saturday, Sunday"}, "00:00", [5, 6]),
        ({"time": "19h30", "days": "fri-mon"}, "19:30", [0, 4, 5, 6]),
        ({"time": "7:30am", "days": "Monday to Wednesday"}, "07:30", [0, 1, 2]),
    ]
    for options, _, _ in cases:
        reply = await stretch(discord_server, world, timezone="UTC", **options)
        assert "Saved" in reply["content"], (options, reply["content"])
    stored = [schedule for schedule, _ in stored_reminders(tmp_path)]
    assert [(s["time"], s["weekdays"]) for s in stored] == [(at, d) for _, at, d in cases]


async def test_an_ambiguous_abbreviation_lists_the_candidates(discord_server, bot, world, tmp_path):
    reply = await stretch(discord_server, world, time="8am", days="weekdays", timezone="IST")
    assert reply["flags"] & EPHEMERAL
    text = reply["content"]
    for zone in ("Asia/Kolkata", "Europe/Dublin", "Asia/Jerusalem"):
        assert f"`{zone}`" in text
    assert "(now 12:30)" in text  # Kolkata's clock at 07:00 UTC
    assert stored_reminders(tmp_path) == []

    choices = await zone_choices(discord_server, world, "IST")
    assert [c["value"] for c in choices[:3]] == ["Asia/Kolkata", "Europe/Dublin", "Asia/Jerusalem"]
    assert choices[0]["name"] == "Asia/Kolkata · UTC+05:30 · now 12:30"

    picked = await stretch(
        discord_server, world, time="8am", days="weekdays", timezone="Asia/Kolkata"
    )
    assert "Asia/Kolkata" in picked["content"]


async def test_an_offset_offers_the_zones_there_today_and_a_fixed_offset_only_if_picked(
    discord_server, bot, world, tmp_path
):
    reply = await stretch(discord_server, world, time="8am", days="weekdays", timezone="UTC+5")
    text = reply["content"]
    assert reply["flags"] & EPHEMERAL
    assert "daylight saving" in text and "`Asia/Karachi`" in text and "`Etc/GMT-5`" in text
    assert stored_reminders(tmp_path) == []

    choices = await zone_choices(discord_server, world, "UTC+5")
    assert choices[0]["value"] == "Asia/Karachi"
    assert choices[-1] == {
        "name": "UTC+05:00 all year, no daylight saving · Etc/GMT-5",
        "value": "Etc/GMT-5",
    }
    picked = await stretch(discord_server, world, time="8am", days="weekdays", timezone="Etc/GMT-5")
    assert "Saved" in picked["content"]
    [(schedule, next_due)] = stored_reminders(tmp_path)
    assert schedule["zone"] == "Etc/GMT-5"
    assert next_due == int(datetime(2026, 3, 3, 3, 0, tzinfo=UTC).timestamp())  # 08:00 at +5


async def test_the_members_discord_language_ranks_and_settles_zones(discord_server, bot, world):
    us = await zone_choices(discord_server, world, "pacific", locale="en-US")
    assert us[0]["value"] == "America/Los_Angeles"
    est = await zone_choices(discord_server, world, "est", locale="en-US")
    assert est[0]["value"] == "America/New_York"
    assert (await zone_choices(discord_server, world, "", locale="en-US"))[0]["value"] == (
        "America/New_York"
    )
    assert (await zone_choices(discord_server, world, "", locale="en-GB"))[0]["value"] == (
        "Europe/London"
    )
    assert (await zone_choices(discord_server, world, "gmt", locale="en-GB"))[0]["value"] == (
        "Europe/London"
    )
    assert all(len(choice["name"]) <= 100 for choice in us)

    async def set_zone(zone, locale):
        ix = await discord_server.invoke(
            world.alice,
            "reminders timezone",
            {"zone": zone},
            guild_id=world.guild.id,
            locale=locale,
        )
        return (await ix.response(timeout=5)).content

    assert "**Europe/London**" in await set_zone("GMT", "en-GB")
    refused = await set_zone("GMT", "en-US")
    assert "`Europe/London`" in refused and "`UTC`" in refused
    assert "**America/Chicago**" in await set_zone("CST", "en-US")
    assert "**Asia/Shanghai**" in await set_zone("CST", "zh-CN")
    assert "**Europe/Paris**" in await set_zone("CET", "fr")
    # EST and Central are American only for Americans: others are asked, with Australia's
    assert "**America/New_York**" in await set_zone("EST", "en-US")
    asked = await set_zone("EST", "en-GB")
    assert "`America/New_York`" in asked and "`Australia/Sydney`" in asked
    assert "`Australia/Brisbane`" in asked
    asked = await set_zone("Central", "de")
    assert "`America/Chicago`" in asked and "`Australia/Adelaide`" in asked
    assert "**America/Chicago**" in await set_zone("Central", "en-US")


async def test_the_last_mile_of_typed_times_days_and_zones(discord_server, bot, world, tmp_path):
    cases = [
        ({"time": "1930", "days": "M-F", "timezone": "NYC"}, "19:30", [0, 1, 2, 3, 4]),
        ({"time": "0830", "days": "mo we fr", "timezone": "LA"}, "08:30", [0, 2, 4]),
        ({"time": "13", "days": "Tu/Th", "timezone": "Mumbai"}, "13:00", [1, 3]),
        ({"time": "7am", "days": "weds", "timezone": "Kiev"}, "07:00", [2]),
        ({"time": "6pm", "days": "thurs", "timezone": "Calcutta"}, "18:00", [3]),
        ({"time": "20", "days": "sa-su", "timezone": "São Paulo"}, "20:00", [5, 6]),
    ]
    for options, _, _ in cases:
        reply = await stretch(discord_server, world, locale="en-GB", **options)
        assert "Saved" in reply["content"], (options, reply["content"])
    stored = [schedule for schedule, _ in stored_reminders(tmp_path)]
    assert [(s["time"], s["weekdays"]) for s in stored] == [(at, d) for _, at, d in cases]
    assert [s["zone"] for s in stored] == [
        "America/New_York",
        "America/Los_Angeles",
        "Asia/Kolkata",
        "Europe/Kyiv",
        "Asia/Kolkata",
        "America/Sao_Paulo",
    ]
    refused = await stretch(discord_server, world, time="8", days="T", timezone="UTC")
    assert "am or pm" in refused["content"]
    refused = await stretch(discord_server, world, time="8am", days="T", timezone="UTC")
    assert "'t' could be two days: write 'tu' or 'th'" in refused["content"]


async def test_counts_are_written_in_words(discord_server, bot, world):
    for at in ("8am", "9am"):
        await stretch(discord_server, world, time=at, days="weekdays", timezone="UTC")

    async def run(command):
        ix = await discord_server.invoke(
            world.alice, command, {"reminder": "all"}, guild_id=world.guild.id
        )
        return (await ix.response(timeout=5)).content

    assert (await run("reminders pause")).startswith("Paused 2 reminders.")
    assert await run("reminders resume") == "Resumed 2 reminders."
    ix = await discord_server.invoke(world.alice, "reminders list", {}, guild_id=world.guild.id)
    footer = (await ix.response(timeout=5)).embeds[0]["footer"]["text"]
    assert footer == "Stretching streak: 0 sessions in a row."
    choices = await discord_server.autocomplete(
        world.alice, "reminders delete", focused="reminder", value="", guild_id=world.guild.id
    )
    ix = await discord_server.invoke(
        world.alice, "reminders delete", {"reminder": choices[1]["value"]}, guild_id=world.guild.id
    )
    assert (await ix.response(timeout=5)).content == "Deleted 1 reminder."


async def test_a_community_stretch_break_takes_the_same_forms(discord_server, bot, world):
    options = {
        "channel": world.guild.general,
        "time": "noon",
        "days": "mon-fri",
        "timezone": "CET",
    }
    ix = await discord_server.invoke(
        world.moderator, "config stretch-break", options, guild_id=world.guild.id, locale="de"
    )
    response = await ix.response(timeout=5)
    assert response.ephemeral and "12:00 (Europe/Berlin)" in response.content
    choices = await discord_server.autocomplete(
        world.moderator,
        "config stretch-break",
        focused="timezone",
        value="cet",
        options={"channel": world.guild.general, "time": "noon", "days": "mon-fri"},
        guild_id=world.guild.id,
        locale="fr",
    )
    assert choices[0]["value"] == "Europe/Paris"


async def test_a_vancouver_reminder_fires_by_the_packages_rules_on_a_host_with_older_files(
    discord_server, bot, world, tmp_path, clock
):
    """The host's Vancouver file is 2025b's (Pacific time, UTC-8 in winter); the tzdata
    package's rules are what the reminder must follow."""
    folder = fake_host(tmp_path / "zoneinfo", "America/Vancouver", "America/Los_Angeles", "2025b")
    zoneinfo.reset_tzpath(to=[str(folder)])
    zoneinfo.ZoneInfo.clear_cache()
    try:
        host = zoneinfo.ZoneInfo("America/Vancouver")
        package = package_rules("America/Vancouver")
        now = datetime(2027, 1, 14, 12, 0, tzinfo=UTC)
        assert now.astimezone(host).utcoffset() != now.astimezone(package).utcoffset()
        clock.set(now)
        reply = await stretch(
            discord_server, world, time="9:00", days="daily", timezone="America/Vancouver"
        )
        assert "09:00 (America/Vancouver)" in reply["content"]
        due = datetime(2027, 1, 14, 9, 0, tzinfo=package)  # today: 05:00 there now
        [(_, next_due)] = stored_reminders(tmp_path)
        assert next_due == int(due.timestamp())
        assert f"<t:{next_due}:F>" in reply["content"]
        await discord_server.wait_for_dms(world.alice.id, 1, timeout=5)  # the confirmation

        host_due = datetime(2027, 1, 14, 9, 0, tzinfo=host)  # an hour later by the old rules
        assert host_due - due == timedelta(hours=1)
        clock.set(due - timedelta(seconds=1))
        clock.set(due)
        await discord_server.wait_for_dms(world.alice.id, 2, timeout=5)
        clock.set(host_due)
        assert len(reminder_dms(discord_server, world.alice)) == 1
    finally:
        zoneinfo.reset_tzpath(to=[])
        zoneinfo.ZoneInfo.clear_cache()
