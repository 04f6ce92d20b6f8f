"""One place that turns failures into a short private answer plus a logged traceback."""

from __future__ import annotations

import logging
import secrets
from typing import Any

import discord
from discord import app_commands

from bot.content.messages import InputError, Messages

log = logging.getLogger("bot.errors")


class UserFacingError(app_commands.AppCommandError):
    """An expected problem (bad input, feature off): its message is shown to the member as is."""


async def send_private(interaction: discord.Interaction[Any], text: str) -> None:
    """Answer ephemerally whether or not the interaction was already acknowledged."""
    try:
        if interaction.response.is_done():
            await interaction.followup.send(text, ephemeral=True)
        else:
            await interaction.response.send_message(text, ephemeral=True)
    except discord.HTTPException:
        log.warning("could not deliver an error message for interaction %s", interaction.id)


async def decline_stopping(interaction: discord.Interaction[Any], messages: Messages) -> str:
    """An interaction that arrived as the bot stops: the member is told; the outcome word."""
    await send_private(interaction, messages("errors.restarting"))
    return "declined: stopping"


async def report_error(
    interaction: discord.Interaction[Any], error: BaseException, messages: Messages
) -> str:
    """Answer the member and log the failure; returns the outcome word for the access log."""
    if isinstance(error, app_commands.CommandInvokeError) and isinstance(
        error.original, UserFacingError | InputError
    ):
        error = error.original
    if isinstance(error, UserFacingError):
        await send_private(interaction, str(error))
        return "refused"
    if isinstance(error, InputError):
        # what a member typed can't be used: its parts say why in the bot's words
        await send_private(interaction, error.render(messages))
        return "refused"
    if isinstance(error, app_commands.NoPrivateMessage):
        await send_private(interaction, messages("errors.guild_only"))
        return "refused"
    if isinstance(error, app_commands.MissingPermissions):
        await send_private(interaction, messages("errors.missing_permissions"))
        return "refused"
    if isinstance(error, app_commands.BotMissingPermissions):
        missing = ", ".join(error.missing_permissions).replace("_", " ")
        await send_private(
            interaction, messages("errors.bot_missing_permissions", permissions=missing)
        )
        return "refused"
    if isinstance(error, app_commands.CommandOnCooldown):
        await send_private(
            interaction, messages("errors.cooldown", seconds=round(error.retry_after))
        )
        return "refused"
    error_id = secrets.token_hex(4)
    original = getattr(error, "original", error)
    log.error(
        "error %s in interaction %s (%s)",
        error_id,
        interaction.id,
        _interaction_name(interaction),
        exc_info=(type(original), original, original.__traceback__),
        extra={"error_id": error_id},
    )
    await send_private(interaction, messages("errors.unexpected", error_id=error_id))
    return f"error {error_id}"


def _interaction_name(interaction: discord.Interaction[Any]) -> str:
    if interaction.command is not None:
        return f"/{interaction.command.qualified_name}"
    custom_id = interaction.data.get("custom_id", "?") if interaction.data else "?"
    # only the family ("rem", "pain"): the rest of a custom_id can carry an answer or a score,
    # and neither belongs in a log
    return f"component {str(custom_id).split(':', 1)[0][:20]}"
