"""A quick-check in a custom id: every screen any run shows comes back whole from its buttons,
within Discord's 100 characters; anything else is refused, except an emergency answer."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.core.settings import DEFAULT_DATA_DIR
from bot.health.quickcheck_data import load_quickcheck
from bot.health.quickcheck_ids import (
    CUSTOM_ID_LIMIT,
    FOLLOW_UPS,
    CheckState,
    ScreenIds,
    StaleCheck,
    emergency_pressed,
    follow_up_id,
    follow_up_of,
    read_press,
    state_of,
)
from bot.health.regions import RegionChoice, RegionSource, load_regions
from bot.health.triage import Answer, Level, QuickCheckSession, assess

CHECK = load_quickcheck(DEFAULT_DATA_DIR / "quickcheck.toml")
REGIONS = load_regions(DEFAULT_DATA_DIR / "regions.toml")
QUESTIONS = CHECK.questions
EMERGENCY = [q for q in QUESTIONS if q.level is Level.EMERGENCY]
LONGEST_SNOWFLAKE = 2**64 - 1
LONGEST_TIME = 10**12 - 1
OWNER, SHOWN = 412345678901234567, 1_772_434_800

answers = st.sampled_from(list(Answer))
regions = st.one_of(
    st.none(),
    st.builds(
        RegionChoice, st.sampled_from(list(REGIONS.values())), st.sampled_from(list(RegionSource))
    ),
)


def answer_screen(session: QuickCheckSession, chosen: dict[str, Answer]) -> None:
    """Answer the screen shown as its buttons do: one press, or each item then Next."""
    screen = session.screen
    for question in screen:
        session.choose(question.id, chosen[question.id])
    if len(screen) > 1:
        session.submit()


@st.composite
def sessions(draw: st.DrawFn) -> QuickCheckSession:
    """A check some run reaches, still asking: screens answered at random (stopping short of
    a result, which has no answer buttons), then maybe items marked on a shared screen, or a
    step back."""
    session = QuickCheckSession(CHECK)
    for _ in range(draw(st.integers(0, len(QUESTIONS)))):
        chosen = {q.id: draw(answers) for q in session.screen}
        if assess(CHECK, {**session.answers, **chosen}).finished:
            break
        answer_screen(session, chosen)
    screen = session.screen
    if len(screen) > 1:
        for question in screen[: draw(st.integers(0, len(screen)))]:
            session.choose(question.id, draw(answers))
    elif draw(st.booleans()):
        session.back()
    return session


def screen_ids(session: QuickCheckSession, state: CheckState) -> list[str]:
    """Every custom id the screen's buttons carry."""
    screen = ScreenIds.of(CHECK, state)
    ids = [screen.answer(question, answer) for question in session.screen for answer in Answer]
    return [*ids, *(screen.navigation(action) for action in ("next", "back", "cancel"))]


@given(
    sessions(),
    st.integers(0, LONGEST_SNOWFLAKE),
    st.integers(0, LONGEST_TIME),
    regions,
    st.data(),
)
def test_every_screen_comes_back_whole_from_any_of_its_answer_buttons(
    session, owner, shown, region, data
):
    state = state_of(session, owner, shown, region)
    question = data.draw(st.sampled_from(session.screen))
    answer = data.draw(answers)
    press = read_press(CHECK, ScreenIds.of(CHECK, state).answer(question, answer))
    assert press.state == state
    assert (press.action, press.question, press.answer) == ("answer", question, answer)
    assert press.state.region(REGIONS) == region
    again = QuickCheckSession.resume(CHECK, press.state.answers, press.state.pending)
    assert again.screen == session.screen and again.progress == session.progress
    assert again.history == session.history and again.pending == session.pending


@given(sessions(), regions)
def test_navigation_reads_back_only_where_the_screen_offers_it(session, region):
    state = state_of(session, OWNER, SHOWN, region)
    screen = session.screen
    offered = {
        "cancel": True,
        "back": bool(session.history),
        "next": len(screen) > 1 and all(q.id in session.pending for q in screen),
    }
    for action, shown in offered.items():
        custom_id = ScreenIds.of(CHECK, state).navigation(action)
        if shown:
            assert read_press(CHECK, custom_id).action == action
        else:
            with pytest.raises(StaleCheck):
                read_press(CHECK, custom_id)


@given(sessions(), regions)
def test_no_custom_id_passes_discords_limit(session, region):
    for custom_id in screen_ids(
        session, state_of(session, LONGEST_SNOWFLAKE, LONGEST_TIME, region)
    ):
        assert len(custom_id) <= CUSTOM_ID_LIMIT, custom_id


