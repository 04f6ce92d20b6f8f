"""The report's first page as a picture, drawn with Pillow from the same blocks the PDF prints
(bot.health.report.first_page), so a member sees it in Discord without opening the file and the bot
needs no PDF renderer. A4 proportions, black on white like the printed page."""

from __future__ import annotations

import io
from collections.abc import Sequence

from PIL import Image, ImageDraw, ImageFont

from bot.content.messages import Messages
from bot.health.report import (
    MARGIN,
    SIZES,
    SMALL_SIZE,
    TEXT_SIZE,
    Block,
    Heading,
    Paragraph,
    ReportData,
    first_page,
)

PX_PER_MM = 5.0
WIDTH, HEIGHT = round(210 * PX_PER_MM), round(297 * PX_PER_MM)
PT_IN_MM = 25.4 / 72
INK, GREY, RULE = (0, 0, 0), (80, 80, 80), (150, 150, 150)

Font = ImageFont.FreeTypeFont | ImageFont.ImageFont


def _font(points: float) -> Font:
    return ImageFont.load_default(size=round(points * PT_IN_MM * PX_PER_MM))


def _px(mm: float) -> float:
    return mm * PX_PER_MM


def _wrap(draw: ImageDraw.ImageDraw, text: str, font: Font, width: float) -> list[str]:
    lines: list[str] = []
    line = ""
    for word in text.split():
        candidate = f"{line} {word}".strip()
        if line and draw.textlength(candidate, font=font) > width:
            lines.append(line)
            line = word
        else:
            line = candidate
    return [*lines, line] if line else lines


def _text(
    draw: ImageDraw.ImageDraw,
    xy: tuple[float, float],
    text: str,
    font: Font,
    fill: tuple[int, int, int],
    bold: bool = False,
) -> None:
    """Bold is the text drawn twice a little apart: the one font Pillow ships has no bold."""
    x, y = xy
    draw.text((x, y), text, fill=fill, font=font)
    if bold:
        draw.text((x + 0.9, y), text, fill=fill, font=font)


def first_page_png(data: ReportData, texts: Messages, pages: int) -> bytes:
    """Page one of the report (of `pages`), as a PNG."""
    image = Image.new("RGB", (WIDTH, HEIGHT), "white")
    draw = ImageDraw.Draw(image)
    _draw(draw, first_page(data, texts))
    footer = f"{texts('report.footer')}   {texts('report.page', page=1, pages=pages)}"
    small = _font(8)
    x = (WIDTH - draw.textlength(footer, font=small)) / 2
    draw.text((x, HEIGHT - _px(12)), footer, fill=GREY, font=small)
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()


def _draw(draw: ImageDraw.ImageDraw, blocks: Sequence[Block]) -> None:
    """The blocks top to bottom, spaced as the PDF spaces them (mm)."""
    y = MARGIN
    left, width = _px(MARGIN), _px(210 - 2 * MARGIN)
    for block in blocks:
        if isinstance(block, Heading):
            y += 2 if block.level == 0 else 4
            font = _font(SIZES[min(block.level, 1)])
            step = 7.0 if block.level == 0 else 6.0
            for line in _wrap(draw, block.text, font, width):
                _text(draw, (left, _px(y)), line, font, INK, bold=True)
                y += step
            y += 1
        elif isinstance(block, Paragraph):
            font = _font(SMALL_SIZE if block.small else TEXT_SIZE)
            step = 4.6 if block.small else 5.4
            colour = GREY if block.small else INK
            for line in _wrap(draw, block.text.replace("**", ""), font, width):
                _text(draw, (left, _px(y)), line, font, colour, bold=block.strong)
                y += step
            y += 0.8
        else:
            font = _font(TEXT_SIZE)
            row_height = 5.6
            for index, values in enumerate((block.columns, *block.rows)):
                x = left
                for column, (value, cell_mm) in enumerate(zip(values, block.widths, strict=True)):
                    cell = _px(cell_mm)
                    box = (x, _px(y), x + cell, _px(y + row_height))
                    draw.rectangle(box, outline=RULE, width=1)
                    pad = _px(1)
                    right = x + cell - pad - draw.textlength(value, font=font)
                    text_x = x + pad if column == 0 else right
                    _text(draw, (text_x, _px(y + 1)), value, font, INK, bold=index == 0)
                    x += cell
                y += row_height
            y += 1
