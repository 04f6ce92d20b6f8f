"""Emergency and urgent-advice numbers by region (data/regions.toml), and whose numbers to show.

A member's own choice beats their server's setting: a US member in a UK server needs 911.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from bot.content.files import ContentError, read_toml
from bot.content.library import Publishers, Source, _Reader, publishers_beside
from bot.content.messages import Messages
from bot.health.triage import Level


class RegionDataError(ContentError):
    """data/regions.toml lacks a region the bot needs."""


@dataclass(frozen=True)
class Region:
    """One region's numbers; `short` is the few-word name used in "UK numbers" style labels."""

    key: str
    name: str
    short: str
    emergency: str
    urgent: str
    sources: tuple[Source, ...]


class RegionSource(enum.Enum):
    """Where the region came from, most specific first: the member's word beats the server's."""

    TYPED = "typed"
    REMEMBERED = "remembered"
    SERVER = "server"


# the words that say where the numbers' region came from
SOURCE_KEYS = {
    RegionSource.TYPED: "quickcheck.ui.source_typed",
    RegionSource.REMEMBERED: "quickcheck.ui.source_remembered",
    RegionSource.SERVER: "quickcheck.ui.source_server",
}


@dataclass(frozen=True)
class RegionChoice:
    region: Region
    source: RegionSource


FALLBACK_REGION = "other"  # "not listed": shown the short list of main emergency numbers


def choose_region(
    regions: Mapping[str, Region],
    *,
    typed: str | None,
    remembered: str | None,
    server: str | None,
) -> RegionChoice | None:
    """The region typed now, else the member's earlier choice, else the server's, else none.

    A server's setting must never override a member who said where they are: a US member in a
    UK server needs 911, not 999. Unknown keys (a renamed region, a typo) fall through.
    """
    for source, key in (
        (RegionSource.TYPED, typed),
        (RegionSource.REMEMBERED, remembered),
        (RegionSource.SERVER, server),
    ):
        normalised = (key or "").strip().lower()
        by_name = {region.name.lower(): region for region in regions.values()}
        region = regions.get(normalised) or by_name.get(normalised)
        if region is not None:
            return RegionChoice(region, source)
    return None


def numbers_text(messages: Messages, level: Level, choice: RegionChoice | None) -> str:
    """Whose numbers these are, the numbers for the level, and the line for everyone else."""
    elsewhere = messages("quickcheck.ui.elsewhere")
    if choice is None or choice.region.key == FALLBACK_REGION:
        return "\n".join((messages("quickcheck.ui.no_region"), elsewhere))
    region = choice.region
    source = messages(SOURCE_KEYS[choice.source])
    lines = [
        messages("quickcheck.ui.numbers_for", region=region.short, source=source),
        region.emergency,
    ]
    if level is not Level.EMERGENCY:
        lines.append(region.urgent)
    lines.append(elsewhere)
    return "\n".join(lines)


def load_regions(path: Path, publishers: Publishers | None = None) -> dict[str, Region]:
    publishers = publishers or publishers_beside(path)
    raw = read_toml(path)
    regions: dict[str, Region] = {}
    for key, entry in raw.items():
        reader = _Reader(path.name, f"[{key}]", entry, publishers)
        regions[key] = Region(
            key=key,
            name=reader.text("name", 100),
            short=reader.text("short", 20),
            emergency=reader.text("emergency", 300),
            urgent=reader.text("urgent", 500),
            sources=reader.sources(),
        )
    if "other" not in regions:
        raise RegionDataError(f"{path.name}: an [other] region is required as the fallback")
    return regions
