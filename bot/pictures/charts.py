"""The /progress chart: a 12-week calendar of days with a Done (and the sessions skipped with
Not today or missed, each drawn differently, not only in colour), and an optional pain line.

Pure (no Discord, no database): plain dates and scores in, PNG bytes out, drawn with Pillow in
the same style as the stretch pictures (a light rounded card that reads on dark and light
themes). Texts come from data/charts.toml.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from bot.content.files import ContentError
from bot.content.messages import Messages, file_texts
from bot.pictures.figure import CARD, CARD_EDGE, INK, LABEL

WEEKS = 12
WIDTH, HEIGHT = 800, 450
SS = 2
DONE = (106, 168, 79)
SKIPPED = (201, 212, 226)
MISSED = (178, 94, 74)
EMPTY = (232, 226, 216)
FUTURE = (244, 240, 233)
PAIN = (214, 96, 58)
GRID = (226, 219, 208)


@dataclass(frozen=True)
class ChartWords:
    """The chart's texts, looked up once at start-up: drawing runs in a worker thread on plain
    values. `done_count` still holds `{count}`, the one number known only when drawing."""

    title: str
    weekdays: tuple[str, ...]
    done_count: str
    pain_title: str
    stretched: str
    legend_done: str
    legend_skipped: str
    legend_missed: str


@dataclass(frozen=True)
class Cell:
    """One day of the calendar: its column (week, oldest first) and row (Monday = 0)."""

    day: date
    week: int
    weekday: int


def calendar_cells(today: date) -> list[Cell]:
    """The 12 weeks shown, Monday to Sunday, the last column the week that holds `today`."""
    first = today - timedelta(days=today.weekday()) - timedelta(weeks=WEEKS - 1)
    return [
        Cell(first + timedelta(days=7 * week + weekday), week, weekday)
        for week in range(WEEKS)
        for weekday in range(7)
    ]


def load_chart_words(path: Path) -> ChartWords:
    """The chart's texts; `weekdays` is seven short names from Monday, comma-separated."""
    texts = Messages(file_texts(path))
    try:
        words = ChartWords(
            title=texts("charts.ui.title"),
            weekdays=tuple(day.strip() for day in texts("charts.ui.weekdays").split(",")),
            done_count=texts("charts.ui.done_count", count="{count}", weeks=WEEKS),
            pain_title=texts("charts.ui.pain_title"),
            stretched=texts("charts.ui.stretched"),
            legend_done=texts("charts.ui.legend_done"),
            legend_skipped=texts("charts.ui.legend_skipped"),
            legend_missed=texts("charts.ui.legend_missed"),
        )
    except KeyError as exc:
        raise ContentError(f"{path.name}: [ui] needs the text {exc.args[0]}") from exc
    if len(words.weekdays) != 7:
        raise ContentError(f"{path.name}: [ui] weekdays must name the seven days")
    return words


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    return ImageFont.load_default(size=size * SS)


def progress_chart(
    today: date,
    done_days: Iterable[date],
    words: ChartWords,
    pain: Mapping[date, int] | None = None,
    skipped: Iterable[date] = (),
    missed: Iterable[date] = (),
) -> bytes:
    """The calendar (and, with scores, the pain panel beside it) as an 800 x 450 PNG. A day
    with a Done is green; one skipped with Not today has a dash, one missed a cross."""
    scores = dict(pain or {})
    for day, score in scores.items():
        if not isinstance(score, int) or not 0 <= score <= 10:
            raise ValueError(f"pain score for {day} must be a whole number from 0 to 10")
    cells = calendar_cells(today)
    start, end = cells[0].day, cells[-1].day
    done = {day for day in done_days if start <= day <= today}
    skip_days = set(skipped) - done
    miss_days = set(missed) - done - skip_days
    canvas = Image.new("RGB", (WIDTH * SS, HEIGHT * SS), CARD)
    draw = ImageDraw.Draw(canvas)
    draw.text((28 * SS, 22 * SS), words.title, fill=INK, font=_font(22))
    count = words.done_count.format(count=len(done))
    draw.text((28 * SS, 54 * SS), count, fill=LABEL, font=_font(16))

    with_pain = bool(scores)
    pitch = 24 if with_pain else 30
    left = 76 if with_pain else (WIDTH - WEEKS * 30) // 2 + 20
    top = 104
    small = _font(13)
    for row, name in enumerate(words.weekdays):
        if row % 2 == 0:  # every other day, as contribution calendars do: less clutter
            y = (top + row * pitch + pitch / 2 - 8) * SS
            draw.text(((left - 40) * SS, y), name, fill=LABEL, font=small)
    for cell in cells:
        x = (left + cell.week * pitch) * SS
        y = (top + cell.weekday * pitch) * SS
        box = (x, y, x + (pitch - 5) * SS, y + (pitch - 5) * SS)
        if cell.day > today:
            draw.rounded_rectangle(box, radius=4 * SS, fill=FUTURE, outline=GRID, width=SS)
        elif cell.day in done:
            draw.rounded_rectangle(box, radius=4 * SS, fill=DONE)
        else:
            _empty_day(draw, box, cell.day in skip_days, cell.day in miss_days)
        if cell.day == today:
            draw.rounded_rectangle(box, radius=4 * SS, outline=INK, width=2 * SS)
        if cell.weekday == 0 and cell.week % 4 == 0:
            label = f"{cell.day.day} {cell.day:%b}"
            draw.text((x, (top + 7 * pitch + 4) * SS), label, fill=LABEL, font=small)

    _legend(draw, words, left - 40, top + 7 * pitch + 30)
    if with_pain:
        _pain_panel(draw, words, scores, done, start, end, today)
    card = Image.new("L", canvas.size, 0)
    ImageDraw.Draw(card).rounded_rectangle(
        (0, 0, canvas.width - 1, canvas.height - 1), radius=18 * SS, fill=255
    )
    ImageDraw.Draw(canvas).rounded_rectangle(
        (0, 0, canvas.width - 1, canvas.height - 1), radius=18 * SS, outline=CARD_EDGE, width=2 * SS
    )
    image = canvas.resize((WIDTH, HEIGHT), Image.Resampling.LANCZOS)
    image.putalpha(card.reduce(SS))
    out = io.BytesIO()
    image.save(out, "PNG", compress_level=7)
    return out.getvalue()


