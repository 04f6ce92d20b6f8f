"""/progress and pain check-ins end to end: the chart and its figures, the question after Done
and Finish, flare care with the safety net and a 3-day pause that ends by itself, and the
scores in /privacy."""

import io
import json
import sqlite3
from datetime import UTC, date, datetime, timedelta

from PIL import Image

from bot.localdiscord.constants import InteractionCallbackType as Callback
from bot.localdiscord.constants import MessageFlag
from bot.pictures.charts import progress_chart
from tests.support.actions import EIGHT, create_stretch, ix_list, reminder_dms, stretch_dms
from tests.support.helpers import eventually
from tests.support.progress import progress, turn_checkins, uploads

SCORE_LABELS = [str(n) for n in range(11)] + ["Skip"]


def labels(message):
    return [c["label"] for row in message["components"] for c in row["components"]]


async def done_on_a_reminder(server, world, clock, when=EIGHT):
    """A stretch reminder arrives at `when` and the member presses Done on it."""
    clock.set(when)
    await server.wait_until(
        lambda: any(m["components"] for m in reminder_dms(server, world.alice)), timeout=5
    )
    [reminder] = reminder_dms(server, world.alice)
    done = await server.click(world.alice, reminder, label="Done")
    assert (await done.response(timeout=5)).type == Callback.UPDATE_MESSAGE
    return done


def checkin_rows(path, user_id):
    with sqlite3.connect(path) as conn:
        return conn.execute(
            "SELECT local_date, score FROM checkins WHERE user_id = ?", (user_id,)
        ).fetchall()


async def test_a_member_without_data_is_told_how_to_start(discord_server, bot, world):
    ix, first = await progress(discord_server, world)
    # drawing may take a moment
    assert first.type == Callback.DEFERRED_CHANNEL_MESSAGE and first.ephemeral
    [answer] = await ix.wait_for_followups(1, timeout=5)
    assert answer["flags"] & MessageFlag.EPHEMERAL
    assert "/reminders stretch" in answer["content"] and "Done" in answer["content"]
    assert answer["attachments"] == [] and answer["embeds"] == []
    assert uploads(discord_server, ix) == []


async def test_progress_shows_the_calendar_and_the_same_figures_in_text(
    discord_server, bot, world, clock, content
):
    await create_stretch(discord_server, world)
    for days_ago in (1, 2, 9):  # earlier Done presses: last Sunday, Saturday, and one before
        pressed = EIGHT - timedelta(days=days_ago)
        await bot.stores.members.record_completion(
            world.alice.id, None, pressed.date().isoformat(), int(pressed.timestamp())
        )
    await done_on_a_reminder(discord_server, world, clock)

    ix, _ = await progress(discord_server, world)
    [answer] = await ix.wait_for_followups(1, timeout=5)
    assert answer["flags"] & MessageFlag.EPHEMERAL
    [embed] = answer["embeds"]
    text = embed["description"]
    for figure in (
        "Current streak:** 4 sessions in a row, your plan: every day",  # history counts
        "Best streak:** 4 sessions in a row",
        "This week:** 1 session",
        "Last week:** 2 sessions",
        "last 12 weeks:** 4",
    ):
        assert figure in text, figure
    assert "check-ins:on" in embed["fields"][0]["value"]  # off: how to turn them on
    assert "UTC" in embed["footer"]["text"]
    [attachment] = answer["attachments"]
    assert attachment["filename"] == "progress.png"
    assert embed["image"]["url"] == attachment["url"]  # the embed shows the uploaded chart
    assert (
        "4 of them" in attachment["description"] and "Best streak: 4" in attachment["description"]
    )
    [(_, png)] = uploads(discord_server, ix)
    days = {EIGHT.date() - timedelta(days=n) for n in (0, 1, 2, 9)}
    assert png == progress_chart(EIGHT.date(), days, content.progress.chart)
    assert Image.open(io.BytesIO(png)).size == (800, 450) and len(png) < 8 * 1024 * 1024


