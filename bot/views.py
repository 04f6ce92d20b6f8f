"""Shared view behaviour: owner-only buttons, central error handling, tidy time-outs, one
confirm step for destructive actions, and the base of every button that outlives a restart."""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Generic, Self, TypeVar

import discord

from bot.client import ClientT, SciaticaBot, sciatica_interaction
from bot.errors import report_error, send_private

log = logging.getLogger("bot.views")

IDLE_TIMEOUT = 600.0
"""Seconds a step-by-step view waits for its owner before its buttons are disabled."""
CONFIRM_TIMEOUT = 120.0
"""Seconds an "are you sure?" waits: long enough to read it, short enough to be deliberate."""

T = TypeVar("T")
ItemT = TypeVar("ItemT", bound="discord.ui.Item[Any]")


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


@dataclass(frozen=True)
class ConfirmTexts:
    """Message keys of a confirm step: its two buttons, and what the message says after each."""

    confirm: str
    cancel: str
    done: str
    cancelled: str


class ConfirmView(OwnedView, Generic[T]):
    """An "are you sure?" before something that cannot be undone: a danger button that does it,
    and Cancel. The answer is shown first; `then` (an audit-log line, say) comes after it, so
    the member is not kept waiting behind it."""

    def __init__(
        self,
        bot: SciaticaBot,
        owner_id: int,
        *,
        command: str,
        custom_ids: tuple[str, str],
        texts: ConfirmTexts,
        action: Callable[[discord.Interaction[SciaticaBot]], Awaitable[T]],
        then: Callable[[discord.Interaction[SciaticaBot], T], Awaitable[None]] | None = None,
    ) -> None:
        super().__init__(bot, owner_id, command=command, timeout=CONFIRM_TIMEOUT)
        self.texts = texts
        self.action = action
        self.then = then
        self.confirm.label = bot.messages(texts.confirm)
        self.cancel.label = bot.messages(texts.cancel)
        self.confirm.custom_id, self.cancel.custom_id = custom_ids

    @discord.ui.button(label="Confirm", style=discord.ButtonStyle.danger)
    async def confirm(
        self, interaction: discord.Interaction[SciaticaBot], _: discord.ui.Button[Any]
    ) -> None:
        self.finish()
        result = await self.action(interaction)
        await interaction.response.edit_message(
            content=self.bot.messages(self.texts.done), view=None
        )
        if self.then is not None:
            await self.then(interaction, result)

    @discord.ui.button(label="Cancel", style=discord.ButtonStyle.secondary)
    async def cancel(
        self, interaction: discord.Interaction[SciaticaBot], _: discord.ui.Button[Any]
    ) -> None:
        self.finish()
        await interaction.response.edit_message(
            content=self.bot.messages(self.texts.cancelled), view=None
        )


class PersistentItem(discord.ui.DynamicItem[ItemT], template=r"(?!)"):
    """A component that keeps working after a restart: what it acts on lives in its custom_id,
    which the subclass's `template` reads back.

    A subclass builds itself from the bot and the template's match (`rebuild`) and does its
    work in `press`; this base gives both discord.py's signatures, and answers the member
    when `press` fails (discord.py only logs errors from dynamic items, which would leave the
    member with "This interaction failed"). The base's own template matches nothing.
    """

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[ClientT],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> Self:
        return cls.rebuild(sciatica_interaction(interaction).client, match)

    @classmethod
    def rebuild(cls, bot: SciaticaBot, match: re.Match[str]) -> Self:
        """The item for a custom_id this class's template matched."""
        raise NotImplementedError

    async def callback(self, interaction: discord.Interaction[ClientT]) -> None:
        ours = sciatica_interaction(interaction)
        try:
            await self.press(ours)
        except Exception as exc:
            await report_error(ours, exc, ours.client.messages)

    async def press(self, interaction: discord.Interaction[SciaticaBot]) -> None:
        """What a member's press or pick does."""
        raise NotImplementedError


PersistentButton = PersistentItem[discord.ui.Button[Any]]
PersistentSelect = PersistentItem[discord.ui.Select[Any]]


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
