"""Quick-check rules: answers in, an urgency level and its reasons out. No Discord here.

The questions and texts live in data/quickcheck.toml so a clinician can review them in one
file; this module enforces the safety rules whatever that file says (emergency questions
first, "Not sure" counts as yes for them, the first emergency yes ends the check).
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from bot.content import ContentError, Publishers, Source, _Reader, publishers_beside, read_toml

UI_KEYS = (
    "intro",
    "progress",
    "yes",
    "no",
    "not_sure",
    "back",
    "cancel",
    "cancelled",
    "timeout",
    "not_a_diagnosis",
    "reasons_title",
    "next_steps_title",
    "numbers_title",
    "no_region",
    "numbers_for",
    "source_typed",
    "source_remembered",
    "source_server",
    "elsewhere",
    "safety_net",
    "safety_net_title",
    "massage_title",
    "massage_safety",
    "sources_title",
    "show_stretches",
    "set_reminder",
    "massage_info",
    "reminder_hint",
)
FOLLOWUPS = ("show_stretches", "set_reminder", "massage_info")


class TriageDataError(ContentError):
    """data/quickcheck.toml or data/regions.toml breaks a safety rule or a limit."""


class Answer(enum.Enum):
    YES = "yes"
    NO = "no"
    NOT_SURE = "not_sure"


class Level(enum.IntEnum):
    """Ordered by severity, so max() picks the most serious."""

    SELF_CARE = 0
    SOON = 1
    URGENT = 2
    EMERGENCY = 3

    @property
    def key(self) -> str:
        return self.name.lower().replace("_", "-")


@dataclass(frozen=True)
class Question:
    id: str
    level: Level
    text: str
    reason: str

    def is_positive(self, answer: Answer) -> bool:
        """Every level treats "Not sure" as yes: a bot can't examine, so it errs towards help."""
        return answer is not Answer.NO


@dataclass(frozen=True)
class LevelInfo:
    title: str
    colour: int
    summary: str
    next_steps: tuple[str, ...]
    followups: tuple[str, ...]
    sources: tuple[Source, ...]


@dataclass(frozen=True)
class Region:
    """One region's numbers; `short` is the few-word name used in "UK numbers" style labels."""

    key: str
    name: str
    short: str
    emergency: str
    urgent: str
    sources: tuple[Source, ...]


@dataclass(frozen=True)
class QuickCheck:
    questions: tuple[Question, ...]
    levels: Mapping[Level, LevelInfo]
    ui: Mapping[str, str]


@dataclass(frozen=True)
class Assessment:
    """`finished` with a `level`, or the index of the `next_question` to ask."""

    level: Level | None
    reasons: tuple[str, ...]
    next_question: int | None

    @property
    def finished(self) -> bool:
        return self.level is not None


class RegionSource(enum.Enum):
    """Where the region came from, most specific first: the member's word beats the server's."""

    TYPED = "typed"
    REMEMBERED = "remembered"
    SERVER = "server"


@dataclass(frozen=True)
class RegionChoice:
    region: Region
    source: RegionSource


FALLBACK_REGION = "other"  # "not listed": shown the short list of main emergency numbers


def choose_region(
    regions: Mapping[str, Region],
    *,
    typed: str | None,
    remembered: str | None,
    server: str | None,
) -> RegionChoice | None:
    """The region typed now, else the member's earlier choice, else the server's, else none.

    A server's setting must never override a member who said where they are: a US member in a
    UK server needs 911, not 999. Unknown keys (a renamed region, a typo) fall through.
    """
    for source, key in (
        (RegionSource.TYPED, typed),
        (RegionSource.REMEMBERED, remembered),
        (RegionSource.SERVER, server),
    ):
        normalised = (key or "").strip().lower()
        by_name = {region.name.lower(): region for region in regions.values()}
        region = regions.get(normalised) or by_name.get(normalised)
        if region is not None:
            return RegionChoice(region, source)
    return None


def numbers_text(ui: Mapping[str, str], level: Level, choice: RegionChoice | None) -> str:
    """Whose numbers these are, the numbers for the level, and the line for everyone else."""
    if choice is None or choice.region.key == FALLBACK_REGION:
        return f"{ui['no_region']}\n{ui['elsewhere']}"
    region = choice.region
    source = ui[f"source_{choice.source.value}"]
    lines = [ui["numbers_for"].format(region=region.short, source=source), region.emergency]
    if level is not Level.EMERGENCY:
        lines.append(region.urgent)
    lines.append(ui["elsewhere"])
    return "\n".join(lines)


