"""The guided stretch routine, shared by /stretch, quick-check results and reminder DMs.

Whose routine it is and which step it shows live in the buttons' custom ids, so Back, Next and
Finish go on after a restart; every cog that opens the routine registers `RoutineButton`.
"""

from __future__ import annotations

import re

import discord

from bot.core.client import SciaticaBot
from bot.core.contracts import after_stretch
from bot.core.errors import UserFacingError
from bot.ui.embeds import picture_file, routine_intro_embed, routine_outro_embed, stretch_embed
from bot.ui.views import PersistentButton

COMMAND = "/stretch routine"
LABELS = {"back": "stretch.back", "next": "stretch.next", "finish": "stretch.finish"}
"""Each button's text, by its action (whole keys, so the texts' check sees them)."""


class RoutineButton(
    PersistentButton,
    template=r"routine:(?P<action>back|next|finish)(?::(?P<user>[0-9]{1,20}):(?P<step>[0-9]{1,3}))?",
):
    """Back, Next or Finish on step `step` (0 = the intro) of `user`'s routine. A button shown
    before the custom id carried them is told the routine expired."""

    def __init__(
        self,
        bot: SciaticaBot,
        action: str,
        user_id: int | None,
        step: int | None,
        *,
        disabled: bool = False,
    ) -> None:
        styles = {"back": discord.ButtonStyle.secondary, "finish": discord.ButtonStyle.success}
        super().__init__(
            discord.ui.Button(
                label=bot.messages(LABELS[action]),
                style=styles.get(action, discord.ButtonStyle.primary),
                custom_id=f"routine:{action}:{user_id}:{step}",
                disabled=disabled,
            )
        )
        self.bot = bot
        self.action = action
        self.user_id = user_id
        self.step = step

    @classmethod
    def rebuild(cls, bot: SciaticaBot, match: re.Match[str]) -> RoutineButton:
        user, step = match["user"], match["step"]
        return cls(bot, match["action"], int(user) if user else None, int(step) if step else None)

    async def press(self, interaction: discord.Interaction[SciaticaBot]) -> None:
        text = self.bot.messages
        if self.user_id is None or self.step is None:
            await interaction.response.edit_message(
                content=text("views.expired", command=COMMAND),
                embed=None,
                attachments=[],
                view=None,
            )
            return
        if interaction.user.id != self.user_id:
            raise UserFacingError(text("views.not_yours", command=COMMAND))
        if self.action == "finish":
            await finish(interaction)
            return
        total = len(self.bot.content.library.routine.stretches)
        step = self.step + (1 if self.action == "next" else -1)
        embed, files, view = step_of(self.bot, self.user_id, max(0, min(total, step)))
        # `attachments` replaces the message's files: the last step's picture goes with it
        await interaction.response.edit_message(embed=embed, attachments=files, view=view)


def step_of(
    bot: SciaticaBot, user_id: int, step: int
) -> tuple[discord.Embed, list[discord.File], discord.ui.View]:
    """Step `step`'s embed, its picture (none on the intro) and its buttons."""
    library = bot.content.library
    routine = library.routine
    total = len(routine.stretches)
    if step == 0:
        embed, files = routine_intro_embed(library, routine), []
    else:
        stretch = routine.stretches[step - 1]
        picture = bot.content.pictures.picture(stretch.slug)
        embed = stretch_embed(library, stretch, step=step, total=total, picture=picture)
        files = [picture_file(picture)]
    view = discord.ui.View(timeout=None)
    view.add_item(RoutineButton(bot, "back", user_id, step, disabled=step == 0))
    view.add_item(RoutineButton(bot, "next", user_id, step, disabled=step >= total))
    view.add_item(RoutineButton(bot, "finish", user_id, step))
    return embed, files, view


async def finish(interaction: discord.Interaction[SciaticaBot]) -> None:
    bot = interaction.client
    content = bot.messages("stretch.finished")
    follow_up = await after_stretch(bot.cogs.values(), interaction.user.id)
    view: discord.ui.View | None = None
    if follow_up.items:
        view = discord.ui.View(timeout=None)
        for item in follow_up.items:
            view.add_item(item)
    await interaction.response.edit_message(
        content=f"{content}\n\n{follow_up.text}" if follow_up.text else content,
        embed=routine_outro_embed(bot.content.library, bot.content.library.routine),
        attachments=[],
        view=view,
    )


async def send_routine(interaction: discord.Interaction[SciaticaBot]) -> None:
    """Open the routine at its intro as a private reply to `interaction`."""
    embed, files, view = step_of(interaction.client, interaction.user.id, 0)
    await interaction.response.send_message(embed=embed, files=files, view=view, ephemeral=True)
