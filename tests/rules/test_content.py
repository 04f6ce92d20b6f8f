"""Every curated topic and stretch parses, fits Discord's limits and carries its sources."""

import re
from pathlib import Path

import pytest

from bot.content.files import ContentError, read_toml
from bot.content.library import Source, load_library
from bot.content.messages import TEXT_TABLES, Messages
from bot.core.settings import DEFAULT_DATA_DIR
from bot.health.quickcheck_data import TEXT_KEYS as QUICKCHECK_TEXTS
from bot.ui.embeds import (
    embed_limit_problems,
    routine_intro_embed,
    source_links,
    stretch_embed,
    topic_embed,
)
from tests.support.reading import flesch_reading_ease, plain, sentences, syllables

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
        "cauda-equina",
        "appointment",
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


@pytest.mark.parametrize("invisible", ["\u200b", " \u200b\u2060 ", "\u200e\u200f"])
def test_a_server_note_of_nothing_visible_is_left_out(invisible):
    """Discord refuses an empty field: the topic must still be shown, without the note."""
    note = LIBRARY.texts("topics.ui.server_note")
    data = topic_embed(LIBRARY, LIBRARY.topic("overview"), extra_disclaimer=invisible).to_dict()
    assert embed_limit_problems([data]) == []
    assert note not in [field["name"] for field in data["fields"]]
    shown = topic_embed(LIBRARY, LIBRARY.topic("overview"), extra_disclaimer="Be kind").to_dict()
    assert {"name": note, "value": "Be kind", "inline": False} in shown["fields"]


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


def test_massage_states_the_guideline_positions_plainly():
    body = plain(LIBRARY.topic("massage").body).lower()
    dutch = next(s for s in sentences(body) if "kngf" in s)
    assert "2021" in dutch and "against" in dutch
    assert "on its own" in dutch and "people with sciatica" in dutch
    nice = next(s for s in sentences(body) if "nice" in s)
    assert "only as part of a package that includes exercise" in nice


def test_massage_says_when_not_to_have_one_and_when_to_stop():
    body = plain(LIBRARY.topic("massage").body).lower()
    dont = body.split("don't have a massage if you have")[1].split("check with a doctor")[0]
    for reason in ("dvt", "bleeding", "blood thinners", "fragile bones", "fever"):
        assert reason in dont, reason
    assert "no deep pressure on skin that feels numb" in dont
    assert "stop and send you to a doctor if a red flag shows up" in body


def test_massage_explains_how_to_find_a_registered_therapist():
    body = LIBRARY.topic("massage").body
    finding = body.split("Finding a registered therapist")[1]
    for register in ("CNHC", "FHT", "college", "public register", "RMT", "AMTA", "NCBTMB"):
        assert register in finding, register
    for place in ("UK", "Canada", "US"):
        assert re.search(rf"\b{place}\b", finding), place


def test_the_syllable_counter_and_reading_score_behave():
    counts = {"leg": 1, "the": 1, "massage": 2, "people": 2, "therapy": 3, "exercise": 3}
    assert {word: syllables(word) for word in counts} == counts
    simple = "The cat sat on the mat. It was warm. We ran home."
    dense = "Multidisciplinary rehabilitation interventions demonstrate heterogeneous efficacy."
    assert flesch_reading_ease(simple) > 90 > 0 > flesch_reading_ease(dense)


def test_massage_is_written_in_plain_words():
    scores = {slug: flesch_reading_ease(t.body) for slug, t in LIBRARY.topics.items()}
    massage = scores.pop("massage")
    assert massage >= 60
    assert min(scores.values()) <= massage <= max(scores.values()), (massage, scores)


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

    messages = Messages.load(DEFAULT_DATA_DIR)
    used = set()
    for path in code_files():
        used |= set(re.findall(r'messages\("([a-z_]+(?:\.[a-z_]+)+)"', path.read_text()))
        used |= set(re.findall(r'texts?\("([a-z_]+(?:\.[a-z_]+)+)"', path.read_text()))
    assert used, "no message keys found: the scan is broken"
    assert any(key.startswith("checkins.") for key in used), "the scan misses /progress"
    assert any(key.startswith("report.") for key in used), "the scan misses the report"
    assert any(key.startswith("quickcheck.ui.") for key in used), "the scan misses [ui] texts"
    assert sorted(key for key in used if key not in messages) == []


def code_files():
    root = Path(__file__).resolve().parents[2]
    return [*root.joinpath("bot").rglob("*.py"), *root.joinpath("cogs").rglob("*.py")]


