"""/progress and pain check-ins as plain rules: the figures a member sees, the flare rule and
how long scores are kept. No Discord and no database here, so every rule is tested directly.

Every date is a calendar day in the member's own time zone; weeks run Monday to Sunday.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from statistics import fmean

from bot.content.files import ContentError, read_toml
from bot.content.library import Publishers, Source, _Reader, publishers_beside
from bot.content.messages import Messages, file_texts
from bot.health.sessions import Outcome, Session, best_streak, current_streak
from bot.pictures.charts import ChartWords, calendar_cells, load_chart_words
from bot.scheduling.recurrence import (
    EVERY_DAY,
    AfterDoneSchedule,
    EveryNDaysSchedule,
    EveryNWeeksSchedule,
    Schedule,
    WeeklySchedule,
)

FLARE_SCORE = 7
"""A score this high is a flare whatever came before."""
FLARE_RISE = 3
"""...and so is one at least this much above the member's recent average."""
FLARE_WINDOW = 7
"""How many previous check-ins make up that average."""
KEEP_MONTHS = 12
"""Check-ins about days longer ago than this are deleted."""
PAUSE_DAYS = 3
"""How long the pause that flare care offers lasts."""


def is_flare(score: int, previous: Sequence[int]) -> bool:
    """A score of 7 or more, or 3 or more above the mean of the member's previous seven
    check-ins (`previous`, newest first; fewer is fine, none means only the first rule)."""
    if not 0 <= score <= 10:
        raise ValueError("a pain score is a whole number from 0 to 10")
    if score >= FLARE_SCORE:
        return True
    recent = list(previous[:FLARE_WINDOW])
    return bool(recent) and score >= fmean(recent) + FLARE_RISE


def week_start(day: date) -> date:
    """The Monday of the week that holds `day`."""
    return day - timedelta(days=day.weekday())


def sessions_this_and_last_week(sessions: Mapping[date, int], today: date) -> tuple[int, int]:
    """How many Done presses fell in this week (Monday to today) and in the whole week before."""
    this_monday = week_start(today)
    last_monday = this_monday - timedelta(weeks=1)
    this_week = sum(n for day, n in sessions.items() if this_monday <= day <= today)
    last_week = sum(n for day, n in sessions.items() if last_monday <= day < this_monday)
    return this_week, last_week


def keep_since(today: date) -> date:
    """The first day whose check-in is still kept: the same day 12 months ago (28 February
    when that year has no 29th)."""
    year = today.year - KEEP_MONTHS // 12
    try:
        return today.replace(year=year)
    except ValueError:  # 29 February
        return date(year, 2, 28)


def shown_since(today: date) -> date:
    """The first day /progress shows: the Monday 11 weeks before this week's."""
    return calendar_cells(today)[0].day


@dataclass(frozen=True)
class Summary:
    """What /progress shows, figures and chart data alike."""

    today: date
    first_day: date
    current_streak: int
    """Done sessions in a row (bot.health.sessions): the member's plan, not calendar days."""
    best_streak: int
    this_week: int
    last_week: int
    done_days: frozenset[date]
    """Days with a done session in the 12 weeks shown."""
    skipped_days: frozenset[date]
    """...with a session skipped (Not today) and none done."""
    missed_days: frozenset[date]
    """...with a session missed and none done or skipped."""
    shown: Mapping[Outcome, int]
    """Sessions in the 12 weeks shown, by how they ended (open ones not counted)."""
    scores: Mapping[date, int]
    """Pain scores in the 12 weeks shown (empty unless check-ins are on)."""
    ever_done: bool
    plan: tuple[Schedule, ...] = ()
    """The member's stretch reminders' schedules: what the streak counts over."""
    history: tuple[Session, ...] = ()
    """Every session the figures come from, oldest first."""

    @property
    def empty(self) -> bool:
        """Nothing to draw or count yet: the member gets a how-to-start answer instead."""
        return not self.ever_done and not self.scores

    @property
    def latest_score(self) -> tuple[date, int] | None:
        if not self.scores:
            return None
        day = max(self.scores)
        return day, self.scores[day]

    @property
    def average_score(self) -> float | None:
        """The mean of the last seven scores shown (the average the flare rule uses)."""
        recent = [self.scores[day] for day in sorted(self.scores, reverse=True)[:FLARE_WINDOW]]
        return fmean(recent) if recent else None


