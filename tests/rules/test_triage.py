"""Safety properties of the quick-check rules, over every answer combination that matters."""

import itertools
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.content.files import ContentError
from bot.content.messages import Messages
from bot.core.settings import DEFAULT_DATA_DIR
from bot.health.quickcheck_data import GROUP_LIMIT, TriageDataError, load_quickcheck
from bot.health.triage import (
    Answer,
    Level,
    QuickCheckSession,
    assess,
    screens_for_answers,
)
from tests.support.reading import flesch_reading_ease

CHECK = load_quickcheck(DEFAULT_DATA_DIR / "quickcheck.toml")
MESSAGES = Messages.load(DEFAULT_DATA_DIR)
QUESTIONS = CHECK.questions
IDS = [q.id for q in QUESTIONS]
EMERGENCY = [q for q in QUESTIONS if q.level is Level.EMERGENCY]
URGENT = [q for q in QUESTIONS if q.level is Level.URGENT]
DEFICIT = ("weak-leg", "walking")
INFECTION_RISK = ("fever", "infection", "immune", "injecting")
answer_maps = st.fixed_dictionaries({q.id: st.sampled_from(list(Answer)) for q in QUESTIONS})


def run(answers):
    """Drive a session the way the buttons do, screen by screen, until it says it is finished.

    `answers` maps question ids to answers; a question missing from it is answered "No"."""
    session = QuickCheckSession(CHECK)
    shown = []
    while session.result is None:
        screen = session.screen
        shown.append(tuple(q.id for q in screen))
        for question in screen:
            session.choose(question.id, answers.get(question.id, Answer.NO))
        if len(screen) > 1:
            session.submit()
    return session.result, shown


def only(**answers):
    return {key.replace("_", "-"): value for key, value in answers.items()}


def test_chest_pain_is_asked_first_and_every_emergency_question_before_the_rest():
    assert QUESTIONS[0].id == "chest-pain"
    levels = [q.level for q in QUESTIONS]
    assert levels == sorted(levels, reverse=True)


def test_a_no_red_flag_check_takes_at_most_16_screens_with_chest_pain_first():
    result, shown = run({})
    assert result.level is Level.SELF_CARE and result.reasons == ()
    assert len(shown) == CHECK.most_screens <= 16
    assert shown[0] == ("chest-pain",)
    assert sorted(itertools.chain.from_iterable(shown)) == sorted(IDS)  # nothing skipped


def test_red_flags_and_the_combination_partners_that_matter_are_each_asked_alone():
    _, shown = run({})
    alone = {screen[0] for screen in shown if len(screen) == 1}
    assert {q.id for q in EMERGENCY} | {"weak-leg", "walking", "cancer-now"} <= alone
    for screen in shown:
        assert len(screen) <= GROUP_LIMIT
        assert len({CHECK.question(i).level for i in screen}) == 1


@given(answer_maps)
def test_no_path_is_longer_than_the_count_the_intro_promises(answers):
    _, shown = run(answers)
    assert len(shown) <= CHECK.most_screens
    for screen in shown:
        levels = {CHECK.question(i).level for i in screen}
        assert len(screen) == 1 or (len(levels) == 1 and Level.EMERGENCY not in levels)


@given(answer_maps)
def test_a_shared_screen_never_holds_a_question_that_could_complete_a_combination(answers):
    """Once a weaker leg or unsteadiness is answered yes, infection risks are asked one by one."""
    _, shown = run(answers)
    deficit = any(answers[i] is not Answer.NO for i in DEFICIT)
    for screen in shown:
        if len(screen) > 1:
            assert not (deficit and set(screen) & set(INFECTION_RISK)), screen
            assert "cancer-now" not in screen


@pytest.mark.parametrize("answer", [Answer.YES, Answer.NOT_SURE])
@pytest.mark.parametrize("question", EMERGENCY, ids=lambda q: q.id)
def test_a_single_emergency_sign_alone_is_an_emergency_and_ends_the_check(question, answer):
    result, shown = run({question.id: answer})
    assert result.level is Level.EMERGENCY
    assert result.reasons == (question.reason,)
    assert result.advice == (question.advice,)
    assert shown[-1] == (question.id,)  # nothing asked after it
    assert len(shown) == IDS.index(question.id) + 1


