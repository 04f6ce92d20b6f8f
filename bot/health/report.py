"""/progress report: a member's record to take to a GP or physio, as a PDF (A4, real text,
printable) whose first page is also drawn as a picture (bot.health.report_picture) from the same
blocks. Pure: plain data in, bytes out; no Discord, no database.

The PDF is made with fpdf2 (pure Python, so nothing to install on the host): its text is real
text a screen reader and a search can read, headings are bookmarks, and the document carries
its title and language. Its built-in Helvetica covers Latin-1, so the report's texts are
checked to fit it when they load.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from bot.content.files import ContentError
from bot.content.messages import Messages
from bot.health.progress import is_flare, week_start
from bot.health.sessions import Outcome, Session

REPORT_WEEKS = (4, 12)
"""The periods a member may choose."""
MARGIN = 18.0
"""Page margins, mm."""
TEXT_KEYS = (  # every text the report uses; a missing one stops the bot at start
    "report.title",
    "report.period",
    "report.own_record",
    "report.plan_title",
    "report.plan_none",
    "report.summary_title",
    "report.weeks_title",
    "report.week_column",
    "report.done_column",
    "report.skipped_column",
    "report.missed_column",
    "report.weeks_note",
    "report.pain_title",
    "report.pain_off",
    "report.pain_none",
    "report.day_column",
    "report.score_column",
    "report.flare_column",
    "report.flare_mark",
    "report.flare_note",
    "report.stretches_title",
    "report.stretches_note",
    "report.stretches_none",
    "report.stretch_line",
    "report.page",
    "report.footer",
    "report.document_title",
    "report.picture_alt",
)


@dataclass(frozen=True)
class WeekRow:
    start: date
    done: int
    skipped: int
    missed: int


@dataclass(frozen=True)
class PainRow:
    day: date
    score: int
    flare: bool


@dataclass(frozen=True)
class ReportData:
    """Everything the report shows, already in the member's days and words."""

    today: date
    first_day: date
    weeks: int
    zone: str
    plan: tuple[str, ...]
    """The member's stretch reminders, each in words."""
    summary: tuple[str, ...]
    """The figures /progress shows, as it words them."""
    week_rows: tuple[WeekRow, ...]
    checkins_on: bool
    pain: tuple[PainRow, ...]
    stretches: tuple[tuple[str, int], ...]
    """The stretch of the day of each done session, with how many times."""


def first_day_of(today: date, weeks: int) -> date:
    """The Monday `weeks - 1` weeks before this week's: the report's first day."""
    if weeks not in REPORT_WEEKS:
        raise ValueError(f"a report covers {' or '.join(map(str, REPORT_WEEKS))} weeks")
    return week_start(today) - timedelta(weeks=weeks - 1)


def week_rows(history: Iterable[Session], first_day: date, today: date) -> tuple[WeekRow, ...]:
    """Sessions done, skipped and missed in each week from `first_day` to today's, oldest
    first (open ones are not counted yet)."""
    counts: dict[date, Counter[Outcome]] = {}
    start = first_day
    while start <= today:
        counts[start] = Counter()
        start += timedelta(weeks=1)
    for session in history:
        if first_day <= session.day <= today:
            counts[week_start(session.day)][session.outcome] += 1
    return tuple(
        WeekRow(start, c[Outcome.DONE], c[Outcome.SKIPPED], c[Outcome.MISSED])
        for start, c in counts.items()
    )


def pain_rows(scores: Mapping[date, int], first_day: date, today: date) -> tuple[PainRow, ...]:
    """Check-ins from `first_day` to today, each marked when it was a flare by the rule
    /progress answers with (earlier scores count as the ones before)."""
    rows: list[PainRow] = []
    previous: list[int] = []  # newest first
    for day in sorted(scores):
        if day > today:
            break
        score = scores[day]
        if day >= first_day:
            rows.append(PainRow(day, score, is_flare(score, previous)))
        previous.insert(0, score)
    return tuple(rows)


def day_text(day: date) -> str:
    """A day as people write it, e.g. "Mon 2 Mar 2026"."""
    return f"{day:%a} {day.day} {day:%b} {day.year}"


# --- blocks: what a page says, drawn the same way in the PDF and the picture ---------------


@dataclass(frozen=True)
class Heading:
    text: str
    level: int = 1


@dataclass(frozen=True)
class Paragraph:
    text: str
    strong: bool = False
    small: bool = False


@dataclass(frozen=True)
class Table:
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths: tuple[float, ...]
    """Column widths, mm; they add up to the text width or less."""


Block = Heading | Paragraph | Table


def first_page(data: ReportData, texts: Messages) -> list[Block]:
    """Page one: who it is for and what it is, the plan, the figures and the weeks."""
    blocks: list[Block] = [
        Heading(texts("report.title"), 0),
        Paragraph(
            texts(
                "report.period",
                start=day_text(data.first_day),
                end=day_text(data.today),
                weeks=data.weeks,
                zone=data.zone,
            ),
            small=True,
        ),
        Paragraph(texts("report.own_record"), strong=True),
        Heading(texts("report.plan_title")),
        *(Paragraph(line) for line in data.plan or (texts("report.plan_none"),)),
        Heading(texts("report.summary_title")),
        *(Paragraph(line) for line in data.summary),
        Heading(texts("report.weeks_title")),
        Table(
            (
                texts("report.week_column"),
                texts("report.done_column"),
                texts("report.skipped_column"),
                texts("report.missed_column"),
            ),
            tuple(
                (day_text(row.start), str(row.done), str(row.skipped), str(row.missed))
                for row in data.week_rows
            ),
            (60.0, 30.0, 35.0, 30.0),
        ),
        Paragraph(texts("report.weeks_note"), small=True),
    ]
    return blocks


