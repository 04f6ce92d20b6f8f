"""/help and /about: what the bot can do and what it keeps, generated from live state."""

from __future__ import annotations

import math
import weakref
from datetime import timedelta
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.core.client import SciaticaBot
from bot.ui.availability import Offer, Place, offered
from bot.ui.checks import add_bot_note, place_of
from bot.ui.embeds import COLOUR_INFO

HELP_FIELD_LIMIT = 1024
RootCommand = app_commands.Command[Any, ..., Any] | app_commands.Group


class Meta(commands.Cog):
    def __init__(self, bot: SciaticaBot) -> None:
        self.bot = bot
        self._offers: weakref.WeakKeyDictionary[RootCommand, Offer] = weakref.WeakKeyDictionary()

    @app_commands.command(name="help", description="List every command with what it does.")
    @app_commands.allowed_installs(guilds=True, users=True)
    @app_commands.allowed_contexts(guilds=True, dms=True, private_channels=True)
    async def help(self, interaction: discord.Interaction[SciaticaBot]) -> None:
        text = self.bot.messages
        note = add_bot_note(interaction)
        intro = text("help.intro") + (f"\n\n{note}" if note else "")
        embed = discord.Embed(title=text("help.title"), description=intro, colour=COLOUR_INFO)
        for title, lines in self.command_lines(place_of(interaction)).items():
            for chunk in _chunks(lines, HELP_FIELD_LIMIT):
                embed.add_field(name=title, value=chunk, inline=False)
        embed.set_footer(text=text("help.footer"))
        await interaction.response.send_message(embed=embed, ephemeral=True)

    def command_lines(self, place: Place | None = None) -> dict[str, list[str]]:
        """One line per runnable command, grouped by top-level command, straight from the tree;
        with a place, only the commands Discord offers the member there."""
        tree = self.bot.tree
        shown = {
            root.name
            for root in tree.get_commands(type=discord.AppCommandType.chat_input)
            if place is None or offered(self._offer(root), place)
        }
        grouped: dict[str, list[str]] = {}
        for command in tree.walk_commands():
            if isinstance(command, app_commands.Group):
                continue
            root = command.root_parent.name if command.root_parent else command.name
            if root not in shown:
                continue
            grouped.setdefault(f"/{root}", []).append(
                f"`/{command.qualified_name}` — {command.description}"
            )
        return dict(sorted(grouped.items()))

    def _offer(self, root: RootCommand) -> Offer:
        """Where a top-level command is offered, from the body it is synced with; commands do
        not change once loaded, so each is read once (a reloaded cog brings new objects)."""
        offer = self._offers.get(root)
        if offer is None:
            offer = self._offers[root] = Offer.from_payload(root.to_dict(self.bot.tree))
        return offer

    @app_commands.command(name="about", description="Version, uptime, and what data the bot keeps.")
    @app_commands.allowed_installs(guilds=True, users=True)
    @app_commands.allowed_contexts(guilds=True, dms=True, private_channels=True)
    async def about(self, interaction: discord.Interaction[SciaticaBot]) -> None:
        text = self.bot.messages
        embed = discord.Embed(
            title=text("about.title"), description=text("about.description"), colour=COLOUR_INFO
        )
        embed.add_field(name=text("about.version"), value=self.bot.version)
        uptime = timedelta(seconds=int(self.bot.uptime_seconds()))
        embed.add_field(name=text("about.uptime"), value=str(uptime))
        latency = self.bot.latency
        embed.add_field(
            name=text("about.latency"),
            value=text("about.latency_unknown")
            if not math.isfinite(latency)
            else f"{latency * 1000:.0f} ms",
        )
        embed.add_field(name=text("about.stored_title"), value=text("about.stored"), inline=False)
        embed.add_field(
            name=text("about.disclaimer_title"), value=text("about.disclaimer"), inline=False
        )
        await interaction.response.send_message(embed=embed, ephemeral=True)


def _chunks(lines: list[str], limit: int) -> list[str]:
    """Pack lines into field values of at most `limit` characters without cutting a line."""
    chunks: list[str] = []
    current = ""
    for line in lines:
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit and current:
            chunks.append(current)
            candidate = line
        current = candidate[:limit]
    if current:
        chunks.append(current)
    return chunks


async def setup(bot: SciaticaBot) -> None:
    await bot.add_cog(Meta(bot))