def test_less_feeling_when_pooing_alone_is_an_emergency():
    """The review's critical case: only this sign, every other answer "No"."""
    result, _ = run({"bowel-feeling": Answer.YES})
    assert result.level is Level.EMERGENCY and result.advice == ("nerves",)
    text = CHECK.question("bowel-feeling").text.lower()
    assert "less feeling when you poo" in text and "bowel is full" in text


def expected_level(answers):
    """The combination rules written out independently of bot/health/triage.py."""
    positive = {i for i, a in answers.items() if a is not Answer.NO}
    deficit = bool(positive & set(DEFICIT))
    if deficit and ("cancer-now" in positive or positive & set(INFECTION_RISK)):
        return Level.EMERGENCY
    return Level.URGENT if positive else Level.SELF_CARE


COMBINATION_IDS = ("cancer-now", *DEFICIT, *INFECTION_RISK)


def test_every_combination_of_cancer_infection_risk_and_nerve_deficit():
    """All 3^7 answer patterns of the questions the combination rules read, the rest "No"."""
    for values in itertools.product(list(Answer), repeat=len(COMBINATION_IDS)):
        answers = dict(zip(COMBINATION_IDS, values, strict=True))
        result, _ = run(answers)
        assert result.level is expected_level(answers), answers


@pytest.mark.parametrize("deficit", DEFICIT)
@pytest.mark.parametrize("answer", [Answer.YES, Answer.NOT_SURE])
def test_cancer_now_with_a_weaker_leg_or_unsteadiness_is_an_emergency(deficit, answer):
    result, _ = run({"cancer-now": answer, deficit: Answer.YES})
    assert result.level is Level.EMERGENCY and result.advice == ("cancer-nerves",)


def test_cancer_now_alone_is_urgent_with_the_cancer_teams_line():
    result, _ = run({"cancer-now": Answer.YES})
    assert result.level is Level.URGENT and result.advice == ("cancer-team",)
    assert "call your cancer team's 24-hour line now" in lines("cancer-team")


def test_cancer_in_the_past_is_its_own_urgent_question_and_no_combination_partner():
    result, _ = run({"cancer-past": Answer.YES, "weak-leg": Answer.YES})
    assert result.level is Level.URGENT
    assert "in the past" in CHECK.question("cancer-past").text


@pytest.mark.parametrize("risk", INFECTION_RISK)
@pytest.mark.parametrize("deficit", DEFICIT)
def test_infection_risk_with_a_new_nerve_deficit_is_an_emergency(risk, deficit):
    result, shown = run({risk: Answer.NOT_SURE, deficit: Answer.YES})
    assert result.level is Level.EMERGENCY and result.advice == ("infection-nerves",)
    assert (risk,) in shown  # asked alone, never in a checklist, once it could matter
    text = lines("infection-nerves")
    assert "fever or infection risk with new weakness needs checking in hospital today" in text


@pytest.mark.parametrize("risk", INFECTION_RISK)
def test_each_infection_risk_alone_stays_urgent(risk):
    assert run({risk: Answer.YES})[0].level is Level.URGENT


def test_injecting_with_fever_and_a_weaker_leg_is_an_emergency():
    answers = {"injecting": Answer.YES, "fever": Answer.YES, "weak-leg": Answer.YES}
    assert run(answers)[0].level is Level.EMERGENCY


def test_an_urgent_answer_ends_the_check_once_nothing_can_change_it():
    result, shown = run({"weak-leg": Answer.YES})
    asked = set(itertools.chain.from_iterable(shown))
    assert result.level is Level.URGENT
    assert {"cancer-now", *INFECTION_RISK} <= asked  # the combination partners are still asked
    assert not asked & {"age", "duration", "daily-life", "walking"}  # these can't change it


@given(answer_maps)
def test_an_urgent_positive_never_yields_less_than_urgent(answers):
    result, shown = run(answers)
    asked = set(itertools.chain.from_iterable(shown))
    if any(answers[q.id] is not Answer.NO for q in URGENT if q.id in asked):
        assert result.level >= Level.URGENT


