"""Autocomplete: the choices shared by several commands (regions, days, time zones), the
callbacks that offer them, and the guard every autocomplete callback wears."""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine, Mapping
from datetime import datetime
from functools import wraps
from typing import TYPE_CHECKING, Any, TypeAlias, TypeVar

import discord
from discord import app_commands

from bot.content.member_text import neutralise_plain
from bot.content.messages import Render
from bot.health.regions import Region
from bot.scheduling.timeparse import DAY_KEYWORDS
from bot.scheduling.zone_index import format_offset, is_fixed_offset, local_time
from bot.scheduling.zones import Zones
from bot.ui.embeds import CHOICE_COUNT_LIMIT, CHOICE_NAME_LIMIT

if TYPE_CHECKING:
    from bot.core.client import SciaticaBot

log = logging.getLogger("bot.autocomplete")

DAY_EXAMPLES = (*DAY_KEYWORDS, "mon-fri", "mon, wed, fri", "tue, thu")

ChoiceT = TypeVar("ChoiceT", str, int, float)  # the value types discord.py's Choice allows
Autocomplete: TypeAlias = Callable[
    ["discord.Interaction[SciaticaBot]", str],
    Coroutine[Any, Any, list[app_commands.Choice[ChoiceT]]],
]
"""What `app_commands.autocomplete(name=...)` takes: a plain function of the interaction
and what the member has typed so far."""


def safe_autocomplete(callback: Autocomplete[ChoiceT]) -> Autocomplete[ChoiceT]:
    """Autocomplete cannot show an error: on failure log it and offer no choices; never more
    choices than Discord shows. The signature is kept (discord.py reads it)."""

    @wraps(callback)
    async def guarded(
        interaction: discord.Interaction[SciaticaBot], current: str
    ) -> list[app_commands.Choice[ChoiceT]]:
        try:
            return (await callback(interaction, current))[:CHOICE_COUNT_LIMIT]
        except Exception:
            log.exception("autocomplete %s failed", callback.__qualname__)
            return []

    return guarded


def region_choices(regions: Mapping[str, Region], current: str) -> list[app_commands.Choice[str]]:
    needle = current.strip().lower()
    return [
        app_commands.Choice(name=region.name, value=key)
        for key, region in regions.items()
        if needle in region.name.lower() or needle in key
    ][:CHOICE_COUNT_LIMIT]


def day_choices(current: str) -> list[app_commands.Choice[str]]:
    """The keywords and a couple of examples; what was typed is kept as a last choice."""
    needle = current.strip().lower()
    options = [option for option in DAY_EXAMPLES if needle in option]
    if not options and needle:
        typed = current.strip()[:CHOICE_NAME_LIMIT]
        shown = neutralise_plain(typed, CHOICE_NAME_LIMIT)
        return [app_commands.Choice(name=shown, value=typed)] if shown else []
    return [app_commands.Choice(name=option, value=option) for option in options]


def zone_choices(
    zones: Zones, messages: Render, current: str, *, now: datetime, locale: str | None
) -> list[app_commands.Choice[str]]:
    """Zones for what the member is typing, each labelled with its offset and local time now,
    which is what tells "Europe/London" from "Europe/Dublin" at a glance."""
    choices = []
    for zone in zones.suggest(current, now=now, locale=locale, limit=CHOICE_COUNT_LIMIT):
        local = local_time(zone, now)
        key = "zones.choice_fixed" if is_fixed_offset(zone) else "zones.choice"
        label = messages(
            key, zone=zone, offset=format_offset(local.utcoffset()), time=f"{local:%H:%M}"
        )
        choices.append(app_commands.Choice(name=label[:CHOICE_NAME_LIMIT], value=zone))
    return choices


def member_locale(interaction: discord.Interaction[Any]) -> str | None:
    """The member's Discord client language ("en-US"), which ranks and settles time zones."""
    value = getattr(interaction.locale, "value", None)
    return value if isinstance(value, str) else None


# --- the callbacks several commands share --------------------------------------------------


@safe_autocomplete
async def region_autocomplete(
    interaction: discord.Interaction[SciaticaBot], current: str
) -> list[app_commands.Choice[str]]:
    return region_choices(interaction.client.content.regions, current)


@safe_autocomplete
async def days_autocomplete(
    interaction: discord.Interaction[SciaticaBot], current: str
) -> list[app_commands.Choice[str]]:
    return day_choices(current)


@safe_autocomplete
async def zone_autocomplete(
    interaction: discord.Interaction[SciaticaBot], current: str
) -> list[app_commands.Choice[str]]:
    bot = interaction.client
    return zone_choices(
        bot.content.zones,
        bot.messages,
        current,
        now=bot.clock.now(),
        locale=member_locale(interaction),
    )
