"""Safety properties of the quick-check rules, over every answer combination that matters."""

import itertools
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.content import ContentError
from bot.settings import DEFAULT_DATA_DIR
from bot.triage import (
    Answer,
    Level,
    QuickCheckSession,
    TriageDataError,
    assess,
    load_quickcheck,
    load_regions,
)

CHECK = load_quickcheck(DEFAULT_DATA_DIR / "quickcheck.toml")
QUESTIONS = CHECK.questions
EMERGENCY = [i for i, q in enumerate(QUESTIONS) if q.level is Level.EMERGENCY]
URGENT = [i for i, q in enumerate(QUESTIONS) if q.level is Level.URGENT]
SOON = [i for i, q in enumerate(QUESTIONS) if q.level is Level.SOON]
answers = st.sampled_from(list(Answer))
full_answers = st.lists(answers, min_size=len(QUESTIONS), max_size=len(QUESTIONS))


def run(all_answers):
    """Drive a session the way the buttons do, stopping when it says it is finished."""
    session = QuickCheckSession(CHECK)
    for asked, answer in enumerate(all_answers, start=1):
        assessment = session.answer(answer)
        if assessment.finished:
            return assessment, asked
    raise AssertionError("the check never finished")


def test_emergency_questions_come_first_and_cover_every_red_flag():
    levels = [q.level for q in QUESTIONS]
    assert levels == sorted(levels, reverse=True)
    emergency_text = " ".join(QUESTIONS[i].text.lower() for i in EMERGENCY)
    for sign in ("peeing", "between your legs", "bowels", "both legs", "erection", "accident"):
        assert sign in emergency_text


@given(full_answers)
def test_any_emergency_yes_or_not_sure_gives_emergency_and_stops_there(all_answers):
    first_positive = next((i for i in EMERGENCY if all_answers[i] is not Answer.NO), None)
    assessment, asked = run(all_answers)
    if first_positive is None:
        assert assessment.level is not Level.EMERGENCY
        assert asked == len(QUESTIONS)
    else:
        assert assessment.level is Level.EMERGENCY
        assert asked == first_positive + 1  # nothing asked after the first red flag
        assert assessment.reasons == (QUESTIONS[first_positive].reason,)


@pytest.mark.parametrize("prefix", list(itertools.product(list(Answer), repeat=len(EMERGENCY))))
def test_every_emergency_prefix_exhaustively(prefix):
    """All 3^6 answer patterns for the emergency questions, with everything else "No"."""
    rest = [Answer.NO] * (len(QUESTIONS) - len(EMERGENCY))
    assessment, _ = run([*prefix, *rest])
    expected = Level.EMERGENCY if any(a is not Answer.NO for a in prefix) else Level.SELF_CARE
    assert assessment.level is expected


@given(full_answers)
def test_an_urgent_positive_never_yields_less_than_urgent(all_answers):
    assessment, _ = run(all_answers)
    if any(all_answers[i] is not Answer.NO for i in URGENT):
        assert assessment.level >= Level.URGENT


@given(full_answers, st.integers(min_value=0, max_value=len(QUESTIONS) - 1))
def test_changing_a_no_to_yes_never_lowers_the_level(all_answers, index):
    before, _ = run(all_answers)
    raised = list(all_answers)
    raised[index] = Answer.YES
    after, _ = run(raised)
    assert after.level >= before.level


@given(full_answers)
def test_reasons_are_exactly_the_positive_answers_at_the_result_level(all_answers):
    assessment, _ = run(all_answers)
    if assessment.level is Level.EMERGENCY:
        return  # covered above: only the first red flag
    expected = tuple(
        q.reason
        for q, a in zip(QUESTIONS, all_answers, strict=True)
        if a is not Answer.NO and q.level is assessment.level
    )
    assert assessment.reasons == expected


def test_all_no_is_self_care_with_a_safety_net():
    assessment, _ = run([Answer.NO] * len(QUESTIONS))
    assert assessment.level is Level.SELF_CARE and assessment.reasons == ()
    steps = " ".join(CHECK.levels[Level.SELF_CARE].next_steps).lower()
    assert "safety net" in steps and "straight away" in steps