async def test_done_asks_for_a_score_and_eight_gets_flare_care_and_a_pause_that_ends(
    discord_server, bot, world, clock, tmp_path
):
    assert "**on**" in await turn_checkins(discord_server, world, "on")
    await create_stretch(discord_server, world)
    done = await done_on_a_reminder(discord_server, world, clock)
    asked = done.message()
    assert (
        "marked done" in asked["content"] and "How is your sciatica pain today?" in asked["content"]
    )
    assert labels(asked) == SCORE_LABELS
    assert asked["embeds"]  # the stretch of the day stays on the DM

    eight = await discord_server.click(world.alice, asked, label="8")
    saved = await eight.response(timeout=5)
    assert (
        saved.type == Callback.UPDATE_MESSAGE
        and "**8** out of 10" in saved.content
        and saved.components == []
    )
    assert "marked done" in saved.content and "How is your" not in saved.content
    assert checkin_rows(tmp_path / "bot.db", world.alice.id) == [("2026-03-02", 8)]

    [care] = await eight.wait_for_followups(1, timeout=5)
    assert care["flags"] & MessageFlag.EPHEMERAL
    embed = str(care["embeds"]).lower()
    for words in ("gently active", "heat", "numb", "pharmacist", "gp", "new trouble peeing"):
        assert words in embed, words
    assert "a&e" in embed and "999" in embed  # the safety net and where to go
    assert labels(care) == ["Pause stretch reminders for 3 days"]

    pause = await discord_server.click(
        world.alice, care, label="Pause stretch reminders for 3 days"
    )
    paused = await pause.response(timeout=5)
    until = int((EIGHT + timedelta(days=3)).timestamp())
    assert (
        paused.type == Callback.UPDATE_MESSAGE
        and f"<t:{until}:f>" in paused.content
        and paused.components == []
    )
    listed = await ix_list(discord_server, world)
    assert f"Paused until <t:{until}:f>" in str(listed.embeds)

    for day in (1, 2):  # Tuesday and Wednesday 08:00: nothing is sent
        clock.set(EIGHT + timedelta(days=day))
        await ix_list(discord_server, world)
    assert len(stretch_dms(discord_server, world.alice)) == 1
    clock.set(EIGHT + timedelta(days=3))  # Thursday 08:00: the pause ends by itself, and
    await discord_server.wait_until(  # the reminder due right then comes again
        lambda: len(stretch_dms(discord_server, world.alice)) == 2
    )
    [reminder] = await bot.stores.reminders.of_member(world.alice.id)
    assert reminder.paused_until is None
    listed = await ix_list(discord_server, world)
    friday = int((EIGHT + timedelta(days=4)).timestamp())
    assert f"<t:{friday}:F>" in str(listed.embeds) and "Paused" not in str(listed.embeds)


async def test_a_low_score_is_saved_without_flare_care_and_skip_is_one_click(
    discord_server, bot, world, clock, tmp_path
):
    await turn_checkins(discord_server, world, "on")
    await create_stretch(discord_server, world)
    done = await done_on_a_reminder(discord_server, world, clock)
    two = await discord_server.click(world.alice, done.message(), label="2")
    assert "**2** out of 10" in (await two.response(timeout=5)).content
    await ix_list(discord_server, world)
    assert two.followups == []

    clock.set(EIGHT + timedelta(days=1))
    await discord_server.wait_until(lambda: len(reminder_dms(discord_server, world.alice)) == 1)
    [reminder] = reminder_dms(discord_server, world.alice)
    done = await discord_server.click(world.alice, reminder, label="Done")
    await done.response(timeout=5)
    skip = await discord_server.click(world.alice, done.message(), label="Skip")
    skipped = await skip.response(timeout=5)
    assert (
        skipped.type == Callback.UPDATE_MESSAGE
        and "No score today" in skipped.content
        and skipped.components == []
    )
    assert checkin_rows(tmp_path / "bot.db", world.alice.id) == [("2026-03-02", 2)]


async def test_a_rise_of_three_above_the_recent_average_is_a_flare(
    discord_server, bot, world, clock
):
    await turn_checkins(discord_server, world, "on")
    for days_ago, score in ((1, 1), (2, 2), (3, 3)):
        day = (EIGHT - timedelta(days=days_ago)).date().isoformat()
        await bot.stores.checkins.record(world.alice.id, day, score, 0)
    await create_stretch(discord_server, world)
    done = await done_on_a_reminder(discord_server, world, clock)
    five = await discord_server.click(world.alice, done.message(), label="5")
    await five.response(timeout=5)
    [care] = await five.wait_for_followups(1, timeout=5)
    assert "flare" in str(care["embeds"]).lower()


