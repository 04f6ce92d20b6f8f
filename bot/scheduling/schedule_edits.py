"""Changing a reminder in place: which options fit which kind, the edited schedule, the next due
time after an edit (also while a delivery is in flight), and pauses that end by themselves.

Everything here takes parsed values (bot.scheduling.timeparse reads what members type) and returns
new values or raises an InputError carrying data/messages.toml keys, so nothing is ever half-saved:
the caller stores the result of a successful call in one transaction, or nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import UTC, date, datetime, time, timedelta
from typing import TypeAlias
from zoneinfo import ZoneInfoNotFoundError

from bot.content.messages import InputError, Text
from bot.scheduling.one_offs import AppointmentSchedule, OnceSchedule
from bot.scheduling.recurrence import (
    AFTER_DONE_HOURS,
    EVERY_DAY,
    EVERY_N_DAYS,
    AfterDoneSchedule,
    EveryNDaysSchedule,
    EveryNWeeksSchedule,
    Schedule,
    WeeklySchedule,
    after_done_due,
    next_occurrence,
)
from bot.scheduling.zone_rules import zone_info
from bot.storage import ReminderKind

EDIT_OPTIONS: dict[str, tuple[str, ...]] = {
    "stretch": ("time", "days", "start", "timezone", "note"),
    "massage": ("every_weeks", "weekday", "time", "timezone", "link"),
    "after_done": ("hours", "note", "timezone"),
    "once": ("when", "note", "timezone"),
    "appointment": ("when", "timezone"),
}
"""The /reminders edit options each kind of reminder takes (see `edit_kind`)."""

PAUSE_DAYS = range(1, 61)
"""A pause with `days` lasts from 1 to 60 days."""

_ONE_SECOND = timedelta(seconds=1)
_TICK = timedelta(microseconds=1)


EDIT_KIND_KEYS = {
    "stretch": "reminders.edit_kind_stretch",
    "massage": "reminders.edit_kind_massage",
    "after_done": "reminders.edit_kind_after_done",
    "once": "reminders.edit_kind_once",
    "appointment": "reminders.edit_kind_appointment",
}
"""The message key naming each kind of reminder in an edit's "doesn't fit" answer."""


class EditError(InputError):
    """An edit that cannot be applied; `misfits` are the options that do not fit this reminder
    and `fits` the ones that do (both empty when a value is out of range instead)."""

    def __init__(
        self, *parts: Text, misfits: tuple[str, ...] = (), fits: tuple[str, ...] = ()
    ) -> None:
        super().__init__(*parts)
        self.misfits = misfits
        self.fits = fits


class PauseError(InputError):
    """A pause length outside PAUSE_DAYS."""


DayAndTime: TypeAlias = tuple[date, time]
"""A local day and wall-clock time, as bot.scheduling.timeparse.parse_when reads them."""


@dataclass(frozen=True)
class Changes:
    """The options given to /reminders edit, already parsed; None leaves a thing as it is.

    Field names are the command's option names. `note` and `link` are checked for fit here
    but stored by the caller (they are not part of the schedule).
    """

    time: time | None = None
    days: frozenset[int] | int | None = None
    """Weekdays, or a whole number of days for every N days."""
    start: date | None = None
    """The first day of an every-N-days rhythm."""
    every_weeks: int | None = None
    weekday: int | None = None
    hours: int | None = None
    when: DayAndTime | None = None
    """A one-off's or an appointment's day and wall-clock time."""
    timezone: str | None = None
    note: str | None = None
    link: str | None = None

    def given(self) -> tuple[str, ...]:
        """The option names the member gave, in the command's order."""
        return tuple(field.name for field in fields(self) if getattr(self, field.name) is not None)


def edit_kind(kind: ReminderKind, schedule: Schedule) -> str:
    """Which EDIT_OPTIONS row a stored reminder (reminders.kind and its schedule) uses.

    An after-done reminder is a stretch reminder by kind; its schedule sets it apart.
    """
    if kind == ReminderKind.STRETCH and isinstance(schedule, WeeklySchedule | EveryNDaysSchedule):
        return "stretch"
    if kind == ReminderKind.STRETCH and isinstance(schedule, AfterDoneSchedule):
        return "after_done"
    if kind == ReminderKind.MASSAGE and isinstance(schedule, EveryNWeeksSchedule):
        return "massage"
    if kind == ReminderKind.ONCE and isinstance(schedule, OnceSchedule):
        return "once"
    if kind == ReminderKind.APPOINTMENT and isinstance(schedule, AppointmentSchedule):
        return "appointment"
    raise ValueError(f"a {kind} reminder with a {type(schedule).__name__} cannot be edited")


