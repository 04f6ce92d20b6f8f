"""Reminders that happen once: a member's own one-off ("call the clinic Thursday 10:00") and an
appointment's two reminders (the day before, at the same time, and two hours before).

Both are wall-clock times in the member's zone, like every reminder, and both end: after their
last occurrence `next_one_off` gives NEVER, and the row is deleted once that DM is out. What
members type for them is read by bot.scheduling.timeparse.parse_when.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import TypeAlias

from bot.scheduling.zone_rules import zone_info

NEVER = datetime(9999, 12, 31, tzinfo=UTC)
"""The next occurrence of a reminder that has none left: never due."""
DAY_BEFORE = timedelta(days=1)
HOURS_BEFORE = timedelta(hours=2)

@dataclass(frozen=True)
class OnceSchedule:
    """At `local_time` on `day` in `zone`, once."""

    day: date
    local_time: time
    zone: str

    def __post_init__(self) -> None:
        zone_info(self.zone)

    def instants(self) -> tuple[datetime, ...]:
        return (wall_instant(self.day, self.local_time, self.zone),)


@dataclass(frozen=True)
class AppointmentSchedule:
    """An appointment at `local_time` on `day` in `zone`: reminded the day before at the same
    time, and two hours before."""

    day: date
    local_time: time
    zone: str

    def __post_init__(self) -> None:
        zone_info(self.zone)

    @property
    def appointment(self) -> datetime:
        return wall_instant(self.day, self.local_time, self.zone)

    def instants(self) -> tuple[datetime, ...]:
        day_before = wall_instant(self.day - DAY_BEFORE, self.local_time, self.zone)
        return (day_before, self.appointment - HOURS_BEFORE)


OneOffSchedule: TypeAlias = OnceSchedule | AppointmentSchedule


def next_one_off(schedule: OneOffSchedule, after: datetime) -> datetime:
    """The first of the schedule's instants strictly after `after`, or NEVER."""
    return next((at for at in schedule.instants() if at > after), NEVER)


def is_last(schedule: OneOffSchedule, occurrence: datetime) -> bool:
    """Whether `occurrence` is the schedule's last: the row goes once its DM is out."""
    return next_one_off(schedule, occurrence) == NEVER


def wall_instant(day: date, at: time, zone: str) -> datetime:
    """The UTC instant of a wall-clock time; a time a spring-forward skips moves on by the gap
    and a repeated one is its first instance, as for every reminder."""
    return datetime.combine(day, at, tzinfo=zone_info(zone)).replace(fold=0).astimezone(UTC)
