"""The base of every button and menu the bot shows: each outlives a restart, because what it
acts on lives in its custom_id; and one "are you sure?" step for destructive actions."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, ClassVar, Self, TypeVar

import discord

from bot.core.client import ClientT, SciaticaBot, sciatica_interaction
from bot.core.errors import UserFacingError, report_error

IDLE_TIMEOUT = 600
"""Seconds a step-by-step screen waits for its owner; a later press is told it expired."""
CONFIRM_TIMEOUT = 120
"""Seconds an "are you sure?" waits: long enough to read it, short enough to be deliberate."""

ItemT = TypeVar("ItemT", bound="discord.ui.Item[Any]")


class PersistentItem(discord.ui.DynamicItem[ItemT], template=r"(?!)"):
    """A component that keeps working after a restart: what it acts on lives in its custom_id,
    which the subclass's `template` reads back.

    A subclass builds itself from the bot and the template's match (`rebuild`) and does its
    work in `press`; this base gives both discord.py's signatures, and answers the member
    when `press` fails (discord.py only logs errors from dynamic items, which would leave the
    member with "This interaction failed"), and logs each press's outcome once it has
    answered. The base's own template matches nothing.
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
            outcome = await report_error(ours, exc, ours.client.messages)
        else:
            outcome = "ok"
        ours.client.log_interaction(ours, "component", outcome)

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


@dataclass(frozen=True)
class ConfirmTexts:
    """Message keys of an "are you sure?": its two buttons, and what the message says after
    Cancel and after a late answer (the confirm button's outcome comes from `confirmed`)."""

    confirm: str
    cancel: str
    cancelled: str
    expired: str


class ConfirmButton(PersistentButton, template=r"(?!)"):
    """One answer to an "are you sure?" before something that cannot be undone, counted after
    a restart like any other: `<family>:<answer>:<user>:<asked>` says who was asked and when.
    Only they may answer; a late answer (or one to a question shown before the custom_id
    carried who and when) is told it expired and nothing is done.

    A subclass names its `family` and confirm `word` as class arguments, its `command` and
    `texts`, and does the work in `confirmed`.
    """

    family: ClassVar[str]
    word: ClassVar[str]
    command: ClassVar[str]
    texts: ClassVar[ConfirmTexts]

    def __init_subclass__(cls, *, family: str, word: str) -> None:
        cls.family, cls.word = family, word
        super().__init_subclass__(
            template=rf"{family}:(?P<answer>{word}|no)"
            r"(?::(?P<user>[0-9]{1,20}):(?P<asked>[0-9]{1,12}))?"
        )

    def __init__(
        self, bot: SciaticaBot, confirm: bool, user_id: int | None, asked: int | None
    ) -> None:
        super().__init__(
            discord.ui.Button(
                label=bot.messages(self.texts.confirm if confirm else self.texts.cancel),
                style=discord.ButtonStyle.danger if confirm else discord.ButtonStyle.secondary,
                custom_id=f"{self.family}:{self.word if confirm else 'no'}:{user_id}:{asked}",
            )
        )
        self.bot = bot
        self.confirm = confirm
        self.user_id = user_id
        self.asked = asked

    @classmethod
    def rebuild(cls, bot: SciaticaBot, match: re.Match[str]) -> Self:
        user, asked = match["user"], match["asked"]
        return cls(
            bot, match["answer"] != "no", int(user) if user else None, int(asked) if asked else None
        )

    @classmethod
    def question(cls, bot: SciaticaBot, user_id: int) -> discord.ui.View:
        """The two buttons of a question asked of `user_id` now."""
        view = discord.ui.View(timeout=None)
        asked = bot.unix_now()
        view.add_item(cls(bot, True, user_id, asked))
        view.add_item(cls(bot, False, user_id, asked))
        return view

    async def press(self, interaction: discord.Interaction[SciaticaBot]) -> None:
        text = self.bot.messages
        if self.user_id is not None and interaction.user.id != self.user_id:
            raise UserFacingError(text("views.not_yours", command=self.command))
        late = self.asked is None or self.bot.unix_now() - self.asked > CONFIRM_TIMEOUT
        if not self.confirm or late:
            answer = text(self.texts.cancelled if not self.confirm else self.texts.expired)
            await interaction.response.edit_message(content=answer, view=None)
            return
        answer = await self.confirmed(interaction)
        await interaction.response.edit_message(content=answer, view=None)
        await self.after(interaction)

    async def confirmed(self, interaction: discord.Interaction[SciaticaBot]) -> str:
        """Do it; the answer shown in place of the question."""
        raise NotImplementedError

    async def after(self, interaction: discord.Interaction[SciaticaBot]) -> None:
        """Anything that may follow the answer (an audit-log line), so nobody waits on it."""
