"""The planner: every decision about when a member's reminder is next due, so a command only
parses what the member typed, calls one function here and words the outcome.

How a claimed row moves on (send, skip a stale slot, or hold it for the owner's quiet hours) and
when a new reminder is first due are plain functions of the schedule or stored row and the time;
an edit, a pause for some days, a resume, a stretch, a snooze and a week's postponement are each
one call that decides the new due times and stores them (an edit in one transaction with its
in-flight claim)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal

from bot.scheduling.one_offs import NEVER
from bot.scheduling.quiet_hours import Hold, QuietHours, plan_delivery
from bot.scheduling.recurrence import (
    AfterDoneSchedule,
    Schedule,
    Send,
    next_occurrence,
    schedule_from_json,
    schedule_to_json,
)
from bot.scheduling.reminder_times import due_after_edit, due_after_stretch, pause_end
from bot.scheduling.schedule_edits import Changes, apply_edit, first_due_after_pause
from bot.scheduling.snooze import SnoozeChoice, snooze_target, snoozed_due
from bot.storage import Advance, MemberRow, ReminderRow, ReminderStatus, ReminderStore, Stores

log = logging.getLogger("bot.scheduler")

LEGACY_SNOOZE = timedelta(minutes=30)
"""The one snooze of DMs sent before the choices; their buttons keep working."""
NEXT_WEEK = timedelta(days=7)
"""Later on a massage DM: asked again a week on."""


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


@dataclass(frozen=True)
class Edited:
    """An edit that was stored: the reminder as it is now and its new schedule."""

    row: ReminderRow
    schedule: Schedule


EditRefused = Literal["gone", "past"]
"""Why an edit was not stored: the reminder is no longer the member's, or a one-off's new day
and time have passed."""


async def edit_reminder(
    stores: Stores, user_id: int, reminder_id: int, changes: Changes, now: datetime
) -> Edited | EditRefused:
    """Apply `changes` to the member's reminder: read the row and its in-flight claim, apply
    and store, in one transaction, so an edit is all saved or not at all and the occurrence
    being sent is not sent again. Raises EditError when an option does not fit the reminder."""
    async with stores.transaction() as tx:
        row = await stores.reminders.get(reminder_id, tx)
        if row is None or row.user_id != user_id:
            return "gone"
        new = apply_edit(row.kind, schedule_from_json(row.schedule), changes)
        in_flight = await stores.ledger.in_flight(tx, row.id)
        due = due_after_edit(row, new, now, in_flight)
        if due == int(NEVER.timestamp()):  # a one-off moved into the past
            return "past"
        await stores.reminders.edit(
            tx,
            row.id,
            schedule=schedule_to_json(new),
            note=changes.note,
            link=changes.link,
            next_due_at=due,
        )
    edited = await stores.reminders.get(reminder_id)
    if edited is None:  # deleted the moment after the edit
        return "gone"
    return Edited(edited, new)


def pause_zone(member: MemberRow | None, rows: Sequence[ReminderRow]) -> str:
    """Where a pause of some days is counted: the member's zone, else their first reminder's."""
    if member is not None and member.timezone:
        return member.timezone
    if rows:
        return schedule_from_json(rows[0].schedule).zone
    return "UTC"


async def pause_for_days(
    reminders: ReminderStore, rows: Sequence[ReminderRow], days: int, now: datetime, zone: str
) -> tuple[list[int], int]:
    """Pause the running ones of `rows` until the same local time `days` later in `zone`
    (DST-correct; PauseError outside 1 to 60 days); they resume by themselves then.
    Returns the ids paused and when the pause ends."""
    until = pause_end(now, days, zone)
    return await reminders.pause_until([row.id for row in rows], until), until


def is_paused(row: ReminderRow) -> bool:
    """Paused until resumed, or for some days: what /reminders resume brings back."""
    return row.status == ReminderStatus.PAUSED or row.paused_until is not None


async def resume(reminders: ReminderStore, rows: Sequence[ReminderRow], now: datetime) -> None:
    """Bring `rows` back: each is next due at its first occurrence after now, and an
    after-done one waits its hours from the resume."""
    next_due = {
        row.id: int(next_occurrence(schedule_from_json(row.schedule), now).timestamp())
        for row in rows
    }
    await reminders.set_status(
        list(next_due), ReminderStatus.ACTIVE, None, next_due, counts_from=_unix(now)
    )


async def move_after_done(
    reminders: ReminderStore, user_id: int, now: datetime
) -> list[ReminderRow]:
    """The member just stretched: every running after-done reminder of theirs now waits its
    hours from this moment. Returns the reminders moved, as stored now."""
    moved = await reminders.stretched(user_id, _unix(now), lambda row: due_after_stretch(row, now))
    if not moved:
        return []
    return [row for row in await reminders.of_member(user_id) if row.id in moved]


def first_due(schedule: Schedule, now: datetime) -> int:
    """When a new reminder (or a server's stretch break) is first due: its first occurrence
    after `now`, so an after-done wait counts from the creation; NEVER's time for a one-off
    whose times have all passed."""
    return _unix(next_occurrence(schedule, now))


@dataclass(frozen=True)
class Snoozed:
    """When a snoozed occurrence comes back. `again`: it had been snoozed already, so this
    press changed nothing; `sooner`: the next regular time comes before the one chosen."""

    until: int
    again: bool = False
    sooner: bool = False


SnoozeRefused = Literal["gone", "no_evening"]
"""Why nothing was snoozed: the reminder is gone, or "this evening" has no time left today."""


async def snooze(
    reminders: ReminderStore,
    row: ReminderRow,
    member: MemberRow | None,
    choice: SnoozeChoice,
    occurrence: int,
    now: datetime,
) -> Snoozed | SnoozeRefused:
    """Bring one delivered occurrence back at the member's choice, in their zone (else the
    reminder's) and around their quiet hours, once; never past the next regular occurrence,
    unless the reminder follows their Done."""
    schedule = schedule_from_json(row.schedule)
    zone = (member.timezone if member else None) or schedule.zone
    quiet = member.quiet_hours if member else None
    target = snooze_target(
        choice,
        now=now,
        occurrence=_instant(occurrence),
        zone=zone,
        quiet=QuietHours.from_stored(quiet) if quiet else None,
    )
    if target is None:
        return "no_evening"
    follows_done = isinstance(schedule, AfterDoneSchedule)
    due = snoozed_due(target, next_occurrence(schedule, now), follows_done=follows_done)
    outcome = await reminders.snooze(row.id, occurrence, _unix(due))
    if outcome is None:
        return "gone"
    snoozed, until = outcome
    return Snoozed(until, again=not snoozed, sooner=due != target)


async def snooze_half_an_hour(reminders: ReminderStore, row: ReminderRow, now: datetime) -> int:
    """Snooze on a DM sent before the choices: due again in half an hour, but never later than
    it was due anyway. Returns the half hour's end, what the member is told."""
    until = _unix(now + LEGACY_SNOOZE)
    await reminders.reschedule(row.id, min(until, row.next_due_at))
    return until


async def postpone_a_week(reminders: ReminderStore, row: ReminderRow, now: datetime) -> int:
    """Later on a massage DM: due again a week from now, its schedule as it was. Returns when."""
    until = _unix(now + NEXT_WEEK)
    await reminders.reschedule(row.id, until)
    return until


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
