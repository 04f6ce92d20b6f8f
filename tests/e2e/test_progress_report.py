"""/progress report end to end: a private PDF whose text holds the figures /progress shows, the
weeks, the check-ins with flare days marked and the stretches done, and its first page as a
picture."""

import io

from PIL import Image
from pypdf import PdfReader

from bot.localdiscord.constants import MessageFlag
from tests.support.actions import EIGHT, create_stretch, stretch_dms
from tests.support.progress import DAY, progress, session_done, turn_checkins, uploads

A4 = (595.28, 841.89)  # points


async def a_month_of_sessions(server, world, clock, bot):
    """Mon done, Wed Not today, Fri done, next Mon unanswered (missed once Wed's came); pain
    scores of 3 then a flare of 8."""
    await turn_checkins(server, world, "on")
    await create_stretch(server, world, days="mon, wed, fri")
    for days_ago, score in ((3, 3), (2, 3), (1, 3)):
        day = (EIGHT - days_ago * DAY).date().isoformat()
        await bot.stores.checkins.record(world.alice.id, day, score, 0)
    done, _ = await session_done(server, world, clock, EIGHT, 1)
    await (await server.click(world.alice, done.message(), label="8")).response(timeout=5)
    clock.set(EIGHT + 2 * DAY)
    await server.wait_until(lambda: len(stretch_dms(server, world.alice)) == 2)
    skip = await server.click(world.alice, stretch_dms(server, world.alice)[-1], label="Not today")
    await skip.response(timeout=5)
    await session_done(server, world, clock, EIGHT + 4 * DAY, 3)
    clock.set(EIGHT + 7 * DAY)
    await server.wait_until(lambda: len(stretch_dms(server, world.alice)) == 4)
    clock.set(EIGHT + 9 * DAY)  # Wednesday: its DM comes, and stays unanswered
    await server.wait_until(lambda: len(stretch_dms(server, world.alice)) == 5)


async def test_the_report_is_a_private_pdf_holding_what_progress_shows(
    discord_server, bot, world, clock
):
    await a_month_of_sessions(discord_server, world, clock, bot)
    ix, _ = await progress(discord_server, world)
    [shown] = await ix.wait_for_followups(1, timeout=5)
    [embed] = shown["embeds"]
    figures = [line.replace("**", "") for line in embed["description"].split("\n")]
    assert "Sessions in the last 12 weeks: 2 done, 1 not today, 1 missed" in figures
    pain = embed["fields"][0]["value"].replace("**", "")

    ix, first = await progress(discord_server, world, report=4)
    assert first.ephemeral
    [answer] = await ix.wait_for_followups(1, timeout=5)
    assert answer["flags"] & MessageFlag.EPHEMERAL
    assert "PDF" in answer["content"] and "not a diagnosis" in answer["content"]
    pdf_file, picture = answer["attachments"]
    assert pdf_file["filename"] == "sciatica-record-2026-03-11.pdf"
    assert pdf_file["content_type"] == "application/pdf"
    assert picture["content_type"] == "image/png"
    assert "done 2, not today 1, missed 1" in picture["description"]
    (_, pdf), (_, png) = uploads(discord_server, ix)

    reader = PdfReader(io.BytesIO(pdf))
    text = "\n".join(page.extract_text() for page in reader.pages)
    for line in figures:  # the very figures /progress showed
        assert line in text, line
    assert pain in text.replace("\n", " ")
    assert "Every Monday, Wednesday and Friday at 08:00 (UTC)" in text
    assert "not a diagnosis" in text
    assert "Mon 16 Feb 2026 to Wed 11 Mar 2026 (4 weeks)" in text
    for week, done, skipped, missed in (
        ("23 Feb", 0, 0, 0),
        ("2 Mar", 2, 1, 0),
        ("9 Mar", 0, 0, 1),
    ):
        assert f"Mon {week} 2026 {done} {skipped} {missed}" in text, week
    assert "Mon 2 Mar 2026 8 flare" in text and "Sun 1 Mar 2026 3\n" in text
    library = bot.content.library
    names = [library.stretch_of_the_day((EIGHT + n * DAY).date().toordinal()).name for n in (0, 4)]
    for name in names:  # the stretches of the days done
        assert f"{name}: {names.count(name)} time" in text, name
    meta = reader.metadata
    assert meta.title.startswith("My stretching and sciatica record")
    assert reader.trailer["/Root"]["/Lang"] == "en"
    assert [round(float(v), 2) for v in reader.pages[0].mediabox[2:]] == list(A4)

    image = Image.open(io.BytesIO(png))
    assert image.size == (1050, 1485)  # A4's proportions
    assert image.getpixel((5, 5)) == (255, 255, 255)  # printed-page white
