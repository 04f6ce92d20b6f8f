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
    RegionChoice,
    RegionSource,
    TriageDataError,
    assess,
    choose_region,
    load_quickcheck,
    load_regions,
    numbers_text,
)

CHECK = load_quickcheck(DEFAULT_DATA_DIR / "quickcheck.toml")
REGIONS = load_regions(DEFAULT_DATA_DIR / "regions.toml")
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


def texts_at(level):
    return " ".join(q.text.lower() for q in QUESTIONS if q.level is level)


def test_emergency_questions_come_first_and_cover_every_red_flag():
    levels = [q.level for q in QUESTIONS]
    assert levels == sorted(levels, reverse=True)
    emergency_text = texts_at(Level.EMERGENCY)
    # Every cauda equina sign the NHS trust leaflets list, plus the NHS back-pain emergencies.
    for sign in (
        "hard to start",
        "strain",
        "can't go",
        "leaking",
        "feeling when you pee",
        "full or empty",
        "need to poo",
        "control your bowels",
        "between your legs",
        "buttocks or inner thighs",
        "wipe",
        "erection",
        "ejaculating",
        "genitals",
        "both legs",
        "serious accident",
        "chest pain",
    ):
        assert sign in emergency_text, sign


def test_urgent_and_soon_questions_cover_the_nhs_urgent_criteria():
    urgent_text = texts_at(Level.URGENT)
    for sign in (
        "one leg or foot getting weaker",
        "slaps or drags",
        "walking",
        "high temperature",
        "bacterial infection",
        "weakened immune system",
        "inject drugs",
        "cancer",
        "lost weight",
        "worse at night",
        "lump",
        "between your shoulder blades",
        "osteoporosis",
        "long-term steroid",
        "minor fall",
    ):
        assert sign in urgent_text, sign
    assert "under 20 or over 50" in texts_at(Level.SOON)


def test_one_symptom_per_question_for_unrelated_signs():
    """An accident and chest pain are different questions, as are fever and cancer."""
    for first, second in (("accident", "chest pain"), ("temperature", "cancer"), ("lump", "night")):
        assert not any(first in q.text.lower() and second in q.text.lower() for q in QUESTIONS)


@pytest.mark.parametrize("question_id", ["bladder-feeling", "bladder", "saddle", "sexual"])
def test_a_single_cauda_equina_sign_alone_is_an_emergency(question_id):
    """The review's critical case: only less feeling when peeing, everything else "No"."""
    only = [Answer.YES if q.id == question_id else Answer.NO for q in QUESTIONS]
    assessment, _ = run(only)
    assert assessment.level is Level.EMERGENCY
    assert assessment.reasons == (next(q.reason for q in QUESTIONS if q.id == question_id),)


def test_cauda_equina_signs_are_described_as_new():
    for question in QUESTIONS:
        if question.level is Level.EMERGENCY and question.id not in (
            "both-legs",
            "accident",
            "chest-pain",
        ):
            text = question.text.lower()
            assert any(word in text for word in ("new", "since this started", "no longer")), (
                question.id
            )


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


def test_every_emergency_prefix_exhaustively():
    """All 3^n answer patterns for the emergency questions, with everything else "No"."""
    rest = [Answer.NO] * (len(QUESTIONS) - len(EMERGENCY))
    for prefix in itertools.product(list(Answer), repeat=len(EMERGENCY)):
        assessment, _ = run([*prefix, *rest])
        expected = Level.EMERGENCY if any(a is not Answer.NO for a in prefix) else Level.SELF_CARE
        assert assessment.level is expected, prefix


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


def test_all_no_is_self_care():
    assessment, _ = run([Answer.NO] * len(QUESTIONS))
    assert assessment.level is Level.SELF_CARE and assessment.reasons == ()


def test_the_safety_net_names_every_emergency_sign_and_where_to_go():
    net = CHECK.ui["safety_net"].lower()
    for part in ("peeing", "pooing", "between your legs", "sex", "both legs", "a&e", "emergency"):
        assert part in net, part
    assert "new" in net


def test_no_result_leads_to_a_massage_booking():
    """A GP or physio first: no level offers the massage follow-up (it carries no link anyway)."""
    for level, info in CHECK.levels.items():
        assert "massage_info" not in info.followups, level


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
    regions = REGIONS
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


def test_the_region_typed_now_beats_the_remembered_one_and_the_servers():
    choice = choose_region(REGIONS, typed="us", remembered="australia", server="uk")
    assert choice == RegionChoice(REGIONS["us"], RegionSource.TYPED)


def test_the_remembered_region_beats_the_servers():
    choice = choose_region(REGIONS, typed=None, remembered="uk", server="new-zealand")
    assert choice == RegionChoice(REGIONS["uk"], RegionSource.REMEMBERED)


def test_the_servers_region_is_the_last_resort_and_unknown_keys_fall_through():
    choice = choose_region(REGIONS, typed="atlantis", remembered="gone", server="uk")
    assert choice == RegionChoice(REGIONS["uk"], RegionSource.SERVER)
    assert choose_region(REGIONS, typed=" US ", remembered=None, server=None) == RegionChoice(
        REGIONS["us"], RegionSource.TYPED
    )
    assert choose_region(REGIONS, typed="", remembered=None, server=None) is None
    by_name = choose_region(REGIONS, typed="united states", remembered=None, server=None)
    assert by_name == RegionChoice(REGIONS["us"], RegionSource.TYPED)


def test_numbers_say_whose_they_are_and_always_add_elsewhere():
    ui = CHECK.ui
    us_here = numbers_text(ui, Level.URGENT, RegionChoice(REGIONS["us"], RegionSource.TYPED))
    assert "US numbers" in us_here and "911" in us_here and "999" not in us_here
    assert ui["elsewhere"] in us_here and REGIONS["us"].urgent in us_here
    uk_server = numbers_text(ui, Level.EMERGENCY, RegionChoice(REGIONS["uk"], RegionSource.SERVER))
    assert "UK numbers" in uk_server and "this server's setting" in uk_server
    assert REGIONS["uk"].urgent not in uk_server  # an emergency shows only emergency numbers
    assert ui["elsewhere"] in uk_server


@pytest.mark.parametrize("choice", [None, RegionChoice(REGIONS["other"], RegionSource.TYPED)])
def test_no_region_lists_the_main_emergency_numbers(choice):
    text = numbers_text(CHECK.ui, Level.SOON, choice)
    for number in ("999", "911", "112", "000", "111"):
        assert number in text
    assert CHECK.ui["elsewhere"] in text
