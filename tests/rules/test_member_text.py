"""Member text shown back (bot.content.member_text), fuzzed: whatever is typed, Discord's markdown
(as tests/localdiscord/markdown renders it) shows the typed words and nothing live."""

from __future__ import annotations

import unicodedata
from urllib.parse import unquote

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.content.member_text import ELLIPSIS, neutralise, neutralise_link, neutralise_plain
from bot.scheduling.timeparse import is_safe_https_url
from tests.support.discord_markdown import BIDI_CONTROLS, render

MARKDOWN_HEAVY = [
    *"*_~`|[]()<>@#-+.:/\\!1 aZ",
    "https://evil.example",
    "@everyone",
    "@here",
    "<@123456789012345678>",
    "<@&123456789012345678>",
    "<#123456789012345678>",
    "[click me](https://evil.example)",
    "```",
    "||",
    "\u202e",  # right-to-left override
    "\u2066",  # left-to-right isolate
    "\u200b",  # zero-width space
    "\u200d",  # zero-width joiner
    "\x00",
    "\n",
    "\u2028",
    "👨\u200d👩\u200d👧",
]
typed = st.one_of(
    st.text(max_size=300),
    st.lists(st.sampled_from(MARKDOWN_HEAVY), max_size=120).map("".join),
)
limits = st.integers(min_value=2, max_value=1100)
KEPT_FORMAT = {"\u200c", "\u200d", *map(chr, range(0xE0020, 0xE0080))}
LINE_BREAKS = "\n\r\t\v\f\x1c\x1d\x1e\x85\u2028\u2029"


def readable(text: str) -> str:
    """What a reader should see of `text`: its characters on one line, without control or
    invisible format characters (those that join emoji and spell scripts stay)."""
    kept = []
    for character in text:
        category = unicodedata.category(character)
        if character in LINE_BREAKS:
            kept.append(" ")
        elif category in ("Cc", "Cs") or (category == "Cf" and character not in KEPT_FORMAT):
            continue
        else:
            kept.append(character)
    return " ".join("".join(kept).split())


def assert_inert(shown: str) -> None:
    for where in (shown, f"> {shown}", f"**#1** {shown}"):
        rendered = render(where)
        assert rendered.links == [], (shown, rendered.links)
        assert rendered.mentions == [], (shown, rendered.mentions)
        assert rendered.code == [], (shown, rendered.code)
    alone = render(shown)
    assert alone.formatting == [] and alone.blocks == [], (shown, alone)


@settings(max_examples=400)
@given(text=typed, limit=limits)
def test_typed_text_reads_as_typed_and_does_nothing(text, limit):
    shown = neutralise(text, limit)
    assert len(shown) <= limit
    assert not any(unicodedata.category(c) == "Cc" or c in BIDI_CONTROLS for c in shown)
    assert_inert(shown)
    visible = render(shown).visible
    expected = readable(text)
    if shown.endswith(ELLIPSIS) and not expected.endswith(ELLIPSIS):
        assert expected.startswith(visible.removesuffix(ELLIPSIS))
        assert len(visible) > 1 or limit < 4
    else:
        assert visible == expected


@settings(max_examples=200)
@given(text=typed, limit=st.integers(min_value=1, max_value=200))
def test_plain_text_is_one_visible_line_within_the_limit(text, limit):
    shown = neutralise_plain(text, limit)
    assert len(shown) <= limit
    assert "\n" not in shown
    assert not any(c in BIDI_CONTROLS or unicodedata.category(c) == "Cc" for c in shown)
    expected = readable(text)
    assert shown == expected or expected.startswith(shown.removesuffix(ELLIPSIS))


@pytest.mark.parametrize(
    ("typed_text", "reads"),
    [
        ("[click me](https://evil.example)", "[click me](https://evil.example)"),
        ("```py\nimport os", "```py import os"),
        ("\u202eevil\u202c then", "evil then"),
        ("@everyone <@123> <@&456> <#789> @here", "@everyone <@123> <@&456> <#789> @here"),
        ("# Big heading", "# Big heading"),
        ("1. first", "1. first"),
        ("-# small print", "-# small print"),
        ("> not a quote", "> not a quote"),
        ("**bold** __under__ ~~strike~~ ||spoiler||", "**bold** __under__ ~~strike~~ ||spoiler||"),
        ("\\*still a star\\*", "\\*still a star\\*"),
        ("<t:0:R> <:emoji:123>", "<t:0:R> <:emoji:123>"),
    ],
)
def test_known_attacks_read_as_typed(typed_text, reads):
    shown = neutralise(typed_text, 200)
    assert_inert(shown)
    assert render(shown).visible == reads


def test_the_cap_keeps_escapes_whole_and_ends_with_an_ellipsis():
    shown = neutralise("*" * 300, 11)
    assert shown == "\\*" * 5 + ELLIPSIS
    assert render(f"“{shown}”").visible == "“" + "*" * 5 + ELLIPSIS + "”"
    assert neutralise("short", 11) == "short"
    assert neutralise_plain("x" * 50, 10) == "x" * 9 + ELLIPSIS


def test_a_joined_emoji_is_not_cut_after_its_joiner():
    family = "👨\u200d👩\u200d👧"
    assert neutralise(family, 20) == family
    assert not neutralise("ab" + family, 4).removesuffix(ELLIPSIS).endswith("\u200d")


@settings(max_examples=200)
@given(
    path=st.text(alphabet=st.sampled_from(list("abc/_-.~()[]*|`<>'\"%^{}!$&+,;=:@")), max_size=60)
)
def test_a_safe_link_stays_the_same_address_with_nothing_markdown_acts_on(path):
    url = f"https://clinic.example/{path}"
    if not is_safe_https_url(url):
        return
    shown = neutralise_link(url, 1024)
    rendered = render(f"Your server's moderators suggest: {shown}")
    assert rendered.masked_links == [] and rendered.formatting == [] and rendered.code == []
    assert [url for url, _ in rendered.links] == [shown]
    assert unquote(shown) == unquote(url)


def test_a_link_too_long_for_its_place_is_shown_cut_and_inert():
    url = "https://clinic.example/" + "(" * 400
    shown = neutralise_link(url, 300)
    assert len(shown) <= 300 and shown.endswith(ELLIPSIS)
    assert render(shown).links == []
