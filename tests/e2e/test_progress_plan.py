"""Streaks that follow the member's plan, end to end with an injected clock: a Monday, Wednesday
and Friday member's sessions in a row, through the 3-day pause that flare care offers; Not
today and missed sessions, kept and shown apart on the calendar."""

import json
from datetime import timedelta

from bot.localdiscord.constants import InteractionCallbackType as Callback
from bot.pictures.charts import progress_chart
from tests.support.actions import EIGHT, create_stretch, ix_list, stretch_dms
from tests.support.helpers import eventually_async
from tests.support.progress import DAY, figures, progress, session_done, turn_checkins, uploads


async def test_a_mon_wed_fri_member_keeps_a_streak_of_three_through_a_flare_pause(
    discord_server, bot, world, clock
):
    await turn_checkins(discord_server, world, "on")
    await create_stretch(discord_server, world, days="mon, wed, fri")
    for count, day in enumerate((0, 2, 4), start=1):  # Monday, Wednesday, Friday 08:00
        _, reply = await session_done(discord_server, world, clock, EIGHT + day * DAY, count)
    assert "Stretching streak: **3** sessions in a row" in reply  # Tuesday and Thursday: no gap

    text, alt = await figures(discord_server, world)
    assert "Current streak:** 3 sessions in a row, your plan: Mon, Wed, Fri" in text
    assert "Best streak:** 3 sessions in a row" in text
    assert "Current streak: 3 sessions in a row" in alt

    # Sunday 09:00 after a routine the pain is a flare: stretch reminders pause for 3 days,
    # to Wednesday 09:00, so Monday's and Wednesday's sessions never come
    clock.set(EIGHT + 6 * DAY + timedelta(hours=1))
    ix = await discord_server.invoke(world.alice, "stretch routine", {}, guild_id=world.guild.id)
    await ix.response(timeout=5)
    finish = await discord_server.click(world.alice, ix.message(), label="Finish")
    await finish.response(timeout=5)
    eight = await discord_server.click(world.alice, finish.message(), label="8")
    await eight.response(timeout=5)
    [care] = await eight.wait_for_followups(1, timeout=5)
    pause = await discord_server.click(
        world.alice, care, label="Pause stretch reminders for 3 days"
    )
    await pause.response(timeout=5)
    for day in (7, 9, 10):  # Monday and Wednesday 08:00, Thursday: nothing comes
        clock.set(EIGHT + day * DAY)
        await ix_list(discord_server, world)
    assert len(stretch_dms(discord_server, world.alice)) == 3

    text, _ = await figures(discord_server, world)
    assert "Current streak:** 3 sessions in a row" in text  # paused days are neutral

    _, reply = await session_done(discord_server, world, clock, EIGHT + 11 * DAY, 4)  # Friday
    assert "Stretching streak: **4** sessions in a row" in reply
    listed = await ix_list(discord_server, world)
    assert listed.embeds[0]["footer"]["text"] == "Stretching streak: 4 sessions in a row."


async def test_a_session_left_unanswered_until_the_next_ends_the_streak(
    discord_server, bot, world, clock
):
    await create_stretch(discord_server, world, days="mon, wed, fri")
    await session_done(discord_server, world, clock, EIGHT, 1)
    clock.set(EIGHT + 2 * DAY)  # Wednesday's DM: no answer
    await discord_server.wait_until(lambda: len(stretch_dms(discord_server, world.alice)) == 2)
    text, _ = await figures(discord_server, world)
    assert "Current streak:** 1 session in a row" in text  # open until Friday's comes
    _, reply = await session_done(discord_server, world, clock, EIGHT + 4 * DAY, 3)
    assert "Stretching streak: **1** session in a row" in reply  # Wednesday was missed
    text, _ = await figures(discord_server, world)
    assert "Best streak:** 1 session in a row" in text


