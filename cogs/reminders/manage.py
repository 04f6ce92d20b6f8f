"""Looking after reminders: /reminders pause (for some days, or until resumed), resume,
delete and timezone."""

from __future__ import annotations

import discord
from discord import app_commands

from bot.core.client import SciaticaBot
from bot.scheduling.planning import is_paused, pause_for_days, pause_zone, resume
from bot.scheduling.zone_rules import zone_info
from bot.storage import PauseReason, ReminderStatus
from bot.ui.autocomplete import zone_autocomplete
from cogs.reminders.base import (
    ReminderBase,
    reminder_autocomplete,
    timestamp,
)


class Managing(ReminderBase):
    """The commands that pause, resume and delete reminders."""

    @app_commands.command(name="pause", description="Pause one reminder, or all of them.")
    @app_commands.describe(
        reminder="Which reminder (start typing), or all.",
        days="Start again by itself after this many days (1 to 60); leave out to pause until "
        "you resume.",
    )
    @app_commands.autocomplete(reminder=reminder_autocomplete)
    async def pause(
        self,
        interaction: discord.Interaction[SciaticaBot],
        reminder: str,
        days: app_commands.Range[int, 1, 60] | None = None,
    ) -> None:
        rows = [
            r
            for r in await self._chosen(interaction.user.id, reminder)
            if r.status == ReminderStatus.ACTIVE
        ]
        if days is None:
            await self.reminders.set_status([r.id for r in rows], ReminderStatus.PAUSED, None, {})
            await self._reply(interaction, "reminders.paused", len(rows))
            return
        member = await self.members.member(interaction.user.id)
        paused, until = await pause_for_days(
            self.reminders, rows, days, self._now(), pause_zone(member, rows)
        )
        await self._reply(
            interaction, "reminders.paused_until", len(paused), until=timestamp(until, "F")
        )

    @app_commands.command(name="resume", description="Resume one paused reminder, or all of them.")
    @app_commands.describe(reminder="Which reminder (start typing), or all.")
    @app_commands.autocomplete(reminder=reminder_autocomplete)
    async def resume(self, interaction: discord.Interaction[SciaticaBot], reminder: str) -> None:
        rows = [r for r in await self._chosen(interaction.user.id, reminder) if is_paused(r)]
        if rows and any(r.paused_reason == PauseReason.DMS_CLOSED for r in rows):
            await interaction.response.defer(ephemeral=True, thinking=True)
            await self._confirm_by_dm(interaction)
            await self.members.save_member(interaction.user.id, self._unix())
        await resume(self.reminders, rows, self._now())
        await self._reply(interaction, "reminders.resumed", len(rows))

    @app_commands.command(name="delete", description="Delete one reminder, or all of them.")
    @app_commands.describe(reminder="Which reminder (start typing), or all.")
    @app_commands.autocomplete(reminder=reminder_autocomplete)
    async def delete(self, interaction: discord.Interaction[SciaticaBot], reminder: str) -> None:
        rows = await self._chosen(interaction.user.id, reminder)
        await self.reminders.delete([r.id for r in rows])
        await self._reply(interaction, "reminders.deleted", len(rows))

    @app_commands.command(name="timezone", description="Set your time zone for new reminders.")
    @app_commands.describe(
        zone="Start typing a city, zone or abbreviation: london, Asia/Tokyo, EST."
    )
    @app_commands.autocomplete(zone=zone_autocomplete)
    async def timezone(self, interaction: discord.Interaction[SciaticaBot], zone: str) -> None:
        resolved = self._resolve_zone(interaction, zone)
        await self.members.save_member(interaction.user.id, self._unix(), timezone=resolved)
        member = await self.members.member(interaction.user.id)
        if member is not None and member.quiet_hours:
            # quiet hours follow the member: what they hold is decided again in the new zone
            await self.reminders.set_quiet_hours(
                interaction.user.id, member.quiet_hours, self._unix()
            )
        local = self._now().astimezone(zone_info(resolved)).strftime("%H:%M")
        await interaction.response.send_message(
            self.bot.messages("reminders.timezone_saved", zone=resolved, local_time=local),
            ephemeral=True,
        )
