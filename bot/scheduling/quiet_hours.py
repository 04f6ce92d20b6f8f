"""Quiet hours: no reminder DM while the member's clock is between two times, and holding one.

A member's quiet hours are two wall-clock times, e.g. 22:00 to 07:30 (across midnight is fine).
Each night's window runs from the first instant the local clock reaches the start to the first
instant it reaches the end, so DST behaves: a start or end that a spring-forward gap skips is
reached the moment the clock jumps past it, and one that a fall-back repeats is reached at its
first instance (the window is never left and re-entered within one night).

A reminder that comes due inside a window is held, not dropped: it is sent once when the window
ends, keeping the identity (the `due_at` of the delivery nonce and ledger) of the occurrence it
was, with a line saying it was held. The scheduler stores a hold on the reminder's row; see
`plan_delivery` for the whole state machine.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import TypeAlias
from zoneinfo import ZoneInfo

from bot.content.messages import InputError, Text
from bot.scheduling.recurrence import (
    DEFAULT_GRACE,
    LATE_AFTER,
    AfterDoneSchedule,
    Schedule,
    Send,
    Skip,
    plan_due,
)
from bot.scheduling.zone_rules import zone_info

_ONE_DAY = timedelta(days=1)
_MAX_MERGED_WINDOWS = 8
"""Windows that touch (a skipped day can join two nights) are released through together."""


class QuietHoursError(InputError):
    """Quiet hours the member asked for cannot be used; the message key says why."""


@dataclass(frozen=True)
class QuietHours:
    """No DM from `start` until `end`, wall-clock times in the member's zone.

    `end` before `start` means the window crosses midnight (22:00 to 07:30). `end` itself is
    outside the window. The zone is passed to each call rather than stored, so quiet hours
    follow the member when their time zone changes: pass the member's zone (members.timezone),
    or the reminder's own zone when the member has none.
    """

    start: time
    end: time

    def __post_init__(self) -> None:
        if self.start.tzinfo is not None or self.end.tzinfo is not None:
            raise ValueError("quiet hours are wall-clock times and must not carry a tzinfo")
        if self.start == self.end:
            raise QuietHoursError(Text("reminders.quiet_same"))

    @property
    def crosses_midnight(self) -> bool:
        return self.end < self.start

    def contains(self, instant: datetime, zone: str) -> bool:
        """Whether a DM at `instant` would fall in the member's quiet hours."""
        return self._window_at(instant, zone_info(zone)) is not None

    def release(self, instant: datetime, zone: str) -> datetime:
        """The first instant at or after `instant` outside quiet hours, in UTC.

        `instant` itself (in UTC) when it is not quiet; otherwise the end of its window: an end
        time skipped by a spring-forward gap is the first instant after the gap, a repeated one
        its first instance.
        """
        tz = zone_info(zone)
        released = instant.astimezone(UTC)
        for _ in range(_MAX_MERGED_WINDOWS):
            window = self._window_at(released, tz)
            if window is None:
                return released
            released = window[1]
        raise AssertionError("quiet hours never end")  # windows are under two days apart

    def windows(self, around: datetime, zone: str) -> Iterator[tuple[datetime, datetime]]:
        """The (start, end) UTC instants of the nightly windows near `around`, in order.

        A window can be empty (start == end) when DST skips all of it.
        """
        tz = zone_info(zone)
        day = _local_date(around, tz)
        for offset in range(-2, 2):
            yield self._window(day + offset * _ONE_DAY, tz)

    def stored(self) -> str:
        """The stored form, e.g. "22:00-07:30" (members' quiet hours column)."""
        return f"{self.start:%H:%M}-{self.end:%H:%M}"

    @classmethod
    def from_stored(cls, text: str) -> QuietHours:
        start, end = text.split("-")
        return cls(time.fromisoformat(start), time.fromisoformat(end))

    def _window(self, day: date, tz: ZoneInfo) -> tuple[datetime, datetime]:
        end_day = day + _ONE_DAY if self.crosses_midnight else day
        return reach(day, self.start, tz), reach(end_day, self.end, tz)

    def _window_at(self, instant: datetime, tz: ZoneInfo) -> tuple[datetime, datetime] | None:
        _check_aware(instant)
        day = _local_date(instant, tz)
        # A window starts on its own day and ends by the next, give or take a gap pushing an
        # end past midnight or a fall-back over it; a day more each way covers those.
        for offset in range(-2, 2):
            start, end = self._window(day + offset * _ONE_DAY, tz)
            if start <= instant < end:
                return start, end
        return None


