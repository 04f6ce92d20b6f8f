"""Time zones as people type them: IANA names, cities, abbreviations and everyday names from
data/zones.toml (an ambiguous one offers its candidates), and UTC offsets (the zones at that
offset today), ranked for the member's Discord locale. Errors carry message keys."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

from bot.content.files import read_toml
from bot.content.messages import InputError, Text
from bot.scheduling.zone_index import (
    CITIES,
    COUNTRY,
    EXACT_ZONE_NAMES,
    FORMER_CITIES,
    OFFERED,
    ZONE_INDEX,
    ZONE_INFOS,
    check_aware,
    fixed_offset_zone,
    format_offset,
    local_time,
    parse_offset,
    searchable,
)
from bot.scheduling.zone_rules import zone_names

V = TypeVar("V")

MAX_ZONE_LENGTH = 64
MAX_CANDIDATES_SHOWN = 5
"""How many zones an ambiguous name or an offset lists in its error; autocomplete offers all."""

_LOCALE = re.compile(r"[a-z]{2,3}(?:-(?:[A-Z]{2}|[0-9]{3}))?")

_EXACT, _CITY_PREFIX, _NAME_PREFIX, _SUBSTRING = range(4)

_MAX_OFFSET = timedelta(hours=14)
_MIN_OFFSET = timedelta(hours=-12)


class ZoneError(InputError):
    """A time zone the member typed is unknown, ambiguous or only an offset; the message lists
    what to pick instead."""


class ZoneDataError(ValueError):
    """data/zones.toml is malformed; the message names the entry."""


# --- Time zones ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ZoneName:
    """What a name from data/zones.toml (EST, Pacific, IST) stands for."""

    label: str
    """The name as written in the data file, shown back to the member."""
    zones: tuple[str, ...]
    ambiguous: bool
    locales: Mapping[str, str]


class Zones:
    """Time zone lookup for what members type: IANA names, cities, names from data/zones.toml
    and UTC offsets, with the member's Discord locale deciding ties and ranking."""

    def __init__(
        self,
        names: Mapping[str, ZoneName],
        popular: Iterable[str],
        major: Iterable[str],
        locale_countries: Mapping[str, Iterable[str]],
    ) -> None:
        self.names = dict(names)
        self.popular = tuple(popular)
        self._popular = frozenset(self.popular)
        self._major = tuple(zone for zone in major if zone not in self._popular)
        self._major_order = {zone: order for order, zone in enumerate(self._major, start=1)}
        self._prominent = self._popular | frozenset(self._major)
        self._countries = {locale: frozenset(codes) for locale, codes in locale_countries.items()}

    def resolve(self, text: str, *, now: datetime, locale: str | None = None) -> str:
        """The IANA zone name to store for what the member typed, or a ZoneError saying why not.

        Zone names match case-insensitively (legacy links such as "US/Eastern" give their
        current zone), as do cities ("new york") and the names in data/zones.toml. A name that
        means several clocks (IST) is refused with the candidates unless the member's locale
        settles it; a bare offset (UTC+5) is refused with the zones at that offset at `now`.
        """
        query = searchable(text) if len(text) <= MAX_ZONE_LENGTH else ""
        if not query:
            raise ZoneError(Text("zones.help"))
        found = EXACT_ZONE_NAMES.get(query) or CITIES.get(query) or FORMER_CITIES.get(query)
        if found is not None:
            return found
        named = self.names.get(query)
        if named is not None:
            chosen = self._preferred(named, locale)
            if chosen is not None:
                return chosen
            shown = self._entry_order(named, locale)[:MAX_CANDIDATES_SHOWN]
            raise ZoneError(
                Text(
                    "zones.ambiguous",
                    {"name": named.label, "candidates": _candidates(shown, now)},
                )
            )
        offset = parse_offset(query)
        if offset is not None:
            raise self._offset_error(offset, now, locale)
        # Only prefix matches make sensible guesses; "xyz" is not a typo for a substring.
        guesses = [zone for zone, rank in self._ranked(query, locale) if rank <= _NAME_PREFIX][:3]
        parts = [Text("zones.unknown"), Text("zones.help")]
        if guesses:
            parts.append(Text("zones.did_you_mean", {"zones": ", ".join(guesses)}))
        raise ZoneError(*parts)

    def suggest(
        self, query: str, *, now: datetime, locale: str | None = None, limit: int = 25
    ) -> list[str]:
        """Autocomplete choices, best first: exact match, then city prefix, then zone-name or
        data-file-name prefix, then substring. Within a tier the member's own country's big
        zones come first, then popular ones, their country's others, big cities, the rest.

        An offset ("UTC+5") offers the zones at that offset at `now` and last the fixed-offset
        zone, so keeping a fixed offset is the member's explicit pick.
        """
        needle = searchable(query[:MAX_ZONE_LENGTH])
        countries = self._countries_of(locale)
        if not needle:
            local = [z for z in (*self.popular, *self._major) if COUNTRY.get(z) in countries]
            return list(dict.fromkeys([*local, *self.popular]))[:limit]
        offset = parse_offset(needle)
        if offset is not None:
            if not _MIN_OFFSET <= offset <= _MAX_OFFSET:
                return []
            found = self.at_offset(offset, now=now, locale=locale)
            fixed = fixed_offset_zone(offset)
            if fixed is None or limit < 2:
                return (found or ([fixed] if fixed else []))[:limit]
            return [*found[: limit - 1], fixed]
        return [zone for zone, _ in self._ranked(needle, locale)][:limit]

    def at_offset(
        self, offset: timedelta, *, now: datetime, locale: str | None = None
    ) -> list[str]:
        """The offered zones whose UTC offset at `now` is `offset`, big and local ones first."""
        check_aware(now)
        countries = self._countries_of(locale)
        found = [name for name, zone in ZONE_INFOS if now.astimezone(zone).utcoffset() == offset]
        return sorted(found, key=lambda name: (*self._standing(name, countries), name))

    def _ranked(self, needle: str, locale: str | None) -> list[tuple[str, int]]:
        """(zone, tier) best first, each zone once, for a non-empty searchable query."""
        countries = self._countries_of(locale)
        best: dict[str, tuple[int, int, int, int, int, str]] = {}

        def offer(zone: str, rank: int, preferred: bool = True, position: int = 0) -> None:
            standing = self._standing(zone, countries)
            key = (rank, 0 if preferred else 1, *standing, position, zone)
            if zone not in best or key < best[zone]:
                best[zone] = key

        named = self.names.get(needle)
        if named is not None:
            # Alone in the exact tier (names never clash with zones or cities): in the order the
            # error for an ambiguous name lists them.
            for position, zone in enumerate(self._entry_order(named, locale)):
                best[zone] = (_EXACT, 0, 0, 0, position, zone)

        exact = EXACT_ZONE_NAMES.get(needle)
        if exact is not None:
            offer(exact, _EXACT)
        for name, key, city in ZONE_INDEX:
            if city == needle:
                offer(name, _EXACT)
            elif city.startswith(needle):
                offer(name, _CITY_PREFIX)
            elif key.startswith(needle):
                offer(name, _NAME_PREFIX)
            elif needle in key:
                offer(name, _SUBSTRING)
        for city, name in FORMER_CITIES.items():
            if city == needle:
                offer(name, _EXACT)
            elif city.startswith(needle):
                offer(name, _CITY_PREFIX)
        for typed, entry in self.names.items():
            if typed == needle:
                continue
            if typed.startswith(needle):
                rank = _NAME_PREFIX
            elif any(word.startswith(needle) for word in typed.split()):
                rank = _SUBSTRING  # "european" finds CET, EET and WET
            else:
                continue
            chosen = self._preferred(entry, locale)
            for position, zone in enumerate(entry.zones):
                offer(zone, rank, chosen is None or zone == chosen, position)
        return [(zone, key[0]) for zone, key in sorted(best.items(), key=lambda item: item[1])]

    def _preferred(self, entry: ZoneName, locale: str | None) -> str | None:
        """The zone a name means for this member, or None when they must be asked."""
        explicit = _for_locale(entry.locales, locale)
        if explicit is not None or entry.ambiguous:
            return explicit
        countries = self._countries_of(locale)
        return next((z for z in entry.zones if COUNTRY.get(z) in countries), entry.zones[0])

    def _entry_order(self, entry: ZoneName, locale: str | None) -> list[str]:
        """A name's zones: the one the member means, their own country's, then the data file's
        order (most likely first)."""
        chosen = self._preferred(entry, locale)
        countries = self._countries_of(locale)
        return sorted(
            entry.zones,
            key=lambda zone: (zone != chosen, COUNTRY.get(zone) not in countries),
        )

    def _standing(self, zone: str, countries: frozenset[str]) -> tuple[int, int]:
        """How prominent a zone is for this member, lowest first: their own country's big
        zones, popular zones, their country's other zones, big cities (in the data file's
        order), the rest, and last the research stations of Antarctica and the Arctic."""
        local = COUNTRY.get(zone) in countries
        order = self._major_order.get(zone, 0)
        if local and zone in self._prominent:
            return 0, order
        if zone in self._popular:
            return 1, 0
        if local:
            return 2, 0
        if order:
            return 3, order
        return (5 if zone.startswith(("Antarctica/", "Arctic/")) else 4), 0

    def _countries_of(self, locale: str | None) -> frozenset[str]:
        return _for_locale(self._countries, locale) or frozenset()

    def _offset_error(self, offset: timedelta, now: datetime, locale: str | None) -> ZoneError:
        if not _MIN_OFFSET <= offset <= _MAX_OFFSET:
            return ZoneError(Text("zones.offset_range"), Text("zones.help"))
        label = format_offset(offset)
        found = self.at_offset(offset, now=now, locale=locale)[:MAX_CANDIDATES_SHOWN]
        if found:
            parts = [Text("zones.offset", {"offset": label, "candidates": _candidates(found, now)})]
        else:
            parts = [Text("zones.offset_none", {"offset": label})]
        fixed = fixed_offset_zone(offset)
        if fixed is not None:
            parts.append(Text("zones.offset_fixed", {"zone": fixed}))
        return ZoneError(*parts)