async def test_finish_on_a_routine_asks_too_in_the_members_own_day(
    discord_server, bot, world, clock, tmp_path
):
    ix = await discord_server.invoke(
        world.alice, "reminders timezone", {"zone": "Pacific/Kiritimati"}, guild_id=world.guild.id
    )
    await ix.response(timeout=5)
    await turn_checkins(discord_server, world, "on")
    clock.set(datetime(2026, 3, 2, 11, 0, tzinfo=UTC))  # already Tuesday 01:00 in Kiritimati
    ix = await discord_server.invoke(world.alice, "stretch routine", {}, guild_id=world.guild.id)
    await ix.response(timeout=5)
    finish = await discord_server.click(world.alice, ix.message(), label="Finish")
    finished = await finish.response(timeout=5)
    assert "Routine finished" in finished.content and "How is your" in finished.content
    assert labels(finish.message()) == SCORE_LABELS
    three = await discord_server.click(world.alice, finish.message(), label="3")
    saved = await three.response(timeout=5)
    assert "Routine finished" in saved.content and "**3** out of 10" in saved.content
    assert checkin_rows(tmp_path / "bot.db", world.alice.id) == [("2026-03-03", 3)]

    ix, _ = await progress(discord_server, world)  # the second panel: the pain line
    [answer] = await ix.wait_for_followups(1, timeout=5)
    [embed] = answer["embeds"]
    assert "1 check-in in the last 12 weeks" in embed["fields"][0]["value"]
    assert "Pacific/Kiritimati" in embed["footer"]["text"]
    assert "Latest score: 3" in answer["attachments"][0]["description"]
    [(_, png)] = uploads(discord_server, ix)
    assert png == progress_chart(
        date(2026, 3, 3), set(), bot.content.progress.chart, {date(2026, 3, 3): 3}
    )


async def test_no_question_without_opting_in_and_none_after_opting_out(
    discord_server, bot, world, clock, tmp_path
):
    await create_stretch(discord_server, world)
    done = await done_on_a_reminder(discord_server, world, clock)
    assert done.message()["components"] == [] and "How is your" not in done.message()["content"]

    await turn_checkins(discord_server, world, "on")
    ix = await discord_server.invoke(world.alice, "stretch routine", {}, guild_id=world.guild.id)
    await ix.response(timeout=5)
    finish = await discord_server.click(world.alice, ix.message(), label="Finish")
    await finish.response(timeout=5)
    assert "off" in (await turn_checkins(discord_server, world, "off"))
    late = await discord_server.click(world.alice, finish.message(), label="6")  # an old question
    assert "check-ins are off" in (await late.response(timeout=5)).content
    assert checkin_rows(tmp_path / "bot.db", world.alice.id) == []


async def test_privacy_export_holds_the_check_ins_and_delete_removes_them(
    discord_server, bot, world, clock, tmp_path
):
    await turn_checkins(discord_server, world, "on")
    await create_stretch(discord_server, world)
    done = await done_on_a_reminder(discord_server, world, clock)
    four = await discord_server.click(world.alice, done.message(), label="4")
    await four.response(timeout=5)

    ix = await discord_server.invoke(world.alice, "privacy export", {}, guild_id=world.guild.id)
    await ix.response(timeout=5)
    [(_, upload)] = ix.files
    data = json.loads(upload)
    assert [(r["local_date"], r["score"]) for r in data["checkins"]] == [("2026-03-02", 4)]
    assert data["members"][0]["checkins_on"] == 1
    shown = await discord_server.invoke(world.alice, "privacy show", {}, guild_id=world.guild.id)
    lines = str((await shown.response(timeout=5)).embeds)
    assert "Pain check-ins: on" in lines and "only you see them): 1" in lines

    ix = await discord_server.invoke(world.alice, "privacy delete", {}, guild_id=world.guild.id)
    await ix.response(timeout=5)
    confirm = await discord_server.click(world.alice, ix.message(), label="Delete everything")
    await confirm.response(timeout=5)
    assert checkin_rows(tmp_path / "bot.db", world.alice.id) == []
    with sqlite3.connect(tmp_path / "bot.db") as conn:
        assert conn.execute("SELECT COUNT(*) FROM members").fetchone()[0] == 0


async def test_check_ins_older_than_twelve_months_are_deleted_by_the_daily_chore(
    discord_server, bot, world, clock, tmp_path
):
    await turn_checkins(discord_server, world, "on")
    for day, score in (("2025-03-01", 5), ("2025-03-02", 6), ("2026-03-01", 7)):
        await bot.stores.checkins.record(world.alice.id, day, score, 0)
    clock.set(clock.now() + timedelta(days=1))  # the next day's chores: keep since 2025-03-03
    await eventually(lambda: len(checkin_rows(tmp_path / "bot.db", world.alice.id)) == 1, 5)
    assert checkin_rows(tmp_path / "bot.db", world.alice.id) == [("2026-03-01", 7)]
