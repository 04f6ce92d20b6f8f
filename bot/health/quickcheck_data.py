"""Reading data/quickcheck.toml: questions, combinations, advice lines and level texts.

The loader refuses a file that breaks a safety rule (an emergency question after an urgent
one, a grouped emergency question, a sign from the catalogue that no question asks), so a
content edit cannot quietly weaken the check.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from pathlib import Path

from bot.content.files import ContentError, read_toml
from bot.content.library import Publishers, _Reader, publishers_beside
from bot.content.messages import file_texts
from bot.health.signs import Sign, load_signs
from bot.health.triage import Combination, Level, LevelInfo, Question, QuickCheck

TEXT_KEYS = (  # every text the check shows; a missing or empty one stops the bot at start
    "quickcheck.ui.intro",
    "quickcheck.ui.progress",
    "quickcheck.ui.group_prompt",
    "quickcheck.ui.yes",
    "quickcheck.ui.no",
    "quickcheck.ui.not_sure",
    "quickcheck.ui.next",
    "quickcheck.ui.back",
    "quickcheck.ui.cancel",
    "quickcheck.ui.cancelled",
    "quickcheck.ui.expired",
    "quickcheck.ui.not_a_diagnosis",
    "quickcheck.ui.reasons_title",
    "quickcheck.ui.next_steps_title",
    "quickcheck.ui.numbers_title",
    "quickcheck.ui.no_region",
    "quickcheck.ui.numbers_for",
    "quickcheck.ui.source_typed",
    "quickcheck.ui.source_remembered",
    "quickcheck.ui.source_server",
    "quickcheck.ui.elsewhere",
    "quickcheck.ui.safety_net",
    "quickcheck.ui.safety_net_title",
    "quickcheck.ui.massage_title",
    "quickcheck.ui.massage_safety",
    "quickcheck.ui.sources_title",
    "quickcheck.ui.show_stretches",
    "quickcheck.ui.set_reminder",
    "quickcheck.ui.massage_info",
    "quickcheck.ui.reminder_hint",
)
FOLLOWUPS = ("show_stretches", "set_reminder", "massage_info")
GROUP_LIMIT = 4  # items on a shared screen: four answer rows and one row of Next/Back/Cancel


class TriageDataError(ContentError):
    """data/quickcheck.toml breaks a safety rule or a limit."""


def load_quickcheck(path: Path, publishers: Publishers | None = None) -> QuickCheck:
    """Read and check data/quickcheck.toml against the sign catalogue beside it."""
    publishers = publishers or publishers_beside(path)
    signs = load_signs(path.parent / "signs.toml", publishers)
    raw = read_toml(path)
    advice = _advice(path.name, raw)
    questions = tuple(
        _question(path.name, index, entry, signs, advice)
        for index, entry in enumerate(raw.get("question") or [])
    )
    _check_order(path.name, questions)
    asked = {sign for q in questions for sign in q.signs}
    if missing := sorted(set(signs) - asked):
        raise TriageDataError(f"{path.name}: no question asks the sign(s) {', '.join(missing)}")
    combinations = tuple(
        _combination(path.name, index, entry, questions, advice)
        for index, entry in enumerate(raw.get("combination") or [])
    )
    levels = {level: _level(path.name, raw, level, publishers) for level in Level}
    texts = file_texts(path)
    if missing := [key for key in TEXT_KEYS if not texts.get(key)]:
        raise TriageDataError(f"{path.name}: missing texts {', '.join(missing)}")
    return QuickCheck(questions, combinations, advice, levels)


def _advice(file: str, raw: Mapping[str, object]) -> dict[str, tuple[str, ...]]:
    table = raw.get("advice") or {}
    if not isinstance(table, dict):
        raise TriageDataError(f"{file}: [advice] must be a table of lists of lines")
    return {
        key: _Reader(file, f"advice.{key}", {"lines": lines}).texts("lines", 300)
        for key, lines in table.items()
    }


def _question(
    file: str,
    index: int,
    entry: Mapping[str, object],
    signs: Mapping[str, Sign],
    advice: Mapping[str, tuple[str, ...]],
) -> Question:
    reader = _Reader(file, f"question #{index + 1}", entry)
    level_name = reader.text("level", 20)
    if level_name not in ("emergency", "urgent", "soon"):
        raise reader.fail("level", "must be emergency, urgent or soon")
    level = Level[level_name.upper()]
    asks = entry.get("signs", [])
    if not isinstance(asks, list) or any(sign not in signs for sign in asks):
        raise reader.fail("signs", "must list ids from signs.toml")
    if level is not Level.SOON and not asks:
        raise reader.fail(
            "signs", "must name the catalogue signs an emergency or urgent question asks"
        )
    question = Question(
        id=reader.text("id", 40),
        level=level,
        text=reader.text("text", 400),
        reason=reader.text("reason", 200),
        signs=tuple(str(sign) for sign in asks),
        group=reader.text("group", 40, required=False),
        advice=reader.text("advice", 40, required=False),
    )
    if question.advice and question.advice not in advice:
        raise reader.fail("advice", f"{question.advice!r} is not in [advice]")
    if level is Level.EMERGENCY and (question.group or not question.advice):
        raise reader.fail("group", "an emergency question is asked on its own, with its advice")
    return question


def _check_order(file: str, questions: tuple[Question, ...]) -> None:
    if not questions or questions[0].level is not Level.EMERGENCY:
        raise TriageDataError(f"{file}: the first question must be an emergency question")
    if len({q.id for q in questions}) != len(questions):
        raise TriageDataError(f"{file}: question ids must be unique")
    for before, after in itertools.pairwise(questions):
        if after.level > before.level:
            raise TriageDataError(
                f"{file}: question '{after.id}' comes after a less serious one: emergency"
                " questions must come first, then urgent, then soon"
            )
    groups: dict[str, list[Question]] = {}
    for question in questions:
        if question.group:
            groups.setdefault(question.group, []).append(question)
    for name, members in groups.items():
        positions = [questions.index(q) for q in members]
        same_level = len({q.level for q in members}) == 1
        if len(members) > GROUP_LIMIT or positions != list(range(positions[0], positions[-1] + 1)):
            raise TriageDataError(
                f"{file}: group '{name}' must be at most {GROUP_LIMIT} questions in a row"
            )
        if not same_level:
            raise TriageDataError(f"{file}: group '{name}' mixes levels")


def _combination(
    file: str,
    index: int,
    entry: Mapping[str, object],
    questions: tuple[Question, ...],
    advice: Mapping[str, tuple[str, ...]],
) -> Combination:
    reader = _Reader(file, f"combination #{index + 1}", entry)
    clauses = entry.get("all_of")
    ids = {q.id for q in questions}
    if not isinstance(clauses, list) or len(clauses) < 2:
        raise reader.fail("all_of", "must list two or more lists of question ids")
    if not all(isinstance(c, list) and c and set(c) <= ids for c in clauses):
        raise reader.fail("all_of", "must list two or more lists of question ids")
    combination = Combination(
        id=reader.text("id", 40),
        clauses=tuple(tuple(str(q) for q in clause) for clause in clauses),
        reason=reader.text("reason", 200),
        advice=reader.text("advice", 40),
    )
    if combination.advice not in advice:
        raise reader.fail("advice", f"{combination.advice!r} is not in [advice]")
    return combination


def _level(file: str, raw: Mapping[str, object], level: Level, publishers: Publishers) -> LevelInfo:
    table = raw.get("levels") or {}
    entry = table.get(level.key) if isinstance(table, dict) else None
    if not isinstance(entry, dict):
        raise TriageDataError(f"{file}: [levels.{level.key}] is missing")
    reader = _Reader(file, f"levels.{level.key}", entry, publishers)
    followups = tuple(entry.get("followups") or [])
    if any(f not in FOLLOWUPS for f in followups):
        raise TriageDataError(f"{file}: levels.{level.key}: unknown follow-up in {followups}")
    if level is Level.EMERGENCY and followups:
        raise TriageDataError(f"{file}: the emergency result must not offer follow-ups")
    colour = entry.get("colour")
    if not isinstance(colour, int) or not 0 <= colour <= 0xFFFFFF:
        raise TriageDataError(f"{file}: levels.{level.key}: colour must be a hex number")
    return LevelInfo(
        title=reader.text("title", 256),
        colour=colour,
        summary=reader.text("summary", 1000),
        next_steps=reader.texts("next_steps", 300),
        followups=followups,
        sources=reader.sources(),
    )
