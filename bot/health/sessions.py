"""A member's stretch plan as sessions, and the streak over them: pure rules, no Discord and no
database, so every case is tested directly with plain times.

A session is one occurrence of a stretch reminder: its DM, with any resend of the same
occurrence (a snooze, a send held by quiet hours). It was **done** when the member pressed
Done on that reminder before the next occurrence came, **skipped** with Not today, **missed**
when the next occurrence came with no answer, and is **open** until then. The streak counts
done sessions in a row: skipped and open ones are neutral, and so is everything that never
became a session — days with nothing scheduled, paused days (the flare pause too) — and a
held DM left unanswered. Only a missed session ends a streak.

Everything is derived from what is stored: the delivery ledger (kept 30 days), the Done
presses, and the marks (Not today, and missed sessions recorded before their deliveries are
pruned). Done presses older than the ledger count one session per reminder and day, so
history from before sessions were judged keeps counting.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, timedelta
from itertools import groupby

from bot.scheduling.recurrence import (
    AfterDoneSchedule,
    EveryNDaysSchedule,
    EveryNWeeksSchedule,
    Schedule,
    local_date,
    next_occurrence,
    schedule_from_json,
)

# the records sessions are judged from are defined where they are stored; named here too, with
# the rules that read them
from bot.storage import (
    MARKS,
    Completion,
    Delivered,
    Mark,
    Outcome,
    Session,
    SessionInputs,
)

__all__ = [
    "MARKS",
    "Completion",
    "Delivered",
    "Mark",
    "Outcome",
    "Session",
    "SessionInputs",
    "best_streak",
    "current_streak",
    "judge",
    "newly_missed",
    "occurrence_of",
    "schedules_of",
    "sessions",
]


def judge(inputs: SessionInputs, zone: str) -> list[Session]:
    """The member's sessions, days in their time zone `zone`."""
    return sessions(schedules_of(inputs), inputs.delivered, inputs.completions, inputs.marks, zone)


def schedules_of(inputs: SessionInputs) -> dict[int, Schedule]:
    """The member's stretch reminders' schedules, by reminder id, read from their stored form."""
    return {reminder_id: schedule_from_json(text) for reminder_id, text in inputs.schedules.items()}


def occurrence_of(schedule: Schedule, due_at: datetime) -> datetime:
    """The regular occurrence a DM belongs to: the latest one at or before `due_at`, so a
    snoozed resend is the same session as the DM it came from. An after-done reminder has no
    regular times: `_windows` tells its sessions apart by its wait."""
    if isinstance(schedule, AfterDoneSchedule):
        return due_at
    interval = timedelta(weeks=1)  # the longest gap between regular occurrences
    if isinstance(schedule, EveryNDaysSchedule):
        interval = timedelta(days=schedule.days)
    elif isinstance(schedule, EveryNWeeksSchedule):
        interval = timedelta(weeks=schedule.weeks)
    slot = next_occurrence(schedule, due_at - interval - timedelta(days=1))
    if slot > due_at:  # nothing regular before it (the schedule was edited since)
        return due_at
    while (following := next_occurrence(schedule, slot)) <= due_at:
        slot = following
    return slot


def _session_day(schedule: Schedule, due_at: datetime) -> date:
    """The day a wall-clock reminder's DM counts on: its regular occurrence's, in the
    reminder's zone. A schedule fires at most once a day, so a second DM that day (the
    schedule was edited in between) is the same session; a DM with no regular occurrence
    within a day before it (edited since) counts on its own day."""
    slot = occurrence_of(schedule, due_at)
    if due_at - slot >= timedelta(days=1):
        slot = due_at
    return local_date(slot, schedule.zone)


def _windows(schedule: Schedule | None, delivered: Sequence[Delivered]) -> list[Delivered]:
    """One reminder's DMs (oldest first) grouped by session (a resend after a snooze, or a
    second DM the same day after an edit, is the same one): the first DM of each, held only
    when every DM of the session was."""
    windows: list[Delivered] = []
    last_day: date | None = None
    for dm in delivered:
        if schedule is None:
            same = False
        elif isinstance(schedule, AfterDoneSchedule):  # a resend inside the wait: same one
            same = bool(windows) and dm.due_at - windows[-1].due_at < schedule.wait
        else:
            day = _session_day(schedule, dm.due_at)
            same, last_day = day == last_day, day
        if windows and same:
            first = windows[-1]
            windows[-1] = Delivered(first.reminder_id, first.due_at, first.held and dm.held)
        else:
            windows.append(dm)
    return windows


