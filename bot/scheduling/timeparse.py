"""Turn what members type (times, days, time zones, links) into checked values or helpful errors.

Errors carry message keys from data/messages.toml rather than English, so the caller renders
them in the bot's words; time zone names and abbreviations come from data/zones.toml.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, time, timedelta
from typing import TypeVar
from urllib.parse import urlsplit

from bot.content.member_text import neutralise
from bot.content.messages import InputError, Text
from bot.scheduling.one_offs import wall_instant
from bot.scheduling.recurrence import EVERY_DAY, EVERY_N_DAYS, WEEKDAY_NAMES, WEEKDAYS, WEEKENDS
from bot.scheduling.zone_rules import zone_info

V = TypeVar("V")

MAX_TIME_LENGTH = 20
MAX_DAYS_LENGTH = 100

DAY_KEYWORDS: dict[str, frozenset[int]] = {
    "every day": EVERY_DAY,
    "weekdays": WEEKDAYS,
    "weekends": WEEKENDS,
}
"""The named day sets; the days autocomplete offers these keys first."""
_DAY_KEYWORD_ALIASES = {
    "daily": "every day",
    "everyday": "every day",
    "all week": "every day",
    "weekday": "weekdays",
    "weekend": "weekends",
}
_TIME_WORDS = {"noon": time(12, 0), "midday": time(12, 0), "midnight": time(0, 0)}

_TIME = re.compile(
    r"(?:(?P<hour>[0-9]{1,2})(?:(?P<sep> ?[:.] ?|h)(?P<minute>[0-9]{2})?)?"
    r"|(?P<compact_hour>[0-9]{1,2})(?P<compact_minute>[0-9]{2}))"  # 1930, 0830, 830
    r" ?(?P<half>[ap]\.?m\.?)?"
)
_RANGE_WORDS = re.compile(r" ?(?:-|\bto\b|\bthrough\b|\bthru\b|\buntil\b|\btill\b) ?")
_DASHES = str.maketrans(dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe63", "-"))
_HOST_LABEL = r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?"
_HOST = re.compile(rf"{_HOST_LABEL}(?:\.{_HOST_LABEL})*\.?")
_LOWER_DAY_NAMES = tuple(name.lower() for name in WEEKDAY_NAMES)
_DAY_ABBREVIATIONS = {
    "m": 0, "mo": 0, "tu": 1, "w": 2, "we": 2, "weds": 2,
    "th": 3, "f": 4, "fr": 4, "sa": 5, "su": 6,
}  # fmt: skip
"""Short forms below the three-letter prefixes: M-F, mo we fr, Tu/Th, weds."""
_AMBIGUOUS_LETTERS = {"t": ("tu", "th"), "s": ("sa", "su")}
_EVERY_N_DAYS = re.compile(
    r"(?:every|each) (?P<count>[0-9]{1,3}|other|second)(?:st|nd|rd|th)? days?"
)
_START_WITHIN = timedelta(days=366)
MAX_WHEN_LENGTH = 60
_WHEN_TIME = r"(?P<time>[0-9][^ ]*(?: ?[ap]\.?m\.?)?)"
_DAY_THEN_TIME = re.compile(rf"(?P<day>.+?) (?:at )?{_WHEN_TIME}")
_TIME_THEN_DAY = re.compile(rf"{_WHEN_TIME} (?:on )?(?P<day>.+)")


# --- Errors -------------------------------------------------------------------------------------


class TimeParseError(InputError):
    """A time or day the member typed cannot be read; the message says what is accepted."""


# --- Times and days -----------------------------------------------------------------------------


def parse_time(text: str) -> time:
    """A wall-clock time as people type it: 20:30, 8:30 pm, 8am, 7.30, 19h30, 19h, noon.

    Four digits are the 24-hour clock without a colon (1930, 0830). A bare hour from 1 to 12
    ("8") is refused rather than guessed, since morning and evening are both likely; one that
    only the 24-hour clock has ("13", "0", "07") and "19h" (as written in French or German)
    are read as such.
    """
    if len(text) > MAX_TIME_LENGTH:
        raise TimeParseError(Text("parse.time_help"))
    cleaned = re.sub(r"^12 ?(?=noon$|midday$|midnight$)", "", clean_input(text))
    if cleaned in _TIME_WORDS:
        return _TIME_WORDS[cleaned]
    match = _TIME.fullmatch(cleaned)
    if match is None:
        raise TimeParseError(Text("parse.time_help"))
    sep, half = match["sep"], match["half"]
    compact = match["compact_hour"] is not None
    hour_text = match["compact_hour"] if compact else match["hour"]
    minute_text = match["compact_minute"] if compact else match["minute"]
    if sep is not None and sep != "h" and minute_text is None:
        raise TimeParseError(Text("parse.time_help"))  # "8:" or "8."
    hour = int(hour_text)
    minute = int(minute_text or 0)
    if half is not None:
        if not 1 <= hour <= 12:
            raise TimeParseError(Text("parse.time_half_hours"))
        hour = hour % 12 + (12 if half.startswith("p") else 0)
    elif sep is None and not compact and 1 <= hour <= 12 and not hour_text.startswith("0"):
        raise TimeParseError(Text("parse.time_needs_half"))
    if hour > 23 or minute > 59:
        raise TimeParseError(Text("parse.time_range"))
    return time(hour, minute)


def parse_days(text: str) -> frozenset[int]:
    """Weekdays (0 = Monday) from a keyword ("weekdays", "daily"), names ("mon, wed, fri",
    "Mondays"), ranges ("mon-fri", "fri to mon" wrapping over the weekend) or a mix of these."""
    if len(text) > MAX_DAYS_LENGTH:
        raise TimeParseError(Text("parse.days_help"))
    cleaned = clean_input(text)
    keyword = _DAY_KEYWORD_ALIASES.get(cleaned, cleaned)
    if keyword in DAY_KEYWORDS:
        return DAY_KEYWORDS[keyword]
    cleaned = _RANGE_WORDS.sub("-", cleaned)
    words = [
        word for word in re.split(r"[\s,&+/;]+", cleaned) if word and word not in ("and", "every")
    ]
    if not words:
        raise TimeParseError(Text("parse.days_help"))
    days: set[int] = set()
    for word in words:
        days |= _day_item(word)
    return frozenset(days)


def parse_every_n_days(text: str) -> int | None:
    """N from "every 3 days", "every other day", "every second day" or "every 3rd day"; None
    when the text is not a day interval (then it is days of the week, see `parse_days`)."""
    match = _EVERY_N_DAYS.fullmatch(clean_input(text)[:MAX_DAYS_LENGTH])
    if match is None:
        return None
    count = match["count"]
    days = 2 if count in ("other", "second") else int(count)
    if days not in EVERY_N_DAYS:
        raise TimeParseError(Text("parse.every_days_range"))
    return days


def parse_start_day(text: str, today: date) -> date:
    """The first day of an every-N-days rhythm: "today", "tomorrow", a weekday (the next one,
    today included) or a date as 2026-03-05, within a year of `today`."""
    cleaned = clean_input(text)[:MAX_DAYS_LENGTH]
    if cleaned in ("today", "tomorrow"):
        return today + timedelta(days=cleaned == "tomorrow")
    try:
        day = date.fromisoformat(cleaned)
    except ValueError:
        try:
            weekday = _day_index(cleaned, "parse.start_help")
        except TimeParseError as exc:
            raise TimeParseError(Text("parse.start_help")) from exc
        return today + timedelta(days=(weekday - today.weekday()) % 7)
    if abs(day - today) > _START_WITHIN:
        raise TimeParseError(Text("parse.start_help"))
    return day


def parse_when(text: str, now: datetime, zone: str) -> tuple[date, time]:
    """A day and a time in `zone` from "thu 10:00", "tomorrow at 9am", "2026-03-05 14:30",
    "10:00 on friday" or "16:00"; it must be ahead of `now`. A bare time is today's if still
    ahead, else tomorrow's; a weekday is the next one whose time is still ahead (today's, or a
    week on)."""
    cleaned = clean_input(text)
    if not cleaned or len(cleaned) > MAX_WHEN_LENGTH:
        raise TimeParseError(Text("reminders.when_help"))
    today = now.astimezone(zone_info(zone)).date()
    try:
        at = parse_time(cleaned)
        days = [today, today + timedelta(days=1)]
    except TimeParseError:
        match = _DAY_THEN_TIME.fullmatch(cleaned) or _TIME_THEN_DAY.fullmatch(cleaned)
        if match is None:
            raise TimeParseError(Text("reminders.when_help")) from None
        try:
            at = parse_time(match["time"])
            day = parse_start_day(match["day"], today)
        except InputError as exc:
            raise TimeParseError(Text("reminders.when_help")) from exc
        named_weekday = match["day"] not in ("today", "tomorrow") and day.isoformat() not in (
            match["day"],
        )
        days = [day, day + timedelta(days=7)] if named_weekday else [day]
    for day in days:
        if wall_instant(day, at, zone) > now:
            return day, at
    raise TimeParseError(Text("reminders.when_past"))


def parse_weekday(text: str) -> int:
    """One weekday (0 = Monday) from its name or a prefix of at least three letters."""
    if len(text) > MAX_DAYS_LENGTH:
        raise TimeParseError(Text("parse.weekday_help"))
    return _day_index(clean_input(text), "parse.weekday_help")


def _day_item(word: str) -> set[int]:
    keyword = _DAY_KEYWORD_ALIASES.get(word, word)
    if keyword in DAY_KEYWORDS:
        return set(DAY_KEYWORDS[keyword])
    if "-" not in word:
        return {_day_index(word, "parse.days_help")}
    ends = word.split("-")
    if len(ends) != 2 or not all(ends):
        raise TimeParseError(Text("parse.days_help"))
    first, last = (_day_index(end, "parse.days_help") for end in ends)
    return {(first + step) % 7 for step in range((last - first) % 7 + 1)}


def _day_index(word: str, help_key: str) -> int:
    if word in _DAY_ABBREVIATIONS:
        return _DAY_ABBREVIATIONS[word]
    if word in _AMBIGUOUS_LETTERS:
        first, second = _AMBIGUOUS_LETTERS[word]
        raise TimeParseError(
            Text("parse.ambiguous_day", {"word": word, "first": first, "second": second}),
            Text(help_key),
        )
    if len(word) >= 3:
        for index, name in enumerate(_LOWER_DAY_NAMES):
            if name.startswith(word) or word == f"{name}s":
                return index
    if word.isascii() and word.isalpha() and len(word) <= 12:
        shown = neutralise(word, 2 * len(word))
        raise TimeParseError(Text("parse.not_a_day", {"word": shown}), Text(help_key))
    raise TimeParseError(Text(help_key))


# --- Booking links ------------------------------------------------------------------------------


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


def clean_input(text: str) -> str:
    """Normalise pasted or phone-typed input so it parses like plain typed ASCII.

    NFKC folds full-width digits and colons; dashes and minus signs become "-" (phones turn
    "mon-fri" into "mon\u2013fri"); format characters (zero-width spaces, BOMs, direction marks) are
    dropped; case and runs of whitespace are flattened.
    """
    text = unicodedata.normalize("NFKC", text).translate(_DASHES)
    text = "".join(char for char in text if unicodedata.category(char) != "Cf")
    return " ".join(text.lower().split())