def assess(check: QuickCheck, answers: Sequence[Answer]) -> Assessment:
    """Apply the rules to answers given in question order (possibly only the first few)."""
    questions = check.questions
    if len(answers) > len(questions):
        raise ValueError("more answers than questions")
    for question, answer in zip(questions, answers, strict=False):
        if question.level is Level.EMERGENCY and question.is_positive(answer):
            return Assessment(Level.EMERGENCY, (question.reason,), None)
    if len(answers) < len(questions):
        return Assessment(None, (), len(answers))
    positive = [q for q, a in zip(questions, answers, strict=True) if q.is_positive(a)]
    level = max((q.level for q in positive), default=Level.SELF_CARE)
    reasons = tuple(q.reason for q in positive if q.level is level)
    return Assessment(level, reasons, None)


class QuickCheckSession:
    """One member's check in progress; the cog is a thin adapter over this."""

    def __init__(self, check: QuickCheck) -> None:
        self.check = check
        self.answers: list[Answer] = []
        self.result: Assessment | None = None

    @property
    def current_question(self) -> Question:
        if self.result is not None:
            raise RuntimeError("the check is finished")
        return self.check.questions[len(self.answers)]

    @property
    def progress(self) -> tuple[int, int]:
        return len(self.answers) + 1, len(self.check.questions)

    def answer(self, answer: Answer) -> Assessment:
        if self.result is not None:
            raise RuntimeError("the check is finished")
        self.answers.append(answer)
        assessment = assess(self.check, self.answers)
        if assessment.finished:
            self.result = assessment
        return assessment

    def back(self) -> None:
        if self.result is None and self.answers:
            self.answers.pop()


def load_quickcheck(path: Path, publishers: Publishers | None = None) -> QuickCheck:
    publishers = publishers or publishers_beside(path)
    raw = read_toml(path)
    questions: list[Question] = []
    for index, entry in enumerate(raw.get("question") or []):
        reader = _Reader(path.name, f"question #{index + 1}", entry)
        level_name = reader.text("level", 20)
        if level_name not in ("emergency", "urgent", "soon"):
            raise TriageDataError(
                f"{path.name}: question #{index + 1}: level must be emergency, urgent or soon"
            )
        question = Question(
            id=reader.text("id", 40),
            level=Level[level_name.upper()],
            text=reader.text("text", 400),
            reason=reader.text("reason", 200),
        )
        if questions and question.level > questions[-1].level:
            raise TriageDataError(
                f"{path.name}: question '{question.id}' ({level_name}) comes after a less"
                " serious one: emergency questions must come first, then urgent, then soon"
            )
        questions.append(question)
    if not questions or questions[0].level is not Level.EMERGENCY:
        raise TriageDataError(f"{path.name}: the first question must be an emergency question")
    if len({q.id for q in questions}) != len(questions):
        raise TriageDataError(f"{path.name}: question ids must be unique")

    levels: dict[Level, LevelInfo] = {}
    table = raw.get("levels") or {}
    for level in Level:
        entry = table.get(level.key)
        if not isinstance(entry, dict):
            raise TriageDataError(f"{path.name}: [levels.{level.key}] is missing")
        reader = _Reader(path.name, f"levels.{level.key}", entry, publishers)
        followups = tuple(entry.get("followups") or [])
        if any(f not in FOLLOWUPS for f in followups):
            raise TriageDataError(
                f"{path.name}: levels.{level.key}: unknown follow-up in {followups}"
            )
        if level is Level.EMERGENCY and followups:
            raise TriageDataError(f"{path.name}: the emergency result must not offer follow-ups")
        colour = entry.get("colour")
        if not isinstance(colour, int) or not 0 <= colour <= 0xFFFFFF:
            raise TriageDataError(f"{path.name}: levels.{level.key}: colour must be a hex number")
        levels[level] = LevelInfo(
            title=reader.text("title", 256),
            colour=colour,
            summary=reader.text("summary", 1000),
            next_steps=reader.texts("next_steps", 300),
            followups=followups,
            sources=reader.sources(),
        )
    ui = raw.get("ui") or {}
    missing = [key for key in UI_KEYS if not isinstance(ui.get(key), str) or not ui[key]]
    if missing:
        raise TriageDataError(f"{path.name}: [ui] is missing {', '.join(missing)}")
    return QuickCheck(tuple(questions), levels, dict(ui))


def load_regions(path: Path, publishers: Publishers | None = None) -> dict[str, Region]:
    publishers = publishers or publishers_beside(path)
    raw = read_toml(path)
    regions: dict[str, Region] = {}
    for key, entry in raw.items():
        reader = _Reader(path.name, f"[{key}]", entry, publishers)
        regions[key] = Region(
            key=key,
            name=reader.text("name", 100),
            short=reader.text("short", 20),
            emergency=reader.text("emergency", 300),
            urgent=reader.text("urgent", 500),
            sources=reader.sources(),
        )
    if "other" not in regions:
        raise TriageDataError(f"{path.name}: an [other] region is required as the fallback")
    return regions