def test_every_key_written_in_code_exists_and_none_is_built():
    """Keys are declared as whole strings wherever they are written (calls, tables of keys), so
    this scan sees every one; a key built at run time (an f-string) would hide from it. Every
    data file's texts are in the one key space, [ui] tables as `file.ui.key`."""
    import re

    messages = Messages.load(DEFAULT_DATA_DIR)
    sections = {key.split(".")[0] for key in messages.all_keys()}
    shaped = re.compile(r'(["\'])((?:' + "|".join(sorted(sections)) + r')(?:\.ui)?\.[a-z_]+)\1')
    built = re.compile(r'(?:messages|texts?|Text)\(\s*f"')
    written, builders = set(), []
    for path in code_files():
        source = path.read_text()
        written |= {key for _, key in shaped.findall(source)}
        builders += [f"{path.name}: {m.group(0)}" for m in built.finditer(source)]
    assert len(written) > 100, "the scan found too few keys: it is broken"
    assert any(".ui." in key for key in written), "the scan misses [ui] texts"
    assert builders == []
    files = ("png", "toml", "json", "sql", "py", "db")  # names of files, not keys
    missing = sorted(
        key for key in written if key.rpartition(".")[2] not in files and key not in messages
    )
    assert missing == []


def test_the_start_up_check_knows_every_quick_check_text_written_in_code():
    """An edited quickcheck.toml that lost a text the check shows stops the bot at start,
    not a member halfway through: the start-up list must name every one the code asks for."""
    written = set()
    for path in code_files():
        if path.name != "quickcheck_data.py":  # the list itself
            written |= set(re.findall(r'["\'](quickcheck\.ui\.[a-z_]+)["\']', path.read_text()))
    assert len(written) > 20, "the scan misses the quick-check's texts"
    assert sorted(written - set(QUICKCHECK_TEXTS)) == []


def test_every_data_file_texts_come_through_the_one_loader():
    """A [ui] table or a table of texts the loader does not know would be a second text system."""
    for path in sorted(DEFAULT_DATA_DIR.glob("*.toml")):
        if "ui" in read_toml(path):
            assert "ui" in (TEXT_TABLES.get(path.name) or ()), path.name
    messages = Messages.load(DEFAULT_DATA_DIR)
    for name, tables in TEXT_TABLES.items():
        stem = name.removesuffix(".toml")
        for table in tables or tuple(read_toml(DEFAULT_DATA_DIR / name)):
            prefix = f"{stem}.ui." if table == "ui" else f"{table}."
            assert any(key.startswith(prefix) for key in messages.all_keys()), (name, table)


def test_no_command_renders_a_typed_value_error_by_hand():
    """The error handler answers an InputError in the bot's words; a cog catching it to
    re-raise its words would be a second place that decides how it reads."""
    cogs = list(Path(__file__).resolve().parents[2].joinpath("cogs").rglob("*.py"))
    assert len(cogs) > 10, "the scan finds no cogs: it is broken"
    found = [
        path.name
        for path in cogs
        if "exc.render(" in path.read_text() or "except InputError" in path.read_text()
    ]
    assert found == []


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
        (None, ('evidence = "moderate"', 'evidence = "trust me"'), "evidence"),
        (
            None,
            ('cautions = ["Skip or shorten it if your knees hurt."]', "cautions = []"),
            "cautions",
        ),
    ],
)
def test_loader_names_the_broken_field(tmp_path, topics_edit, stretches_edit, message):
    with pytest.raises(ContentError, match=message):
        load_library(write_library(tmp_path, topics_edit, stretches_edit))


MESSAGES = Messages.load(DEFAULT_DATA_DIR)
# Saying a sign need not be sudden is right; describing the signs as only "sudden" is not.
NOT_ONLY_SUDDEN = (
    "don't always come on suddenly",
    "doesn't have to be sudden",
    "slowly rather than suddenly",
)


def readme_disclaimer() -> str:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    block = readme.split("> **Health disclaimer.**")[1].split("\n\n")[0]
    return " ".join(line.lstrip("> ") for line in block.splitlines())


def red_flag_texts() -> dict[str, str]:
    """Every text that tells a member which signs are an emergency."""
    return {
        "topic footer": LIBRARY.texts("topics.ui.footer"),
        "about disclaimer": MESSAGES("about.disclaimer"),
        "help footer": MESSAGES("help.footer"),
        "massage DM footer": MESSAGES("reminders.dm_massage_footer"),
        "stretch rules": "\n".join(LIBRARY.routine.general_rules),
        "stretches topic": LIBRARY.topic("stretches").body,
        "when-to-get-help": LIBRARY.topic("when-to-get-help").body,
        "cauda-equina": LIBRARY.topic("cauda-equina").body,
        "README disclaimer": readme_disclaimer(),
    }


@pytest.mark.parametrize("name", list(red_flag_texts()))
def test_red_flags_are_described_as_new_never_only_sudden(name):
    text = plain(red_flag_texts()[name]).lower()
    assert re.search(r"\bnew\b", text), name
    for phrase in NOT_ONLY_SUDDEN:
        text = text.replace(phrase, "")
    assert "sudden" not in text, name


