"""The dispatcher's planner: how a claimed row moves on (send, skip a stale slot, or hold it
for the owner's quiet hours), as a plain function of the stored row and the time."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from bot.scheduling.quiet_hours import Hold, QuietHours, plan_delivery
from bot.scheduling.recurrence import AfterDoneSchedule, Send, schedule_from_json
from bot.scheduling.schedule_edits import first_due_after_pause
from bot.storage import Advance, ReminderRow

log = logging.getLogger("bot.scheduler")


def plan_reminder(
    row: ReminderRow, now: int, *, quiet: str | None = None, zone: str | None = None
) -> Advance:
    """The scheduler's planner: bot.scheduling.quiet_hours.plan_delivery (the catch-up policy of
    bot.scheduling.recurrence, then quiet hours and holds) applied to a stored row.

    `quiet` is the owner's stored quiet hours, read in `zone` (the member's time zone, else the
    reminder's own). A row paused until some time is due at that time: then the pause is over
    and it moves on to its first regular occurrence at or after the pause's end, sending
    nothing for the slots the pause covered. Only an occurrence that is itself due by now (one
    exactly at the end, or one passed while the bot was down) goes through the usual catch-up
    rule. An after-done reminder counts its wait from each DM (and from the end of a pause).
    """
    schedule = schedule_from_json(row.schedule)
    scheduled = _instant(row.next_due_at)
    at = _instant(now)
    held = None if row.held_due_at is None else _instant(row.held_due_at)
    counts_from: int | None = None
    if row.paused_until is not None:
        if row.paused_until > now:  # due early (moved by hand): the pause still runs
            return Advance(None, False, row.paused_until, row.paused_until)
        scheduled = first_due_after_pause(schedule, _instant(row.paused_until))
        held, counts_from = None, row.paused_until
        if scheduled > at:
            return Advance(None, False, _unix(scheduled), counts_from=counts_from)
    if held is not None and held > at:  # a clock set back: the hold is stale, not a send
        held = None
    hours = _quiet_hours(quiet)
    plan = plan_delivery(
        schedule, scheduled, at, held=held, quiet=hours, zone=zone or schedule.zone
    )
    if isinstance(plan, Hold):
        return Advance(
            None,
            False,
            _unix(plan.until),
            held_due_at=_unix(plan.occurrence),
            counts_from=counts_from,
        )
    if isinstance(plan, Send):
        if isinstance(schedule, AfterDoneSchedule):
            counts_from = now  # the next one waits its hours from this DM
        return Advance(
            _unix(plan.occurrence),
            plan.late,
            _unix(plan.next),
            held=plan.held,
            counts_from=counts_from,
        )
    return Advance(None, False, _unix(plan.next), counts_from=counts_from)


def _quiet_hours(stored: str | None) -> QuietHours | None:
    """The member's quiet hours; a stored form that cannot be read (edited by hand) is logged
    and ignored rather than stopping every member's deliveries."""
    if not stored:
        return None
    try:
        return QuietHours.from_stored(stored)
    except ValueError:
        log.warning("ignoring unreadable quiet hours %r", stored)
        return None


def _instant(unix: int) -> datetime:
    return datetime.fromtimestamp(unix, UTC)


def _unix(instant: datetime) -> int:
    return int(instant.timestamp())
