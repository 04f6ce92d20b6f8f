"""/config: moderators shape the bot for their server; every change is audited."""

from __future__ import annotations

import logging
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.autocomplete import day_choices, member_locale, region_choices, zone_choices
from bot.client import SciaticaBot
from bot.embeds import COLOUR_INFO
from bot.errors import UserFacingError, safe_autocomplete
from bot.guild_config import FEATURES
from bot.recurrence import (
    WeeklySchedule,
    describe,
    next_occurrence,
    schedule_from_json,
    schedule_to_json,
)
from bot.timeparse import InputError, is_safe_https_url, parse_days, parse_time
from bot.views import OwnedView

log = logging.getLogger("cogs.config")

DISCLAIMER_LIMIT = 300
LINK_LIMIT = 512
RECENT_CHANGES = 5
SHOWN_VALUE_LIMIT = 80


def _shown(value: str | None, empty: str) -> str:
    """A setting value as shown to moderators: never pings, never breaks the layout."""
    if value is None:
        return empty
    value = discord.utils.escape_mentions(discord.utils.escape_markdown(value))
    return value if len(value) <= SHOWN_VALUE_LIMIT else value[: SHOWN_VALUE_LIMIT - 1] + "…"


class ConfirmResetView(OwnedView):
    def __init__(self, cog: Config, owner_id: int) -> None:
        super().__init__(cog.bot, owner_id, command="/config reset", timeout=120)
        self.cog = cog
        self.confirm.label = cog.bot.messages("config.reset_button")
        self.cancel.label = cog.bot.messages("config.cancel_button")

    @discord.ui.button(label="Reset", style=discord.ButtonStyle.danger, custom_id="config:reset")
    async def confirm(
        self, interaction: discord.Interaction[SciaticaBot], _: discord.ui.Button[Any]
    ) -> None:
        self.finish()
        assert interaction.guild_id is not None
        changes = await self.bot.guild_config.reset(interaction.guild_id, interaction.user.id)
        self.bot.scheduler.wake()
        await interaction.response.edit_message(
            content=self.bot.messages("config.reset_done"), view=None
        )
        await self.cog.post_to_log(interaction, changes)

    @discord.ui.button(label="Cancel", style=discord.ButtonStyle.secondary, custom_id="config:no")
    async def cancel(
        self, interaction: discord.Interaction[SciaticaBot], _: discord.ui.Button[Any]
    ) -> None:
        self.finish()
        await interaction.response.edit_message(
            content=self.bot.messages("config.reset_cancelled"), view=None
        )


