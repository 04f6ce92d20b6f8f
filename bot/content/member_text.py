"""Member text shown back: whatever a member (or a moderator) typed reads as the words they
typed, in every place the bot shows it — never as formatting, a masked link, a ping, code, or
a sentence the bidi controls turn around — and never longer than its place allows.

Three forms, by where the text lands: `neutralise` for places Discord renders as markdown
(message text, embed descriptions and field values), `neutralise_plain` for places it shows as
typed (autocomplete choices, button labels, footers), `neutralise_link` for a URL shown as a
link of its own.
"""

from __future__ import annotations

import re
import unicodedata

ELLIPSIS = "…"

KEPT_FORMAT_CHARACTERS = frozenset(
    {
        "\u200c",  # zero-width non-joiner: spells words right in Persian and Indic scripts
        "\u200d",  # zero-width joiner: holds emoji sequences together
        *map(chr, range(0xE0020, 0xE0080)),  # tag characters: subdivision flag emoji
    }
)
"""Invisible format characters that carry meaning in ordinary writing; every other one goes,
with the bidi overrides and isolates, zero-width spaces and marks among them."""

ALWAYS_ESCAPED = frozenset("\\*_~`|[]<>@")
"""Markdown that works anywhere in a line: emphasis, strike, code, spoilers, masked links,
mentions, timestamps and custom emoji (all start with "<"), and @everyone / @here."""
AUTOLINK = re.compile(r":(?=//)")
"""The colon of "https://": escaped, a typed address reads as typed instead of becoming a link
(a link would also show the escapes of any markdown characters in it)."""
LINE_START = re.compile(r"^(?:#|-|\+|\d+\.)")
"""Markdown that works only at the start of a line: headings, subtext, lists, numbered
lists. The text has no line breaks left, so its start is the only place it could be one."""

LINK_SAFE = frozenset(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~:/?#@!$&'+,;=%"
)
"""URL characters that mean nothing to markdown; the rest are percent-encoded."""
LINK_END_DROPPED = frozenset(".,:;'")


def _is_line_break(character: str) -> bool:
    return character in "\n\r\t\v\f\x1c\x1d\x1e\x85\u2028\u2029"


def _visible(text: str) -> str:
    """The text without control or invisible format characters, on one line."""
    kept: list[str] = []
    for character in text:
        if _is_line_break(character):
            kept.append(" ")
            continue
        category = unicodedata.category(character)
        if category in ("Cc", "Cs"):
            continue
        if category == "Cf" and character not in KEPT_FORMAT_CHARACTERS:
            continue
        kept.append(character)
    return " ".join("".join(kept).split())


def _capped(pieces: list[str], limit: int) -> str:
    """Whole pieces (an escape and what it escapes are one piece) up to `limit` characters,
    the last one an ellipsis when some had to go."""
    if sum(map(len, pieces)) <= limit:
        return "".join(pieces)
    kept: list[str] = []
    used = 0
    for piece in pieces:
        if used + len(piece) > limit - len(ELLIPSIS):
            break
        kept.append(piece)
        used += len(piece)
    while kept and kept[-1] in KEPT_FORMAT_CHARACTERS:  # a joiner with nothing to join
        kept.pop()
    return "".join(kept) + ELLIPSIS


def neutralise_plain(text: str, limit: int) -> str:
    """For places Discord shows as typed: invisible and control characters gone, one line,
    at most `limit` characters."""
    if limit < 1:
        raise ValueError("limit must leave room for at least the ellipsis")
    return _capped(list(_visible(text)), limit)


def neutralise(text: str, limit: int) -> str:
    """For places Discord renders as markdown: as `neutralise_plain`, and every character
    markdown would act on escaped, so the member's words read as typed and do nothing."""
    if limit < 2:
        raise ValueError("limit must leave room for a character and the ellipsis")
    visible = _visible(text)
    pieces = [f"\\{c}" if c in ALWAYS_ESCAPED else c for c in visible]
    for scheme in AUTOLINK.finditer(visible):
        pieces[scheme.start()] = "\\:"
    start = LINE_START.match(visible)
    if start is not None:
        marker_end = start.end() - 1  # "#", "-", "+", or the dot of "12."
        pieces[marker_end] = f"\\{visible[marker_end]}"
    return _capped(pieces, limit)


def neutralise_link(url: str, limit: int) -> str:
    """A URL shown in text: still the same address, with nothing markdown could act on (a
    ")" or "]" could otherwise close a masked link around it, a "|" start a spoiler), and no
    punctuation at its end, which Discord would leave out of the link. One that would not fit
    `limit` so is shown as inert text, cut: a cut address must not be a link."""
    encoded = [c if c in LINK_SAFE else _percent_encoded(c) for c in url]
    for index in reversed(range(len(encoded))):
        if encoded[index] not in LINK_END_DROPPED:
            break
        encoded[index] = _percent_encoded(encoded[index])
    shown = "".join(encoded)
    return shown if len(shown) <= limit else neutralise(url, limit)


def _percent_encoded(character: str) -> str:
    return "".join(f"%{byte:02X}" for byte in character.encode("utf-8"))
