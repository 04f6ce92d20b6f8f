"""Reminders that happen once: /reminders once, and appointments (/reminders appointment, or
after Booked on a massage reminder) entered in a short form."""

from __future__ import annotations

import re
from typing import Any

import discord
from discord import app_commands

from bot.core.client import SciaticaBot, sciatica_interaction
from bot.core.errors import UserFacingError
from bot.scheduling.one_offs import NEVER, AppointmentSchedule, OnceSchedule
from bot.scheduling.recurrence import next_occurrence
from bot.scheduling.schedule_edits import DayAndTime
from bot.scheduling.timeparse import parse_when
from bot.scheduling.zone_rules import zone_names
from bot.storage import ReminderKind
from bot.ui.autocomplete import zone_autocomplete
from bot.ui.views import PersistentButton
from cogs.reminders.base import NOTE_LIMIT, WHEN_LIMIT
from cogs.reminders.create import Creating

APPOINTMENT_FORM = re.compile(r"rem:appt-form:(?P<zone>[A-Za-z0-9_+/-]{0,64})")
"""The form's custom_id: the zone the member named with the command, if any."""
DAY_INPUT, TIME_INPUT = "appointment:day", "appointment:time"


def appointment_form(bot: SciaticaBot, zone: str | None) -> discord.ui.Modal:
    """The appointment's day and time, in the member's own zone. Only its layout: it is never
    kept in memory (stopped before it is sent), so its answer reaches `OneOffs.form_sent`
    through its custom_id, after a restart too."""
    form = discord.ui.Modal(
        title=bot.messages("reminders.appointment_form_title"),
        custom_id=f"rem:appt-form:{zone or ''}",
        timeout=None,
    )
    inputs = (
        (DAY_INPUT, "reminders.appointment_form_day"),
        (TIME_INPUT, "reminders.appointment_form_time"),
    )
    for custom_id, label in inputs:
        form.add_item(
            discord.ui.TextInput(
                label=bot.messages(label),
                custom_id=custom_id,
                max_length=WHEN_LIMIT // 2,
            )
        )
    form.stop()
    return form


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
        await interaction.response.send_modal(appointment_form(self.bot, None))


def form_values(data: dict[str, Any]) -> dict[str, str]:
    """A submitted form's text inputs by custom_id, in rows or in labels."""
    found: dict[str, str] = {}
    for row in data.get("components") or []:
        for field in [*(row.get("components") or []), row.get("component") or {}]:
            if "custom_id" in field:
                found[str(field["custom_id"])] = str(field.get("value") or "")
    return found


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
        await self._create(
            interaction, ReminderKind.ONCE, OnceSchedule(day, at, zone), zone, note=note
        )

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
        await interaction.response.send_modal(appointment_form(self.bot, zone))

    async def form_sent(self, interaction: discord.Interaction[Any], match: re.Match[str]) -> None:
        """The appointment form sent back (whichever process opened it)."""
        values = form_values(dict(interaction.data or {}))
        zone = match["zone"] if match["zone"] in zone_names() else None
        await self.save_appointment(
            interaction, f"{values.get(DAY_INPUT, '')} {values.get(TIME_INPUT, '')}", zone
        )

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
        await self._create(ours, ReminderKind.APPOINTMENT, schedule, zone, note=None)

    def _when(self, text: str, zone: str) -> DayAndTime:
        return parse_when(text, self._now(), zone)