@app_commands.guild_only()
@app_commands.guild_install()
@app_commands.default_permissions(manage_guild=True)
class Config(
    commands.GroupCog, group_name="config", group_description="Server settings for moderators."
):
    """Moderator settings. Hidden from members without Manage Server, and checked again when
    run, because server admins can override command permissions per role or channel."""

    def __init__(self, bot: SciaticaBot) -> None:
        self.bot = bot
        super().__init__()

    async def interaction_check(self, interaction: discord.Interaction[SciaticaBot]) -> bool:  # type: ignore[override]
        if interaction.guild_id is None:
            raise app_commands.NoPrivateMessage()
        if not interaction.is_guild_integration():  # a member's own install: no server settings
            raise UserFacingError(self.bot.messages("install.config_needs_server"))
        if not interaction.permissions.manage_guild:
            raise UserFacingError(self.bot.messages("config.not_allowed"))
        return True

    # --- reading -------------------------------------------------------------------------

    @app_commands.command(
        name="show", description="Every setting of this server and recent changes."
    )
    async def show(self, interaction: discord.Interaction[SciaticaBot]) -> None:
        text = self.bot.messages
        guild_id = _guild(interaction)
        config = await self.bot.guild_config.get(guild_id)
        unset = text("config.not_set")
        embed = discord.Embed(title=text("config.show_title"), colour=COLOUR_INFO)
        region = self.bot.content.regions.get(config.region or "")
        embed.add_field(name=text("config.region"), value=region.name if region else unset)
        embed.add_field(name=text("config.booking_link"), value=_shown(config.booking_link, unset))
        embed.add_field(
            name=text("config.log_channel"),
            value=f"<#{config.log_channel_id}>" if config.log_channel_id else unset,
        )
        embed.add_field(
            name=text("config.disclaimer"), value=_shown(config.disclaimer, unset), inline=False
        )
        embed.add_field(
            name=text("config.features"),
            value="\n".join(
                f"{name.replace('_', ' ')}: {text(_on_off(config.enabled(name)))}"
                for name in FEATURES
            ),
        )
        embed.add_field(
            name=text("config.stretch_break"), value=await self._break_summary(guild_id)
        )
        changes = await self.bot.guild_config.recent_changes(guild_id, RECENT_CHANGES)
        lines = [
            text(
                "config.change_line",
                when=f"<t:{entry.changed_at}:d>",
                moderator=entry.moderator_id,
                setting=entry.setting,
                old=_shown(entry.old_value, unset),
                new=_shown(entry.new_value, unset),
            )
            for entry in changes
        ]
        embed.add_field(
            name=text("config.recent"),
            value="\n".join(lines) or text("config.no_changes"),
            inline=False,
        )
        await interaction.response.send_message(embed=embed, ephemeral=True)

    async def _break_summary(self, guild_id: int) -> str:
        row = await self.bot.reminders.guild_reminder(guild_id, "stretch_break")
        if row is None:
            return self.bot.messages("config.off")
        return f"{describe(schedule_from_json(row.schedule))} in <#{row.channel_id}>"

    # --- changing ------------------------------------------------------------------------

    async def _change(
        self, interaction: discord.Interaction[SciaticaBot], setting: str, value: str | None
    ) -> None:
        guild_id = _guild(interaction)
        changes = await self.bot.guild_config.set(guild_id, interaction.user.id, {setting: value})
        text = self.bot.messages
        if not changes:
            await interaction.response.send_message(text("config.unchanged"), ephemeral=True)
            return
        old, new = changes[setting]
        unset = text("config.not_set")
        await interaction.response.send_message(
            text("config.saved", setting=setting, old=_shown(old, unset), new=_shown(new, unset)),
            ephemeral=True,
        )
        await self.post_to_log(interaction, changes)

    async def post_to_log(
        self,
        interaction: discord.Interaction[SciaticaBot],
        changes: dict[str, tuple[str | None, str | None]],
    ) -> None:
        """One line per change in the log channel; a failure here never undoes the change."""
        config = await self.bot.guild_config.get(interaction.guild_id)
        if config.log_channel_id is None or not changes:
            return
        text = self.bot.messages
        unset = text("config.not_set")
        lines = [
            text(
                "config.log_line",
                moderator=interaction.user.mention,
                setting=setting,
                old=_shown(old, unset),
                new=_shown(new, unset),
            )
            for setting, (old, new) in changes.items()
        ]
        try:
            await self.bot.get_partial_messageable(config.log_channel_id).send(
                "\n".join(lines)[:2000]
            )
        except discord.HTTPException:
            log.warning("could not post to the audit log channel of guild %s", interaction.guild_id)

    @app_commands.command(name="region", description="Where this server is, for emergency numbers.")
    @app_commands.describe(region="The server's default for emergency numbers; pick from the list.")
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

    @region.autocomplete("region")
    @safe_autocomplete
    async def region_autocomplete(
        self, interaction: discord.Interaction[SciaticaBot], current: str
    ) -> list[app_commands.Choice[str]]:
        return region_choices(self.bot.content.regions, current)

    @app_commands.command(
        name="booking-link", description="The massage booking link (empty clears it)."
    )
    @app_commands.describe(url="An https:// link; leave out to clear.")
    async def booking_link(
        self, interaction: discord.Interaction[SciaticaBot], url: str | None = None
    ) -> None:
        if url is not None and not is_safe_https_url(url.strip(), LINK_LIMIT):
            raise UserFacingError(self.bot.messages("config.bad_link"))
        await self._change(interaction, "booking_link", url.strip() if url else None)

    @app_commands.command(name="feature", description="Turn a feature on or off for this server.")
    @app_commands.describe(name="Which feature.", enabled="On or off.")
    @app_commands.choices(
        name=[app_commands.Choice(name=f.replace("_", " "), value=f) for f in FEATURES]
    )
    async def feature(
        self, interaction: discord.Interaction[SciaticaBot], name: str, enabled: bool
    ) -> None:
        if name not in FEATURES:
            raise UserFacingError(self.bot.messages("config.unchanged"))
        await self._change(interaction, f"feature_{name}", None if enabled else "off")

    @app_commands.command(name="disclaimer", description="Extra text added to health answers here.")
    @app_commands.describe(text="Up to 300 characters; leave out to clear.")
    async def disclaimer(
        self, interaction: discord.Interaction[SciaticaBot], text: str | None = None
    ) -> None:
        value = text.strip() if text else None
        if value is not None and len(value) > DISCLAIMER_LIMIT:
            raise UserFacingError(
                self.bot.messages(
                    "config.disclaimer_too_long", limit=DISCLAIMER_LIMIT, length=len(value)
                )
            )
        await self._change(interaction, "disclaimer", value or None)

    @app_commands.command(name="log-channel", description="Where to post a line for each change.")
    @app_commands.describe(channel="A text channel; leave out to stop logging.")
    async def log_channel(
        self,
        interaction: discord.Interaction[SciaticaBot],
        channel: discord.TextChannel | None = None,
    ) -> None:
        if channel is not None:
            self._ensure_can_post(interaction, channel)
        await self._change(interaction, "log_channel_id", str(channel.id) if channel else None)

    def _ensure_can_post(
        self, interaction: discord.Interaction[SciaticaBot], channel: discord.abc.GuildChannel
    ) -> None:
        guild = interaction.guild
        resolved = guild.get_channel(channel.id) if guild else None
        me = guild.me if guild else None
        if resolved is None or me is None:
            raise UserFacingError(self.bot.messages("config.cannot_post", channel=channel.mention))
        permissions = resolved.permissions_for(me)
        if not (permissions.view_channel and permissions.send_messages and permissions.embed_links):
            raise UserFacingError(self.bot.messages("config.cannot_post", channel=channel.mention))

    @app_commands.command(
        name="stretch-break", description="Post a community stretch break on a schedule."
    )
    @app_commands.describe(
        channel="Where to post it.",
        time="When: 8:00, 8am, 12:30 pm, 15:00, 7.30 or noon.",
        days="every day, weekdays, weekends, a range like mon-fri, or days like mon, wed, fri.",
        timezone="The server's time zone, e.g. Europe/London, london or EST.",
        role="Optional: the one role to mention when it is posted.",
    )
    async def stretch_break(
        self,
        interaction: discord.Interaction[SciaticaBot],
        channel: discord.TextChannel,
        time: str,
        days: str,
        timezone: str,
        role: discord.Role | None = None,
    ) -> None:
        guild_id = _guild(interaction)
        now = self.bot.clock.now()
        try:
            zone = self.bot.content.zones.resolve(
                timezone, now=now, locale=member_locale(interaction)
            )
            schedule = WeeklySchedule(parse_time(time), parse_days(days), zone)
        except InputError as exc:
            raise UserFacingError(exc.render(self.bot.messages)) from exc
        self._ensure_can_post(interaction, channel)
        first = next_occurrence(schedule, now)
        store = self.bot.reminders
        old = await store.guild_reminder(guild_id, "stretch_break")
        previous = describe(schedule_from_json(old.schedule)) if old else None
        summary = f"{describe(schedule)} in #{channel.name}" + (f" @{role.name}" if role else "")
        await store.save_stretch_break(
            guild_id=guild_id,
            channel_id=channel.id,
            role_id=role.id if role else None,
            schedule=schedule_to_json(schedule),
            next_due_at=int(first.timestamp()),
            moderator_id=interaction.user.id,
            audit=(previous, summary),
            now=self.bot.unix_now(),
        )
        self.bot.scheduler.wake()
        await interaction.response.send_message(
            self.bot.messages(
                "config.break_saved",
                description=describe(schedule),
                channel=channel.mention,
                next_full=f"<t:{int(first.timestamp())}:F>",
            ),
            ephemeral=True,
        )
        await self.post_to_log(interaction, {"stretch_break": (previous, summary)})

    @stretch_break.autocomplete("days")
    @safe_autocomplete
    async def days_autocomplete(
        self, interaction: discord.Interaction[SciaticaBot], current: str
    ) -> list[app_commands.Choice[str]]:
        return day_choices(current)

    @stretch_break.autocomplete("timezone")
    @safe_autocomplete
    async def zone_autocomplete(
        self, interaction: discord.Interaction[SciaticaBot], current: str
    ) -> list[app_commands.Choice[str]]:
        return zone_choices(
            self.bot.content.zones,
            self.bot.messages,
            current,
            now=self.bot.clock.now(),
            locale=member_locale(interaction),
        )

    @app_commands.command(name="stretch-break-off", description="Stop the community stretch break.")
    async def stretch_break_off(self, interaction: discord.Interaction[SciaticaBot]) -> None:
        guild_id = _guild(interaction)
        old = await self.bot.reminders.guild_reminder(guild_id, "stretch_break")
        if old is None:
            await interaction.response.send_message(
                self.bot.messages("config.break_none"), ephemeral=True
            )
            return
        previous = describe(schedule_from_json(old.schedule))
        await self.bot.reminders.delete_stretch_break(
            guild_id, interaction.user.id, previous, self.bot.unix_now()
        )
        self.bot.scheduler.wake()
        change: dict[str, tuple[str | None, str | None]] = {"stretch_break": (previous, None)}
        await interaction.response.send_message(
            self.bot.messages("config.break_off"), ephemeral=True
        )
        await self.post_to_log(interaction, change)

    @app_commands.command(name="reset", description="Put every setting back to its default.")
    async def reset(self, interaction: discord.Interaction[SciaticaBot]) -> None:
        view = ConfirmResetView(self, interaction.user.id)
        await interaction.response.send_message(
            self.bot.messages("config.reset_confirm"), view=view, ephemeral=True
        )
        view.origin = interaction


def _on_off(enabled: bool) -> str:
    return "config.on" if enabled else "config.off"


def _guild(interaction: discord.Interaction[SciaticaBot]) -> int:
    if interaction.guild_id is None:
        raise app_commands.NoPrivateMessage()
    return interaction.guild_id


async def setup(bot: SciaticaBot) -> None:
    await bot.add_cog(Config(bot))
