"""The /progress report's rules and its PDF and picture, from plain data: weeks, flare days,
what the PDF says (read back as text), its page, title and language, and the texts' check."""

import io
from datetime import UTC, date, datetime, time, timedelta

import pytest
from PIL import Image
from pypdf import PdfReader

from bot.content.files import ContentError
from bot.content.messages import Messages, file_texts
from bot.core.settings import DEFAULT_DATA_DIR
from bot.health.report import (
    PainRow,
    ReportData,
    WeekRow,
    check_report_texts,
    first_day_of,
    pain_rows,
    printable,
    report_pdf,
    week_rows,
)
from bot.health.report_picture import HEIGHT, WIDTH, first_page_png
from bot.health.sessions import Outcome, Session

TEXTS = Messages.load(DEFAULT_DATA_DIR)
TODAY = date(2026, 3, 4)  # a Wednesday


def session(day: date, outcome: Outcome) -> Session:
    return Session(1, datetime.combine(day, time(8), UTC), outcome, day)


def test_a_report_starts_on_a_monday_four_or_twelve_weeks_back():
    assert first_day_of(TODAY, 4) == date(2026, 2, 9)
    assert first_day_of(TODAY, 12) == date(2025, 12, 15)
    with pytest.raises(ValueError):
        first_day_of(TODAY, 6)


def test_weeks_count_done_skipped_and_missed_but_not_open_sessions():
    first = first_day_of(TODAY, 4)
    history = [
        session(date(2026, 2, 1), Outcome.DONE),  # before the report
        session(date(2026, 2, 9), Outcome.DONE),
        session(date(2026, 2, 11), Outcome.SKIPPED),
        session(date(2026, 2, 15), Outcome.MISSED),  # Sunday: the same week
        session(date(2026, 3, 2), Outcome.DONE),
        session(date(2026, 3, 4), Outcome.OPEN),
    ]
    assert week_rows(history, first, TODAY) == (
        WeekRow(date(2026, 2, 9), 1, 1, 1),
        WeekRow(date(2026, 2, 16), 0, 0, 0),
        WeekRow(date(2026, 2, 23), 0, 0, 0),
        WeekRow(date(2026, 3, 2), 1, 0, 0),
    )


def test_flare_days_are_judged_against_the_check_ins_before_them_even_before_the_report():
    first = first_day_of(TODAY, 4)
    scores = {first - timedelta(days=n): 2 for n in range(1, 8)}  # a calm week before
    scores |= {first: 5, first + timedelta(days=1): 7, first + timedelta(days=2): 4}
    scores[TODAY + timedelta(days=1)] = 9  # tomorrow: not yet
    assert pain_rows(scores, first, TODAY) == (
        PainRow(first, 5, True),  # 3 above the week before
        PainRow(first + timedelta(days=1), 7, True),
        PainRow(first + timedelta(days=2), 4, False),
    )


def data(**changes) -> ReportData:
    first = first_day_of(TODAY, 4)
    values = {
        "today": TODAY,
        "first_day": first,
        "weeks": 4,
        "zone": "Europe/London",
        "plan": ("Every Monday, Wednesday and Friday at 08:00 (Europe/London)",),
        "summary": ("**Current streak:** 3 sessions in a row, your plan: Mon, Wed, Fri",),
        "week_rows": (WeekRow(first, 3, 0, 0), WeekRow(first + timedelta(weeks=1), 1, 1, 1)),
        "checkins_on": True,
        "pain": (PainRow(first, 4, False), PainRow(first + timedelta(days=2), 8, True)),
        "stretches": (("Knee\u2011to\u2011chest", 3), ("Knee rolls", 1)),
    }
    return ReportData(**(values | changes))


def test_the_pdf_is_a4_with_real_text_a_title_and_a_language():
    report = report_pdf(data(), TEXTS)
    reader = PdfReader(io.BytesIO(report.pdf))
    assert len(reader.pages) == report.pages == 2
    assert [round(float(v), 2) for v in reader.pages[0].mediabox[2:]] == [595.28, 841.89]
    first, second = (page.extract_text() for page in reader.pages)
    assert "not a diagnosis" in first and "Page 1 of 2" in first
    assert "Current streak: 3 sessions in a row, your plan: Mon, Wed, Fri" in first  # no **
    assert "Mon 9 Feb 2026 3 0 0" in first and "Mon 16 Feb 2026 1 1 1" in first
    assert "Wed 11 Feb 2026 8 flare" in second and "Mon 9 Feb 2026 4\n" in second
    assert "Knee-to-chest: 3 times" in second and "Knee rolls: 1 time" in second
    assert reader.metadata.title == (
        "My stretching and sciatica record, Mon 9 Feb 2026 to Wed 4 Mar 2026"
    )
    assert reader.trailer["/Root"]["/Lang"] == "en"
    [title, sections] = reader.outline  # headings are bookmarks, in order
    assert title.title == "My stretching and sciatica record"
    assert [item.title for item in sections][:2] == ["My plan", "Summary, as /progress shows it"]


def test_without_check_ins_or_sessions_the_report_says_so():
    text = "".join(
        page.extract_text()
        for page in PdfReader(
            io.BytesIO(report_pdf(data(checkins_on=False, pain=(), stretches=()), TEXTS).pdf)
        ).pages
    )
    assert "pain check-ins turned off" in text and "No sessions marked done" in text


def test_the_first_page_picture_is_a4_white_and_says_the_same():
    picture = Image.open(io.BytesIO(first_page_png(data(), TEXTS, 2)))
    assert picture.size == (WIDTH, HEIGHT) and abs(HEIGHT / WIDTH - 297 / 210) < 0.01
    assert picture.getpixel((2, 2)) == (255, 255, 255)
    ink = picture.convert("L").point(lambda v: 255 if v < 128 else 0).getbbox()
    assert ink is not None and ink[1] < HEIGHT * 0.1 and ink[3] > HEIGHT * 0.9  # title, footer
    assert first_page_png(data(), TEXTS, 2) != first_page_png(data(weeks=12), TEXTS, 2)


def test_text_outside_latin_1_is_made_printable_and_refused_in_the_report_texts(tmp_path):
    assert printable("Knee\u2011to\u2011chest \u2014 \u201cslow\u201d\u2026 \u2603") == (
        'Knee-to-chest - "slow"... ?'
    )
    path = tmp_path / "report.toml"
    source = (DEFAULT_DATA_DIR / "report.toml").read_text(encoding="utf-8")
    path.write_text(source.replace('title = "My', 'title = "\u2014 My', 1), encoding="utf-8")
    with pytest.raises(ContentError, match=r"report\.title"):
        check_report_texts(Messages(file_texts(path)))
    path.write_text(source.replace("footer =", "unused =", 1), encoding="utf-8")
    with pytest.raises(ContentError, match="footer"):
        check_report_texts(Messages(file_texts(path)))
