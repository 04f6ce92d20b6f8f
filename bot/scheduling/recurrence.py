"""When reminders fire: wall-clock schedules in each member's zone, schedules that follow what
the member did (after-done), catch-up after downtime.

Quiet hours and holds are in bot.scheduling.quiet_hours, edits and timed pauses in
bot.scheduling.schedule_edits, the words for a schedule in bot.scheduling.schedule_text.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import TypeAlias
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.scheduling.one_offs import (
    AppointmentSchedule,
    OnceSchedule,
    OneOffSchedule,
    next_one_off,
)
from bot.scheduling.zone_rules import zone_info

WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
EVERY_DAY = frozenset(range(7))
WEEKDAYS = frozenset(range(5))
WEEKENDS = frozenset({5, 6})

DEFAULT_GRACE = timedelta(hours=1)
"""A reminder more than this overdue is no longer useful (a stretch prompt at the wrong hour)."""
LATE_AFTER = timedelta(seconds=60)
"""Sends later than this are flagged late so the message can own up to the delay."""

EVERY_N_DAYS = range(2, 15)
"""How many days apart an every-N-days reminder may be: from 2 to 14."""

AFTER_DONE_HOURS = range(2, 169)
"""How many hours an after-done reminder may wait: from 2 to 168 (one week)."""

_ONE_DAY = timedelta(days=1)
_TICK = timedelta(microseconds=1)


@dataclass(frozen=True)
class WeeklySchedule:
    """At `local_time` on each of `weekdays` (0 = Monday) in the IANA zone `zone`."""

    local_time: time
    weekdays: frozenset[int]
    zone: str

    def __post_init__(self) -> None:
        _check_local_time(self.local_time)
        if not self.weekdays or not self.weekdays <= EVERY_DAY:
            raise ValueError("weekdays must be a non-empty set drawn from 0 (Monday) to 6 (Sunday)")
        _zone(self.zone)


@dataclass(frozen=True)
class EveryNWeeksSchedule:
    """At `local_time` on `weekday`, every `weeks` weeks counted from the week holding `anchor`.

    Storing the anchor keeps the on/off weeks stable however often the schedule is recomputed.
    Pass the local date of the intended first occurrence; nothing fires before its week.
    """

    weeks: int
    weekday: int
    local_time: time
    zone: str
    anchor: date

    def __post_init__(self) -> None:
        _check_local_time(self.local_time)
        if not 1 <= self.weeks <= 12:
            raise ValueError("weeks must be from 1 to 12")
        if self.weekday not in EVERY_DAY:
            raise ValueError("weekday must be from 0 (Monday) to 6 (Sunday)")
        _zone(self.zone)


@dataclass(frozen=True)
class EveryNDaysSchedule:
    """At `local_time` every `days` days in `zone`, from `start` on: `start`, then every `days`
    local calendar days after it, a rhythm of rest days that does not follow the week.

    Days are counted on the member's calendar, not in hours, so 08:00 stays 08:00 across DST.
    """

    days: int
    local_time: time
    zone: str
    start: date

    def __post_init__(self) -> None:
        _check_local_time(self.local_time)
        if not isinstance(self.days, int) or self.days not in EVERY_N_DAYS:
            raise ValueError("days must be a whole number from 2 to 14")
        _zone(self.zone)


@dataclass(frozen=True)
class AfterDoneSchedule:
    """`hours` after the member last stretched (pressed Done on any stretch reminder or finished
    a routine), or after the last DM of this reminder if that came later.

    The hours are elapsed hours, so "2 hours after Done" is 2 hours even across a DST change
    (the wall-clock time of the next DM then moves by the shift). `zone` is the member's zone,
    for quiet hours and local days; the due time itself never depends on it.
    """

    hours: int
    zone: str

    def __post_init__(self) -> None:
        if not isinstance(self.hours, int) or self.hours not in AFTER_DONE_HOURS:
            raise ValueError("hours must be a whole number from 2 to 168")
        _zone(self.zone)

    @property
    def wait(self) -> timedelta:
        return timedelta(hours=self.hours)


ClockSchedule: TypeAlias = WeeklySchedule | EveryNWeeksSchedule | EveryNDaysSchedule
"""Schedules that fire at wall-clock times."""
Schedule: TypeAlias = ClockSchedule | AfterDoneSchedule | OneOffSchedule


@dataclass(frozen=True)
class Send:
    """Send the reminder for `occurrence` now, then wait for `next`.

    `occurrence` is the delivery's identity (its nonce and ledger key), not the send time: a
    held send keeps the identity of the occurrence quiet hours held (`held` is then true).
    """

    occurrence: datetime
    late: bool
    next: datetime
    held: bool = False


@dataclass(frozen=True)
class Skip:
    """Send nothing (every missed slot is too stale) and wait for `next`."""

    next: datetime


DuePlan: TypeAlias = Send | Skip


def next_occurrence(schedule: Schedule, after: datetime) -> datetime:
    """The first firing strictly after `after`, as an aware UTC datetime.

    Times are wall-clock times in the member's zone, so 08:00 stays 08:00 across DST. A time that
    a spring-forward gap skips fires shifted forward by the gap (02:30 becomes 03:30 when 02:00 to
    03:00 is missing); a time that a fall-back repeats fires once, at its first instance.

    For an after-done schedule it is `after` plus the hours: the due time if the member's last
    Done or the last DM were at `after`. So "the next one after a DM sent now" and "the first
    one after a resume" read the same for every kind.
    """
    _check_aware(after)
    if isinstance(schedule, AfterDoneSchedule):
        # In UTC: adding to a zoned datetime would add wall-clock hours, not elapsed ones.
        return after.astimezone(UTC) + schedule.wait
    if isinstance(schedule, OnceSchedule | AppointmentSchedule):
        return next_one_off(schedule, after)
    zone = zone_info(schedule.zone)
    # Start a day early: near a transition at midnight a slot's date can trail `after`'s date.
    start = after.astimezone(zone).date() - _ONE_DAY
    slots = (_instant(day, schedule.local_time, zone) for day in _days(schedule, start))
    return next(slot for slot in slots if slot > after)


def plan_due(
    scheduled: datetime, now: datetime, schedule: Schedule, grace: timedelta = DEFAULT_GRACE
) -> DuePlan:
    """What to do about a reminder whose slot `scheduled` has come due, perhaps after downtime.

    A slot at most `grace` old is sent once. After a longer outage the most recent slot is sent
    instead if it is within `grace`, otherwise nothing is. `next` is always after `now`, so
    storing it guarantees at most one send per catch-up: a member is never flooded.

    An after-done reminder is never stale ("you have not stretched for a while" stays true), so
    after any outage it is sent once, late if need be, and the next one is due `hours` after
    this DM, i.e. after `now`. Quiet hours are applied on top, by
    bot.scheduling.quiet_hours.plan_delivery.
    """
    _check_aware(scheduled)
    _check_aware(now)
    if scheduled > now:
        raise ValueError("the reminder is not due yet")
    following = next_occurrence(schedule, now)
    if isinstance(schedule, AfterDoneSchedule):
        late = now - scheduled > LATE_AFTER
        return Send(occurrence=scheduled.astimezone(UTC), late=late, next=following)
    slot = scheduled
    if now - slot > grace:
        slot = next_occurrence(schedule, now - grace - _TICK)
        if slot > now:
            return Skip(next=following)
    return Send(occurrence=slot.astimezone(UTC), late=now - slot > LATE_AFTER, next=following)


def after_done_due(
    schedule: AfterDoneSchedule,
    *,
    last_done_at: datetime | None,
    last_sent_at: datetime | None,
    active_since: datetime,
) -> datetime:
    """When an after-done reminder is next due: `hours` after the latest of its events.

    `last_done_at` is the member's latest Done on any stretch reminder or finished routine,
    `last_sent_at` this reminder's latest DM, `active_since` when it was created or last
    resumed (so nothing is due sooner than `hours` after that). A Done after the DM moves the
    next one to done + hours; with no Done since the DM it is DM + hours. The result is always
    later than every event given. Recompute and store it whenever one of them changes.
    """
    events = [active_since, *(at for at in (last_done_at, last_sent_at) if at is not None)]
    for event in events:
        _check_aware(event)
    return max(event.astimezone(UTC) for event in events) + schedule.wait


def describe(schedule: Schedule) -> str:
    """A short line for the member, e.g. "Every weekday at 08:00 (Europe/London)".

    English for the wall-clock kinds, kept for existing callers; new callers render
    bot.scheduling.schedule_text.describe_text, which covers every kind from data/messages.toml.
    """
    if isinstance(schedule, AfterDoneSchedule | OnceSchedule | AppointmentSchedule):
        raise TypeError("this schedule is described by bot.schedule_text.describe_text")
    at = f"at {schedule.local_time:%H:%M} ({schedule.zone})"
    if isinstance(schedule, EveryNDaysSchedule):
        return f"Every {schedule.days} days {at}"
    if isinstance(schedule, EveryNWeeksSchedule):
        day = WEEKDAY_NAMES[schedule.weekday]
        if schedule.weeks == 1:
            return f"Every {day} {at}"
        return f"Every {schedule.weeks} weeks on {day} {at}"
    if schedule.weekdays == EVERY_DAY:
        return f"Every day {at}"
    if schedule.weekdays == WEEKDAYS:
        return f"Every weekday {at}"
    names = [WEEKDAY_NAMES[day] for day in sorted(schedule.weekdays)]
    listed = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"
    return f"Every {listed} {at}"


def first_day_ahead(local_time: time, zone: str, now: datetime) -> date:
    """The first local day whose `local_time` is still ahead at `now`: today, or else tomorrow.
    Where an every-N-days reminder starts when the member names no day."""
    today = local_date(now, zone)
    return today if _instant(today, local_time, _zone(zone)) > now else today + _ONE_DAY


def local_date(instant: datetime, zone: str) -> date:
    """The member's calendar day at `instant`, so a completion counts toward their own day."""
    _check_aware(instant)
    return instant.astimezone(_zone(zone)).date()


