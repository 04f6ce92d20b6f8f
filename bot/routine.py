"""The guided stretch routine, shared by /stretch, quick-check results and reminder DMs."""

from __future__ import annotations

from typing import Any

import discord

from bot.client import SciaticaBot
from bot.contracts import after_stretch
from bot.embeds import picture_file, routine_intro_embed, routine_outro_embed, stretch_embed
from bot.views import OwnedView


class StretchRoutineView(OwnedView):
    """Intro, one stretch per step, then the outro; Back/Next/Finish for the owner only."""

    def __init__(self, bot: SciaticaBot, owner_id: int) -> None:
        super().__init__(bot, owner_id, command="/stretch routine")
        self.routine = bot.content.library.routine
        self.step = 0  # 0 = intro, 1..N = stretches
        text = bot.messages
        self.back_button.label = text("stretch.back")
        self.next_button.label = text("stretch.next")
        self.finish_button.label = text("stretch.finish")
        self._refresh_buttons()

    @property
    def total(self) -> int:
        return len(self.routine.stretches)

    def current(self) -> tuple[discord.Embed, list[discord.File]]:
        """The step's embed and its picture (none on the intro)."""
        if self.step == 0:
            return routine_intro_embed(self.bot.content.library, self.routine), []
        stretch = self.routine.stretches[self.step - 1]
        picture = self.bot.content.pictures.picture(stretch.slug)
        embed = stretch_embed(
            self.bot.content.library, stretch, step=self.step, total=self.total, picture=picture
        )
        return embed, [picture_file(picture)]

    def _refresh_buttons(self) -> None:
        self.back_button.disabled = self.step == 0
        self.next_button.disabled = self.step >= self.total

    async def _show(self, interaction: discord.Interaction[SciaticaBot]) -> None:
        self._refresh_buttons()
        embed, files = self.current()
        # `attachments` replaces the message's files: the last step's picture goes with it
        await interaction.response.edit_message(embed=embed, attachments=files, view=self)

    @discord.ui.button(label="Back", style=discord.ButtonStyle.secondary, custom_id="routine:back")
    async def back_button(
        self, interaction: discord.Interaction[SciaticaBot], _: discord.ui.Button[Any]
    ) -> None:
        self.step = max(0, self.step - 1)
        await self._show(interaction)

    @discord.ui.button(label="Next", style=discord.ButtonStyle.primary, custom_id="routine:next")
    async def next_button(
        self, interaction: discord.Interaction[SciaticaBot], _: discord.ui.Button[Any]
    ) -> None:
        self.step = min(self.total, self.step + 1)
        await self._show(interaction)

    @discord.ui.button(
        label="Finish", style=discord.ButtonStyle.success, custom_id="routine:finish"
    )
    async def finish_button(
        self, interaction: discord.Interaction[SciaticaBot], _: discord.ui.Button[Any]
    ) -> None:
        self.finish()
        content = self.bot.messages("stretch.finished")
        follow_up = await after_stretch(self.bot.cogs.values(), interaction.user.id)
        view: discord.ui.View | None = None
        if follow_up.items:
            view = discord.ui.View(timeout=None)
            for item in follow_up.items:
                view.add_item(item)
        await interaction.response.edit_message(
            content=f"{content}\n\n{follow_up.text}" if follow_up.text else content,
            embed=routine_outro_embed(self.bot.content.library, self.routine),
            attachments=[],
            view=view,
        )

    async def send(self, interaction: discord.Interaction[SciaticaBot]) -> None:
        """Open the routine as a private reply to `interaction`."""
        embed, files = self.current()
        await interaction.response.send_message(embed=embed, files=files, view=self, ephemeral=True)
        self.origin = interaction
