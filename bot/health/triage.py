"""Quick-check rules: answers in, the next screen or an urgency level with its reasons out.

No Discord here. The questions, combinations and texts live in data/quickcheck.toml so a
clinician can review them in one file; this module enforces the safety rules whatever that
file says: emergency questions first, each on its own screen; "Not sure" counts as yes; the
first emergency answer ends the check; a combination of signs that is an emergency together
(cancer now, or a risk of infection, with a new nerve deficit) ends it too; the check stops
early only once no remaining answer could change the result.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cached_property

from bot.content.library import Source

ANSWER_CODES = {"yes": "y", "no": "n", "not_sure": "u"}


class Answer(enum.Enum):
    YES = "yes"
    NO = "no"
    NOT_SURE = "not_sure"

    @property
    def code(self) -> str:
        """One character, for compact custom ids."""
        return ANSWER_CODES[self.value]

    @classmethod
    def from_code(cls, code: str) -> Answer:
        return next(answer for answer in cls if answer.code == code)


class Level(enum.IntEnum):
    """Ordered by severity, so max() picks the most serious."""

    SELF_CARE = 0
    SOON = 1
    URGENT = 2
    EMERGENCY = 3

    @property
    def key(self) -> str:
        return self.name.lower().replace("_", "-")


def is_positive(answer: Answer) -> bool:
    """Every level treats "Not sure" as yes: a bot can't examine, so it errs towards help."""
    return answer is not Answer.NO


@dataclass(frozen=True)
class Question:
    """`group` names the shared screen it may join; `advice` keys extra lines for the result."""

    id: str
    level: Level
    text: str
    reason: str
    signs: tuple[str, ...]
    group: str = ""
    advice: str = ""


@dataclass(frozen=True)
class Combination:
    """An emergency made of signs that are each only urgent: one positive in every clause."""

    id: str
    clauses: tuple[tuple[str, ...], ...]
    reason: str
    advice: str


@dataclass(frozen=True)
class LevelInfo:
    title: str
    colour: int
    summary: str
    next_steps: tuple[str, ...]
    followups: tuple[str, ...]
    sources: tuple[Source, ...]


@dataclass(frozen=True)
class QuickCheck:
    questions: tuple[Question, ...]
    combinations: tuple[Combination, ...]
    advice: Mapping[str, tuple[str, ...]]
    levels: Mapping[Level, LevelInfo]

    def question(self, question_id: str) -> Question:
        return self.questions[self.position[question_id]]

    @cached_property
    def position(self) -> Mapping[str, int]:
        """Each question's place in the check, by id: every button's custom id carries one."""
        return {question.id: index for index, question in enumerate(self.questions)}

    @cached_property
    def most_screens(self) -> int:
        """Screens on the longest path: everything "No", where nothing ends the check early.
        Worked out once per check: every screen shows it, and the check never changes."""
        return len(screens_for_answers(self, lambda _question: Answer.NO))


@dataclass(frozen=True)
class Assessment:
    """`finished` with a `level`, or the `screen` of questions to ask next.

    `advice` keys the extra lines the result shows first (an emergency's own words, say).
    """

    level: Level | None
    reasons: tuple[str, ...]
    advice: tuple[str, ...]
    screen: tuple[Question, ...]

    @property
    def finished(self) -> bool:
        return self.level is not None


def assess(check: QuickCheck, answers: Mapping[str, Answer]) -> Assessment:
    """The result once nothing left to ask could change it, otherwise the next screen.

    Questions that can no longer change the result are skipped: with an urgent answer in,
    only emergency questions and the partners of a still-possible combination remain.
    """
    unknown = set(answers) - {q.id for q in check.questions}
    if unknown:
        raise ValueError(f"answers to unknown questions: {sorted(unknown)}")
    positive = {question_id for question_id, a in answers.items() if is_positive(a)}
    for question in check.questions:
        if question.level is Level.EMERGENCY and question.id in positive:
            return emergency_result(question)
    for combination in check.combinations:
        if all(positive & set(clause) for clause in combination.clauses):
            return Assessment(Level.EMERGENCY, (combination.reason,), (combination.advice,), ())
    floor = max((q.level for q in check.questions if q.id in positive), default=Level.SELF_CARE)
    needed = [
        q
        for q in check.questions
        if q.id not in answers and (q.level > floor or _can_complete(check, q, answers))
    ]
    if not needed:
        counted = [q for q in check.questions if q.id in positive and q.level is floor]
        return Assessment(
            floor,
            tuple(q.reason for q in counted),
            tuple(q.advice for q in counted if q.advice),
            (),
        )
    first, screen = needed[0], [needed[0]]
    if first.group and not _can_complete(check, first, answers):
        for question in needed[1:]:
            if question.group != first.group or _can_complete(check, question, answers):
                break
            screen.append(question)
    return Assessment(None, (), (), tuple(screen))


