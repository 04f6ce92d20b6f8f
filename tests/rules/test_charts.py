"""The /progress chart renders a valid PNG that marks exactly the days with a Done."""

import io
from datetime import date, timedelta

import pytest
from PIL import Image

from bot.content.files import ContentError
from bot.core.settings import DEFAULT_DATA_DIR
from bot.pictures.charts import (
    DONE,
    EMPTY,
    MISSED,
    SKIPPED,
    WEEKS,
    calendar_cells,
    load_chart_words,
    progress_chart,
)
from bot.pictures.figure import LABEL

WORDS = load_chart_words(DEFAULT_DATA_DIR / "charts.toml")
TODAY = date(2026, 3, 4)  # a Wednesday


def decode(png: bytes) -> Image.Image:
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    image = Image.open(io.BytesIO(png))
    image.load()
    return image


def test_the_calendar_is_twelve_weeks_from_monday_ending_with_this_week():
    cells = calendar_cells(TODAY)
    assert len(cells) == WEEKS * 7
    assert cells[0].day.weekday() == 0 and cells[0].day == date(2025, 12, 15)
    assert cells[-1].day == date(2026, 3, 8)  # the Sunday after today
    assert [c.day for c in cells] == [cells[0].day + timedelta(days=n) for n in range(84)]


def cell_colour(image: Image.Image, cell, pitch: int, left: int, top: int = 104):
    x = left + cell.week * pitch + (pitch - 5) // 2
    y = top + cell.weekday * pitch + (pitch - 5) // 2
    return image.getpixel((x, y))[:3]


@pytest.mark.parametrize("with_pain", [False, True])
def test_chart_marks_exactly_the_done_days(with_pain):
    done = {TODAY - timedelta(days=n) for n in (0, 1, 3, 8, 40, 77)}
    done |= {TODAY + timedelta(days=2), TODAY - timedelta(days=200)}  # outside: not drawn
    pain = {TODAY - timedelta(days=n): n % 11 for n in range(0, 80, 5)} if with_pain else None
    png = progress_chart(TODAY, done, WORDS, pain)
    assert len(png) < 200 * 1024
    image = decode(png).convert("RGB")
    assert image.size == (800, 450)
    pitch, left = (24, 76) if with_pain else (30, (800 - WEEKS * 30) // 2 + 20)
    for cell in calendar_cells(TODAY):
        colour = cell_colour(image, cell, pitch, left)
        if cell.day > TODAY:
            assert colour not in (DONE, EMPTY)
        else:
            expected = DONE if cell.day in done else EMPTY
            assert max(abs(a - b) for a, b in zip(colour, expected, strict=True)) < 8, cell


def test_chart_is_deterministic_and_checks_scores():
    days = [TODAY - timedelta(days=2)]
    assert progress_chart(TODAY, days, WORDS, {TODAY: 3}) == progress_chart(
        TODAY, days, WORDS, {TODAY: 3}
    )
    with pytest.raises(ValueError, match="0 to 10"):
        progress_chart(TODAY, days, WORDS, {TODAY: 11})


def test_chart_texts_are_checked(tmp_path):
    path = tmp_path / "charts.toml"
    path.write_text('[ui]\ntitle = "t"\n')
    with pytest.raises(ContentError, match=r"charts\.toml: \[ui\] needs"):
        load_chart_words(path)


def close(colour, expected, tolerance=12):
    return max(abs(a - b) for a, b in zip(colour, expected, strict=True)) < tolerance


@pytest.mark.parametrize("with_pain", [False, True])
def test_not_today_has_a_dash_and_missed_a_cross_and_done_wins(with_pain):
    done = {TODAY - timedelta(days=1)}
    skipped = {TODAY - timedelta(days=2), TODAY - timedelta(days=1)}  # done that day too
    missed = {TODAY - timedelta(days=9), TODAY - timedelta(days=2)}  # skipped that day too
    pain = {TODAY: 4} if with_pain else None
    image = decode(progress_chart(TODAY, done, WORDS, pain, skipped=skipped, missed=missed))
    image = image.convert("RGB")
    pitch, left = (24, 76) if with_pain else (30, (800 - WEEKS * 30) // 2 + 20)
    cells = {cell.day: cell for cell in calendar_cells(TODAY)}

    def corner(day):  # the day's fill, clear of any mark
        cell = cells[day]
        return image.getpixel((left + cell.week * pitch + 4, 104 + cell.weekday * pitch + 4))

    def centre(day):
        return cell_colour(image, cells[day], pitch, left)

    assert close(centre(TODAY - timedelta(days=1)), DONE)
    assert close(corner(TODAY - timedelta(days=2)), SKIPPED)
    assert close(centre(TODAY - timedelta(days=2)), LABEL, 60)  # the dash
    assert close(corner(TODAY - timedelta(days=9)), EMPTY)
    assert close(centre(TODAY - timedelta(days=9)), MISSED, 60)  # the cross
    assert close(centre(TODAY - timedelta(days=5)), EMPTY)  # nothing planned or known