@pytest.mark.parametrize(
    "name",
    ["topic footer", "about disclaimer", "when-to-get-help", "cauda-equina", "README disclaimer"],
)
def test_sexual_problems_are_among_the_signs(name):
    text = red_flag_texts()[name].lower()
    assert "erection" in text and "genital" in text, name


def weakness_lines(text: str) -> list[str]:
    """Sentences about weakness; "emergency department" is a place, read as A&E."""
    text = plain(text).lower().replace("emergency department", "a&e")
    return [line for line in sentences(text) if "weak" in line]


@pytest.mark.parametrize("name", list(red_flag_texts()))
def test_weakness_is_triaged_the_same_everywhere(name):
    """One leg getting weaker: same day (A&E without an appointment). Both legs: emergency."""
    for line in weakness_lines(red_flag_texts()[name]):
        if "emergency" in line:
            assert "both" in line, (name, line)
        if "one leg" in line:
            assert "same day" in line or "same-day" in line, (name, line)
            assert "emergency" not in line, (name, line)


def test_one_weaker_leg_is_same_day_with_a_and_e_as_the_fallback():
    for name in ("stretch rules", "stretches topic", "when-to-get-help", "cauda-equina"):
        [line] = [x for x in weakness_lines(red_flag_texts()[name]) if "one leg" in x]
        assert "a&e" in line and "same-day appointment" in line, (name, line)
    urgent = LIBRARY.topic("when-to-get-help").body.lower().split("same day")[1]
    assert "one leg or foot getting weaker" in urgent.split("soon")[0]


def test_the_cauda_equina_card_lists_every_sign_in_plain_words():
    body = plain(LIBRARY.topic("cauda-equina").body).lower()
    for sign in (
        "hard to start",
        "strain",
        "can't pee",
        "leak",
        "lost feeling when you pee",
        "full or empty",
        "don't notice you need to poo",
        "can't control it",
        "between your legs",
        "genitals",
        "bottom",
        "buttocks",
        "inner thighs",
        "feels different when you wipe",
        "erection",
        "ejaculating",
        "feeling in your genitals during sex",
        "sciatica in both legs",
        "weakness or numbness in both legs that is severe or getting worse",
    ):
        assert sign in body, sign


def test_the_cauda_equina_card_says_what_to_do_and_say():
    body = plain(LIBRARY.topic("cauda-equina").body).lower()
    assert re.search(r"\bnew\b.{0,20}not normal for you", body)
    assert "a&e or call the emergency number now, even at night or at a weekend" in body
    assert "build up slowly" in body and "doesn't have to be sudden" in body
    assert "don't drive yourself" in body
    assert '"i have sciatica and new' in body
    assert "i'm worried about cauda equina syndrome" in body
    hosts = {source.url.split("/")[2] for source in LIBRARY.topic("cauda-equina").sources}
    assert {"royalfree.nhs.uk", "chesterfieldroyal.nhs.uk", "www.nhs.uk"} <= hosts
    assert "gettingitrightfirsttime.co.uk" in hosts


def test_the_appointment_topic_covers_what_to_note_and_ask():
    body = plain(LIBRARY.topic("appointment").body).lower()
    notes = body.split("before you go, note")[1].split("questions worth asking")[0]
    for item in (
        "when it started",
        "leg or in your back",
        "numbness",
        "weakness",
        "peeing, your bowels, sex",
        "what you have tried",
        "sleep",
        "work",
    ):
        assert item in notes, item
    questions = body.split("questions worth asking")[1]
    assert questions.count("?") >= 5
    assert "emergency" in body.split("don't wait for a booked appointment")[1]


def test_the_new_topics_are_reachable_from_other_topics():
    for slug in LIBRARY.topics:
        pointing = [t.slug for t in LIBRARY.topics.values() if slug in t.related]
        assert pointing, f"no topic's related menu leads to {slug}"
    assert "cauda-equina" in LIBRARY.topic("when-to-get-help").related
    assert "appointment" in LIBRARY.topic("when-to-get-help").related


@pytest.mark.parametrize("slug", list(LIBRARY.stretches))
def test_every_safety_rule_shows_in_full_on_every_stretch(slug):
    data = stretch_embed(LIBRARY, LIBRARY.stretches[slug]).to_dict()
    cautions = next(
        f["value"] for f in data["fields"] if f["name"] == LIBRARY.texts("stretches.ui.cautions")
    )
    for rule in LIBRARY.routine.general_rules:
        assert rule in cautions, rule


def test_source_links_never_cut_a_link_in_half():
    sources = [Source(f"Source {n}", f"https://www.nhs.uk/page-{n}/") for n in range(40)]
    text = source_links(sources, limit=200)
    assert 0 < len(text) <= 200
    for line in text.splitlines():
        assert line.startswith("[Source ") and line.endswith("/)"), line
