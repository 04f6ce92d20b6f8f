"""Time zone rules from the tzdata package the bot installs, never from the host.

The standard library's ZoneInfo reads the operating system's zone files first and falls back
to the tzdata package only when they are missing. A host whose files are older than the
package (a 2025 system beside a 2026 package) then fires reminders an hour off in every zone
whose rules changed in between, and nothing in the bot notices: the shown times, quiet hours
and pauses are off by the same hour. So every zone the bot uses comes from here, read from the
package's own files, whatever the host has and whatever TZPATH or PYTHONTZPATH say.

A loader rather than `zoneinfo.reset_tzpath(to=[])` at start-up: the search path is global to
the process, so it would have to run before anything made a ZoneInfo (ZoneInfo caches what it
read first), and would change the rules of any other code in the process too.
"""

from __future__ import annotations

import zoneinfo
from functools import cache
from importlib.resources import files
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

_PACKAGE = files("tzdata").joinpath("zoneinfo")
_VERSION_LINE = "# version "


def _release(compiled_source: str) -> str | None:
    """The release a tzdata.zi names in its first line ("# version 2026f")."""
    first = compiled_source.partition("\n")[0]
    return first.removeprefix(_VERSION_LINE).strip() if first.startswith(_VERSION_LINE) else None


TZDATA_VERSION: str = _release(_PACKAGE.joinpath("tzdata.zi").read_text(encoding="utf-8")) or "?"
"""The IANA tz database release every zone is read from, e.g. "2026f" (the package's
tzdata.IANA_VERSION, read from its data rather than its untyped module)."""


@cache
def zone_names() -> frozenset[str]:
    """Every zone name the package holds (links such as US/Eastern included)."""
    listing = files("tzdata").joinpath("zones").read_text(encoding="utf-8")
    return frozenset(line.strip() for line in listing.splitlines() if line.strip())


@cache
def zone_info(name: str) -> ZoneInfo:
    """The zone `name` with the package's rules; the same object for the same name, so
    datetimes in one zone compare and subtract as wall-clock times, as with ZoneInfo(name).

    Raises ZoneInfoNotFoundError (a KeyError) for a name the package does not hold.
    """
    if name not in zone_names():
        raise ZoneInfoNotFoundError(f"no time zone named {name!r} in tzdata {TZDATA_VERSION}")
    with _PACKAGE.joinpath(*name.split("/")).open("rb") as rules:
        return ZoneInfo.from_file(rules, key=name)


def host_version() -> str | None:
    """The release of the host's own zone files (the first found on zoneinfo's search path),
    for `python -m bot check` to show beside the one in use; None when the host has none."""
    for folder in zoneinfo.TZPATH:
        try:
            return _release((Path(folder) / "tzdata.zi").read_text(encoding="utf-8"))
        except OSError:
            continue
    return None
