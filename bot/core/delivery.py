"""How a failed send to Discord is sorted for the dispatcher, which knows no Discord: the
member's DMs are closed, the bot cannot post there, a failure worth retrying, or the unexpected.
"""

from __future__ import annotations

import aiohttp
import discord

from bot.scheduling.failures import Failure

CLOSED_DMS = 50007
"""Discord's "Cannot send messages to this user", also when opening the DM channel."""


def sort_failure(error: BaseException) -> Failure:
    """The dispatcher's `sort_failure`: Discord's and aiohttp's errors in the dispatcher's words."""
    if isinstance(error, discord.Forbidden):
        return Failure.CLOSED_DMS if error.code == CLOSED_DMS else Failure.CANNOT_POST
    if isinstance(error, discord.NotFound):
        return Failure.CANNOT_POST
    if isinstance(error, discord.DiscordServerError | aiohttp.ClientError | TimeoutError):
        return Failure.TRANSIENT
    return Failure.UNEXPECTED