def _empty_day(
    draw: ImageDraw.ImageDraw, box: tuple[float, float, float, float], skipped: bool, missed: bool
) -> None:
    """A past day with no Done: plain, a dash (Not today) or a cross (missed)."""
    x0, y0, x1, y1 = box
    draw.rounded_rectangle(box, radius=4 * SS, fill=SKIPPED if skipped else EMPTY)
    inset = (x1 - x0) * 0.3
    if skipped:
        mid = (y0 + y1) / 2
        draw.line((x0 + inset, mid, x1 - inset, mid), fill=LABEL, width=2 * SS)
    elif missed:
        draw.line((x0 + inset, y0 + inset, x1 - inset, y1 - inset), fill=MISSED, width=2 * SS)
        draw.line((x0 + inset, y1 - inset, x1 - inset, y0 + inset), fill=MISSED, width=2 * SS)


def _legend(draw: ImageDraw.ImageDraw, words: ChartWords, left: float, top: float) -> None:
    """What the three kinds of day mean, below the calendar."""
    small = _font(13)
    x = left
    size = 16
    for label, kind in (
        (words.legend_done, "done"),
        (words.legend_skipped, "skipped"),
        (words.legend_missed, "missed"),
    ):
        box = (x * SS, top * SS, (x + size) * SS, (top + size) * SS)
        if kind == "done":
            draw.rounded_rectangle(box, radius=3 * SS, fill=DONE)
        else:
            _empty_day(draw, box, kind == "skipped", kind == "missed")
        draw.text(((x + size + 6) * SS, (top - 1) * SS), label, fill=LABEL, font=small)
        x += size + 14 + draw.textlength(label, font=small) / SS


def _pain_panel(
    draw: ImageDraw.ImageDraw,
    words: ChartWords,
    scores: Mapping[date, int],
    done: set[date],
    start: date,
    end: date,
    today: date,
) -> None:
    """Scores 0-10 over the same 12 weeks; days with a Done marked along the bottom."""
    x0, x1, y0, y1 = 420, 772, 132, 330
    span = (end - start).days or 1

    def x(day: date) -> float:
        return (x0 + (x1 - x0) * (day - start).days / span) * SS

    def y(score: float) -> float:
        return (y1 - (y1 - y0) * score / 10) * SS

    small = _font(13)
    draw.text((x0 * SS, (y0 - 32) * SS), words.pain_title, fill=INK, font=_font(16))
    for level in (0, 5, 10):
        draw.line((x0 * SS, y(level), x1 * SS, y(level)), fill=GRID, width=SS)
        draw.text(((x0 - 24) * SS, y(level) - 8 * SS), str(level), fill=LABEL, font=small)
    draw.line((x(today), y0 * SS, x(today), y1 * SS), fill=GRID, width=SS)
    points = [(x(day), y(score)) for day, score in sorted(scores.items()) if start <= day <= end]
    if len(points) > 1:
        draw.line(points, fill=PAIN, width=3 * SS, joint="curve")
    for px, py in points:
        r = 4 * SS
        draw.ellipse((px - r, py - r, px + r, py + r), fill=PAIN, outline=CARD, width=SS)
    band = (y1 + 16) * SS
    for day in sorted(done):
        r = 3 * SS
        draw.ellipse((x(day) - r, band - r, x(day) + r, band + r), fill=DONE)
    draw.text((x0 * SS, band + 10 * SS), words.stretched, fill=LABEL, font=small)
