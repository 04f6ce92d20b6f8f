"""Time samples and measures shared by the rule tests: real DST transitions, pacing windows."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

DAY = timedelta(days=1)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def busiest_window(stamps):
    """The most acquisitions in any half-open 1-second window, wherever it starts."""
    busiest, start = 0, 0
    for end, stamp in enumerate(stamps):
        while stamp - stamps[start] >= 1.0:
            start += 1
        busiest = max(busiest, end - start + 1)
    return busiest


DST_ZONES = (
    "Europe/London",
    "Europe/Dublin",
    "America/New_York",
    "America/Havana",
    "America/Nuuk",
    "America/Santiago",
    "America/Sao_Paulo",
    "America/St_Johns",
    "Africa/Casablanca",
    "Asia/Tehran",
    "Australia/Sydney",
    "Australia/Lord_Howe",
    "Pacific/Chatham",
    "Antarctica/Troll",
)


def _transitions(zone: str) -> list[datetime]:
    """UTC instants (to the minute) where the zone's offset changes, 2010-2026."""
    tz = ZoneInfo(zone)
    found = []
    day = utc(2010, 1, 1)
    while day.year < 2027:
        if day.astimezone(tz).utcoffset() != (day + DAY).astimezone(tz).utcoffset():
            low, high = day, day + DAY
            while high - low > timedelta(minutes=1):
                mid = low + (high - low) / 2
                if mid.astimezone(tz).utcoffset() == low.astimezone(tz).utcoffset():
                    low = mid
                else:
                    high = mid
            found.append(high.replace(second=0, microsecond=0))
        day += DAY
    return found


TRANSITIONS = [(zone, instant) for zone in DST_ZONES for instant in _transitions(zone)]
