"""UTC offsets as members type them ("utc+5", "+05:30"), the fixed-offset zones they stand for,
and the wall-clock time in a zone: the small rules the zone search and its labels share."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

_OFFSET = re.compile(
    r"(?:utc|gmt)? ?(?P<sign>[+-]) ?(?P<hours>[0-9]{1,2})(?::?(?P<minutes>[0-9]{2}))?"
)

MAX_OFFSET = timedelta(hours=14)
MIN_OFFSET = timedelta(hours=-12)
"""The offsets in use on Earth: a typed offset outside them is refused."""


def parse_offset(query: str) -> timedelta | None:
    """A UTC offset from "utc+5", "gmt-3", "utc+05:30", "+0530" or "+5" (already cleaned), or
    None when the text is not an offset. The result may lie outside the offsets in use."""
    match = _OFFSET.fullmatch(query)
    if match is None:
        return None
    hours, minutes = int(match["hours"]), int(match["minutes"] or 0)
    if minutes > 59:
        return timedelta(days=1)  # read as an offset, but out of range
    offset = timedelta(hours=hours, minutes=minutes)
    return -offset if match["sign"] == "-" else offset


def format_offset(offset: timedelta | None) -> str:
    """UTC+05:30 style, for labels and messages."""
    minutes = int((offset or timedelta()).total_seconds() // 60)
    sign = "-" if minutes < 0 else "+"
    hours, minutes = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours:02d}:{minutes:02d}"


def fixed_offset_zone(offset: timedelta) -> str | None:
    """The Etc/ zone that keeps `offset` all year (its sign is POSIX's, the reverse of UTC+N),
    or None for zero (UTC is among the real zones) and offsets that are not whole hours."""
    hours, rest = divmod(offset, timedelta(hours=1))
    if rest or hours == 0 or not -12 <= hours <= 14:
        return None
    return f"Etc/GMT{-hours:+d}"


def is_fixed_offset(zone: str) -> bool:
    """Whether a stored zone is a fixed offset the member picked (no daylight saving)."""
    return zone.startswith("Etc/GMT") and zone != "Etc/GMT"


def local_time(zone: str, now: datetime) -> datetime:
    """The wall-clock time in `zone` at `now`, for labels that help members pick theirs."""
    check_aware(now)
    return now.astimezone(ZoneInfo(zone))


def check_aware(value: datetime) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("expected a timezone-aware datetime")
