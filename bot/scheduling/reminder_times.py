"""When a stored reminder is next due after something the member did: an edit, a stretch, a
resume, a pause for some days; and whether a time falls in their quiet hours.

The rules themselves are in bot.scheduling.recurrence, bot.scheduling.quiet_hours and
bot.scheduling.schedule_edits; this applies them to rows as the reminders store keeps them (unix
seconds), so the commands stay thin and the dispatcher's planner
(bot.scheduling.planning.plan_reminder) and these agree.
"""

from __future__ import annotations

from datetime import UTC, datetime

from bot.scheduling.quiet_hours import QuietHours
from bot.scheduling.recurrence import (
    AfterDoneSchedule,
    Schedule,
    after_done_due,
    schedule_from_json,
)
from bot.scheduling.schedule_edits import next_due_after_edit, resume_at
from bot.storage import ReminderRow, ReminderStatus


def due_after_edit(
    row: ReminderRow, new: Schedule, now: datetime, in_flight: int | None
) -> int | None:
    """The next due time to store with an edited schedule, or None to keep the row's (and its
    hold): when only the note or link changed, or while the reminder is paused (a pause with
    an end keeps its end, and the edited schedule takes over from there).

    `in_flight` is the occurrence of a claim still being sent: it is delivered once, and the
    new schedule starts after it. An after-done reminder keeps counting from its last event.
    """
    if new == schedule_from_json(row.schedule):
        return None
    if row.status != ReminderStatus.ACTIVE or row.paused_until is not None:
        return None
    due = next_due_after_edit(
        new,
        now,
        in_flight=None if in_flight is None else _instant(in_flight),
        active_since=_instant(_counts_from(row)),
    )
    return _unix(due)


def due_after_stretch(row: ReminderRow, now: datetime) -> int | None:
    """The member just stretched (Done on any stretch reminder, or a finished routine): an
    after-done reminder is next due its hours from now; any other kind keeps its time (None)."""
    schedule = schedule_from_json(row.schedule)
    if not isinstance(schedule, AfterDoneSchedule):
        return None
    due = after_done_due(
        schedule,
        last_done_at=now,
        last_sent_at=None,
        active_since=_instant(_counts_from(row)),
    )
    return _unix(due)


def pause_end(paused_at: datetime, days: int, zone: str) -> int:
    """When a pause of `days` days (1 to 60, else PauseError) begun now ends: the same local
    time that many days later in `zone` (DST-correct); the dispatcher resumes it then."""
    return _unix(resume_at(paused_at, days, zone))


def quiet_release(quiet: str | None, zone: str, due: int) -> int | None:
    """When a DM due at `due` will come, if it falls in the stored quiet hours; else None."""
    if not quiet:
        return None
    hours = QuietHours.from_stored(quiet)
    instant = _instant(due)
    if not hours.contains(instant, zone):
        return None
    return _unix(hours.release(instant, zone))


def _counts_from(row: ReminderRow) -> int:
    return row.created_at if row.counts_from is None else row.counts_from


def _instant(unix: int) -> datetime:
    return datetime.fromtimestamp(unix, UTC)


def _unix(instant: datetime) -> int:
    return int(instant.timestamp())
