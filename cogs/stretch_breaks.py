"""Community stretch breaks: moderators schedule one per server (/config stretch-break), the
bot posts it in a channel with an "I did it" button, and members who join are counted."""

from __future__ import annotations

import re
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.core.client import ClientT, SciaticaBot, sciatica_interaction
from bot.core.contracts import CONFIG_GROUP, Export
from bot.core.guild_config import Toggle
from bot.scheduling.clock import from_unix
from bot.scheduling.dispatcher import delivery_nonce
from bot.scheduling.planning import first_due
from bot.scheduling.recurrence import (
    WeeklySchedule,
    local_date,
    schedule_from_json,
    schedule_to_json,
)
from bot.scheduling.schedule_text import describe_in
from bot.scheduling.timeparse import parse_days, parse_time
from bot.storage import Changes, Claim, ReminderKind, Transaction
from bot.ui.autocomplete import days_autocomplete, member_locale, zone_autocomplete
from bot.ui.embeds import DESCRIPTION_LIMIT, stretch_embed
from bot.ui.moderation import ensure_can_post, guild_of, post_to_log, require_moderator
from bot.ui.views import PersistentButton

STRETCH_BREAKS = Toggle("stretch_breaks", "features.stretch_breaks")


class JoinBreakButton(
    PersistentButton,
    template=r"break:join:(?P<guild>[0-9]{1,19}):(?P<zone>[A-Za-z0-9_+\-/]{1,60})",
):
    """Counts members who stretched today; the server and its zone live in the custom_id."""

    def __init__(self, bot: SciaticaBot, guild_id: int, zone: str) -> None:
        super().__init__(
            discord.ui.Button(
                label=bot.messages("stretch_breaks.button"),
                style=discord.ButtonStyle.success,
                custom_id=f"break:join:{guild_id}:{zone}",
            )
        )
        self.bot = bot
        self.guild_id = guild_id
        self.zone = zone

    @classmethod
    def rebuild(cls, bot: SciaticaBot, match: re.Match[str]) -> JoinBreakButton:
        return cls(bot, int(match["guild"]), match["zone"])

    async def press(self, interaction: discord.Interaction[SciaticaBot]) -> None:
        today = local_date(self.bot.clock.now(), self.zone).isoformat()
        count = await self.bot.stores.stretch_breaks.record_join(
            self.guild_id, today, interaction.user.id
        )
        await interaction.response.send_message(
            self.bot.messages("stretch_breaks.joined", count=count), ephemeral=True
        )