async def test_the_daily_chore_keeps_missed_sessions_before_the_ledger_forgets_them(
    discord_server, bot, world, clock
):
    await create_stretch(discord_server, world, days="mon, wed, fri")
    await session_done(discord_server, world, clock, EIGHT, 1)
    clock.set(EIGHT + 2 * DAY)  # Wednesday: no answer
    await discord_server.wait_until(lambda: len(stretch_dms(discord_server, world.alice)) == 2)
    clock.set(EIGHT + 4 * DAY)  # Friday's DM comes
    await discord_server.wait_until(lambda: len(stretch_dms(discord_server, world.alice)) == 3)

    async def friday_recorded() -> bool:  # the DM is sent before its delivery is recorded
        return len((await bot.stores.sessions.inputs(world.alice.id)).delivered) == 3

    await eventually_async(friday_recorded, timeout=5)
    assert (await bot.stores.sessions.inputs(world.alice.id)).marks == []

    await bot.get_cog("Progress").record_missed(clock.now())
    [mark] = (await bot.stores.sessions.inputs(world.alice.id)).marks
    assert mark.due_at == EIGHT + 2 * DAY and mark.outcome.value == "missed"
    await bot.stores.ledger.prune_deliveries(int((EIGHT + 5 * DAY).timestamp()))
    assert (await bot.stores.sessions.inputs(world.alice.id)).delivered == []
    text, _ = await figures(discord_server, world)  # the record outlives the ledger
    assert "Current streak:** 0 sessions" in text and "Best streak:** 1 session" in text


async def test_not_today_is_recorded_neutral_and_shown_apart_from_missed(
    discord_server, bot, world, clock, content
):
    await create_stretch(discord_server, world, days="mon, wed, fri")
    await session_done(discord_server, world, clock, EIGHT, 1)  # Monday: done
    clock.set(EIGHT + 2 * DAY)  # Wednesday: Not today
    await discord_server.wait_until(lambda: len(stretch_dms(discord_server, world.alice)) == 2)
    wednesday = stretch_dms(discord_server, world.alice)[-1]
    labels = [c["label"] for row in wednesday["components"] for c in row["components"]]
    assert labels[:4] == ["Done", "Not today", "Pause", "Start routine"]
    skip = await discord_server.click(world.alice, wednesday, label="Not today")
    skipped = await skip.response(timeout=5)
    assert skipped.type == Callback.UPDATE_MESSAGE and "won't break your streak" in skipped.content
    assert skipped.components == []  # answered: no second answer on the same DM

    _, reply = await session_done(discord_server, world, clock, EIGHT + 4 * DAY, 3)  # Friday
    assert "Stretching streak: **2** sessions in a row" in reply  # Not today is neutral
    clock.set(EIGHT + 7 * DAY)  # next Monday: no answer, then Wednesday's comes
    await discord_server.wait_until(lambda: len(stretch_dms(discord_server, world.alice)) == 4)
    clock.set(EIGHT + 9 * DAY)
    await discord_server.wait_until(lambda: len(stretch_dms(discord_server, world.alice)) == 5)
    assert len(discord_server.dm_messages(world.alice.id)) == 6  # consent + 5: none about a miss

    ix, _ = await progress(discord_server, world)
    [answer] = await ix.wait_for_followups(1, timeout=5)
    text = answer["embeds"][0]["description"]
    assert "Sessions in the last 12 weeks:** 2 done, 1 not today, 1 missed" in text
    assert "Current streak:** 0 sessions" in text and "Best streak:** 2 sessions" in text
    assert "Days marked Not today: 1. Days missed: 1." in answer["attachments"][0]["description"]
    [(_, png)] = uploads(discord_server, ix)
    today = (EIGHT + 9 * DAY).date()
    days = {(EIGHT + n * DAY).date() for n in (0, 4)}
    skipped_days = {(EIGHT + 2 * DAY).date()}
    missed_days = {(EIGHT + 7 * DAY).date()}
    assert png == progress_chart(
        today, days, content.progress.chart, skipped=skipped_days, missed=missed_days
    )
    assert png != progress_chart(today, days, content.progress.chart)

    ix = await discord_server.invoke(world.alice, "privacy export", {}, guild_id=world.guild.id)
    await ix.response(timeout=5)
    [(_, upload)] = ix.files
    marks = json.loads(upload)["session_marks"]
    assert [(m["mark"], m["due_at"]) for m in marks] == [
        ("skipped", int((EIGHT + 2 * DAY).timestamp())),
        ("missed", int((EIGHT + 7 * DAY).timestamp())),
    ]