def _days(schedule: ClockSchedule, start: date) -> Iterator[date]:
    """The local dates the schedule fires on, in order, from `start` on (endless)."""
    if isinstance(schedule, WeeklySchedule):
        day = start
        while True:
            if day.weekday() in schedule.weekdays:
                yield day
            day += _ONE_DAY
    if isinstance(schedule, EveryNDaysSchedule):
        step, first = schedule.days, schedule.start
    else:
        step = 7 * schedule.weeks
        first = schedule.anchor - timedelta(days=schedule.anchor.weekday() - schedule.weekday)
    cycles = max(0, -((first - start).days // step))  # ceil((start - first) / step), not before
    day = first + timedelta(days=cycles * step)
    while True:
        yield day
        day += timedelta(days=step)


def _instant(day: date, at: time, zone: ZoneInfo) -> datetime:
    # fold=0 picks the first instance of a repeated wall time and, for a skipped one, the offset
    # from before the transition, which lands exactly one gap-length later on the new clock.
    return datetime.combine(day, at, tzinfo=zone).replace(fold=0).astimezone(UTC)


def _zone(name: str) -> ZoneInfo:
    try:
        return zone_info(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown time zone {name!r}") from exc


def _check_local_time(value: time) -> None:
    if value.tzinfo is not None:
        raise ValueError("local_time is a wall-clock time and must not carry a tzinfo")


def _check_aware(value: datetime) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("expected a timezone-aware datetime")


def schedule_to_json(schedule: Schedule) -> str:
    """The stored form of a schedule (reminders.schedule)."""
    if isinstance(schedule, AfterDoneSchedule):
        after_done = {"type": "after_done", "hours": schedule.hours, "zone": schedule.zone}
        return json.dumps(after_done, sort_keys=True)
    if isinstance(schedule, OnceSchedule | AppointmentSchedule):
        kind = "once" if isinstance(schedule, OnceSchedule) else "appointment"
        one_off = {"type": kind, "day": schedule.day.isoformat(), "zone": schedule.zone}
        return json.dumps(one_off | {"time": f"{schedule.local_time:%H:%M}"}, sort_keys=True)
    data: dict[str, object] = {"time": schedule.local_time.strftime("%H:%M"), "zone": schedule.zone}
    if isinstance(schedule, WeeklySchedule):
        data |= {"type": "weekly", "weekdays": sorted(schedule.weekdays)}
    elif isinstance(schedule, EveryNDaysSchedule):
        data |= {"type": "every_n_days", "days": schedule.days, "start": schedule.start.isoformat()}
    else:
        data |= {
            "type": "every_n_weeks",
            "weeks": schedule.weeks,
            "weekday": schedule.weekday,
            "anchor": schedule.anchor.isoformat(),
        }
    return json.dumps(data, sort_keys=True)


def schedule_from_json(text: str) -> Schedule:
    """The schedule `schedule_to_json` stored; validated like a new one."""
    data = json.loads(text)
    if data["type"] == "after_done":
        return AfterDoneSchedule(data["hours"], data["zone"])
    local_time = time.fromisoformat(data["time"])
    if data["type"] in ("once", "appointment"):
        one_off = OnceSchedule if data["type"] == "once" else AppointmentSchedule
        return one_off(date.fromisoformat(data["day"]), local_time, data["zone"])
    if data["type"] == "weekly":
        return WeeklySchedule(local_time, frozenset(data["weekdays"]), data["zone"])
    if data["type"] == "every_n_days":
        return EveryNDaysSchedule(
            data["days"], local_time, data["zone"], date.fromisoformat(data["start"])
        )
    return EveryNWeeksSchedule(
        data["weeks"], data["weekday"], local_time, data["zone"], date.fromisoformat(data["anchor"])
    )