def reach(day: date, wall: time, tz: ZoneInfo) -> datetime:
    """The first instant (UTC) at which the local clock shows `wall` on `day` or later.

    A time that exists is that instant, its first instance if a fall-back repeats it. A time
    that a spring-forward gap skips is reached at the transition itself, e.g. 02:30 on the day
    New York jumps from 02:00 to 03:00 is reached at 03:00 EDT.
    """
    naive = datetime.combine(day, wall)
    first = naive.replace(tzinfo=tz, fold=0).astimezone(UTC)
    if first.astimezone(tz).replace(tzinfo=None) == naive:
        return first
    # In a gap, reading `naive` with the offset after the jump gives an instant before the
    # transition and with the offset before it one after; find the transition between them.
    low = int(naive.replace(tzinfo=tz, fold=1).timestamp()) - 1
    high = int(first.timestamp()) + 1
    offset_before = datetime.fromtimestamp(low, tz).utcoffset()
    while high - low > 1:  # transitions in the tz database fall on whole seconds
        middle = (low + high) // 2
        if datetime.fromtimestamp(middle, tz).utcoffset() == offset_before:
            low = middle
        else:
            high = middle
    return datetime.fromtimestamp(high, UTC)


@dataclass(frozen=True)
class Hold:
    """Send nothing now; at `until`, when quiet hours end, send `occurrence`, marked held.

    The scheduler stores both on the row (next_due_at = until, and the held occurrence) and
    passes the occurrence back as `held` to `plan_delivery` when the row comes due again.
    """

    occurrence: datetime
    until: datetime


Delivery: TypeAlias = Send | Skip | Hold


def plan_delivery(
    schedule: Schedule,
    scheduled: datetime,
    now: datetime,
    *,
    held: datetime | None = None,
    quiet: QuietHours | None = None,
    zone: str | None = None,
    grace: timedelta = DEFAULT_GRACE,
) -> Delivery:
    """What the scheduler does with a row due at `scheduled` (its next_due_at), at `now`.

    `held` is the occurrence a previous `Hold` stored on the row (None if none); `quiet` and
    `zone` are the member's quiet hours and the zone they are read in. The rules:

    - Catch-up is `plan_due`'s: one send at most, stale wall-clock slots skipped.
    - A held occurrence is sent when its row comes due (the window's end), as
      `Send(occurrence=held, held=True)`, late if the bot was offline at the release; if that
      was more than `grace` ago, a wall-clock reminder drops it and follows `plan_due` instead.
    - Any send that would land inside quiet hours becomes `Hold(occurrence, until=release)`,
      keeping its identity, so holding twice (quiet hours edited longer) still sends it once.
    - After a held send `next` comes from the schedule after `now`, so occurrences that fell
      inside the window are never sent as well: one held message per window, not several.

    Storing the result: `Send` -> claim a delivery with due_at = occurrence (nonce and ledger
    dedupe it), clear the hold, next_due_at = next; `Skip` -> clear the hold, next_due_at =
    next; `Hold` -> no delivery, store the hold, next_due_at = until. Every time stored is after
    `now`, so one wake-up never causes more than one DM. Whatever else sets next_due_at clears
    the hold too: an edit (see bot.scheduling.schedule_edits) or a Done on an after-done reminder
    (the member has stretched, so the held nudge is owed no more).
    """
    _check_aware(scheduled)
    _check_aware(now)
    # Differences of datetimes sharing a zone are wall-clock differences: work in UTC.
    scheduled, now = scheduled.astimezone(UTC), now.astimezone(UTC)
    if quiet is not None and zone is None:
        raise ValueError("quiet hours need the zone they are read in")
    due = plan_due(scheduled, now, schedule, grace)
    plan: Delivery = due
    if held is not None:
        _check_aware(held)
        if held > now:
            raise ValueError("a held occurrence cannot be in the future")
        if isinstance(schedule, AfterDoneSchedule) or now - scheduled <= grace:
            late = now - scheduled > LATE_AFTER
            plan = Send(held.astimezone(UTC), late=late, next=due.next, held=True)
    if (
        isinstance(plan, Send)
        and quiet is not None
        and zone is not None
        and quiet.contains(now, zone)
    ):
        return Hold(plan.occurrence, quiet.release(now, zone))
    return plan


def _local_date(instant: datetime, tz: ZoneInfo) -> date:
    return instant.astimezone(tz).date()


def _check_aware(value: datetime) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("expected a timezone-aware datetime")
