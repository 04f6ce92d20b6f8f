"""Autocomplete choices shared by several commands (regions, days, time zones)."""

from __future__ import annotations

from collections.abc import Mapping

from discord import app_commands

from bot.timeparse import DAY_KEYWORDS, suggest_zones
from bot.triage import Region

DAY_EXAMPLES = (*DAY_KEYWORDS, "mon, wed, fri", "tue, thu")


def region_choices(regions: Mapping[str, Region], current: str) -> list[app_commands.Choice[str]]:
    needle = current.strip().lower()
    return [
        app_commands.Choice(name=region.name, value=key)
        for key, region in regions.items()
        if needle in region.name.lower() or needle in key
    ][:25]


def day_choices(current: str) -> list[app_commands.Choice[str]]:
    """The keywords and a couple of examples; what was typed is kept as a last choice."""
    needle = current.strip().lower()
    options = [option for option in DAY_EXAMPLES if needle in option]
    if not options and needle:
        options = [current.strip()[:100]]
    return [app_commands.Choice(name=option, value=option) for option in options]


def zone_choices(current: str) -> list[app_commands.Choice[str]]:
    return [app_commands.Choice(name=zone, value=zone) for zone in suggest_zones(current, 25)]
