"""Shared view behaviour: owner-only buttons, central error handling, tidy time-outs."""

from __future__ import annotations

import logging
from collections.abc import Awaitable
from typing import TYPE_CHECKING, Any

import discord

from bot.errors import report_error, send_private

if TYPE_CHECKING:
    from bot.client import SciaticaBot

log = logging.getLogger("bot.views")

IDLE_TIMEOUT = 600.0
"""Seconds a step-by-step view waits for its owner before its buttons are disabled."""


class OwnedView(discord.ui.View):
    """A private, step-by-step view that only the member who opened it can drive.

    `origin` is the interaction whose original response shows this view; it is used to
    disable the buttons on time-out (its token stays valid for 15 minutes).
    """

    def __init__(
        self,
        bot: SciaticaBot,
        owner_id: int,
        *,
        command: str,
        timeout: float | None = None,
    ) -> None:
        super().__init__(timeout=IDLE_TIMEOUT if timeout is None else timeout)
        self.bot = bot
        self.owner_id = owner_id
        self.command = command
        self.origin: discord.Interaction[Any] | None = None
        self.timeout_note: str | None = None

    async def interaction_check(self, interaction: discord.Interaction[Any]) -> bool:
        if interaction.user.id == self.owner_id:
            return True
        await send_private(interaction, self.bot.messages("views.not_yours", command=self.command))
        return False

    async def on_error(
        self, interaction: discord.Interaction[Any], error: Exception, item: discord.ui.Item[Any]
    ) -> None:
        await report_error(interaction, error, self.bot.messages)

    async def on_timeout(self) -> None:
        if self.origin is None:
            return
        for item in self.children:
            if isinstance(item, discord.ui.Button | discord.ui.Select):
                item.disabled = True
        note = self.timeout_note or self.bot.messages("views.expired", command=self.command)
        try:
            await self.origin.edit_original_response(content=note, view=self)
        except discord.HTTPException:
            log.debug("could not disable an expired view", exc_info=True)

    def finish(self) -> None:
        """Stop listening; the message is left to the caller to update."""
        self.stop()


async def guarded(interaction: discord.Interaction[SciaticaBot], action: Awaitable[None]) -> None:
    """Run a persistent component's work; discord.py only logs errors from dynamic items,
    which would leave the member with "This interaction failed"."""
    try:
        await action
    except Exception as exc:
        await report_error(interaction, exc, interaction.client.messages)


def link_buttons_of(message: discord.Message | None) -> discord.ui.View:
    """A view holding only the message's link buttons: what stays once its actions are used."""
    view = discord.ui.View(timeout=None)
    if message is None:
        return view
    for row in message.components:
        for component in getattr(row, "children", []):
            if isinstance(component, discord.components.Button) and component.url:
                view.add_item(discord.ui.Button(label=component.label, url=component.url))
    return view
