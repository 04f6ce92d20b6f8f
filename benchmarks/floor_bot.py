"""The floor for benchmarks.turnaround: the least possible discord.py bot, in a process of its
own like the bot's, answering a constant to a slash command and to a press of its button.

    python -m benchmarks.floor_bot API_BASE GATEWAY_URL TOKEN
"""

from __future__ import annotations

import asyncio
import re
import sys
from typing import Any

import discord
from discord.ext import commands

from bot.core.discord_internals import use_api_base, use_gateway

FLOOR_COMMANDS = ("ping", "panel")
"""What the floor syncs: the benchmark waits for these before it measures."""


class PongButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"pong"):
    """Routed by its custom_id like every button of the bot's, answering a constant."""

    def __init__(self) -> None:
        super().__init__(discord.ui.Button(label="Pong", custom_id="pong"))

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> PongButton:
        return cls()

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await interaction.response.edit_message(content="pong")


async def main(api_base: str, gateway_url: str, token: str) -> None:
    use_api_base(api_base)
    use_gateway(gateway_url)
    bot = commands.Bot(command_prefix="!", intents=discord.Intents.none())

    @bot.tree.command(name="ping", description="A constant answer.")
    async def ping(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("pong", ephemeral=True)

    @bot.tree.command(name="panel", description="A constant answer with a button.")
    async def panel(interaction: discord.Interaction) -> None:
        view = discord.ui.View(timeout=None).add_item(PongButton())
        await interaction.response.send_message("panel", view=view, ephemeral=True)

    bot.add_dynamic_items(PongButton)
    async with bot:
        await bot.login(token)
        await bot.tree.sync()
        await bot.connect()


if __name__ == "__main__":
    asyncio.run(main(*sys.argv[1:4]))
