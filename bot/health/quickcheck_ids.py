"""A quick-check in progress, carried in its buttons' custom ids so any press can go on after a
restart: whose check it is, when the screen was shown, whose emergency numbers to show, and
the answers so far (one character per question).

    qc:<owner>:<shown at>:<region>:<answers>:<question index>:<y|n|u>   an answer
    qc:<owner>:<shown at>:<region>:<answers>:<next|back|cancel>         moving on
    qc:<stretches|massage|reminder>                                     after the result

Answers given on earlier screens are lower case, those marked on the shared screen shown now
upper case. Reading is strict: anything no run of this version's check could have shown is
refused, and `emergency_pressed` then still finds a Yes or Not sure to an emergency question.
No Discord here.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from bot.health.regions import Region, RegionChoice, RegionSource
from bot.health.triage import ANSWER_CODES, Answer, Level, Question, QuickCheck, QuickCheckSession

PREFIX = "qc"
NAVIGATION = ("next", "back", "cancel")
FOLLOW_UPS = ("stretches", "massage", "reminder")
NO_REGION = "-"
UNASKED = "."
SOURCE_CODES = {RegionSource.TYPED: "t", RegionSource.REMEMBERED: "r", RegionSource.SERVER: "s"}
CUSTOM_ID_LIMIT = 100
"""Discord's longest custom_id."""

_CODES = "".join(ANSWER_CODES.values())
_PRESS = re.compile(
    rf"{PREFIX}:(?P<owner>[0-9]{{1,20}}):(?P<shown>[0-9]{{1,12}})"
    rf":(?P<region>{re.escape(NO_REGION)}|(?P<key>[a-z0-9-]{{1,20}})\.(?P<source>[trs]))"
    rf":(?P<answers>[{re.escape(UNASKED)}{_CODES}{_CODES.upper()}]{{1,60}})"
    rf":(?:(?P<action>{'|'.join(NAVIGATION)})|(?P<index>[0-9]{{1,2}}):(?P<code>[{_CODES}]))"
)
_FOLLOW_UP = re.compile(rf"{PREFIX}:(?P<follow_up>{'|'.join(FOLLOW_UPS)})")
_ANY_ANSWER = re.compile(rf"{PREFIX}:[\s\S]*:(?P<index>[0-9]{{1,2}}):(?P<code>[{_CODES}])")


class StaleCheck(ValueError):
    """A custom id this version never made, or one whose answers no run could give."""


@dataclass(frozen=True)
class CheckState:
    """What a quick-check screen's buttons carry; `region` as a key and where it came from."""

    owner_id: int
    shown_at: int
    region_key: str | None = None
    region_source: RegionSource = RegionSource.SERVER
    answers: dict[str, Answer] = field(default_factory=dict)
    pending: dict[str, Answer] = field(default_factory=dict)

    def region(self, regions: Mapping[str, Region]) -> RegionChoice | None:
        """The region shown at the start, or None if this version no longer knows it."""
        region = regions.get(self.region_key or "")
        return RegionChoice(region, self.region_source) if region is not None else None


@dataclass(frozen=True)
class Press:
    """One button pressed on a screen: an `answer` to `question`, or a navigation `action`."""

    state: CheckState
    action: str
    question: Question | None = None
    answer: Answer | None = None


def state_of(
    session: QuickCheckSession, owner_id: int, shown_at: int, region: RegionChoice | None
) -> CheckState:
    """What a screen of `session` carries in its buttons."""
    key, source = (region.region.key, region.source) if region else (None, RegionSource.SERVER)
    return CheckState(owner_id, shown_at, key, source, dict(session.answers), dict(session.pending))


def _prefix(check: QuickCheck, state: CheckState) -> str:
    region = NO_REGION
    if state.region_key is not None:
        region = f"{state.region_key}.{SOURCE_CODES[state.region_source]}"
    answers = "".join(
        state.pending[q.id].code.upper()
        if q.id in state.pending
        else state.answers[q.id].code
        if q.id in state.answers
        else UNASKED
        for q in check.questions
    )
    return f"{PREFIX}:{state.owner_id}:{state.shown_at}:{region}:{answers}"


@dataclass(frozen=True)
class ScreenIds:
    """The custom ids of one screen's buttons: their shared prefix, which spells every answer
    so far, is worked out once per screen rather than once per button."""

    check: QuickCheck
    prefix: str

    @classmethod
    def of(cls, check: QuickCheck, state: CheckState) -> ScreenIds:
        return cls(check, _prefix(check, state))

    def answer(self, question: Question, answer: Answer) -> str:
        return f"{self.prefix}:{self.check.position[question.id]}:{answer.code}"

    def navigation(self, action: str) -> str:
        if action not in NAVIGATION:
            raise ValueError(f"unknown action {action!r}")
        return f"{self.prefix}:{action}"


def follow_up_id(follow_up: str) -> str:
    if follow_up not in FOLLOW_UPS:
        raise ValueError(f"unknown follow-up {follow_up!r}")
    return f"{PREFIX}:{follow_up}"


def follow_up_of(custom_id: str) -> str | None:
    match = _FOLLOW_UP.fullmatch(custom_id)
    return match["follow_up"] if match else None


def read_press(check: QuickCheck, custom_id: str) -> Press:
    """The press a custom id describes, checked against a run of this version's check.

    The answers must be exactly those of the screens shown so far, the marked ones on the
    screen shown now, and the press one that screen offers."""
    match = _PRESS.fullmatch(custom_id)
    if match is None:
        raise StaleCheck("not a quick-check custom id of this version")
    encoded = match["answers"]
    if len(encoded) != len(check.questions):
        raise StaleCheck("the answers do not match this version's questions")
    answers: dict[str, Answer] = {}
    pending: dict[str, Answer] = {}
    for question, code in zip(check.questions, encoded, strict=True):
        if code != UNASKED:
            (pending if code.isupper() else answers)[question.id] = Answer.from_code(code.lower())
    try:
        session = QuickCheckSession.resume(check, answers, pending)
    except ValueError as error:
        raise StaleCheck(str(error)) from error
    key, source = match["key"], match["source"]
    state = CheckState(
        int(match["owner"]),
        int(match["shown"]),
        key,
        next(s for s, c in SOURCE_CODES.items() if c == source) if source else RegionSource.SERVER,
        answers,
        pending,
    )
    screen = session.screen
    action = match["action"]
    if action is None:
        index = int(match["index"])
        if index >= len(check.questions) or check.questions[index] not in screen:
            raise StaleCheck("the question is not on the screen shown")
        answer = Answer.from_code(match["code"])
        return Press(state, "answer", check.questions[index], answer)
    if action == "next" and (len(screen) == 1 or any(q.id not in pending for q in screen)):
        raise StaleCheck("Next is only offered once a shared screen is answered")
    if action == "back" and not session.history:
        raise StaleCheck("the first screen has nothing to go back to")
    return Press(state, action)


def emergency_pressed(check: QuickCheck, custom_id: str) -> Question | None:
    """The emergency question a Yes or Not sure was pressed for, read as leniently as possible:
    whatever else a custom id carries (another version's answers, no owner, a late time), an
    emergency answer is never turned away. Emergency questions always come first, so their
    positions hold across versions."""
    match = _ANY_ANSWER.fullmatch(custom_id)
    if match is None or Answer.from_code(match["code"]) is Answer.NO:
        return None
    index = int(match["index"])
    if index >= len(check.questions):
        return None
    question = check.questions[index]
    return question if question.level is Level.EMERGENCY else None