class StretchBreaks(commands.Cog):
    """Its two moderator commands sit in the /config group (ConfigCommands): the client adds
    them once every extension is loaded."""

    def __init__(self, bot: SciaticaBot) -> None:
        self.bot = bot
        self.store = bot.stores.stretch_breaks
        self._config_commands = self._build_commands()

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(JoinBreakButton)
        self.bot.scheduler.register(ReminderKind.STRETCH_BREAK, self.post)

    async def cog_unload(self) -> None:
        group = self.bot.tree.get_command(CONFIG_GROUP)
        if isinstance(group, app_commands.Group):
            for command in self._config_commands:
                if group.get_command(command.name) is command:
                    group.remove_command(command.name)
        self.bot.scheduler.unregister(ReminderKind.STRETCH_BREAK)
        self.bot.remove_dynamic_items(JoinBreakButton)

    def config_commands(self) -> list[app_commands.Command[Any, ..., Any]]:
        return self._config_commands

    def toggles(self) -> list[Toggle]:
        return [STRETCH_BREAKS]

    def _build_commands(self) -> list[app_commands.Command[Any, ..., Any]]:
        save: app_commands.Command[Any, ..., Any] = app_commands.Command(
            name="stretch-break",
            description="Post a community stretch break on a schedule.",
            callback=self.stretch_break,
        )
        save.autocomplete("days")(days_autocomplete)
        save.autocomplete("timezone")(zone_autocomplete)
        off: app_commands.Command[Any, ..., Any] = app_commands.Command(
            name="stretch-break-off",
            description="Stop the community stretch break.",
            callback=self.stretch_break_off,
        )
        return [save, off]

    async def interaction_check(self, interaction: discord.Interaction[ClientT], /) -> bool:
        return await require_moderator(sciatica_interaction(interaction))

    # --- moderators ------------------------------------------------------------------------

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
        guild_id = guild_of(interaction)
        text = self.bot.messages
        now = self.bot.clock.now()
        zone = self.bot.content.zones.resolve(timezone, now=now, locale=member_locale(interaction))
        schedule = WeeklySchedule(parse_time(time), parse_days(days), zone)
        ensure_can_post(interaction, channel)
        first = first_due(schedule, now)
        old = await self.store.current(guild_id)
        previous = describe_in(schedule_from_json(old.schedule), text) if old else None
        summary = text(
            "stretch_breaks.audit_value",
            description=describe_in(schedule, text),
            channel=channel.name,
        )
        if role is not None:
            summary += text("stretch_breaks.audit_role", role=role.name)
        await self.store.save(
            guild_id=guild_id,
            channel_id=channel.id,
            role_id=role.id if role else None,
            schedule=schedule_to_json(schedule),
            next_due_at=first,
            moderator_id=interaction.user.id,
            audit=(previous, summary),
            now=self.bot.unix_now(),
        )
        await interaction.response.send_message(
            text(
                "stretch_breaks.saved",
                description=describe_in(schedule, self.bot.messages),
                channel=channel.mention,
                next_full=discord.utils.format_dt(from_unix(first), "F"),
            ),
            ephemeral=True,
        )
        await post_to_log(interaction, {ReminderKind.STRETCH_BREAK: (previous, summary)})

    async def stretch_break_off(self, interaction: discord.Interaction[SciaticaBot]) -> None:
        guild_id = guild_of(interaction)
        old = await self.store.current(guild_id)
        if old is None:
            await interaction.response.send_message(
                self.bot.messages("stretch_breaks.none"), ephemeral=True
            )
            return
        previous = describe_in(schedule_from_json(old.schedule), self.bot.messages)
        await self.store.turn_off(guild_id, interaction.user.id, previous, self.bot.unix_now())
        await interaction.response.send_message(
            self.bot.messages("stretch_breaks.off"), ephemeral=True
        )
        await post_to_log(interaction, {ReminderKind.STRETCH_BREAK: (previous, None)})

    # --- posting -----------------------------------------------------------------------------

    async def post(self, claim: Claim) -> int | None:
        """Post the break (skipped while moderators have the feature off)."""
        reminder = claim.reminder
        assert reminder.guild_id is not None and reminder.channel_id is not None
        config = await self.bot.guild_config.get(reminder.guild_id)
        if not config.enabled(STRETCH_BREAKS):
            return None
        text = self.bot.messages
        zone = schedule_from_json(reminder.schedule).zone
        day = local_date(self.bot.clock.now(), zone)
        stretch = self.bot.content.library.stretch_of_the_day(day.toordinal())
        embed = stretch_embed(self.bot.content.library, stretch)
        embed.title = text("stretch_breaks.title")
        intro = text("stretch_breaks.intro")
        embed.description = f"{intro}\n\n{embed.description or ''}"[:DESCRIPTION_LIMIT]
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

    # --- the server's data (GuildData) -------------------------------------------------------

    async def settings_fields(self, guild_id: int) -> list[tuple[str, str]]:
        text = self.bot.messages
        row = await self.store.current(guild_id)
        if row is None:
            value = text("stretch_breaks.field_off")
        else:
            value = text(
                "stretch_breaks.field_on",
                description=describe_in(schedule_from_json(row.schedule), self.bot.messages),
                channel=f"<#{row.channel_id}>",
            )
        return [(text("stretch_breaks.field"), value)]

    async def reset_guild(self, tx: Transaction, guild_id: int, moderator_id: int) -> Changes:
        """A reset turns the break off; the confirmation said so, so no line of its own."""
        await self.store.drop(tx, guild_id)
        return {}

    async def forget_guild(self, tx: Transaction, guild_id: int) -> None:
        await self.store.forget_guild(tx, guild_id)

    # --- a member's data (MemberData) --------------------------------------------------------

    async def export_member(self, user_id: int) -> Export:
        return await self.store.export_member(user_id)

    async def forget_member(self, tx: Transaction, user_id: int) -> None:
        await self.store.forget_member(tx, user_id)

    def privacy_lines(self, data: Export) -> list[str]:
        joins = data.get("stretch_break_joins", [])
        return [self.bot.messages("stretch_breaks.privacy_joins", count=len(joins))]


async def setup(bot: SciaticaBot) -> None:
    await bot.add_cog(StretchBreaks(bot))
