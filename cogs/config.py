"""/config: moderators shape the bot for their server; every change is audited."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.content.member_text import neutralise_link, neutralise_plain
from bot.core.client import ClientT, SciaticaBot, sciatica_interaction
from bot.core.contracts import Export, guild_data
from bot.core.errors import UserFacingError
from bot.scheduling.clock import from_unix
from bot.scheduling.timeparse import is_safe_https_url
from bot.storage import Changes, Transaction
from bot.ui.autocomplete import region_autocomplete
from bot.ui.embeds import COLOUR_INFO, FIELD_LIMIT
from bot.ui.moderation import ensure_can_post, guild_of, post_to_log, require_moderator, shown
from bot.ui.views import ConfirmButton, ConfirmTexts

DISCLAIMER_LIMIT = 300
LINK_LIMIT = 512
"""Characters of the disclaimer and the booking link: the options declare them, so Discord's
own client stops a moderator there, and they are checked again here."""
RECENT_CHANGES = 5


async def reset_everything(interaction: discord.Interaction[SciaticaBot]) -> Changes:
    """The core settings and every feature's own go back together, or none of them do."""
    bot = interaction.client
    guild_id, moderator_id = guild_of(interaction), interaction.user.id
    async with bot.stores.transaction() as tx:
        changes = await bot.guild_config.reset(guild_id, moderator_id, tx)
        for feature in guild_data(bot.cogs.values()):
            changes |= await feature.reset_guild(tx, guild_id, moderator_id)
    return changes


class ResetAnswer(ConfirmButton, family="config", word="reset"):
    """One answer to "reset every setting?", counted after a restart like any other; the
    moderator's permission is checked again when they answer."""

    command = "/config reset"
    texts = ConfirmTexts(
        confirm="config.reset_button",
        cancel="config.cancel_button",
        cancelled="config.reset_cancelled",
        expired="config.reset_expired",
    )
    changes: Changes

    async def confirmed(self, interaction: discord.Interaction[SciaticaBot]) -> str:
        await require_moderator(interaction)
        self.changes = await reset_everything(interaction)
        return self.bot.messages("config.reset_done")

    async def after(self, interaction: discord.Interaction[SciaticaBot]) -> None:
        await post_to_log(interaction, self.changes)