def load_zones(path: Path) -> Zones:
    """Read data/zones.toml, checking every zone against tzdata and every name for clashes."""
    raw = read_toml(path)
    where = path.name
    unknown = set(raw) - {"names", "ranking", "locales"}
    if unknown:
        raise ZoneDataError(f"{where}: unknown tables {sorted(unknown)}")
    installed = zone_names()

    def zone_list(value: Any, context: str) -> tuple[str, ...]:
        if not isinstance(value, list) or not value:
            raise ZoneDataError(f"{where}: {context} must be a non-empty list of zones")
        for zone in value:
            if zone not in installed or zone not in OFFERED:
                raise ZoneDataError(
                    f"{where}: {context}: {zone!r} is not a current IANA zone name"
                    " (use the zone it links to, e.g. Asia/Kolkata for Asia/Calcutta)"
                )
        if len(set(value)) != len(value):
            raise ZoneDataError(f"{where}: {context} lists a zone twice")
        return tuple(value)

    names: dict[str, ZoneName] = {}
    for number, item in enumerate(raw.get("names", []), start=1):
        context = f"names entry {number}"
        extra = set(item) - {"names", "zones", "ambiguous", "locales"}
        if extra:
            raise ZoneDataError(f"{where}: {context}: unknown keys {sorted(extra)}")
        typed = item.get("names")
        if not isinstance(typed, list) or not typed:
            raise ZoneDataError(f"{where}: {context}: `names` must be a non-empty list")
        zones = zone_list(item.get("zones"), f"{context} ({typed[0]})")
        ambiguous = item.get("ambiguous", False)
        if not isinstance(ambiguous, bool) or (ambiguous and len(zones) < 2):
            raise ZoneDataError(f"{where}: {context}: `ambiguous` needs two zones or more")
        locales = item.get("locales", {})
        for locale, zone in locales.items():
            if not _LOCALE.fullmatch(locale) or zone not in zones:
                raise ZoneDataError(
                    f"{where}: {context}: locale {locale!r} must name one of its zones"
                )
        for label in typed:
            key = searchable(label) if isinstance(label, str) else ""
            if not key or len(label) > MAX_ZONE_LENGTH or parse_offset(key) is not None:
                raise ZoneDataError(f"{where}: {context}: bad name {label!r}")
            if key in names or key in EXACT_ZONE_NAMES or key in CITIES or key in FORMER_CITIES:
                raise ZoneDataError(
                    f"{where}: {context}: {label!r} is already a name, zone or city"
                )
            names[key] = ZoneName(label, zones, ambiguous, dict(locales))
    ranking = raw.get("ranking", {})
    popular = zone_list(ranking.get("popular"), "ranking.popular")
    major = zone_list(ranking["major"], "ranking.major") if "major" in ranking else ()
    countries: dict[str, tuple[str, ...]] = {}
    for locale, codes in raw.get("locales", {}).items():
        if not _LOCALE.fullmatch(locale) or not isinstance(codes, list):
            raise ZoneDataError(f"{where}: locales.{locale} must be a list of country codes")
        missing = [code for code in codes if code not in COUNTRY.values()]
        if missing:
            raise ZoneDataError(f"{where}: locales.{locale}: no zones for {missing}")
        countries[locale] = tuple(codes)
    return Zones(names, popular, major, countries)


def _candidates(zones: Iterable[str], now: datetime) -> tuple[Text, ...]:
    return tuple(
        Text("zones.candidate", {"zone": zone, "time": f"{local_time(zone, now):%H:%M}"})
        for zone in zones
    )


def _for_locale(table: Mapping[str, V], locale: str | None) -> V | None:
    """The entry for a Discord locale ("en-US"), else for its language ("en")."""
    if not locale:
        return None
    found = table.get(locale)
    return found if found is not None else table.get(locale.split("-", 1)[0])
