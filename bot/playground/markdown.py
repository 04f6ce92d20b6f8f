"""The part of Discord's markdown the bot writes, as HTML: headings, lists, quotes, bold,
italics, underline, strikethrough, code, masked links, timestamps and mentions. Everything is
escaped first, so text a member typed can never become markup."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from datetime import datetime

Names = Callable[[str, int], str]
"""(mention kind "@", "#" or "@&", snowflake) -> the name Discord shows for it."""

INLINE = [
    (re.compile(r"\*\*(.+?)\*\*"), r"<strong>\1</strong>"),
    (re.compile(r"__(.+?)__"), r"<u>\1</u>"),
    (re.compile(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])"), r"<em>\1</em>"),
    (re.compile(r"(?<![\w_])_(?!\s)(.+?)(?<!\s)_(?![\w_])"), r"<em>\1</em>"),
    (re.compile(r"~~(.+?)~~"), r"<s>\1</s>"),
    (re.compile(r"\|\|(.+?)\|\|"), r'<span class="spoiler">\1</span>'),
]
LINK = re.compile(r"\[([^\]]+)\]\((?:&lt;)?(https?://[^\s)]+?)(?:&gt;)?\)")
BARE_URL = re.compile(r"&lt;(https?://\S+?)&gt;|(https?://[^\s<]+)")
TIMESTAMP = re.compile(r"&lt;t:(-?\d+)(?::([tTdDfFR]))?&gt;")
MENTION = re.compile(r"&lt;(@!?|#|@&amp;)(\d+)&gt;")
CODE = re.compile(r"`([^`]+)`")
BLOCKS = [
    ("### ", "h5"),
    ("## ", "h4"),
    ("# ", "h3"),
]


def to_html(text: str, now: datetime, names: Names) -> str:
    """`now` is the bot's time, which relative timestamps ("in 2 hours") are counted from."""
    out: list[str] = []
    items: list[str] = []
    for line in html.escape(text).split("\n"):
        bullet = re.match(r"^\s*[-*•] (.*)$", line)
        if bullet:
            items.append(f"<li>{_inline(bullet[1], now, names)}</li>")
            continue
        if items:
            out.append(f"<ul>{''.join(items)}</ul>")
            items = []
        out.append(_block(line, now, names))
    if items:
        out.append(f"<ul>{''.join(items)}</ul>")
    return "".join(out)


def _block(line: str, now: datetime, names: Names) -> str:
    for marker, tag in BLOCKS:
        if line.startswith(marker):
            return f'<{tag} class="md-heading">{_inline(line[len(marker) :], now, names)}</{tag}>'
    if line.startswith("-# "):
        return f'<small class="md-subtext">{_inline(line[3:], now, names)}</small><br>'
    if line.startswith("&gt; "):
        return f"<blockquote>{_inline(line[5:], now, names)}</blockquote>"
    return f"{_inline(line, now, names)}<br>"


def _inline(text: str, now: datetime, names: Names) -> str:
    codes: list[str] = []

    def keep_code(match: re.Match[str]) -> str:
        codes.append(f"<code>{match[1]}</code>")
        return f"\x00{len(codes) - 1}\x00"

    text = CODE.sub(keep_code, text)
    links: list[str] = []

    def keep_link(match: re.Match[str]) -> str:
        label = _styled(match[1])
        links.append(f'<a href="{match[2]}" rel="noopener noreferrer" target="_blank">{label}</a>')
        return f"\x01{len(links) - 1}\x01"

    text = LINK.sub(keep_link, text)
    text = BARE_URL.sub(lambda m: _bare(m, links), text)
    text = _styled(text)
    text = TIMESTAMP.sub(lambda m: _timestamp(int(m[1]), m[2] or "f", now), text)
    text = MENTION.sub(lambda m: _mention(m[1], int(m[2]), names), text)
    text = re.sub("\x01(\\d+)\x01", lambda m: links[int(m[1])], text)
    return re.sub("\x00(\\d+)\x00", lambda m: codes[int(m[1])], text)


def _bare(match: re.Match[str], links: list[str]) -> str:
    url = match[1] or match[2]
    links.append(f'<a href="{url}" rel="noopener noreferrer" target="_blank">{url}</a>')
    return f"\x01{len(links) - 1}\x01"


def _styled(text: str) -> str:
    for pattern, replacement in INLINE:
        text = pattern.sub(replacement, text)
    return text


def _mention(kind: str, snowflake: int, names: Names) -> str:
    shown = {"@": "@", "@!": "@", "#": "#", "@&amp;": "@&"}[kind]
    name = html.escape(names(shown, snowflake))
    prefix = "#" if shown == "#" else "@"
    return f'<span class="mention">{prefix}{name}</span>'


def _timestamp(unix: int, style: str, now: datetime) -> str:
    """As Discord shows `<t:…>`: in the viewer's own time zone (the playground's machine)."""
    when = datetime.fromtimestamp(unix).astimezone()
    shown = {
        "t": "%H:%M",
        "T": "%H:%M:%S",
        "d": "%d/%m/%Y",
        "D": "%-d %B %Y",
        "f": "%-d %B %Y %H:%M",
        "F": "%A, %-d %B %Y %H:%M",
    }
    text = _relative(unix - int(now.timestamp())) if style == "R" else when.strftime(shown[style])
    return f'<time class="timestamp" datetime="{when.isoformat()}">{text}</time>'


def _relative(seconds: int) -> str:
    size = abs(seconds)
    for unit, length in (("year", 31_536_000), ("month", 2_592_000), ("day", 86_400)):
        if size >= length:
            return _ago(size // length, unit, seconds)
    for unit, length in (("hour", 3600), ("minute", 60)):
        if size >= length:
            return _ago(size // length, unit, seconds)
    return _ago(size, "second", seconds)


def _ago(count: int, unit: str, seconds: int) -> str:
    amount = f"{'an' if unit == 'hour' else 'a'} {unit}" if count == 1 else f"{count} {unit}s"
    return f"in {amount}" if seconds >= 0 else f"{amount} ago"