def sessions(
    schedules: Mapping[int, Schedule],
    delivered: Iterable[Delivered],
    completions: Iterable[Completion],
    marks: Iterable[Mark],
    zone: str,
) -> list[Session]:
    """Every session of the member's that can be known, oldest first (see the module); days
    are read in `zone`, except a Done press's, which keeps the day it was recorded for."""
    done = sorted(completions, key=lambda c: c.at)
    pressed: dict[int | None, list[datetime]] = {}
    for completion in done:
        pressed.setdefault(completion.reminder_id, []).append(completion.at)
    marked = list(marks)
    found: list[Session] = []
    covered_from: dict[int, datetime] = {}
    by_reminder = sorted(delivered, key=lambda dm: (dm.reminder_id, dm.due_at))
    for reminder_id, group in groupby(by_reminder, key=lambda dm: dm.reminder_id):
        windows = _windows(schedules.get(reminder_id), list(group))
        covered_from[reminder_id] = windows[0].due_at
        presses = pressed.get(reminder_id, [])
        for index, window in enumerate(windows):
            start = window.due_at
            end = windows[index + 1].due_at if index + 1 < len(windows) else None
            first_press = bisect_left(presses, start)  # the first Done at or after the start
            if first_press < len(presses) and _inside(presses[first_press], start, end):
                outcome = Outcome.DONE
            elif any(
                m.reminder_id == reminder_id
                and m.outcome is Outcome.SKIPPED
                and _inside(m.due_at, start, end)
                for m in marked
            ):
                outcome = Outcome.SKIPPED
            elif end is not None and not window.held:
                outcome = Outcome.MISSED
            else:
                outcome = Outcome.OPEN
            found.append(Session(reminder_id, start, outcome, local_date(start, zone)))

    def before_ledger(reminder_id: int | None, at: datetime) -> bool:
        start = covered_from.get(reminder_id) if reminder_id is not None else None
        return start is None or at < start

    older = [c for c in done if before_ledger(c.reminder_id, c.at)]
    days: dict[tuple[int | None, date], datetime] = {}
    for completion in older:
        days.setdefault((completion.reminder_id, completion.day), completion.at)
    found += [Session(rid, at, Outcome.DONE, day) for (rid, day), at in days.items()]
    found += [
        Session(m.reminder_id, m.due_at, m.outcome, local_date(m.due_at, zone))
        for m in marked
        if before_ledger(m.reminder_id, m.due_at)
    ]
    return sorted(found, key=lambda s: s.at)


def _inside(at: datetime, start: datetime, end: datetime | None) -> bool:
    return start <= at and (end is None or at < end)


def current_streak(history: Sequence[Session]) -> int:
    """Done sessions in a row up to now: neutral ones are passed over, a missed one ends it."""
    count = 0
    for session in reversed(history):
        if session.outcome is Outcome.MISSED:
            break
        count += session.outcome is Outcome.DONE
    return count


def best_streak(history: Sequence[Session]) -> int:
    """The longest run of done sessions with no missed one between, ever."""
    best = run = 0
    for session in history:
        if session.outcome is Outcome.MISSED:
            run = 0
        elif session.outcome is Outcome.DONE:
            run += 1
            best = max(best, run)
    return best


def newly_missed(history: Sequence[Session], recorded: Iterable[Mark]) -> list[Session]:
    """Missed sessions not yet stored as marks: what the daily record keeps before the
    ledger that shows them is pruned."""
    known = {(m.reminder_id, m.due_at) for m in recorded}
    return [
        s
        for s in history
        if s.outcome is Outcome.MISSED
        and s.reminder_id is not None
        and (s.reminder_id, s.at) not in known
    ]