def summarise(
    today: date,
    history: Sequence[Session],
    scores: Mapping[date, int] | None = None,
    plan: Iterable[Schedule] = (),
) -> Summary:
    """The figures from the member's sessions (all history, oldest first) and pain scores."""
    first = shown_since(today)
    past = [session for session in history if session.day <= today]
    done = [session.day for session in past if session.outcome is Outcome.DONE]
    this_week, last_week = sessions_this_and_last_week(Counter(done), today)
    recent = [session for session in past if session.day >= first]

    def days(outcome: Outcome) -> set[date]:
        return {session.day for session in recent if session.outcome is outcome}

    done_days = days(Outcome.DONE)
    skipped_days = days(Outcome.SKIPPED) - done_days
    return Summary(
        today=today,
        first_day=first,
        current_streak=current_streak(past),
        best_streak=best_streak(past),
        this_week=this_week,
        last_week=last_week,
        done_days=frozenset(done_days),
        skipped_days=frozenset(skipped_days),
        missed_days=frozenset(days(Outcome.MISSED) - done_days - skipped_days),
        shown=Counter(s.outcome for s in recent if s.outcome is not Outcome.OPEN),
        scores={day: s for day, s in (scores or {}).items() if first <= day <= today},
        ever_done=bool(done),
        plan=tuple(plan),
        history=tuple(history),
    )


def plan_text(schedules: Iterable[Schedule], texts: Messages, weekdays: Sequence[str]) -> str:
    """The member's plan in their terms, e.g. "Mon, Wed, Fri" (`weekdays`: short names from
    Monday), one part per stretch reminder (one-offs are no part of a plan)."""
    parts: list[str] = []
    for schedule in schedules:
        if isinstance(schedule, AfterDoneSchedule):
            parts.append(texts("progress.plan_after_done", count=schedule.hours))
        elif isinstance(schedule, WeeklySchedule) and schedule.weekdays == EVERY_DAY:
            parts.append(texts("progress.plan_every_day"))
        elif isinstance(schedule, WeeklySchedule):
            parts.append(", ".join(weekdays[day] for day in sorted(schedule.weekdays)))
        elif isinstance(schedule, EveryNDaysSchedule):
            parts.append(texts("progress.plan_every_days", count=schedule.days))
        elif isinstance(schedule, EveryNWeeksSchedule):
            parts.append(
                texts(
                    "progress.plan_every_weeks",
                    count=schedule.weeks,
                    day=weekdays[schedule.weekday],
                )
            )
    return "; ".join(dict.fromkeys(parts)) or texts("progress.plan_none")


# --- texts -------------------------------------------------------------------------------------

TEXT_KEYS = (
    "progress.title",
    "progress.current_streak",
    "progress.best_streak",
    "progress.this_week",
    "progress.last_week",
    "progress.done_days",
    "progress.sessions_shown",
    "progress.report_ready",
    "progress.report_weeks",
    "progress.alt_skipped",
    "progress.plan_every_day",
    "progress.plan_after_done",
    "progress.plan_every_weeks",
    "progress.plan_every_days",
    "progress.plan_none",
    "progress.pain_title",
    "progress.pain_count",
    "progress.pain_latest",
    "progress.pain_average",
    "progress.pain_none",
    "progress.pain_hint",
    "progress.footer_zone",
    "progress.footer_utc",
    "progress.alt",
    "progress.alt_pain",
    "progress.empty",
    "checkins.on",
    "checkins.off",
    "checkins.question",
    "checkins.skip",
    "checkins.saved",
    "checkins.skipped",
    "checkins.off_now",
    "checkins.not_yours",
    "checkins.bad_choice",
    "checkins.pause",
    "checkins.paused",
    "checkins.nothing_to_pause",
    "checkins.privacy",
)
"""Every text the feature uses; a missing one stops the bot at start, not in front of a member."""


@dataclass(frozen=True)
class FlareCare:
    """What a flare-level score is answered with: what may help, and always the safety net."""

    title: str
    intro: str
    steps_title: str
    steps: tuple[str, ...]
    safety_title: str
    safety: str
    numbers_title: str
    sources_title: str
    sources: tuple[Source, ...]
    footer: str


@dataclass(frozen=True)
class ProgressContent:
    flare: FlareCare
    chart: ChartWords


def load_progress_content(path: Path, publishers: Publishers | None = None) -> ProgressContent:
    """data/progress.toml (and the chart's data/charts.toml beside it), checked."""
    publishers = publishers or publishers_beside(path)
    raw = read_toml(path)
    texts = Messages(file_texts(path))
    missing = [key for key in TEXT_KEYS if key not in texts]
    if missing:
        raise ContentError(f"{path.name}: missing texts {', '.join(missing)}")
    flare = raw.get("flare")
    if not isinstance(flare, dict):
        raise ContentError(f"{path.name}: [flare] table is missing")
    reader = _Reader(path.name, "[flare]", flare, publishers)
    care = FlareCare(
        title=reader.text("title", 256),
        intro=reader.text("intro", 1000),
        steps_title=reader.text("steps_title", 256),
        steps=reader.texts("steps", 300, minimum=3),
        safety_title=reader.text("safety_title", 256),
        safety=reader.text("safety", 1024),
        numbers_title=reader.text("numbers_title", 256),
        sources_title=reader.text("sources_title", 256),
        sources=reader.sources(),
        footer=reader.text("footer", 2048),
    )
    if len("\n".join(f"• {step}" for step in care.steps)) > 1024:
        raise reader.fail("steps", "together must fit one embed field (1024 characters)")
    return ProgressContent(care, load_chart_words(path.parent / "charts.toml"))