@given(answer_maps, st.sampled_from(IDS))
def test_changing_a_no_to_yes_never_lowers_the_level(answers, question_id):
    before, _ = run(answers)
    after, _ = run({**answers, question_id: Answer.YES})
    assert after.level >= before.level


@given(answer_maps)
def test_the_level_is_the_rules_applied_to_every_answer(answers):
    """Ending early never changes the result: it is what all the answers together give."""
    result, _ = run(answers)
    positive = [q for q in QUESTIONS if answers[q.id] is not Answer.NO]
    combined = expected_level({i: answers[i] for i in COMBINATION_IDS})
    if any(q.level is Level.EMERGENCY for q in positive) or combined is Level.EMERGENCY:
        expected = Level.EMERGENCY
    else:
        expected = max((q.level for q in positive), default=Level.SELF_CARE)
    assert result.level is expected


def lines(key):
    """An advice entry as a member reads it: one text, no bold markers."""
    return " ".join(CHECK.advice[key]).replace("**", "").lower()


def test_each_emergency_reason_has_its_own_lines():
    chest = lines("chest-pain")
    assert "emergency number" in chest and "ambulance now" in chest
    assert "don't drive" in chest and "on your own" in chest and "nerve" not in chest
    accident = lines("accident")
    assert "ambulance" in accident and "try not to move" in accident
    assert "severe" in accident and "numbness or weakness" in accident
    assert "nerve" not in accident
    nerves = lines("nerves")
    assert "rare but serious nerve problem" in nerves and "don't drive" in nerves
    cancer = lines("cancer-nerves")
    assert "cancer team's 24-hour line now" in cancer
    emergency = CHECK.levels[Level.EMERGENCY]
    shared = f"{emergency.summary} {' '.join(emergency.next_steps)}".lower()
    assert "serious problem that needs checking in hospital now" in shared
    assert "nerve" not in shared and "don't wait" in shared
    for question in EMERGENCY:
        assert question.advice in CHECK.advice, question.id


def test_the_urgent_result_sends_to_the_advice_line_first():
    steps = [s.lower() for s in CHECK.levels[Level.URGENT].next_steps]
    assert "111 in the uk" in steps[0] and "a&e" not in steps[0]
    assert "a&e" in steps[1] and "weaker" in steps[1] and "very unwell" in steps[1]


def test_the_walking_question_asks_about_the_nerve_sign_not_pain():
    text = CHECK.question("walking").text.lower()
    assert "unsteady" in text and "heavy, weak or clumsy" in text
    assert "not just that walking hurts" in text


def test_the_sex_question_covers_everyone_and_those_without_sex_since():
    text = CHECK.question("sexual").text
    assert "If you haven't had sex since this started, press No." in text
    assert "numb or different" in text and "climax" in text and "erection" in text


def test_the_intro_states_the_honest_count_and_time():
    intro = MESSAGES("quickcheck.ui.intro", screens=CHECK.most_screens)
    assert f"At most {CHECK.most_screens} short screens" in intro and "minutes" in intro
    assert "a few" not in intro.lower()


def test_the_safety_net_names_every_emergency_sign_and_where_to_go():
    net = MESSAGES("quickcheck.ui.safety_net").lower()
    for part in ("peeing or pooing", "less feeling when you do", "a&e", "emergency", "new"):
        assert part in net, part


def test_no_result_leads_to_a_massage_booking():
    for level, info in CHECK.levels.items():
        assert "massage_info" not in info.followups, level


def test_every_result_says_it_is_not_a_diagnosis():
    assert "not a diagnosis" in MESSAGES("quickcheck.ui.not_a_diagnosis").lower()


def test_back_undoes_a_whole_screen_and_a_finished_check_takes_no_more():
    session = QuickCheckSession(CHECK)
    session.back()  # nothing to undo on the first screen
    assert session.progress == (1, CHECK.most_screens)
    session.choose("chest-pain", Answer.NO)
    assert session.progress == (2, CHECK.most_screens)
    session.back()
    assert session.screen == (QUESTIONS[0],)
    assert session.choose("chest-pain", Answer.YES).finished
    with pytest.raises(RuntimeError):
        session.choose("bladder", Answer.NO)


