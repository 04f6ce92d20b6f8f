"""What every moderator command shares, whichever feature's setting it changes: who may run
it, where the bot can post, how a value is shown, and the line in the audit log channel."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import discord
from discord import app_commands

from bot.content.member_text import neutralise
from bot.core.errors import UserFacingError
from bot.storage import Changes
from bot.ui.embeds import CONTENT_LIMIT

if TYPE_CHECKING:
    from bot.core.client import SciaticaBot

log = logging.getLogger("bot.moderation")

SHOWN_VALUE_LIMIT = 80


async def require_moderator(interaction: discord.Interaction[SciaticaBot]) -> bool:
    """Checked when run as well as hidden by default permissions: server admins can override
    command permissions per role or channel."""
    if interaction.guild_id is None:
        raise app_commands.NoPrivateMessage()
    if not interaction.is_guild_integration():  # a member's own install: no server settings
        raise UserFacingError(interaction.client.messages("install.config_needs_server"))
    if not interaction.permissions.manage_guild:
        raise UserFacingError(interaction.client.messages("config.not_allowed"))
    return True


def guild_of(interaction: discord.Interaction[SciaticaBot]) -> int:
    if interaction.guild_id is None:
        raise app_commands.NoPrivateMessage()
    return interaction.guild_id


def shown(value: str | None, empty: str) -> str:
    """A setting value as shown to moderators: never pings, never breaks the layout."""
    visible = neutralise(value, SHOWN_VALUE_LIMIT) if value is not None else ""
    # Discord refuses an empty field: a value of nothing visible shows as not set
    return visible if visible.strip() else empty


def ensure_can_post(
    interaction: discord.Interaction[SciaticaBot], channel: discord.abc.GuildChannel
) -> None:
    """Refuse a channel the bot could not post its embeds in."""
    messages = interaction.client.messages
    guild = interaction.guild
    resolved = guild.get_channel(channel.id) if guild else None
    me = guild.me if guild else None
    if resolved is None or me is None:
        raise UserFacingError(messages("config.cannot_post", channel=channel.mention))
    permissions = resolved.permissions_for(me)
    if not (permissions.view_channel and permissions.send_messages and permissions.embed_links):
        raise UserFacingError(messages("config.cannot_post", channel=channel.mention))


async def post_to_log(interaction: discord.Interaction[SciaticaBot], changes: Changes) -> None:
    """One line per change in the log channel; a failure here never undoes the change."""
    bot = interaction.client
    config = await bot.guild_config.get(interaction.guild_id)
    if config.log_channel_id is None or not changes:
        return
    text = bot.messages
    unset = text("config.not_set")
    lines = [
        text(
            "config.log_line",
            moderator=interaction.user.mention,
            setting=setting,
            old=shown(old, unset),
            new=shown(new, unset),
        )
        for setting, (old, new) in changes.items()
    ]
    channel = bot.get_partial_messageable(config.log_channel_id)
    try:
        await channel.send("\n".join(lines)[:CONTENT_LIMIT])
    except discord.HTTPException:
        log.warning("could not post to the audit log channel of guild %s", interaction.guild_id)
