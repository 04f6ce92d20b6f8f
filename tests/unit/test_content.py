"""Every curated topic and stretch parses, fits Discord's limits and carries its sources."""

from pathlib import Path

import pytest

from bot.content import ContentError, load_library
from bot.embeds import embed_limit_problems, routine_intro_embed, stretch_embed, topic_embed
from bot.messages import Messages
from bot.settings import DEFAULT_DATA_DIR

LIBRARY = load_library(DEFAULT_DATA_DIR)
LONGEST_DISCLAIMER = "D" * 300
LONGEST_LINK = "https://clinic.example/" + "b" * 489


def test_every_topic_named_in_the_issue_exists():
    required = {
        "overview",
        "symptoms",
        "causes",
        "massage",
        "stretches",
        "self-care",
        "when-to-get-help",
    }
    assert required <= set(LIBRARY.topics)


@pytest.mark.parametrize("slug", list(LIBRARY.topics))
def test_topic_renders_within_limits_with_sources(slug):
    topic = LIBRARY.topic(slug)
    assert topic.sources and all(s.url.startswith("https://") for s in topic.sources)
    embed = topic_embed(
        LIBRARY, topic, extra_disclaimer=LONGEST_DISCLAIMER, booking_link=LONGEST_LINK
    )
    data = embed.to_dict()
    assert embed_limit_problems([data]) == []
    assert "not medical advice" in data["footer"]["text"].lower()
    assert all(source.url in str(data) for source in topic.sources)
    assert len(topic.summary) <= 100


@pytest.mark.parametrize("slug", list(LIBRARY.stretches))
def test_stretch_renders_within_limits_with_cautions(slug):
    stretch = LIBRARY.stretches[slug]
    assert stretch.cautions and stretch.sources
    data = stretch_embed(LIBRARY, stretch, step=3, total=6).to_dict()
    assert embed_limit_problems([data]) == []
    assert "spreads further down your leg" in str(data)


def test_routine_is_gentle_and_sourced():
    assert 4 <= len(LIBRARY.routine.stretches) <= 8
    assert all(s.evidence in ("solid", "moderate") for s in LIBRARY.routine.stretches)
    assert embed_limit_problems([routine_intro_embed(LIBRARY, LIBRARY.routine).to_dict()]) == []


def test_when_to_get_help_lists_every_emergency_sign_first():
    body = LIBRARY.topic("when-to-get-help").body.lower()
    emergency = body.split("same day")[0]
    for sign in (
        "peeing",
        "between your legs",
        "bowels",
        "both",
        "erection",
        "accident",
        "emergency number",
    ):
        assert sign in emergency, sign


def test_massage_is_honest_about_the_evidence():
    body = LIBRARY.topic("massage").body.lower()
    assert "no strong evidence that massage treats sciatica" in body
    assert "short time" in body and "never instead of a medical assessment" in body
    for muscle in ("piriformis", "glutes", "hamstrings"):
        assert muscle in body
    for caution in ("blood thinners", "fracture", "pregnancy", "cancer", "infection"):
        assert caution in body


def test_no_topic_gives_medicine_doses():
    for topic in LIBRARY.topics.values():
        assert " mg" not in topic.body.lower()


def test_search_finds_stretches_by_partial_name():
    assert LIBRARY.search_stretches("pir")[0].slug == "piriformis-stretch"
    assert LIBRARY.search_stretches("glide")[0].slug == "nerve-glide"
    assert len(LIBRARY.search_stretches("", limit=3)) == 3
    assert LIBRARY.search_stretches("zzz") == []


def test_stretch_of_the_day_rotates_through_the_routine():
    names = {LIBRARY.stretch_of_the_day(day).slug for day in range(len(LIBRARY.routine.stretches))}
    assert names == {s.slug for s in LIBRARY.routine.stretches}


def test_every_message_key_used_in_code_exists():
    import re

    messages = Messages.load(DEFAULT_DATA_DIR / "messages.toml")
    root = Path(__file__).resolve().parents[2]
    used = set()
    for path in [*root.joinpath("bot").glob("*.py"), *root.joinpath("cogs").glob("*.py")]:
        used |= set(re.findall(r'messages\("([a-z_]+\.[a-z_]+)"', path.read_text()))
        used |= set(re.findall(r'text\("([a-z_]+\.[a-z_]+)"', path.read_text()))
    assert used, "no message keys found: the scan is broken"
    assert sorted(key for key in used if key not in messages) == []


def write_library(tmp_path, topics_edit=None, stretches_edit=None):
    (tmp_path / "sources.toml").write_text((DEFAULT_DATA_DIR / "sources.toml").read_text())
    for name, edit in (("topics.toml", topics_edit), ("stretches.toml", stretches_edit)):
        text = (DEFAULT_DATA_DIR / name).read_text()
        if edit:
            assert edit[0] in text
            text = text.replace(edit[0], edit[1], 1)
        (tmp_path / name).write_text(text)
    return tmp_path


@pytest.mark.parametrize(
    ("topics_edit", "stretches_edit", "message"),
    [
        (('url = "https://www.bmj.com', 'url = "http://www.bmj.com'), None, "sources"),
        (('title = "What is sciatica?"\n', ""), None, "'title'"),
        (
            (
                'related = ["symptoms", "causes", "self-care"',
                'related = ["nope", "causes", "self-care"',
            ),
            None,
            "related",
        ),
        (
            (
                'summary = "What sciatica is, how it usually goes, and who it affects."',
                'summary = "' + "x" * 101 + '"',
            ),
            None,
            "summary",
        ),
        (None, ('evidence = "unverified"', 'evidence = "trust me"'), "evidence"),
        (None, ('cautions = ["Stop if leg pain spreads."]', "cautions = []"), "cautions"),
    ],
)
def test_loader_names_the_broken_field(tmp_path, topics_edit, stretches_edit, message):
    with pytest.raises(ContentError, match=message):
        load_library(write_library(tmp_path, topics_edit, stretches_edit))