def apply_edit(kind: ReminderKind, current: Schedule, changes: Changes) -> Schedule:
    """The reminder's schedule with `changes` applied, or an EditError saying what fits.

    Every given option is checked before anything is built, so an option that does not fit
    the kind (`every_weeks` on a stretch reminder) fails the whole edit and names the options
    that do fit. A massage reminder keeps its anchor, so its on and off weeks stay where they
    were; an every-N-days one keeps its start day unless `start` is given (turning a weekly
    reminder into one needs `start`: the caller gives the first day it means). If the result
    equals `current` (only note or link changed) keep the row's next due time and any hold as
    they are; otherwise compute it with `next_due_after_edit`.
    """
    name = edit_kind(kind, current)
    given = changes.given()
    if not given:
        raise EditError(Text("reminders.nothing_to_do"))
    fits = EDIT_OPTIONS[name]
    misfits = tuple(option for option in given if option not in fits)
    if misfits:
        raise EditError(
            Text(
                "reminders.edit_misfit",
                {
                    "count": len(misfits),
                    "options": _as_options(misfits),
                    "kind": Text(EDIT_KIND_KEYS[name]),
                    "fits": _as_options(fits),
                },
            ),
            misfits=misfits,
            fits=fits,
        )
    _check_values(changes)
    zone = current.zone if changes.timezone is None else changes.timezone
    if isinstance(current, OnceSchedule | AppointmentSchedule):
        day, wall = changes.when or (current.day, current.local_time)
        return type(current)(day, wall, zone)  # the same wall-clock time in a new zone
    if isinstance(current, AfterDoneSchedule):
        hours = current.hours if changes.hours is None else changes.hours
        return AfterDoneSchedule(hours, zone)
    at = current.local_time if changes.time is None else changes.time
    if isinstance(current, WeeklySchedule | EveryNDaysSchedule):
        days = changes.days
        if days is None:
            days = current.weekdays if isinstance(current, WeeklySchedule) else current.days
        if isinstance(days, frozenset):
            if changes.start is not None:
                raise EditError(Text("reminders.start_needs_interval"))
            return WeeklySchedule(at, days, zone)
        start = changes.start
        if start is None and isinstance(current, EveryNDaysSchedule):
            start = current.start
        if start is None:
            raise ValueError("a weekly reminder becomes every N days from a start day")
        return EveryNDaysSchedule(days, at, zone, start)
    return EveryNWeeksSchedule(
        current.weeks if changes.every_weeks is None else changes.every_weeks,
        current.weekday if changes.weekday is None else changes.weekday,
        at,
        zone,
        current.anchor,
    )


def next_due_after_edit(
    new: Schedule,
    now: datetime,
    *,
    in_flight: datetime | None = None,
    last_done_at: datetime | None = None,
    last_sent_at: datetime | None = None,
    active_since: datetime | None = None,
) -> datetime:
    """The next due time to store with an edited schedule.

    It is strictly after `now` and after `in_flight`, the occurrence (due_at) of a delivery
    already claimed and still being sent, if any: that old occurrence is delivered at most
    once (its nonce and ledger row are its own) and the new schedule holds from then on. An
    edit drops any hold on the row: the new schedule decides, and quiet hours still apply.

    An after-done schedule also needs its events (see `after_done_due`); a claimed delivery
    counts as a DM sent now, so the edit never adds a DM right behind the one going out.
    A due time the new hours already passed is due at once (one second after now).
    """
    floor = now if in_flight is None else max(now, in_flight)
    if not isinstance(new, AfterDoneSchedule):
        return next_occurrence(new, floor)
    if active_since is None:
        raise ValueError("an after-done schedule needs active_since")
    sent = now if in_flight is not None else last_sent_at
    due = after_done_due(
        new, last_done_at=last_done_at, last_sent_at=sent, active_since=active_since
    )
    return due if due > floor else floor.astimezone(UTC) + _ONE_SECOND


def resume_at(paused_at: datetime, days: int, zone: str) -> datetime:
    """When a pause of `days` days that began at `paused_at` ends, in UTC.

    The same wall-clock time `days` local calendar days later, so a pause across a DST change
    still ends at the time of day it began; a time skipped by a gap moves forward by the gap
    and a repeated one is its first instance, as for reminders. A timed pause needs no timer of
    its own: store the reminder's next due time as `first_due_after_pause` of this.
    """
    if not isinstance(days, int) or days not in PAUSE_DAYS:
        raise PauseError(Text("reminders.bad_pause_days"))
    if paused_at.tzinfo is None or paused_at.utcoffset() is None:
        raise ValueError("expected a timezone-aware datetime")
    try:
        tz = zone_info(zone)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown time zone {zone!r}") from exc
    local = paused_at.astimezone(tz)
    wall = datetime.combine(local.date() + timedelta(days=days), local.time(), tzinfo=tz)
    return wall.replace(fold=0).astimezone(UTC)


def first_due_after_pause(schedule: Schedule, resumed: datetime) -> datetime:
    """The reminder's next regular occurrence at or after `resumed`.

    For an after-done reminder the pause's end counts like its creation: the first DM comes
    `hours` after it (pass `resumed` as `active_since` to `after_done_due` from then on, so a
    Done during the pause does not end it early).
    """
    if isinstance(schedule, AfterDoneSchedule):
        return next_occurrence(schedule, resumed)
    return next_occurrence(schedule, resumed - _TICK)


def _check_values(changes: Changes) -> None:
    """Out-of-range values, each with the text the creating commands use."""
    if changes.every_weeks is not None and not 1 <= changes.every_weeks <= 12:
        raise EditError(Text("reminders.bad_weeks"))
    if changes.weekday is not None and changes.weekday not in EVERY_DAY:
        raise EditError(Text("parse.weekday_help"))
    if isinstance(changes.days, int) and changes.days not in EVERY_N_DAYS:
        raise EditError(Text("parse.every_days_range"))
    if isinstance(changes.days, frozenset) and (not changes.days or not changes.days <= EVERY_DAY):
        raise EditError(Text("parse.days_help"))
    if changes.hours is not None and changes.hours not in AFTER_DONE_HOURS:
        raise EditError(Text("reminders.bad_hours"))
    if changes.time is not None and changes.time.tzinfo is not None:
        raise ValueError("time is a wall-clock time and must not carry a tzinfo")
    if changes.timezone is not None:
        try:
            zone_info(changes.timezone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise EditError(Text("zones.help")) from exc


def _as_options(names: tuple[str, ...]) -> str:
    return ", ".join(f"`{name}`" for name in names)