@app_commands.guild_only()
@app_commands.guild_install()
@app_commands.default_permissions(manage_guild=True)
class Config(
    commands.GroupCog, group_name="config", group_description="Server settings for moderators."
):
    """Moderator settings. Hidden from members without Manage Server, and checked again when
    run. Features with settings of their own add their commands to this group."""

    def __init__(self, bot: SciaticaBot) -> None:
        self.bot = bot
        super().__init__()

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(ResetAnswer)

    async def cog_unload(self) -> None:
        self.bot.remove_dynamic_items(ResetAnswer)

    async def interaction_check(self, interaction: discord.Interaction[ClientT], /) -> bool:
        return await require_moderator(sciatica_interaction(interaction))

    # --- reading -------------------------------------------------------------------------

    @app_commands.command(
        name="show", description="Every setting of this server and recent changes."
    )
    async def show(self, interaction: discord.Interaction[SciaticaBot]) -> None:
        text = self.bot.messages
        guild_id = guild_of(interaction)
        config = await self.bot.guild_config.get(guild_id)
        unset = text("config.not_set")
        embed = discord.Embed(title=text("config.show_title"), colour=COLOUR_INFO)
        region = self.bot.content.regions.get(config.region or "")
        embed.add_field(name=text("config.region"), value=region.name if region else unset)
        link = config.booking_link
        embed.add_field(
            name=text("config.booking_link"),
            value=neutralise_link(link, FIELD_LIMIT) if link else unset,
        )
        embed.add_field(
            name=text("config.log_channel"),
            value=f"<#{config.log_channel_id}>" if config.log_channel_id else unset,
        )
        embed.add_field(
            name=text("config.disclaimer"), value=shown(config.disclaimer, unset), inline=False
        )
        if toggles := self.bot.guild_config.toggles:
            embed.add_field(
                name=text("config.features"),
                value="\n".join(
                    f"{toggle.display_name}: {text(_on_off(config.enabled(toggle)))}"
                    for toggle in toggles
                ),
            )
        for feature in guild_data(self.bot.cogs.values()):
            for name, value in await feature.settings_fields(guild_id):
                embed.add_field(name=name, value=value)
        changes = await self.bot.guild_config.recent_changes(guild_id, RECENT_CHANGES)
        lines = [
            text(
                "config.change_line",
                when=discord.utils.format_dt(from_unix(entry.changed_at), "d"),
                moderator=entry.moderator_id,
                setting=entry.setting,
                old=shown(entry.old_value, unset),
                new=shown(entry.new_value, unset),
            )
            for entry in changes
        ]
        embed.add_field(
            name=text("config.recent"),
            value="\n".join(lines) or text("config.no_changes"),
            inline=False,
        )
        await interaction.response.send_message(embed=embed, ephemeral=True)

    # --- changing ------------------------------------------------------------------------

    async def _change(
        self, interaction: discord.Interaction[SciaticaBot], setting: str, value: str | None
    ) -> None:
        guild_id = guild_of(interaction)
        changes = await self.bot.guild_config.set(guild_id, interaction.user.id, {setting: value})
        text = self.bot.messages
        if not changes:
            await interaction.response.send_message(text("config.unchanged"), ephemeral=True)
            return
        old, new = changes[setting]
        unset = text("config.not_set")
        await interaction.response.send_message(
            text("config.saved", setting=setting, old=shown(old, unset), new=shown(new, unset)),
            ephemeral=True,
        )
        await post_to_log(interaction, changes)

    @app_commands.command(name="region", description="Where this server is, for emergency numbers.")
    @app_commands.describe(region="The server's default for emergency numbers; pick from the list.")
    @app_commands.autocomplete(region=region_autocomplete)
    async def region(self, interaction: discord.Interaction[SciaticaBot], region: str) -> None:
        regions = self.bot.content.regions
        key = region.strip().lower()
        if key not in regions:
            matches = [k for k, r in regions.items() if r.name.lower() == key]
            if not matches:
                names = ", ".join(r.name for r in regions.values())
                raise UserFacingError(self.bot.messages("config.unknown_region", regions=names))
            key = matches[0]
        await self._change(interaction, "region", key)

    @app_commands.command(
        name="booking-link", description="The massage booking link (empty clears it)."
    )
    @app_commands.describe(url="An https:// link; leave out to clear.")
    async def booking_link(
        self,
        interaction: discord.Interaction[SciaticaBot],
        url: app_commands.Range[str, None, LINK_LIMIT] | None = None,
    ) -> None:
        if url is not None and not is_safe_https_url(url.strip(), LINK_LIMIT):
            raise UserFacingError(self.bot.messages("config.bad_link"))
        await self._change(interaction, "booking_link", url.strip() if url else None)

    # its choices are the loaded features' toggles: the client sets them once all are loaded
    # (FEATURE_COMMAND in bot/core/contracts.py)
    @app_commands.command(name="feature", description="Turn a feature on or off for this server.")
    @app_commands.describe(name="Which feature.", enabled="On or off.")
    async def feature(
        self, interaction: discord.Interaction[SciaticaBot], name: str, enabled: bool
    ) -> None:
        toggles = {toggle.name: toggle for toggle in self.bot.guild_config.toggles}
        if name not in toggles:
            raise UserFacingError(self.bot.messages("config.unchanged"))
        await self._change(interaction, toggles[name].setting, None if enabled else "off")

    @app_commands.command(name="disclaimer", description="Extra text added to health answers here.")
    @app_commands.describe(text="Up to 300 characters; leave out to clear.")
    async def disclaimer(
        self,
        interaction: discord.Interaction[SciaticaBot],
        text: app_commands.Range[str, None, DISCLAIMER_LIMIT] | None = None,
    ) -> None:
        value = text.strip() if text else None
        if value is not None and len(value) > DISCLAIMER_LIMIT:
            raise UserFacingError(
                self.bot.messages(
                    "config.disclaimer_too_long", limit=DISCLAIMER_LIMIT, length=len(value)
                )
            )
        # nothing visible (spaces, invisible characters) is no note at all: it clears it
        visible = neutralise_plain(value, DISCLAIMER_LIMIT).strip() if value else ""
        await self._change(interaction, "disclaimer", value if visible else None)

    @app_commands.command(name="log-channel", description="Where to post a line for each change.")
    @app_commands.describe(channel="A text channel; leave out to stop logging.")
    async def log_channel(
        self,
        interaction: discord.Interaction[SciaticaBot],
        channel: discord.TextChannel | None = None,
    ) -> None:
        if channel is not None:
            ensure_can_post(interaction, channel)
        await self._change(interaction, "log_channel_id", str(channel.id) if channel else None)

    @app_commands.command(name="reset", description="Put every setting back to its default.")
    async def reset(self, interaction: discord.Interaction[SciaticaBot]) -> None:
        await interaction.response.send_message(
            self.bot.messages("config.reset_confirm"),
            view=ResetAnswer.question(self.bot, interaction.user.id),
            ephemeral=True,
        )

    # --- a moderator's data: the changes they made (MemberData) ------------------------------

    async def export_member(self, user_id: int) -> Export:
        return await self.bot.stores.guild_settings.export_moderator(user_id)

    async def forget_member(self, tx: Transaction, user_id: int) -> None:
        await self.bot.stores.guild_settings.forget_moderator(tx, user_id)

    def privacy_lines(self, data: Export) -> list[str]:
        return [self.bot.messages("config.privacy_audit", count=len(data.get("audit_log", [])))]


def _on_off(enabled: bool) -> str:
    return "config.on" if enabled else "config.off"


async def setup(bot: SciaticaBot) -> None:
    await bot.add_cog(Config(bot))
