"""Every N days end to end: the right days, DST-correct, from a start day, in the list, edited."""

from datetime import UTC, datetime, timedelta

from tests.support.actions import ix_list, stored_reminders, stretch, stretch_dms
from tests.support.progress import figures

DAY = timedelta(days=1)


async def dms_after(server, world, count):
    """After a round trip to the bot, the member has had exactly `count` stretch DMs."""
    await ix_list(server, world)
    await server.wait_until(lambda: len(stretch_dms(server, world.alice)) >= count)
    assert len(stretch_dms(server, world.alice)) == count


async def edit(server, world, **options):
    [row] = await server.autocomplete(
        world.alice, "reminders edit", focused="reminder", value="", guild_id=world.guild.id
    )
    ix = await server.invoke(
        world.alice,
        "reminders edit",
        {"reminder": row["value"], **options},
        guild_id=world.guild.id,
    )
    return (await ix.response(timeout=5)).content


async def test_every_two_days_fires_on_the_right_days(discord_server, bot, world, tmp_path, clock):
    reply = await stretch(discord_server, world, time="8:00", days="every 2 days", timezone="UTC")
    assert "Every 2 days at 08:00 (UTC)" in reply["content"]
    monday = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)  # today, 08:00 still ahead
    [(schedule, next_due)] = stored_reminders(tmp_path)
    assert schedule == {
        "type": "every_n_days",
        "days": 2,
        "time": "08:00",
        "zone": "UTC",
        "start": "2026-03-02",
    }
    assert next_due == int(monday.timestamp())
    fired = []
    for day in range(8):  # Monday to the next Monday
        clock.set(monday + day * DAY)
        before = len(stretch_dms(discord_server, world.alice))
        await ix_list(discord_server, world)
        if day % 2 == 0:
            await dms_after(discord_server, world, before + 1)
        else:
            await dms_after(discord_server, world, before)
        fired.append(len(stretch_dms(discord_server, world.alice)) > before)
    assert fired == [True, False, True, False, True, False, True, False]
    listed = str((await ix_list(discord_server, world)).embeds)
    assert "Every 2 days at 08:00 (UTC)" in listed
    assert f"<t:{int((monday + 8 * DAY).timestamp())}:F>" in listed


async def test_every_other_day_keeps_eight_oclock_when_the_clocks_go_forward(
    discord_server, bot, world, clock
):
    clock.set(datetime(2026, 3, 26, 7, 0, tzinfo=UTC))  # Thursday; London springs forward Sunday
    reply = await stretch(
        discord_server, world, time="8am", days="every other day", timezone="London"
    )
    assert "Every 2 days at 08:00 (Europe/London)" in reply["content"]
    expected = [
        datetime(2026, 3, 26, 8, 0, tzinfo=UTC),
        datetime(2026, 3, 28, 8, 0, tzinfo=UTC),
        datetime(2026, 3, 30, 7, 0, tzinfo=UTC),  # 08:00 summer time
    ]
    for count, instant in enumerate(expected, start=1):
        clock.set(instant - timedelta(seconds=1))
        await dms_after(discord_server, world, count - 1)
        clock.set(instant)
        await dms_after(discord_server, world, count)


async def test_a_start_day_and_edits_between_set_days_and_every_n_days(
    discord_server, bot, world, clock
):
    reply = await stretch(
        discord_server, world, time="18:00", days="every 3 days", timezone="UTC", start="wed"
    )
    wednesday = datetime(2026, 3, 4, 18, 0, tzinfo=UTC)
    assert f"<t:{int(wednesday.timestamp())}:F>" in reply["content"]

    answer = await edit(discord_server, world, days="mon")
    assert "Every Monday at 18:00 (UTC)" in answer
    assert f"<t:{int(datetime(2026, 3, 2, 18, 0, tzinfo=UTC).timestamp())}:F>" in answer

    answer = await edit(discord_server, world, days="every 4 days", start="fri")
    assert "Every 4 days at 18:00 (UTC)" in answer
    assert f"<t:{int(datetime(2026, 3, 6, 18, 0, tzinfo=UTC).timestamp())}:F>" in answer

    answer = await edit(discord_server, world, time="7:00")  # keeps Friday's rhythm
    assert "Every 4 days at 07:00 (UTC)" in answer
    assert f"<t:{int(datetime(2026, 3, 6, 7, 0, tzinfo=UTC).timestamp())}:F>" in answer


async def test_every_n_days_out_of_range_or_a_start_without_it_is_refused(
    discord_server, bot, world, tmp_path
):
    refused = await stretch(
        discord_server, world, time="8:00", days="every 20 days", timezone="UTC"
    )
    assert "every 2 days to every 14 days" in refused["content"]
    refused = await stretch(
        discord_server, world, time="8:00", days="weekdays", timezone="UTC", start="fri"
    )
    assert "`start` is the first day of an every-N-days reminder" in refused["content"]
    refused = await stretch(
        discord_server, world, time="8:00", days="every 2 days", timezone="UTC", start="someday"
    )
    assert "2026-03-05" in refused["content"]
    assert stored_reminders(tmp_path) == []


async def test_progress_shows_an_every_n_days_plan_and_counts_its_sessions(
    discord_server, bot, world, clock
):
    await stretch(discord_server, world, time="8:00", days="every 3 days", timezone="UTC")
    monday = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
    for count, day in enumerate((0, 3), start=1):  # Monday, Thursday
        clock.set(monday + day * DAY)
        await dms_after(discord_server, world, count)
        dm = stretch_dms(discord_server, world.alice)[-1]
        done = await discord_server.click(world.alice, dm, label="Done")
        await done.response(timeout=5)
    text, _ = await figures(discord_server, world)
    assert "2 sessions in a row, your plan: every 3 days" in text
