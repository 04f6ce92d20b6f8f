"""The texts file: plurals in words, and every key the parsers raise exists."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.content.files import ContentError
from bot.content.messages import Messages, file_texts, plural_form
from bot.core.settings import DEFAULT_DATA_DIR

ROOT = Path(__file__).resolve().parents[2]
MESSAGES = Messages.load(DEFAULT_DATA_DIR)


def test_a_count_picks_the_plural_form():
    texts = Messages(
        {"r.paused_one": "Paused {count} reminder.", "r.paused_other": "Paused {count} reminders."}
    )
    assert texts("r.paused", count=1) == "Paused 1 reminder."
    assert texts("r.paused", count=3) == "Paused 3 reminders."
    assert texts("r.paused", count=0) == "Paused 0 reminders."
    assert "r.paused" in texts and "r.paused_one" in texts


def test_a_plural_text_needs_its_count():
    texts = Messages({"r.days_one": "{count} day", "r.days_other": "{count} days"})
    with pytest.raises(TypeError, match="count="):
        texts("r.days")
    with pytest.raises(TypeError, match="count="):
        texts("r.days", count="2")


@pytest.mark.parametrize(
    ("texts", "problem"),
    [
        ({"r.days_one": "{count} day"}, "r.days_other"),
        ({"r.days_other": "{count} days"}, "r.days_one"),
        (
            {"r.days": "days", "r.days_one": "{count} day", "r.days_other": "{count} days"},
            "both plainly and as plural forms",
        ),
    ],
)
def test_plural_forms_are_checked_when_loaded(texts, problem):
    with pytest.raises(ValueError, match=problem):
        Messages(texts)


def test_the_file_names_itself_when_a_plural_form_is_missing(tmp_path):
    path = tmp_path / "messages.toml"
    path.write_text('[r]\ndays_one = "{count} day"\n', encoding="utf-8")
    with pytest.raises(ContentError, match=r"messages\.toml: r\.days_one"):
        file_texts(path)


@given(st.integers(0, 10_000))
def test_counts_read_as_words(count):
    for key in ("reminders.paused", "reminders.resumed", "reminders.deleted"):
        text = MESSAGES(key, count=count)
        assert f"{count} reminder{'' if count == 1 else 's'}" in text
    streak = MESSAGES("reminders.streak", count=count)
    assert f"**{count}** session{'' if count == 1 else 's'} in a row" in streak
    done = MESSAGES("reminders.marked_done", count=count)
    assert done.endswith(f"**{count}** session{'' if count == 1 else 's'} in a row.")
    joined = MESSAGES("stretch_breaks.joined", count=count)
    assert ("the first" in joined) if count == 1 else (f"one of {count} " in joined)
    assert plural_form(count) == ("one" if count == 1 else "other")


def test_no_text_leaves_plurals_to_the_reader():
    with (DEFAULT_DATA_DIR / "messages.toml").open("rb") as handle:
        raw = tomllib.load(handle)
    texts = [value for section in raw.values() for value in section.values()]
    assert not [text for text in texts if "(s)" in text]


def test_every_key_the_parsers_raise_exists():
    keys = set()
    for path in ROOT.joinpath("bot").rglob("*.py"):
        keys |= set(re.findall(r'Text\(\s*"([a-z_]+\.[a-z_]+)"', path.read_text()))
        keys |= set(re.findall(r'"(zones\.[a-z_]+)"', path.read_text()))
    keys.discard("zones.toml")  # the data file's name, in docstrings
    assert len(keys) > 15, "the scan is broken"
    assert sorted(key for key in keys if key not in MESSAGES) == []
