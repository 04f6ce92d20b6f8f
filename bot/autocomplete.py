"""Autocomplete choices shared by several commands (regions, days, time zones)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

import discord
from discord import app_commands

from bot.timeparse import (
    DAY_KEYWORDS,
    Render,
    Zones,
    format_offset,
    is_fixed_offset,
    local_time,
)
from bot.triage import Region

DAY_EXAMPLES = (*DAY_KEYWORDS, "mon-fri", "mon, wed, fri", "tue, thu")


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


def zone_choices(
    zones: Zones, messages: Render, current: str, *, now: datetime, locale: str | None
) -> list[app_commands.Choice[str]]:
    """Zones for what the member is typing, each labelled with its offset and local time now,
    which is what tells "Europe/London" from "Europe/Dublin" at a glance."""
    choices = []
    for zone in zones.suggest(current, now=now, locale=locale, limit=25):
        local = local_time(zone, now)
        key = "zones.choice_fixed" if is_fixed_offset(zone) else "zones.choice"
        label = messages(
            key, zone=zone, offset=format_offset(local.utcoffset()), time=f"{local:%H:%M}"
        )
        choices.append(app_commands.Choice(name=label[:100], value=zone))
    return choices


def member_locale(interaction: discord.Interaction[Any]) -> str | None:
    """The member's Discord client language ("en-US"), which ranks and settles time zones."""
    value = getattr(interaction.locale, "value", None)
    return value if isinstance(value, str) else None
