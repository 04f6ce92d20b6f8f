"""Reminders that happen once: /reminders once, and appointments (/reminders appointment, or
after Booked on a massage reminder) entered in a short form."""

from __future__ import annotations

import re
from typing import Any

import discord
from discord import app_commands

from bot.autocomplete import zone_autocomplete
from bot.client import SciaticaBot, sciatica_interaction
from bot.errors import UserFacingError, report_error
from bot.one_offs import NEVER, AppointmentSchedule, OnceSchedule
from bot.recurrence import next_occurrence
from bot.schedule_edits import DayAndTime
from bot.timeparse import InputError, parse_when
from bot.views import PersistentButton
from cogs.reminders.base import NOTE_LIMIT, WHEN_LIMIT
from cogs.reminders.create import Creating


class AppointmentForm(discord.ui.Modal):
    """The appointment's date and time, in the member's own zone."""

    def __init__(self, bot: SciaticaBot, zone: str | None) -> None:
        super().__init__(title=bot.messages("reminders.appointment_form_title"), timeout=900)
        self.bot = bot
        self.zone = zone
        self.day: discord.ui.TextInput[AppointmentForm] = discord.ui.TextInput(
            label=bot.messages("reminders.appointment_form_day"),
            custom_id="appointment:day",
            max_length=WHEN_LIMIT // 2,
        )
        self.time: discord.ui.TextInput[AppointmentForm] = discord.ui.TextInput(
            label=bot.messages("reminders.appointment_form_time"),
            custom_id="appointment:time",
            max_length=WHEN_LIMIT // 2,
        )
        self.add_item(self.day)
        self.add_item(self.time)

    async def on_submit(self, interaction: discord.Interaction[Any], /) -> None:
        cog = self.bot.get_cog("Reminders")
        assert isinstance(cog, OneOffs)
        await cog.save_appointment(interaction, f"{self.day.value} {self.time.value}", self.zone)

    async def on_error(  # type: ignore[override]  # a modal has no item that failed
        self, interaction: discord.Interaction[Any], error: Exception, /
    ) -> None:
        await report_error(interaction, error, self.bot.messages)


class AddAppointmentButton(PersistentButton, template=r"rem:appt"):
    """Shown once a massage is booked: opens the appointment form (works after a restart)."""

    def __init__(self, bot: SciaticaBot) -> None:
        super().__init__(
            discord.ui.Button(
                label=bot.messages("reminders.add_appointment"),
                style=discord.ButtonStyle.primary,
                custom_id="rem:appt",
            )
        )
        self.bot = bot

    @classmethod
    def rebuild(cls, bot: SciaticaBot, match: re.Match[str]) -> AddAppointmentButton:
        return cls(bot)

    async def press(self, interaction: discord.Interaction[SciaticaBot]) -> None:
        await interaction.response.send_modal(AppointmentForm(self.bot, None))


class OneOffs(Creating):
    """The commands and form that add a reminder that happens once."""

    @app_commands.command(name="once", description="Get a DM once, at a time you pick.")
    @app_commands.describe(
        when="When, in your time: thu 10:00, tomorrow at 9am, 2026-03-05 14:30 or 16:00.",
        note="What to remind you of, e.g. call the clinic.",
        timezone="Your time zone, e.g. Europe/London, london or EST (remembered).",
    )
    @app_commands.autocomplete(timezone=zone_autocomplete)
    async def once(
        self,
        interaction: discord.Interaction[SciaticaBot],
        when: app_commands.Range[str, None, WHEN_LIMIT],
        note: app_commands.Range[str, None, NOTE_LIMIT],
        timezone: str | None = None,
    ) -> None:
        zone = await self._zone_for(interaction, timezone)
        self._check_note(note)
        day, at = self._when(when, zone)
        await self._create(interaction, "once", OnceSchedule(day, at, zone), zone, note=note)

    @app_commands.command(
        name="appointment",
        description="Reminders the day before and 2 hours before an appointment.",
    )
    @app_commands.describe(timezone="Your time zone, e.g. Europe/London (remembered).")
    @app_commands.autocomplete(timezone=zone_autocomplete)
    async def appointment(
        self, interaction: discord.Interaction[SciaticaBot], timezone: str | None = None
    ) -> None:
        zone = self._resolve_zone(interaction, timezone) if timezone else None
        await interaction.response.send_modal(AppointmentForm(self.bot, zone))

    async def save_appointment(
        self, interaction: discord.Interaction[Any], when: str, zone: str | None
    ) -> None:
        """The form was sent: save the appointment's two reminders as one, or say why not."""
        ours = sciatica_interaction(interaction)
        zone = zone or await self._zone_for(ours, None)
        day, at = self._when(when, zone)
        schedule = AppointmentSchedule(day, at, zone)
        if next_occurrence(schedule, self._now()) == NEVER:
            raise UserFacingError(self.bot.messages("reminders.appointment_too_soon"))
        await self._create(ours, "appointment", schedule, zone, note=None)

    def _when(self, text: str, zone: str) -> DayAndTime:
        try:
            return parse_when(text, self._now(), zone)
        except InputError as exc:
            raise UserFacingError(exc.render(self.bot.messages)) from exc