def test_emergency_result_offers_nothing_but_emergency_advice():
    info = CHECK.levels[Level.EMERGENCY]
    assert info.followups == ()
    text = " ".join(info.next_steps).lower()
    assert "emergency" in text and "don't drive" in text and "don't wait" in text


def test_every_result_says_it_is_not_a_diagnosis():
    assert "not a diagnosis" in CHECK.ui["not_a_diagnosis"].lower()


def test_back_and_finish():
    session = QuickCheckSession(CHECK)
    session.back()  # nothing to undo at the first question
    assert session.progress == (1, len(QUESTIONS))
    session.answer(Answer.NO)
    assert session.progress == (2, len(QUESTIONS))
    session.back()
    assert session.current_question == QUESTIONS[0]
    assert session.answer(Answer.YES).finished
    with pytest.raises(RuntimeError):
        session.answer(Answer.NO)


def test_assess_rejects_too_many_answers():
    with pytest.raises(ValueError):
        assess(CHECK, [Answer.NO] * (len(QUESTIONS) + 1))


def test_regions_have_emergency_numbers_and_https_sources():
    regions = load_regions(DEFAULT_DATA_DIR / "regions.toml")
    expected = {
        "uk": "999",
        "ireland": "112",
        "eu": "112",
        "us": "911",
        "canada": "911",
        "australia": "000",
        "new-zealand": "111",
        "india": "112",
    }
    for key, number in expected.items():
        assert number in regions[key].emergency
    assert "local emergency number" in regions["other"].emergency
    assert "1800 022 222" in regions["australia"].urgent
    assert "13 43 25 84" in regions["australia"].urgent
    assert "0800 611 116" in regions["new-zealand"].urgent
    assert "111" in regions["uk"].urgent
    assert "Northern Ireland" in regions["uk"].urgent and "out-of-hours" in regions["uk"].urgent
    assert regions["uk"].short == "UK"
    for region in regions.values():
        assert region.short and len(region.short) <= 20
        assert all(source.url.startswith("https://") for source in region.sources)


def test_a_region_without_a_short_name_is_refused(tmp_path):
    (tmp_path / "sources.toml").write_text((DEFAULT_DATA_DIR / "sources.toml").read_text())
    text = (DEFAULT_DATA_DIR / "regions.toml").read_text()
    assert 'short = "UK"\n' in text
    (tmp_path / "regions.toml").write_text(text.replace('short = "UK"\n', "", 1))
    with pytest.raises(ContentError, match=r"regions.toml: \[uk\]: field 'short'"):
        load_regions(tmp_path / "regions.toml")
    too_long = text.replace('short = "UK"', 'short = "' + "U" * 21 + '"')
    (tmp_path / "regions.toml").write_text(too_long)
    with pytest.raises(ContentError, match="the limit is 20"):
        load_regions(tmp_path / "regions.toml")


def broken(tmp_path: Path, old: str, new: str) -> Path:
    (tmp_path / "sources.toml").write_text((DEFAULT_DATA_DIR / "sources.toml").read_text())
    text = (DEFAULT_DATA_DIR / "quickcheck.toml").read_text()
    assert old in text
    path = tmp_path / "quickcheck.toml"
    path.write_text(text.replace(old, new, 1))
    return path


def test_loader_refuses_an_emergency_question_after_an_urgent_one(tmp_path):
    path = broken(
        tmp_path, 'id = "accident"\nlevel = "emergency"', 'id = "accident"\nlevel = "urgent"'
    )
    text = path.read_text().replace(
        'id = "weak-leg"\nlevel = "urgent"', 'id = "weak-leg"\nlevel = "emergency"'
    )
    path.write_text(text)
    with pytest.raises(TriageDataError, match="emergency questions must come first"):
        load_quickcheck(path)


def test_loader_refuses_follow_ups_on_the_emergency_result(tmp_path):
    path = broken(tmp_path, "followups = []", 'followups = ["show_stretches"]')
    with pytest.raises(TriageDataError, match="emergency result must not offer follow-ups"):
        load_quickcheck(path)


def test_loader_refuses_http_sources(tmp_path):
    path = broken(tmp_path, 'url = "https://royalfree', 'url = "http://royalfree')
    with pytest.raises(ContentError, match="https"):
        load_quickcheck(path)