def test_a_shared_screen_waits_for_every_answer():
    session = QuickCheckSession(CHECK)
    while len(session.screen) == 1:
        session.choose(session.screen[0].id, Answer.NO)
    first, *_ = session.screen
    assert session.choose(first.id, Answer.NO) is None
    with pytest.raises(ValueError, match="every question"):
        session.submit()
    with pytest.raises(ValueError, match="not on this screen"):
        session.choose("chest-pain", Answer.NO)


def test_assess_rejects_unknown_questions():
    with pytest.raises(ValueError):
        assess(CHECK, {"nonsense": Answer.NO})


def test_screens_for_answers_matches_the_session():
    shown = screens_for_answers(CHECK, lambda q: Answer.NO)
    assert [tuple(q.id for q in s) for s in shown] == run({})[1]


def broken(tmp_path: Path, old: str, new: str) -> Path:
    for name in ("sources.toml", "signs.toml"):
        (tmp_path / name).write_text((DEFAULT_DATA_DIR / name).read_text())
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
        'id = "weak-leg"\nlevel = "urgent"',
        'id = "weak-leg"\nlevel = "emergency"\nadvice = "nerves"',
    )
    path.write_text(text)
    with pytest.raises(TriageDataError, match="emergency questions must come first"):
        load_quickcheck(path)


def test_loader_refuses_a_catalogue_sign_that_no_question_asks(tmp_path):
    path = broken(tmp_path, 'signs = ["poo-feeling"]', 'signs = ["poo-urge"]')
    with pytest.raises(TriageDataError, match=r"no question asks the sign.*poo-feeling"):
        load_quickcheck(path)


def test_loader_refuses_a_grouped_emergency_question(tmp_path):
    path = broken(tmp_path, 'advice = "accident"\n', 'advice = "accident"\ngroup = "x"\n')
    with pytest.raises(ContentError, match="asked on its own"):
        load_quickcheck(path)


def test_loader_refuses_a_group_of_more_than_four_or_of_mixed_levels(tmp_path):
    path = broken(tmp_path, 'group = "history"', 'group = "infection"')
    with pytest.raises(TriageDataError, match="at most 4"):
        load_quickcheck(path)
    fragile = 'group = "bones"\nsigns = ["fragile-bones"]'
    path = broken(tmp_path, fragile, fragile.replace("bones", "soon", 1))
    with pytest.raises(TriageDataError, match="mixes levels"):
        load_quickcheck(path)


def test_loader_refuses_an_unknown_sign_or_combination_partner(tmp_path):
    path = broken(tmp_path, 'signs = ["fever"]', 'signs = ["fevr"]')
    with pytest.raises(ContentError, match="signs"):
        load_quickcheck(path)
    path = broken(tmp_path, '[["cancer-now"], ', '[["cancer-later"], ')
    with pytest.raises(ContentError, match="all_of"):
        load_quickcheck(path)


def test_loader_refuses_follow_ups_on_the_emergency_result(tmp_path):
    path = broken(tmp_path, "followups = []", 'followups = ["show_stretches"]')
    with pytest.raises(TriageDataError, match="emergency result must not offer follow-ups"):
        load_quickcheck(path)


def test_loader_refuses_a_missing_or_empty_text(tmp_path):
    path = broken(tmp_path, 'group_prompt = "', 'group_promt = "')
    with pytest.raises(TriageDataError, match=r"missing texts quickcheck\.ui\.group_prompt$"):
        load_quickcheck(path)
    path = broken(tmp_path, 'back = "Back"', 'back = ""')
    with pytest.raises(TriageDataError, match=r"missing texts quickcheck\.ui\.back$"):
        load_quickcheck(path)


def test_loader_refuses_http_sources(tmp_path):
    path = broken(tmp_path, 'url = "https://royalfree', 'url = "http://royalfree')
    with pytest.raises(ContentError, match="https"):
        load_quickcheck(path)


def test_every_question_is_in_plain_words():
    """Reading ease 60 or more (plain English) for every question a member answers."""
    scores = {q.id: flesch_reading_ease(q.text) for q in QUESTIONS}
    assert min(scores.values()) >= 60, scores
    assert "infection that needed antibiotics" in CHECK.question("infection").text