def test_the_longest_custom_id_fits_with_room_to_spare():
    """Every question answered but the last, the longest region key, the largest owner id and
    time: the longest path a custom id can take."""
    longest_key = max(REGIONS, key=len)
    session = QuickCheckSession(CHECK)
    while QUESTIONS[-1] not in session.screen:
        answer_screen(session, {q.id: Answer.NO for q in session.screen})
    for question in session.screen[:-1]:
        session.choose(question.id, Answer.NOT_SURE)
    region = RegionChoice(REGIONS[longest_key], RegionSource.REMEMBERED)
    state = state_of(session, LONGEST_SNOWFLAKE, LONGEST_TIME, region)
    longest = ScreenIds.of(CHECK, state).answer(QUESTIONS[-1], Answer.NOT_SURE)
    assert len(longest) <= CUSTOM_ID_LIMIT - 10, (len(longest), longest)
    assert read_press(CHECK, longest).question is QUESTIONS[-1]


def first_screen_id(answer: Answer = Answer.NO) -> str:
    session = QuickCheckSession(CHECK)
    return ScreenIds.of(CHECK, state_of(session, OWNER, SHOWN, None)).answer(QUESTIONS[0], answer)


@pytest.mark.parametrize(
    "forged",
    [
        "qc:",
        "qc:next",
        "qc:nonsense:0:y",
        first_screen_id().replace(":0:n", ":1:n"),  # a question not on the screen shown
        first_screen_id().replace(":0:n", ":99:n"),
        first_screen_id().replace(":0:n", ":0:x"),
        first_screen_id().replace(":-:", ":atlantis!:"),
        first_screen_id().replace(":-:", ":uk.q:"),
        first_screen_id().replace(f":{SHOWN}:", ":soon:"),
        first_screen_id().replace(":.", ":", 1),  # one answer short: another version's questions
        first_screen_id().replace(":.", ":..", 1),
        first_screen_id().replace(":.", ":n", 1),  # chest pain answered, yet asked again
        first_screen_id().replace(":.", ":N", 1),  # marked on a screen of its own
        first_screen_id().replace(":.", ":y", 1).replace(":0:n", ":1:n"),  # finished already
        first_screen_id().replace(":.", ":?", 1),
        first_screen_id() + ":n",
        first_screen_id() + "\n",
    ],
)
def test_a_forged_or_stale_custom_id_is_refused(forged):
    with pytest.raises(StaleCheck):
        read_press(CHECK, forged)


def test_answers_skipped_past_a_screen_are_refused():
    """Answers to later screens with an earlier one left open: no run gives that."""
    session = QuickCheckSession(CHECK)
    state = state_of(session, OWNER, SHOWN, None)
    state.answers.update({q.id: Answer.NO for q in QUESTIONS[1:4]})
    with pytest.raises(StaleCheck):
        read_press(CHECK, ScreenIds.of(CHECK, state).answer(QUESTIONS[0], Answer.NO))


@pytest.mark.parametrize("question", EMERGENCY, ids=lambda q: q.id)
@pytest.mark.parametrize("answer", [Answer.YES, Answer.NOT_SURE])
def test_an_emergency_answer_is_found_in_any_shape_of_custom_id(question, answer):
    index = QUESTIONS.index(question)
    older = f"qc:{'.' * (len(QUESTIONS) - 3)}:{index}:{answer.code}"  # before ids carried more
    ours = f"qc:1:2:-:{'?' * 40}:{index}:{answer.code}"  # unreadable, but the press is clear
    for custom_id in (older, ours):
        assert emergency_pressed(CHECK, custom_id) is question


def test_no_other_press_passes_for_an_emergency():
    later = next(q for q in QUESTIONS if q.level is not Level.EMERGENCY)
    for custom_id in (
        f"qc:{'.' * len(QUESTIONS)}:0:n",
        f"qc:{'.' * len(QUESTIONS)}:{QUESTIONS.index(later)}:y",
        f"qc:{'.' * len(QUESTIONS)}:99:y",
        "qc:next",
        "privacy:delete:1:2",
    ):
        assert emergency_pressed(CHECK, custom_id) is None


def test_follow_ups_are_their_own_ids():
    for follow_up in FOLLOW_UPS:
        assert follow_up_of(follow_up_id(follow_up)) == follow_up
        with pytest.raises(StaleCheck):
            read_press(CHECK, follow_up_id(follow_up))
    assert follow_up_of(first_screen_id()) is None
    with pytest.raises(ValueError):
        follow_up_id("booking")
