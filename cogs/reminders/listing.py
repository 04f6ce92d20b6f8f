"""/reminders list: every reminder with its next time, its note in full, quiet hours and the
streak, in pages that each fit Discord's embed limits (with buttons that keep working after a
restart: whose list and which page live in their custom_id)."""

from __future__ import annotations

import re

import discord
from discord import app_commands

from bot.content.member_text import neutralise
from bot.content.paging import pages
from bot.core.client import SciaticaBot
from bot.core.errors import UserFacingError
from bot.scheduling.quiet_hours import QuietHours
from bot.storage import MemberRow, ReminderRow, ReminderStatus
from bot.ui.embeds import COLOUR_REMINDER, DESCRIPTION_LIMIT
from bot.ui.views import PersistentButton
from cogs.reminders.base import KIND_KEYS, NOTE_LIMIT, PAUSE_REASON_KEYS, ReminderBase, timestamp

NOTE_SHOWN_LIMIT = 2 * NOTE_LIMIT
"""A note is shown whole: escaping its markdown at most doubles it."""
PARAGRAPH = "\n\n"


class ListPageButton(
    PersistentButton,
    template=r"rem:list:(?P<direction>back|on):(?P<user>[0-9]{1,20}):(?P<page>[0-9]{1,4})",
):
    """Turns the pages of a member's list; works after a restart and for nobody else."""

    def __init__(self, bot: SciaticaBot, direction: str, user_id: int, page: int) -> None:
        label = "reminders.list_back" if direction == "back" else "reminders.list_on"
        super().__init__(
            discord.ui.Button(
                label=bot.messages(label),
                style=discord.ButtonStyle.secondary,
                custom_id=f"rem:list:{direction}:{user_id}:{page}",
            )
        )
        self.bot = bot
        self.user_id = user_id
        self.page = page

    @classmethod
    def rebuild(cls, bot: SciaticaBot, match: re.Match[str]) -> ListPageButton:
        return cls(bot, match["direction"], int(match["user"]), int(match["page"]))

    async def press(self, interaction: discord.Interaction[SciaticaBot]) -> None:
        if interaction.user.id != self.user_id:
            raise UserFacingError(self.bot.messages("views.not_yours", command="/reminders list"))
        cog = self.bot.get_cog("Reminders")
        assert isinstance(cog, Listing)
        embed, view = await cog.list_page(self.user_id, self.page)
        if embed is None:  # all deleted since the list was shown
            await interaction.response.edit_message(
                content=self.bot.messages("reminders.none"), embed=None, view=None
            )
            return
        await interaction.response.edit_message(content=None, embed=embed, view=view)


class Listing(ReminderBase):
    """The command that shows a member their reminders."""

    @app_commands.command(
        name="list", description="Your reminders, their next time and your streak."
    )
    async def list_reminders(self, interaction: discord.Interaction[SciaticaBot]) -> None:
        embed, view = await self.list_page(interaction.user.id, 0)
        if embed is None:
            await interaction.response.send_message(
                self.bot.messages("reminders.none"), ephemeral=True
            )
        elif view is None:
            await interaction.response.send_message(embed=embed, ephemeral=True)
        else:
            await interaction.response.send_message(embed=embed, view=view, ephemeral=True)

    async def list_page(
        self, user_id: int, page: int
    ) -> tuple[discord.Embed | None, discord.ui.View | None]:
        """Page `page` of the member's list as it is now (the last one if the list has
        shrunk since), with buttons to the pages beside it; no embed: no reminders."""
        text = self.bot.messages
        reminders = await self.reminders.of_member(user_id)
        if not reminders:
            return None, None
        lines = [self._list_line(number, row) for number, row in enumerate(reminders, start=1)]
        quiet = self._quiet_line(await self.members.member(user_id))
        room = DESCRIPTION_LIMIT - (len(PARAGRAPH) + len(quiet) if quiet else 0)
        chunks = pages(lines, room, PARAGRAPH)
        page = min(page, len(chunks) - 1)
        embed = discord.Embed(
            title=text("reminders.list_title"),
            description=PARAGRAPH.join([*chunks[page], *([quiet] if quiet else [])]),
            colour=COLOUR_REMINDER,
        )
        footer = text("reminders.streak", count=await self._streak(user_id)).replace("**", "")
        if len(chunks) > 1:
            footer += text("reminders.list_page", page=page + 1, pages=len(chunks))
        embed.set_footer(text=footer)
        if len(chunks) == 1:
            return embed, None
        view = discord.ui.View(timeout=None)
        back = ListPageButton(self.bot, "back", user_id, max(page - 1, 0))
        on = ListPageButton(self.bot, "on", user_id, min(page + 1, len(chunks) - 1))
        back.item.disabled = page == 0
        on.item.disabled = page == len(chunks) - 1
        view.add_item(back)
        view.add_item(on)
        return embed, view

    def _list_line(self, number: int, row: ReminderRow) -> str:
        text = self.bot.messages
        if row.status == ReminderStatus.ACTIVE and row.paused_until is not None:
            status = text("reminders.list_paused_until", until=timestamp(row.paused_until, "f"))
        elif row.status == ReminderStatus.ACTIVE and row.held_due_at is not None:
            status = text(
                "reminders.list_held",
                due=timestamp(row.held_due_at, "f"),
                next_full=timestamp(row.next_due_at, "F"),
                next_relative=timestamp(row.next_due_at, "R"),
            )
        elif row.status == ReminderStatus.ACTIVE:
            status = text(
                "reminders.list_next",
                next_full=timestamp(row.next_due_at, "F"),
                next_relative=timestamp(row.next_due_at, "R"),
            )
        else:
            reason = text(PAUSE_REASON_KEYS.get(row.paused_reason, "reminders.paused_by_member"))
            status = text("reminders.list_paused", reason=reason)
        note = f"\n> {neutralise(row.note, NOTE_SHOWN_LIMIT)}" if row.note else ""
        return text(
            "reminders.list_line",
            number=number,
            kind=text(KIND_KEYS[row.kind]),
            description=self.describe(row),
            status=status,
            note=note,
        )

    def _quiet_line(self, member: MemberRow | None) -> str:
        if member is None or not member.quiet_hours:
            return ""
        quiet = QuietHours.from_stored(member.quiet_hours)
        return self.bot.messages(
            "reminders.list_quiet",
            start=f"{quiet.start:%H:%M}",
            end=f"{quiet.end:%H:%M}",
            zone=member.timezone or "UTC",
        )
