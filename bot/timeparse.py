"""Turn what members type (times, days, time zones, links) into checked values or helpful errors."""

from __future__ import annotations

import re
import unicodedata
from datetime import time
from importlib.resources import files
from urllib.parse import urlsplit

from bot.recurrence import EVERY_DAY, WEEKDAY_NAMES, WEEKDAYS, WEEKENDS

MAX_TIME_LENGTH = 20
MAX_DAYS_LENGTH = 100
MAX_ZONE_LENGTH = 64

DAY_KEYWORDS: dict[str, frozenset[int]] = {
    "every day": EVERY_DAY,
    "weekdays": WEEKDAYS,
    "weekends": WEEKENDS,
}
"""The named day sets; the slash command offers these keys as choices."""
_DAY_KEYWORD_ALIASES = {
    "daily": "every day",
    "everyday": "every day",
    "weekday": "weekdays",
    "weekend": "weekends",
}

ZONE_ALIASES = {"utc": "UTC", "etc/utc": "UTC", "gmt": "UTC", "uk": "Europe/London"}
"""Only unambiguous short names: "EST" or "IST" mean different places to different people."""
POPULAR_ZONES = (
    "UTC",
    "Europe/London",
    "Europe/Dublin",
    "Europe/Paris",
    "Europe/Berlin",
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Los_Angeles",
    "America/Toronto",
    "America/Sao_Paulo",
    "Asia/Kolkata",
    "Asia/Singapore",
    "Asia/Tokyo",
    "Australia/Sydney",
    "Pacific/Auckland",
)
"""Offered before the member has typed anything, and first among equally good matches."""

_TIME_HELP = "Enter a time like 08:00, 20:30, 8am or 8:30 pm."
_DAYS_HELP = "Use 'every day', 'weekdays', 'weekends', or day names like 'mon, wed, fri'."
_WEEKDAY_HELP = "Enter one day, like 'tue' or 'Tuesday'."
_ZONE_HELP = (
    "Pick a time zone from the list, or type a city like 'London'"
    " or a zone name like 'America/New_York'."
)

_TIME = re.compile(r"(?P<hour>[0-9]{1,2})(?: ?: ?(?P<minute>[0-9]{2}))? ?(?P<half>am|pm)?")
_HOST_LABEL = r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?"
_HOST = re.compile(rf"{_HOST_LABEL}(?:\.{_HOST_LABEL})*\.?")
_EXACT, _CITY_PREFIX, _NAME_PREFIX, _SUBSTRING = range(4)
_LOWER_DAY_NAMES = tuple(name.lower() for name in WEEKDAY_NAMES)


class TimeParseError(ValueError):
    """A time or day the member typed cannot be read; the message says what is accepted."""


class ZoneError(ValueError):
    """A time zone the member typed is not known; the message suggests what to type."""


def parse_time(text: str) -> time:
    """A wall-clock time from 24-hour "20:30" or 12-hour "8:30 pm" / "8am" forms.

    A bare hour ("8") is refused rather than guessed, since morning and evening are both likely.
    """
    if len(text) > MAX_TIME_LENGTH:
        raise TimeParseError(_TIME_HELP)
    match = _TIME.fullmatch(_clean(text))
    if match is None:
        raise TimeParseError(_TIME_HELP)
    hour = int(match["hour"])
    minute = int(match["minute"] or 0)
    if match["half"] is not None:
        if not 1 <= hour <= 12:
            raise TimeParseError(
                "With am/pm the hour runs from 1 to 12 (12am is midnight, 12pm is noon)."
            )
        hour = hour % 12 + (12 if match["half"] == "pm" else 0)
    elif match["minute"] is None:
        raise TimeParseError("Add am or pm, or use 24-hour time: for example 8am or 20:00.")
    if hour > 23 or minute > 59:
        raise TimeParseError("Hours run from 00 to 23 and minutes from 00 to 59, as in 23:30.")
    return time(hour, minute)


def parse_days(text: str) -> frozenset[int]:
    """Weekdays (0 = Monday) from a keyword in DAY_KEYWORDS or a list like "mon, wed, fri"."""
    if len(text) > MAX_DAYS_LENGTH:
        raise TimeParseError(_DAYS_HELP)
    cleaned = _clean(text)
    keyword = _DAY_KEYWORD_ALIASES.get(cleaned, cleaned)
    if keyword in DAY_KEYWORDS:
        return DAY_KEYWORDS[keyword]
    words = [word for word in re.split(r"[\s,&]+", cleaned) if word and word != "and"]
    if not words:
        raise TimeParseError(_DAYS_HELP)
    return frozenset(_day_index(word, _DAYS_HELP) for word in words)


def parse_weekday(text: str) -> int:
    """One weekday (0 = Monday) from its name or a prefix of at least three letters."""
    if len(text) > MAX_DAYS_LENGTH:
        raise TimeParseError(_WEEKDAY_HELP)
    return _day_index(_clean(text), _WEEKDAY_HELP)


