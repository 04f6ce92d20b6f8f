"""When a snoozed reminder comes back: 10 minutes, an hour, this evening or tomorrow at the same
time, each a rule of the clock, the member's zone and their quiet hours."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from enum import StrEnum

from bot.scheduling.quiet_hours import QuietHours, reach
from bot.scheduling.zone_rules import zone_info


class SnoozeChoice(StrEnum):
    """What a member can pick on a reminder DM; the value is what its button's custom_id holds."""

    TEN_MINUTES = "10m"
    HOUR = "1h"
    EVENING = "eve"
    TOMORROW = "tmr"


EVENING_TIMES = tuple(
    time(hour, minute)
    for hour, minute in (
        (19, 0), (18, 30), (18, 0), (17, 30), (17, 0), (19, 30), (20, 0), (20, 30), (21, 0)
    )
)  # fmt: skip
"""This evening, in order of preference: 19:00 (after work and dinner for most, well before
bed), earlier when quiet hours start early, later when the evening has begun."""
MIN_LEAD = timedelta(minutes=30)
"""An evening time less than this away is no choice: 10 minutes and an hour cover it."""


def snooze_target(
    choice: SnoozeChoice,
    *,
    now: datetime,
    occurrence: datetime,
    zone: str,
    quiet: QuietHours | None,
) -> datetime | None:
    """When the snoozed reminder comes back (UTC), or None when `choice` has no time left
    today (the evening has begun, or quiet hours cover all of it).

    "Tomorrow" is the occurrence's wall-clock time on the day after today in `zone`, DST-correct
    (a time a spring-forward skips comes at the end of the gap); quiet hours hold it like any
    reminder. "This evening" is the first of EVENING_TIMES today that is at least half an hour
    away and not in quiet hours.
    """
    if choice is SnoozeChoice.TEN_MINUTES:
        return (now + timedelta(minutes=10)).astimezone(UTC)
    if choice is SnoozeChoice.HOUR:
        return (now + timedelta(hours=1)).astimezone(UTC)
    tz = zone_info(zone)
    today = now.astimezone(tz).date()
    if choice is SnoozeChoice.TOMORROW:
        wall = occurrence.astimezone(tz).time().replace(second=0, microsecond=0)
        return reach(today + timedelta(days=1), wall, tz)
    for wall in EVENING_TIMES:
        candidate = reach(today, wall, tz)
        if candidate >= now + MIN_LEAD and (quiet is None or not quiet.contains(candidate, zone)):
            return candidate
    return None


def snoozed_due(target: datetime, regular_next: datetime, *, follows_done: bool) -> datetime:
    """The row's next due time after a snooze to `target`: a snooze never skips the next
    regular occurrence (it would come as one DM instead of two), except for a reminder that
    follows the member's Done, whose next time counts from its DMs anyway."""
    return target if follows_done else min(target, regular_next)
