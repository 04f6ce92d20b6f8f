"""How Discord's client renders message and embed text, as far as tests need: what a reader
sees, and what in it is live — links (masked or bare), mentions, code, formatting, headings,
quotes and lists. The rules follow Discord's markdown: a backslash before any character that
is not a letter, digit or space shows that character as typed; `[text](https://…)` is a link
showing `text`; `<@id>`, `<@!id>`, `<@&id>`, `<#id>`, `</name:id>`, `<t:…>`, `<:emoji:id>`,
@everyone and @here are mentions; ``` and ` open code only where they close; **, __, ~~, ||,
* and _ format only where they close (_ only at word boundaries); #, -#, >, >>>, - , * and 1.
act at a line's start."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

ESCAPABLE = re.compile(r"\\([^0-9A-Za-z\s])")
MASKED_LINK = re.compile(r"\[([^\[\]\n]*)\]\(<?(https?://[^\s)>]+)>?\)")
ANGLE_LINK = re.compile(r"<(https?://[^\s>]+)>")
BARE_LINK = re.compile(r"https?://[^\s<]+[^<.,:;\"')\]\s]")
MENTION = re.compile(
    r"<@!?\d+>|<@&\d+>|<#\d+>|</[\w -]+:\d+>|<t:-?\d+(?::[tTdDfFR])?>|<a?:\w+:\d+>"
    r"|@everyone|@here"
)
LINE_MARKER = re.compile(r"(?:#{1,3} |-# |>>> |> |[-*] |\d+\. )")
FORMAT_MARKERS = ("**", "__", "~~", "||", "*", "_")
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


@dataclass
class Rendered:
    """`visible`: the text a reader sees; the rest: what in it is live."""

    visible: str = ""
    links: list[tuple[str, str]] = field(default_factory=list)
    mentions: list[str] = field(default_factory=list)
    code: list[str] = field(default_factory=list)
    formatting: list[str] = field(default_factory=list)
    blocks: list[str] = field(default_factory=list)

    @property
    def masked_links(self) -> list[tuple[str, str]]:
        """Links that show something other than where they go."""
        return [(text, url) for text, url in self.links if text != url]


def render(text: str) -> Rendered:
    out = Rendered()
    parts: list[str] = []
    for number, line in enumerate(text.split("\n")):
        if number:
            parts.append("\n")
        marker = LINE_MARKER.match(line)
        if marker:
            out.blocks.append(marker.group().strip())
            line = line[marker.end() :]
        parts.append(_inline(line, out))
    out.visible = "".join(parts)
    return out


def _inline(text: str, out: Rendered) -> str:
    seen: list[str] = []
    opened: list[str] = []
    index = 0
    while index < len(text):
        rest = text[index:]
        if escaped := ESCAPABLE.match(rest):
            seen.append(escaped.group(1))
            index += 2
            continue
        for fence in ("```", "``", "`"):
            if rest.startswith(fence) and (close := rest.find(fence, len(fence))) > 0:
                inner = rest[len(fence) : close]
                out.code.append(inner)
                seen.append(inner)
                index += close + len(fence)
                break
        else:
            before = text[index - 1] if index else ""
            index += _linked_or_literal(rest, before, out, seen, opened)
    return "".join(seen)


def _linked_or_literal(
    rest: str, before: str, out: Rendered, seen: list[str], opened: list[str]
) -> int:
    """Consumes one construct at the start of `rest` (`before`: the character before it);
    how many characters it took."""
    if link := MASKED_LINK.match(rest):
        out.links.append((link.group(1), link.group(2)))
        seen.append(_inline(link.group(1), out))
        return link.end()
    for pattern in (ANGLE_LINK, BARE_LINK):
        if link := pattern.match(rest):
            url = link.group(1) if pattern is ANGLE_LINK else link.group()
            out.links.append((url, url))
            seen.append(url)
            return link.end()
    if mention := MENTION.match(rest):
        out.mentions.append(mention.group())
        seen.append(mention.group())
        return mention.end()
    for marker in FORMAT_MARKERS:
        if not rest.startswith(marker):
            continue
        if marker == "_" and not _underscore_emphasis(rest, before, marker in opened):
            continue
        if marker in opened:
            opened.remove(marker)
            return len(marker)
        if _closes(rest[len(marker) :], marker):
            opened.append(marker)
            out.formatting.append(marker)
            return len(marker)
    seen.append(rest[0])
    return 1


def _underscore_emphasis(rest: str, before: str, closing: bool) -> bool:
    """A single _ emphasises only between word boundaries: snake_case stays as typed."""
    if closing:
        after = rest[1:2]
        return not (after.isalnum() or after == "_")
    return not (before.isalnum() or before == "_")


def _closes(rest: str, marker: str) -> bool:
    """Whether an unescaped `marker` follows (after something), closing this one."""
    index = 0
    while index < len(rest):
        if ESCAPABLE.match(rest, index):
            index += 2
            continue
        if (
            index
            and rest.startswith(marker, index)
            and (marker != "_" or _underscore_emphasis(rest[index:], rest[index - 1], True))
        ):
            return True
        index += 1
    return False