def resolve_zone(text: str) -> str:
    """The IANA zone name to store for what the member typed.

    Accepts any zone name case-insensitively (legacy links such as "US/Eastern" map to their
    current zone), a city ("new york"), or an alias from ZONE_ALIASES.
    """
    query = _searchable(text) if len(text) <= MAX_ZONE_LENGTH else ""
    if not query:
        raise ZoneError(_ZONE_HELP)
    found = _EXACT_ZONE_NAMES.get(query)
    if found is not None:
        return found
    for name, _, city in _ZONE_INDEX:
        if city == query:
            return name
    # Only prefix matches make sensible guesses; "est" is not a typo for America/Creston.
    guesses = [name for rank, _, name in _ranked_zones(query) if rank <= _NAME_PREFIX][:3]
    hint = f" Did you mean {', '.join(guesses)}?" if guesses else ""
    raise ZoneError(f"Unknown time zone. {_ZONE_HELP}{hint}")


def suggest_zones(query: str, limit: int = 25) -> list[str]:
    """Autocomplete choices: exact match, then city prefix, zone-name prefix, substring.

    Within a tier popular zones come first, so "lon" offers Europe/London before Longyearbyen.
    """
    needle = _searchable(query[:MAX_ZONE_LENGTH])
    if not needle:
        return list(POPULAR_ZONES[:limit])
    return [name for _, _, name in _ranked_zones(needle)[:limit]]


def is_safe_https_url(text: str, max_length: int = 512) -> bool:
    """Whether a booking link is fit to show members: https, a plain host, nothing hidden.

    Refuses other schemes (javascript:, http:), embedded credentials (a classic disguise:
    https://bank.example@evil.example), invisible or control characters, backslashes, and
    non-ASCII host names (look-alike letters); punycode hosts are fine.
    """
    if not text or len(text) > max_length or "\\" in text:
        return False
    if any(char.isspace() or unicodedata.category(char).startswith("C") for char in text):
        return False
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 - raises ValueError for a malformed or out-of-range port
    except ValueError:
        return False
    return (
        parts.scheme == "https"
        and "@" not in parts.netloc
        and parts.hostname is not None
        and _HOST.fullmatch(parts.hostname) is not None
    )


def _clean(text: str) -> str:
    """Normalise pasted or phone-typed input so it parses like plain typed ASCII.

    NFKC folds full-width digits and colons; format characters (zero-width spaces, BOMs,
    direction marks) are dropped; case and runs of whitespace are flattened.
    """
    text = unicodedata.normalize("NFKC", text)
    text = "".join(char for char in text if unicodedata.category(char) != "Cf")
    return " ".join(text.lower().split())


def _day_index(word: str, help_text: str) -> int:
    if len(word) >= 3:
        for index, name in enumerate(_LOWER_DAY_NAMES):
            if name.startswith(word):
                return index
    if word.isascii() and word.isalpha() and len(word) <= 12:
        raise TimeParseError(f"'{word}' is not a day. {help_text}")
    raise TimeParseError(help_text)


def _ranked_zones(needle: str) -> list[tuple[int, bool, str]]:
    exact = _EXACT_ZONE_NAMES.get(needle)
    ranked: list[tuple[int, bool, str]] = []
    for name, key, city in _ZONE_INDEX:
        if name == exact or city == needle:
            rank = _EXACT
        elif city.startswith(needle):
            rank = _CITY_PREFIX
        elif key.startswith(needle):
            rank = _NAME_PREFIX
        elif needle in key:
            rank = _SUBSTRING
        else:
            continue
        ranked.append((rank, name not in POPULAR_ZONES, name))
    return sorted(ranked)


def _searchable(text: str) -> str:
    return _clean(text).replace("_", " ")


def _load_zone_index() -> tuple[tuple[str, str, str], ...]:
    """(zone, searchable zone name, searchable city) for every zone offered.

    zone.tab lists one familiar zone per country region (Europe/Oslo, Asia/Kolkata), leaving out
    legacy links (US/Eastern) and fixed offsets (EST, Etc/GMT+5) that would clutter a picker.
    """
    table = files("tzdata").joinpath("zoneinfo", "zone.tab").read_text(encoding="utf-8")
    names = {
        line.split("\t")[2] for line in table.splitlines() if line and not line.startswith("#")
    }
    return tuple(
        (name, _searchable(name), _searchable(name.rsplit("/", 1)[-1]))
        for name in sorted(names | {"UTC"})
    )


def _load_exact_zone_names(index: tuple[tuple[str, str, str], ...]) -> dict[str, str]:
    """Searchable name -> zone to store, for offered zones, aliases and links into them.

    Links without a slash (EST, GB, Japan) are left out: most are abbreviations or countries.
    """
    offered = {name for name, _, _ in index}
    source = files("tzdata").joinpath("zoneinfo", "tzdata.zi").read_text(encoding="utf-8")
    links = (line.split()[1:3] for line in source.splitlines() if line.startswith("L "))
    exact = {
        _searchable(link): target for target, link in links if target in offered and "/" in link
    }
    exact |= {_searchable(name): name for name in offered}
    return exact | ZONE_ALIASES


# Built at import (a few ms) so the first autocomplete request is as fast as the rest.
_ZONE_INDEX = _load_zone_index()
_EXACT_ZONE_NAMES = _load_exact_zone_names(_ZONE_INDEX)
