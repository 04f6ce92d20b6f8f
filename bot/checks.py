"""Checks shared by the feature cogs."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord

from bot.errors import UserFacingError

if TYPE_CHECKING:
    from bot.client import SciaticaBot


async def require_feature(interaction: discord.Interaction[SciaticaBot], feature: str) -> bool:
    """Refuse, with a short private note, a feature this server's moderators turned off."""
    bot = interaction.client
    config = await bot.guild_config.get(interaction.guild_id)
    if not config.enabled(feature):
        raise UserFacingError(
            bot.messages("features.off", feature=bot.messages(f"features.{feature}"))
        )
    return True
