"""/privacy: what the bot keeps about a member, as a file, and deleting all of it."""

from __future__ import annotations

import io
import json
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import SciaticaBot
from bot.embeds import COLOUR_INFO
from bot.views import OwnedView


class ConfirmDeleteView(OwnedView):
    def __init__(self, bot: SciaticaBot, owner_id: int) -> None:
        super().__init__(bot, owner_id, command="/privacy delete", timeout=120)
        self.confirm.label = bot.messages("privacy.delete_button")
        self.cancel.label = bot.messages("privacy.cancel_button")

    @discord.ui.button(label="Delete", style=discord.ButtonStyle.danger, custom_id="privacy:delete")
    async def confirm(
        self, interaction: discord.Interaction[SciaticaBot], _: discord.ui.Button[Any]
    ) -> None:
        self.finish()
        await self.bot.reminders.forget_member(interaction.user.id)
        self.bot.scheduler.wake()
        await interaction.response.edit_message(
            content=self.bot.messages("privacy.deleted"), view=None
        )

    @discord.ui.button(label="Cancel", style=discord.ButtonStyle.secondary, custom_id="privacy:no")
    async def cancel(
        self, interaction: discord.Interaction[SciaticaBot], _: discord.ui.Button[Any]
    ) -> None:
        self.finish()
        await interaction.response.edit_message(
            content=self.bot.messages("privacy.cancelled"), view=None
        )


@app_commands.allowed_installs(guilds=True, users=True)
@app_commands.allowed_contexts(guilds=True, dms=True, private_channels=True)
class Privacy(
    commands.GroupCog,
    group_name="privacy",
    group_description="See, export or delete what the bot keeps about you.",
):
    """Every answer is private to the member asking."""

    def __init__(self, bot: SciaticaBot) -> None:
        self.bot = bot
        super().__init__()

    @app_commands.command(name="show", description="See what the bot keeps about you.")
    async def show(self, interaction: discord.Interaction[SciaticaBot]) -> None:
        text = self.bot.messages
        data = await self.bot.reminders.member_export(interaction.user.id)
        if not any(data.values()):
            await interaction.response.send_message(text("privacy.show_empty"), ephemeral=True)
            return
        members = data["members"]
        member = members[0] if members else {}
        regions = self.bot.content.regions
        region = regions.get(member.get("region") or "")
        lines = [
            text("privacy.show_member", timezone=member.get("timezone") or "—"),
            text("privacy.show_region", region=region.name if region else "—"),
            text("privacy.show_reminders", count=len(data["reminders"])),
            text("privacy.show_completions", count=len(data["completions"])),
            text("privacy.show_joins", count=len(data["stretch_break_joins"])),
            text("privacy.show_audit", count=len(data["audit_log"])),
        ]
        embed = discord.Embed(
            title=text("privacy.show_title"), description="\n".join(lines), colour=COLOUR_INFO
        )
        embed.set_footer(text=text("privacy.show_footer"))
        await interaction.response.send_message(embed=embed, ephemeral=True)

    @app_commands.command(
        name="export", description="Get everything the bot keeps about you as a file."
    )
    async def export(self, interaction: discord.Interaction[SciaticaBot]) -> None:
        data = await self.bot.reminders.member_export(interaction.user.id)
        payload = json.dumps({"user_id": interaction.user.id, **data}, indent=2).encode()
        await interaction.response.send_message(
            self.bot.messages("privacy.export_done"),
            file=discord.File(io.BytesIO(payload), filename="sciatica-companion-data.json"),
            ephemeral=True,
        )

    @app_commands.command(name="delete", description="Delete everything the bot keeps about you.")
    async def delete(self, interaction: discord.Interaction[SciaticaBot]) -> None:
        view = ConfirmDeleteView(self.bot, interaction.user.id)
        await interaction.response.send_message(
            self.bot.messages("privacy.delete_confirm"), view=view, ephemeral=True
        )
        view.origin = interaction


async def setup(bot: SciaticaBot) -> None:
    await bot.add_cog(Privacy(bot))
