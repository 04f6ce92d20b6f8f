"""What a feature promises about the data it keeps, so the core can ask every loaded feature
instead of keeping a central list of tables (in the spirit of Red's data-deletion contract).

A cog keeps these promises by having the methods; nothing needs registering. Deletes take the
caller's transaction, so a member's (or a server's) data goes all at once or not at all.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

import discord
from discord import app_commands

from bot.core.guild_config import Toggle
from bot.storage import Changes, Transaction

Export = dict[str, list[dict[str, Any]]]
"""Rows by table name, each row by column name: what /privacy export writes out."""


@runtime_checkable
class MemberData(Protocol):
    """A feature that keeps rows about a member."""

    async def export_member(self, user_id: int) -> Export:
        """Every row this feature keeps about the member."""
        ...

    async def forget_member(self, tx: Transaction, user_id: int) -> None:
        """Delete (or stop naming the member in) every such row, inside `tx`."""
        ...

    def privacy_lines(self, data: Export) -> list[str]:
        """What /privacy show says about this feature's part of an export."""
        ...


@runtime_checkable
class GuildData(Protocol):
    """A feature with per-server settings of its own beside the core ones."""

    async def settings_fields(self, guild_id: int) -> list[tuple[str, str]]:
        """(name, value) fields for /config show."""
        ...

    async def reset_guild(self, tx: Transaction, guild_id: int, moderator_id: int) -> Changes:
        """Part of /config reset, inside `tx`; returns what changed for the audit log channel."""
        ...

    async def forget_guild(self, tx: Transaction, guild_id: int) -> None:
        """The bot left the server: delete what this feature keeps about it, inside `tx`."""
        ...


CONFIG_GROUP = "config"
"""The moderators' command group (cogs/config.py) that features add their own settings to."""
FEATURE_COMMAND = "feature"
FEATURE_OPTION = "name"
"""The /config command that turns a feature on or off, and its option whose choices the
client makes the loaded features' toggles."""


@runtime_checkable
class Toggles(Protocol):
    """A feature moderators can turn off for their server (/config feature). The client asks
    once every extension is loaded, so a new one is declared in its own cog and nowhere else."""

    def toggles(self) -> list[Toggle]:
        """What this cog can be turned off as; its commands check them (require_feature)."""
        ...


@runtime_checkable
class ConfigCommands(Protocol):
    """A feature whose moderator commands sit in /config beside the core settings (a stretch
    break is a server setting). The client adds them once every extension is loaded, so the
    order extensions load in does not matter; the feature removes them when unloaded."""

    def config_commands(self) -> list[app_commands.Command[Any, ..., Any]]:
        """The commands to add to /config, built once per cog."""
        ...


@dataclass(frozen=True)
class FollowUp:
    """What a feature adds to the answer to a finished stretch: a paragraph, and components
    (persistent ones: the message outlives any view object)."""

    text: str
    items: tuple[discord.ui.Item[Any], ...] = ()


@runtime_checkable
class AfterStretch(Protocol):
    """A feature with something to do or say once a member has stretched (Done on a reminder,
    Finish on a routine), so the cog that saw it need not know the feature (after-done
    reminders move, a pain check-in is asked)."""

    async def after_stretch(self, user_id: int) -> FollowUp | None:
        """None when it has nothing to add for this member."""
        ...


async def after_stretch(features: Iterable[object], user_id: int) -> FollowUp:
    """Every loaded feature's follow-up, as one: paragraphs in order, then their components."""
    parts = [
        part
        for feature in features
        if isinstance(feature, AfterStretch)
        and (part := await feature.after_stretch(user_id)) is not None
    ]
    return FollowUp(
        "\n\n".join(part.text for part in parts),
        tuple(item for part in parts for item in part.items),
    )


def member_data(features: Iterable[object]) -> list[MemberData]:
    return [feature for feature in features if isinstance(feature, MemberData)]


def guild_data(features: Iterable[object]) -> list[GuildData]:
    return [feature for feature in features if isinstance(feature, GuildData)]


def config_commands(features: Iterable[object]) -> list[app_commands.Command[Any, ..., Any]]:
    """Every loaded feature's /config commands, in load order."""
    return [
        command
        for feature in features
        if isinstance(feature, ConfigCommands)
        for command in feature.config_commands()
    ]


def toggles(features: Iterable[object]) -> tuple[Toggle, ...]:
    """Every loaded feature's toggles, by name: the same choices whatever the load order."""
    found = {
        toggle
        for feature in features
        if isinstance(feature, Toggles)
        for toggle in feature.toggles()
    }
    return tuple(sorted(found, key=lambda toggle: toggle.name))
