"""A feature that exists only in the tests: it declares its toggle in its own module and
nothing else in the bot names it, the way a new feature is added."""

from discord import app_commands
from discord.ext import commands

from bot.core.guild_config import Toggle
from bot.ui.checks import require_feature

# a label the bot's texts already have, under a key no other name would lead to: the "turned
# off" answer can only have found it through this declaration
BREATHING = Toggle("breathing", "features.learn")


class Breathing(commands.Cog):
    def __init__(self, bot):
        self.bot = bot

    def toggles(self):
        return [BREATHING]

    @app_commands.command(name="breathe", description="Breathe out slowly.")
    async def breathe(self, interaction):
        await require_feature(interaction, BREATHING)
        await interaction.response.send_message("in, and out", ephemeral=True)


async def setup(bot):
    await bot.add_cog(Breathing(bot))
