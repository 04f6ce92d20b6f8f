"""Community stretch breaks: a scheduled post in a channel with an "I did it" button."""

from __future__ import annotations

import re
from typing import Any

import discord
from discord.ext import commands

from bot.client import SciaticaBot
from bot.database import Claim
from bot.embeds import stretch_embed
from bot.recurrence import local_date, schedule_from_json
from bot.scheduler import delivery_nonce
from bot.views import guarded


class JoinBreakButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"break:join:(?P<guild>[0-9]{1,19}):(?P<zone>[A-Za-z0-9_+\-/]{1,60})",
):
    """Counts members who stretched today; the server and its zone live in the custom_id."""

    def __init__(self, bot: SciaticaBot, guild_id: int, zone: str) -> None:
        super().__init__(
            discord.ui.Button(
                label=bot.messages("config.break_button"),
                style=discord.ButtonStyle.success,
                custom_id=f"break:join:{guild_id}:{zone}",
            )
        )
        self.bot = bot
        self.guild_id = guild_id
        self.zone = zone

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[SciaticaBot],
        item: discord.ui.Button[Any],
        match: re.Match[str],
        /,
    ) -> JoinBreakButton:
        return cls(interaction.client, int(match["guild"]), match["zone"])

    async def callback(self, interaction: discord.Interaction[SciaticaBot]) -> None:  # type: ignore[override]
        await guarded(interaction, self._join(interaction))

    async def _join(self, interaction: discord.Interaction[SciaticaBot]) -> None:
        today = local_date(self.bot.clock.now(), self.zone).isoformat()
        count = await self.bot.reminders.record_break_join(
            self.guild_id, today, interaction.user.id
        )
        await interaction.response.send_message(
            self.bot.messages("config.break_joined", count=count), ephemeral=True
        )


class StretchBreaks(commands.Cog):
    def __init__(self, bot: SciaticaBot) -> None:
        self.bot = bot

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(JoinBreakButton)
        self.bot.scheduler.register("stretch_break", self.post)

    async def cog_unload(self) -> None:
        self.bot.scheduler.unregister("stretch_break")
        self.bot.remove_dynamic_items(JoinBreakButton)

    async def post(self, claim: Claim) -> int | None:
        """Post the break (skipped while moderators have the feature off)."""
        reminder = claim.reminder
        assert reminder.guild_id is not None and reminder.channel_id is not None
        config = await self.bot.guild_config.get(reminder.guild_id)
        if not config.enabled("stretch_breaks"):
            return None
        text = self.bot.messages
        zone = schedule_from_json(reminder.schedule).zone
        day = local_date(self.bot.clock.now(), zone)
        stretch = self.bot.content.library.stretch_of_the_day(day.toordinal())
        embed = stretch_embed(self.bot.content.library, stretch)
        embed.title = text("config.break_title")
        embed.description = (text("config.break_intro") + "\n\n" + (embed.description or ""))[:4096]
        view = discord.ui.View(timeout=None)
        view.add_item(JoinBreakButton(self.bot, reminder.guild_id, zone))
        role = discord.Object(reminder.role_id) if reminder.role_id else None
        message = await self.bot.get_partial_messageable(
            reminder.channel_id, guild_id=reminder.guild_id
        ).send(
            content=f"<@&{role.id}>" if role else None,
            embed=embed,
            view=view,
            nonce=delivery_nonce(claim),
            allowed_mentions=discord.AllowedMentions(
                everyone=False, users=False, roles=[role] if role else False
            ),
        )
        return message.id


async def setup(bot: SciaticaBot) -> None:
    await bot.add_cog(StretchBreaks(bot))
