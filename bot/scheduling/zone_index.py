"""Every zone the bot offers, indexed from the tzdata package (bot.scheduling.zone_rules): each
zone's searchable name, city and country, the exact names that store a zone (links such as
Asia/Calcutta included), and UTC offsets as members type and read them."""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime, timedelta
from importlib.resources import files

from bot.scheduling.timeparse import clean_input
from bot.scheduling.zone_rules import zone_info

_OFFSET = re.compile(
    r"(?:utc|gmt)? ?(?P<sign>[+-]) ?(?P<hours>[0-9]{1,2})(?::?(?P<minutes>[0-9]{2}))?"
)


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
    return now.astimezone(zone_info(zone))


def check_aware(value: datetime) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("expected a timezone-aware datetime")


# --- Normalising and the zone index -----------------------------------------------------------


def searchable(text: str) -> str:
    """What a zone, city or name is matched by: cleaned, accents folded ("São Paulo" is "sao
    paulo", as in America/Sao_Paulo), underscores as spaces."""
    decomposed = unicodedata.normalize("NFKD", clean_input(text))
    folded = "".join(char for char in decomposed if not unicodedata.combining(char))
    return folded.replace("_", " ")


def _load_zone_index() -> tuple[tuple[tuple[str, str, str], ...], dict[str, str]]:
    """(zone, searchable zone name, searchable city) for every zone offered, and each zone's
    country.

    zone.tab lists one familiar zone per country region (Europe/Oslo, Asia/Kolkata), leaving out
    legacy links (US/Eastern) and fixed offsets (EST, Etc/GMT+5) that would clutter a picker.
    """
    table = files("tzdata").joinpath("zoneinfo", "zone.tab").read_text(encoding="utf-8")
    rows = [line.split("\t") for line in table.splitlines() if line and not line.startswith("#")]
    country = {row[2]: row[0] for row in rows}
    index = tuple(
        (name, searchable(name), searchable(name.rsplit("/", 1)[-1]))
        for name in sorted({*country, "UTC"})
    )
    return index, country


def _load_exact_zone_names(index: tuple[tuple[str, str, str], ...]) -> dict[str, str]:
    """Searchable name -> zone to store, for offered zones, links into them and the fixed
    offsets (Etc/GMT-5), which are never suggested but stored when a member picks one.

    Links without a slash (EST, GB, Japan) are left out: most are abbreviations or countries,
    whose meaning data/zones.toml decides.
    """
    offered = {name for name, _, _ in index}
    source = files("tzdata").joinpath("zoneinfo", "tzdata.zi").read_text(encoding="utf-8")
    lines = [line.split() for line in source.splitlines()]
    utc = {"Etc/UTC", "Etc/GMT"}
    exact = {
        searchable(fields[1]): fields[1]
        for fields in lines
        if fields and fields[0] == "Z" and is_fixed_offset(fields[1])
    }
    for fields in lines:
        if fields and fields[0] == "L" and "/" in fields[2]:
            target, link = fields[1], fields[2]
            if target in offered:
                exact[searchable(link)] = target
            elif target in utc:
                exact[searchable(link)] = "UTC"
    exact |= {searchable(name): "UTC" for name in utc}
    return exact | {searchable(name): name for name in offered}


_CITY_REGIONS = ("Africa/", "America/", "Asia/", "Atlantic/", "Europe/", "Indian/", "Pacific/")
_MISLEADING_LINKS = frozenset({"Pacific/Samoa"})
"""Links whose city would mislead: Samoa the country keeps Pacific/Apia's clock, not this one's."""


def _load_former_cities(cities: dict[str, str]) -> dict[str, str]:
    """Searchable former or other spelling of a city -> zone, from the package's links into
    offered zones (Kiev, Calcutta, Saigon, Rangoon): the city a member types alone.

    Only links named after a city: the old country and state folders (US/Eastern,
    Australia/NSW, Canada/Central) name regions, whose meaning data/zones.toml decides.
    """
    source = files("tzdata").joinpath("zoneinfo", "tzdata.zi").read_text(encoding="utf-8")
    former: dict[str, str] = {}
    for fields in (line.split() for line in source.splitlines()):
        if not fields or fields[0] != "L" or fields[1] not in OFFERED:
            continue
        link = fields[2]
        if link.startswith(_CITY_REGIONS) and link not in _MISLEADING_LINKS:
            city = searchable(link.rsplit("/", 1)[-1])
            if city not in cities:
                former.setdefault(city, fields[1])
    return former


# Built at import (a few ms) so the first autocomplete request is as fast as the rest.
ZONE_INDEX, COUNTRY = _load_zone_index()
OFFERED = frozenset(name for name, _, _ in ZONE_INDEX)
EXACT_ZONE_NAMES = _load_exact_zone_names(ZONE_INDEX)
CITIES = {city: name for name, _, city in reversed(ZONE_INDEX)}
"""City -> zone; where two zones share a city name the first in alphabetical order wins."""
FORMER_CITIES = _load_former_cities(CITIES)
ZONE_INFOS = tuple((name, zone_info(name)) for name, _, _ in ZONE_INDEX)

