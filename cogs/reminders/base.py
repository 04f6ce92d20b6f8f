"""What every part of /reminders shares: the stores, the clock, time zones, picking a member's
reminders, the streak, the DM channel and the consent DM."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.core.client import SciaticaBot
from bot.core.delivery import CLOSED_DMS
from bot.core.discord_internals import open_dm_channel
from bot.core.errors import UserFacingError
from bot.health.sessions import current_streak, judge
from bot.scheduling.clock import from_unix
from bot.scheduling.recurrence import Schedule, schedule_from_json
from bot.scheduling.reminder_times import quiet_release
from bot.scheduling.schedule_text import describe_in
from bot.scheduling.timeparse import is_safe_https_url
from bot.storage import (
    MemberRow,
    MemberStore,
    PauseReason,
    ReminderKind,
    ReminderRow,
    ReminderStore,
)
from bot.ui.autocomplete import member_locale, safe_autocomplete
from bot.ui.embeds import CHOICE_NAME_LIMIT, COLOUR_REMINDER

if TYPE_CHECKING:
    from discord.utils import TimestampStyle

ALL = "all"
NOTE_LIMIT = 200
LINK_LIMIT = 512
"""Characters of a note and of a booking link; the options declare them, so Discord's own
client stops a member there, and they are checked again here."""
START_LIMIT = 30
"""The longest start day of an every-N-days reminder worth typing ("2026-03-05")."""
WHEN_LIMIT = 60
"""The longest time of a one-off worth typing ("next wednesday at 10:30 am")."""
WEEKDAY_CHOICES = [
    app_commands.Choice(name=name, value=index)
    for index, name in enumerate(
        ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
    )
]


# the message keys that name a reminder's kind and why it is paused, in lists and choices
KIND_KEYS = {
    ReminderKind.STRETCH: "reminders.kind_stretch",
    ReminderKind.MASSAGE: "reminders.kind_massage",
    ReminderKind.ONCE: "reminders.kind_once",
    ReminderKind.APPOINTMENT: "reminders.kind_appointment",
}
PAUSE_REASON_KEYS = {
    None: "reminders.paused_by_member",
    PauseReason.DMS_CLOSED: "reminders.paused_dms_closed",
    PauseReason.CANNOT_POST: "reminders.paused_cannot_post",
}


def timestamp(unix: int, style: TimestampStyle) -> str:
    """A stored Unix time as a Discord timestamp: every reader sees it in their own local time."""
    return discord.utils.format_dt(from_unix(unix), style)


def describe_schedule(bot: SciaticaBot, schedule: Schedule | ReminderRow) -> str:
    """A schedule in words, e.g. "Every weekday at 08:00 (Europe/London)"."""
    if isinstance(schedule, ReminderRow):
        schedule = schedule_from_json(schedule.schedule)
    return describe_in(schedule, bot.messages)


async def _reminder_choices(
    interaction: discord.Interaction[SciaticaBot], current: str, *, with_all: bool
) -> list[app_commands.Choice[str]]:
    """The member's own reminders, numbered as /reminders list numbers them."""
    bot = interaction.client
    text = bot.messages
    choices = []
    if with_all:
        choices.append(app_commands.Choice(name=text("reminders.all_choice"), value=ALL))
    for number, row in enumerate(await bot.stores.reminders.of_member(interaction.user.id), 1):
        kind = text(KIND_KEYS[row.kind])
        label = f"#{number} {kind}: {describe_schedule(bot, row)}"
        choices.append(app_commands.Choice(name=label[:CHOICE_NAME_LIMIT], value=str(row.id)))
    needle = current.strip().lower()
    return [c for c in choices if needle in c.name.lower()]


@safe_autocomplete
async def reminder_autocomplete(
    interaction: discord.Interaction[SciaticaBot], current: str
) -> list[app_commands.Choice[str]]:
    """One of the member's reminders, or "all"."""
    return await _reminder_choices(interaction, current, with_all=True)


@safe_autocomplete
async def one_reminder_autocomplete(
    interaction: discord.Interaction[SciaticaBot], current: str
) -> list[app_commands.Choice[str]]:
    """One of the member's reminders."""
    return await _reminder_choices(interaction, current, with_all=False)