def emergency_result(question: Question) -> Assessment:
    """The result of a Yes or Not sure to an emergency question, whatever else was answered."""
    return Assessment(Level.EMERGENCY, (question.reason,), (question.advice,), ())


def _can_complete(check: QuickCheck, question: Question, answers: Mapping[str, Answer]) -> bool:
    """Could a yes to `question` still complete a combination? Then it is asked on its own."""
    positive = {question_id for question_id, a in answers.items() if is_positive(a)}
    for combination in check.combinations:
        for clause in combination.clauses:
            if question.id not in clause or positive & set(clause):
                continue
            others = [c for c in combination.clauses if c is not clause]
            if all(positive & set(c) or set(c) - set(answers) for c in others):
                return True
    return False


def screens_for_answers(
    check: QuickCheck, answer_for: Callable[[Question], Answer]
) -> list[tuple[Question, ...]]:
    """The screens someone is shown when `answer_for(question)` gives each answer."""
    answers: dict[str, Answer] = {}
    shown: list[tuple[Question, ...]] = []
    while not (assessment := assess(check, answers)).finished:
        shown.append(assessment.screen)
        answers.update({q.id: answer_for(q) for q in assessment.screen})
    return shown


class QuickCheckSession:
    """One member's check in progress, screen by screen; the cog is a thin adapter over this."""

    def __init__(self, check: QuickCheck) -> None:
        self.check = check
        self.answers: dict[str, Answer] = {}
        self.history: list[tuple[str, ...]] = []
        self.pending: dict[str, Answer] = {}
        self.result: Assessment | None = None
        self._assessed: tuple[tuple[tuple[str, Answer], ...], Assessment] | None = None

    def _assessment(self) -> Assessment:
        """The answers so far assessed, again only once they changed: answering one press
        reads the screen several times."""
        answered = tuple(self.answers.items())
        if self._assessed is None or self._assessed[0] != answered:
            self._assessed = (answered, assess(self.check, self.answers))
        return self._assessed[1]

    @classmethod
    def resume(
        cls, check: QuickCheck, answers: Mapping[str, Answer], pending: Mapping[str, Answer]
    ) -> QuickCheckSession:
        """The session whose screens gave `answers`, with `pending` marked on the screen shown
        now. ValueError when no run of the check does (answers off the path, a finished check).
        """
        session = cls(check)
        remaining = dict(answers)
        while True:
            assessment = session._assessment()
            if assessment.finished:
                raise ValueError("the check was already over")
            shown = tuple(q.id for q in assessment.screen)
            if not all(question_id in remaining for question_id in shown):
                break
            session.answers.update(
                {question_id: remaining.pop(question_id) for question_id in shown}
            )
            session.history.append(shown)
        if remaining:
            raise ValueError("answers to questions that were not asked")
        if not set(pending) <= set(shown) or (pending and len(shown) == 1):
            raise ValueError("marked answers off the screen shown")
        session.pending = dict(pending)
        return session

    @property
    def screen(self) -> tuple[Question, ...]:
        if self.result is not None:
            raise RuntimeError("the check is finished")
        return self._assessment().screen

    @property
    def progress(self) -> tuple[int, int]:
        """This screen's number, and the most screens any path takes."""
        return len(self.history) + 1, self.check.most_screens

    def choose(self, question_id: str, answer: Answer) -> Assessment | None:
        """Record one answer on the current screen; the screen is done once all are in."""
        screen = self.screen
        if question_id not in {q.id for q in screen}:
            raise ValueError(f"{question_id!r} is not on this screen")
        self.pending[question_id] = answer
        if len(screen) == 1:
            return self.submit()
        return None

    def submit(self) -> Assessment:
        screen = self.screen
        if any(q.id not in self.pending for q in screen):
            raise ValueError("every question on the screen needs an answer")
        self.answers.update({q.id: self.pending[q.id] for q in screen})
        self.history.append(tuple(q.id for q in screen))
        self.pending = {}
        assessment = self._assessment()
        if assessment.finished:
            self.result = assessment
        return assessment

    def back(self) -> None:
        if self.result is not None:
            return
        self.pending = {}
        if self.history:
            for question_id in self.history.pop():
                del self.answers[question_id]
