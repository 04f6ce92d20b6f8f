"""Checks shared by the feature cogs, and where an interaction comes from."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands

from bot.core.errors import UserFacingError
from bot.core.guild_config import Toggle
from bot.ui.availability import BOT_DM, GUILD, GUILD_INSTALL, PRIVATE_CHANNEL, USER_INSTALL, Place

if TYPE_CHECKING:
    from bot.core.client import SciaticaBot


def everywhere_installs() -> app_commands.AppInstallationType:
    """A server's install and a member's own: the member's commands follow them anywhere."""
    return app_commands.AppInstallationType(guild=True, user=True)


def everywhere_contexts() -> app_commands.AppCommandContext:
    """Servers, the bot's DMs and private channels (DMs and group DMs between people)."""
    return app_commands.AppCommandContext(guild=True, dm_channel=True, private_channel=True)


def settings_guild_id(interaction: discord.Interaction[Any]) -> int | None:
    """The server whose settings apply here: only one that added the bot. Where a member uses
    the app they installed to their own account, that server's settings are neither read nor
    written (it never agreed to them), so answers use the defaults."""
    return interaction.guild_id if interaction.is_guild_integration() else None


def in_server_without_bot(interaction: discord.Interaction[Any]) -> bool:
    """In a server through the member's own install: the bot is not there and cannot post."""
    return interaction.guild_id is not None and not interaction.is_guild_integration()


def add_bot_note(interaction: discord.Interaction[SciaticaBot]) -> str | None:
    """The one line answers carry in a server without the bot: how to get server settings."""
    if not in_server_without_bot(interaction):
        return None
    return interaction.client.messages("install.server_not_added")


def place_of(interaction: discord.Interaction[Any]) -> Place:
    """Where the member is, as Discord decides which commands to offer."""
    context = interaction.context
    if context.private_channel:
        where = PRIVATE_CHANNEL
    elif context.dm_channel:
        where = BOT_DM
    elif context.guild or interaction.guild_id is not None:
        where = GUILD
    else:
        where = BOT_DM
    installs = set()
    if interaction.is_guild_integration():
        installs.add(GUILD_INSTALL)
    if interaction.is_user_integration():
        installs.add(USER_INSTALL)
    if not installs:  # a server install reaching the bot's DMs names no server
        installs.add(GUILD_INSTALL)
    return Place(where, frozenset(installs), interaction.permissions.value)


async def require_feature(interaction: discord.Interaction[SciaticaBot], toggle: Toggle) -> bool:
    """Refuse, with a short private note, a feature this server's moderators turned off."""
    bot = interaction.client
    config = await bot.guild_config.get(settings_guild_id(interaction))
    if not config.enabled(toggle):
        raise UserFacingError(bot.messages("features.off", feature=bot.messages(toggle.label_key)))
    return True