def later_pages(data: ReportData, texts: Messages) -> list[Block]:
    """Pain check-ins with flare days marked, and the stretches done."""
    blocks: list[Block] = [Heading(texts("report.pain_title"))]
    if not data.checkins_on and not data.pain:
        blocks.append(Paragraph(texts("report.pain_off")))
    elif not data.pain:
        blocks.append(Paragraph(texts("report.pain_none")))
    else:
        flare = texts("report.flare_mark")
        blocks += [
            Table(
                (
                    texts("report.day_column"),
                    texts("report.score_column"),
                    texts("report.flare_column"),
                ),
                tuple(
                    (day_text(row.day), str(row.score), flare if row.flare else "")
                    for row in data.pain
                ),
                (60.0, 30.0, 30.0),
            ),
            Paragraph(texts("report.flare_note"), small=True),
        ]
    blocks.append(Heading(texts("report.stretches_title")))
    if not data.stretches:
        blocks.append(Paragraph(texts("report.stretches_none")))
    else:
        blocks.append(Paragraph(texts("report.stretches_note"), small=True))
        blocks += [
            Paragraph(texts("report.stretch_line", name=name, count=count))
            for name, count in data.stretches
        ]
    return blocks


# --- the PDF -------------------------------------------------------------------------------

FONT = "Helvetica"
SIZES = {0: 18.0, 1: 13.0}
"""Heading sizes in points, by level; text is 10.5 pt, small text 9 pt."""
TEXT_SIZE, SMALL_SIZE = 10.5, 9.0
KEEP_WITH_HEADING = 30.0
"""mm of the page a heading needs below it, or it starts the next page."""


class _ReportPDF(FPDF):
    def __init__(self, footer: str, page_text: str) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.footer_text = footer
        self.page_text = page_text

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FONT, size=8)
        self.set_text_color(90)
        page = self.page_text.format(page=self.page_no(), pages="{nb}")
        self.cell(0, 5, f"{self.footer_text}   {page}", align="C")


@dataclass(frozen=True)
class Report:
    pdf: bytes
    pages: int


def report_pdf(data: ReportData, texts: Messages) -> Report:
    """The report as an A4 PDF: page one as `first_page`, then `later_pages`."""
    pdf = _ReportPDF(texts("report.footer"), texts("report.page", page="{page}", pages="{pages}"))
    pdf.set_title(
        texts("report.document_title", start=day_text(data.first_day), end=day_text(data.today))
    )
    pdf.set_lang("en")
    pdf.set_author("Sciatica Companion")
    pdf.set_creator("Sciatica Companion")
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.set_auto_page_break(True, margin=18)
    pdf.add_page()
    _write(pdf, first_page(data, texts))
    pdf.add_page()
    _write(pdf, later_pages(data, texts))
    return Report(bytes(pdf.output()), pdf.pages_count)


PRINTABLE = str.maketrans(
    {
        "\u2010": "-",
        "\u2011": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2018": "'",
        "\u2019": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2026": "...",
        "\u2212": "-",
    }
)


def printable(text: str) -> str:
    """`text` in what the PDF's built-in font prints (Latin-1): typographic dashes and quotes
    become plain ones, anything else outside it a "?". The report's own texts are checked at
    load; this is for names and figures from elsewhere."""
    return (
        text.replace("**", "").translate(PRINTABLE).encode("latin-1", "replace").decode("latin-1")
    )


def _write(pdf: FPDF, blocks: Sequence[Block]) -> None:
    for block in blocks:
        if isinstance(block, Heading):
            if pdf.will_page_break(KEEP_WITH_HEADING):  # never a heading alone at the foot
                pdf.add_page()
            pdf.ln(2 if block.level == 0 else 4)
            pdf.start_section(printable(block.text), level=min(block.level, 1))
            pdf.set_font(FONT, style="B", size=SIZES[min(block.level, 1)])
            pdf.set_text_color(0)
            pdf.multi_cell(0, 7 if block.level == 0 else 6, printable(block.text))
            pdf.ln(1)
        elif isinstance(block, Paragraph):
            pdf.set_font(
                FONT,
                style="B" if block.strong else "",
                size=SMALL_SIZE if block.small else TEXT_SIZE,
            )
            pdf.set_text_color(70 if block.small else 0)
            pdf.multi_cell(
                0,
                4.6 if block.small else 5.4,
                printable(block.text),
                new_x=XPos.LMARGIN,
                new_y=YPos.NEXT,
            )
            pdf.ln(0.8)
        else:
            pdf.set_font(FONT, size=TEXT_SIZE)
            pdf.set_text_color(0)
            with pdf.table(
                col_widths=block.widths,
                width=sum(block.widths),
                align="LEFT",
                text_align=("LEFT", *("RIGHT",) * (len(block.columns) - 1)),
                line_height=5.6,
                first_row_as_headings=True,
                repeat_headings=1,
            ) as table:
                for values in (block.columns, *block.rows):
                    row = table.row()
                    for value in values:
                        row.cell(printable(value))
            pdf.ln(1)


# --- texts ---------------------------------------------------------------------------------


def check_report_texts(texts: Messages) -> None:
    """The report's texts are all there, and all within Latin-1 (what the PDF's built-in font
    can print)."""
    for key, value in texts.table("report").items():
        try:
            value.encode("latin-1")
        except UnicodeEncodeError as exc:
            raise ContentError(
                f"report.toml: report.{key} has a character the PDF can't print"
            ) from exc
    missing = [key for key in TEXT_KEYS if key not in texts]
    if missing:
        raise ContentError(f"report.toml: missing texts {', '.join(missing)}")
