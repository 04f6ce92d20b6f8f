"""/privacy: what the bot keeps about a member, as a file, and deleting all of it.

It keeps no list of tables: it asks every loaded feature that keeps member data (see
bot.core.contracts), itself included for the member's own row."""

from __future__ import annotations

import io
import json

import discord
from discord import app_commands
from discord.ext import commands

from bot.content.member_text import neutralise
from bot.core.client import SciaticaBot
from bot.core.contracts import Export, MemberData, member_data
from bot.storage import Transaction
from bot.ui.embeds import COLOUR_INFO
from bot.ui.views import ConfirmButton, ConfirmTexts

SHOWN_VALUE_LIMIT = 100
"""Characters of one stored value shown back; every value kept is far shorter."""


class DeleteAnswer(ConfirmButton, family="privacy", word="delete"):
    """One answer to "delete everything?", counted after a restart like any other."""

    command = "/privacy delete"
    texts = ConfirmTexts(
        confirm="privacy.delete_button",
        cancel="privacy.cancel_button",
        cancelled="privacy.cancelled",
        expired="privacy.delete_expired",
    )

    async def confirmed(self, interaction: discord.Interaction[SciaticaBot]) -> str:
        cog = self.bot.get_cog("Privacy")
        assert isinstance(cog, Privacy)
        await cog.forget_everything(interaction.user.id)
        return self.bot.messages("privacy.deleted")


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

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(DeleteAnswer)

    async def cog_unload(self) -> None:
        self.bot.remove_dynamic_items(DeleteAnswer)

    def features(self) -> list[MemberData]:
        """Who keeps member data: this cog (the member's own row) first, then each feature."""
        others = [cog for cog in member_data(self.bot.cogs.values()) if cog is not self]
        return [self, *others]

    async def export_everything(self, user_id: int) -> list[tuple[MemberData, Export]]:
        return [(feature, await feature.export_member(user_id)) for feature in self.features()]

    async def forget_everything(self, user_id: int) -> None:
        """Every feature deletes its part in one transaction: all of it goes, or none."""
        async with self.bot.stores.transaction() as tx:
            for feature in self.features():
                await feature.forget_member(tx, user_id)

    # --- the member's own row (MemberData) ---------------------------------------------------

    async def export_member(self, user_id: int) -> Export:
        return await self.bot.stores.members.export_member(user_id)

    async def forget_member(self, tx: Transaction, user_id: int) -> None:
        await self.bot.stores.members.forget_member(tx, user_id)

    def privacy_lines(self, data: Export) -> list[str]:
        text = self.bot.messages
        members = data.get("members", [])
        member = members[0] if members else {}
        region = self.bot.content.regions.get(member.get("region") or "")
        checkins = (
            "privacy.show_checkins_on" if member.get("checkins_on") else "privacy.show_checkins_off"
        )
        return [
            text("privacy.show_member", timezone=_shown(member.get("timezone"))),
            text("privacy.show_region", region=region.name if region else "—"),
            text("privacy.show_quiet_hours", quiet=_shown(member.get("quiet_hours"))),
            text(checkins),
        ]

    # --- commands ----------------------------------------------------------------------------

    @app_commands.command(name="show", description="See what the bot keeps about you.")
    async def show(self, interaction: discord.Interaction[SciaticaBot]) -> None:
        text = self.bot.messages
        parts = await self.export_everything(interaction.user.id)
        if not any(rows for _, data in parts for rows in data.values()):
            await interaction.response.send_message(text("privacy.show_empty"), ephemeral=True)
            return
        lines = [line for feature, data in parts for line in feature.privacy_lines(data)]
        embed = discord.Embed(
            title=text("privacy.show_title"), description="\n".join(lines), colour=COLOUR_INFO
        )
        embed.set_footer(text=text("privacy.show_footer"))
        await interaction.response.send_message(embed=embed, ephemeral=True)

    @app_commands.command(
        name="export", description="Get everything the bot keeps about you as a file."
    )
    async def export(self, interaction: discord.Interaction[SciaticaBot]) -> None:
        data: Export = {}
        for _, part in await self.export_everything(interaction.user.id):
            data.update(part)
        payload = json.dumps({"user_id": interaction.user.id, **data}, indent=2).encode()
        await interaction.response.send_message(
            self.bot.messages("privacy.export_done"),
            file=discord.File(io.BytesIO(payload), filename="sciatica-companion-data.json"),
            ephemeral=True,
        )

    @app_commands.command(name="delete", description="Delete everything the bot keeps about you.")
    async def delete(self, interaction: discord.Interaction[SciaticaBot]) -> None:
        await interaction.response.send_message(
            self.bot.messages("privacy.delete_confirm"),
            view=DeleteAnswer.question(self.bot, interaction.user.id),
            ephemeral=True,
        )


def _shown(value: object) -> str:
    """A stored value as shown back: never formatting, a link or a ping; a dash when unset."""
    return neutralise(str(value), SHOWN_VALUE_LIMIT) if value else "—"


async def setup(bot: SciaticaBot) -> None:
    await bot.add_cog(Privacy(bot))