class ReminderBase(commands.Cog):
    """The parts of the Reminders cog that its commands, buttons and deliveries all use (a
    Cog, so the commands of the parts built on it are a cog's commands)."""

    bot: SciaticaBot
    reminders: ReminderStore
    members: MemberStore

    def _now(self) -> datetime:
        return self.bot.clock.now()

    def _unix(self) -> int:
        return int(self._now().timestamp())

    def describe(self, schedule: Schedule | ReminderRow) -> str:
        return describe_schedule(self.bot, schedule)

    def _check_note(self, note: str | None) -> None:
        if note is not None and len(note) > NOTE_LIMIT:
            raise UserFacingError(self.bot.messages("reminders.note_too_long", limit=NOTE_LIMIT))

    def _check_link(self, link: str | None) -> None:
        if link is not None and not is_safe_https_url(link.strip(), LINK_LIMIT):
            raise UserFacingError(self.bot.messages("reminders.bad_link"))

    # --- time zones --------------------------------------------------------------------------

    async def _zone_for(
        self, interaction: discord.Interaction[SciaticaBot], typed: str | None
    ) -> str:
        if typed:
            return self._resolve_zone(interaction, typed)
        member = await self.members.member(interaction.user.id)
        if member is None or member.timezone is None:
            raise UserFacingError(self.bot.messages("reminders.need_timezone"))
        return member.timezone

    def _resolve_zone(self, interaction: discord.Interaction[SciaticaBot], typed: str) -> str:
        """The zone the member means, judged by their Discord language; else their refusal."""
        return self.bot.content.zones.resolve(
            typed, now=self._now(), locale=member_locale(interaction)
        )

    def _quiet_note(self, member: MemberRow | None, zone: str, due: int) -> str:
        """A line saying when a DM due in the member's quiet hours will really come, or ""."""
        if member is None:
            return ""
        release = quiet_release(member.quiet_hours, member.timezone or zone, due)
        if release is None:
            return ""
        return "\n" + self.bot.messages("reminders.in_quiet_hours", release=timestamp(release, "F"))

    # --- picking reminders -------------------------------------------------------------------

    async def _chosen(self, user_id: int, choice: str) -> list[ReminderRow]:
        rows = await self.reminders.of_member(user_id)
        if choice.strip().lower() == ALL:
            return rows
        chosen = [row for row in rows if str(row.id) == choice.strip()]
        if not chosen:
            raise UserFacingError(self.bot.messages("reminders.unknown_reminder"))
        return chosen

    async def _reply(
        self, interaction: discord.Interaction[SciaticaBot], key: str, count: int, **values: str
    ) -> None:
        text = (
            self.bot.messages(key, count=count, **values)
            if count
            else self.bot.messages("reminders.nothing_to_do")
        )
        if interaction.response.is_done():
            await interaction.followup.send(text, ephemeral=True)
        else:
            await interaction.response.send_message(text, ephemeral=True)

    async def _streak(self, user_id: int) -> int:
        """Done sessions in a row over the member's plan (bot.health.sessions)."""
        member = await self.members.member(user_id)
        zone = member.timezone if member and member.timezone else "UTC"
        history = judge(await self.bot.stores.sessions.inputs(user_id), zone)
        return current_streak(history)

    # --- DMs ---------------------------------------------------------------------------------

    async def _confirm_by_dm(self, interaction: discord.Interaction[SciaticaBot]) -> None:
        """Refused, the member hears why at once: through a server's privacy menu where a
        server added the bot, through their own settings where they use their own install."""
        embed = discord.Embed(
            title=self.bot.messages("reminders.confirm_dm_title"),
            description=self.bot.messages("reminders.confirm_dm"),
            colour=COLOUR_REMINDER,
        )
        try:
            channel_id = await self.dm_channel(interaction.user.id)
            await self.bot.get_partial_messageable(channel_id).send(
                self.bot.messages("reminders.confirm_dm_title"), embed=embed
            )
        except discord.HTTPException as exc:
            if not isinstance(exc, discord.Forbidden) and exc.code != CLOSED_DMS:
                raise
            key = (
                "reminders.dms_closed_setup"
                if interaction.is_guild_integration()
                else "reminders.dms_closed_setup_account"
            )
            raise UserFacingError(self.bot.messages(key)) from exc

    async def dm_channel(self, user_id: int) -> int:
        """The member's DM channel id, opened once and remembered."""
        member = await self.members.member(user_id)
        if member is not None and member.dm_channel_id is not None:
            return member.dm_channel_id
        channel_id = await open_dm_channel(self.bot.http, user_id)
        await self.members.save_member(user_id, self._unix(), dm_channel_id=channel_id)
        return channel_id
