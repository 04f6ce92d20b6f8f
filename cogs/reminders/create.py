"""Creating reminders: /reminders stretch, massage and after-done, each confirmed by a DM."""

from __future__ import annotations

from datetime import time, timedelta

import discord
from discord import app_commands

from bot.core.client import SciaticaBot
from bot.core.errors import UserFacingError
from bot.scheduling.planning import first_due
from bot.scheduling.recurrence import (
    AFTER_DONE_HOURS,
    AfterDoneSchedule,
    EveryNDaysSchedule,
    EveryNWeeksSchedule,
    Schedule,
    WeeklySchedule,
    first_day_ahead,
    local_date,
    schedule_to_json,
)
from bot.scheduling.timeparse import parse_days, parse_every_n_days, parse_start_day, parse_time
from bot.storage import ReminderKind
from bot.ui.autocomplete import days_autocomplete, zone_autocomplete
from bot.ui.checks import add_bot_note, settings_guild_id
from cogs.reminders.base import (
    LINK_LIMIT,
    NOTE_LIMIT,
    START_LIMIT,
    WEEKDAY_CHOICES,
    ReminderBase,
    timestamp,
)

DEFAULT_MASSAGE_TIME = time(10, 0)


class Creating(ReminderBase):
    """The commands that add a reminder."""

    @app_commands.command(name="stretch", description="Get a DM to do your stretches.")
    @app_commands.describe(
        time="When, in your time: 8:00, 8am, 8:30 pm, 20:30, 7.30 or noon.",
        days="every day, weekdays, mon-fri, mon, wed, fri, or every 2 days (up to every 14 days).",
        timezone="Your time zone, e.g. Europe/London, london or EST (remembered).",
        note="A short note to yourself, shown in the DM.",
        start="Every N days: the first day (today, tomorrow, fri or 2026-03-05).",
    )
    @app_commands.autocomplete(days=days_autocomplete, timezone=zone_autocomplete)
    async def stretch(
        self,
        interaction: discord.Interaction[SciaticaBot],
        time: str,
        days: str,
        timezone: str | None = None,
        note: app_commands.Range[str, None, NOTE_LIMIT] | None = None,
        start: app_commands.Range[str, None, START_LIMIT] | None = None,
    ) -> None:
        zone = await self._zone_for(interaction, timezone)
        at = parse_time(time)
        interval = parse_every_n_days(days)
        schedule: Schedule
        if interval is None:
            if start is not None:
                raise UserFacingError(self.bot.messages("reminders.start_needs_interval"))
            schedule = WeeklySchedule(at, parse_days(days), zone)
        else:
            now = self._now()
            first = (
                parse_start_day(start, local_date(now, zone))
                if start
                else first_day_ahead(at, zone, now)
            )
            schedule = EveryNDaysSchedule(interval, at, zone, first)
        self._check_note(note)
        await self._create(interaction, ReminderKind.STRETCH, schedule, zone, note=note, link=None)

    @app_commands.command(
        name="after-done", description="Get a stretch DM some hours after you last stretched."
    )
    @app_commands.describe(
        hours="How many hours after your last Done (or my last DM), from 2 to 168.",
        note="A short note to yourself, shown in the DM.",
        timezone="Your time zone, e.g. Europe/London, london or EST (remembered).",
    )
    @app_commands.autocomplete(timezone=zone_autocomplete)
    async def after_done(
        self,
        interaction: discord.Interaction[SciaticaBot],
        hours: app_commands.Range[int, 2, 168],
        note: app_commands.Range[str, None, NOTE_LIMIT] | None = None,
        timezone: str | None = None,
    ) -> None:
        if hours not in AFTER_DONE_HOURS:
            raise UserFacingError(self.bot.messages("reminders.bad_hours"))
        zone = await self._zone_for(interaction, timezone)
        self._check_note(note)
        schedule = AfterDoneSchedule(hours, zone)
        await self._create(interaction, ReminderKind.STRETCH, schedule, zone, note=note, link=None)

    @app_commands.command(name="massage", description="Get a DM to book a massage every few weeks.")
    @app_commands.describe(
        every_weeks="How often, in weeks (1 to 12).",
        weekday="Which day (default: today).",
        time="When, in your time (default 10:00).",
        timezone="Your time zone, e.g. Europe/London, london or EST (remembered).",
        link="Your own https booking link (default: your server's, if it has one).",
    )
    @app_commands.choices(weekday=WEEKDAY_CHOICES)
    @app_commands.autocomplete(timezone=zone_autocomplete)
    async def massage(
        self,
        interaction: discord.Interaction[SciaticaBot],
        every_weeks: app_commands.Range[int, 1, 12],
        weekday: int | None = None,
        time: str | None = None,
        timezone: str | None = None,
        link: app_commands.Range[str, None, LINK_LIMIT] | None = None,
    ) -> None:
        if not 1 <= every_weeks <= 12:
            raise UserFacingError(self.bot.messages("reminders.bad_weeks"))
        self._check_link(link)
        zone = await self._zone_for(interaction, timezone)
        today = local_date(self._now(), zone)
        at = parse_time(time) if time else DEFAULT_MASSAGE_TIME
        day = today.weekday() if weekday is None else weekday
        if not 0 <= day <= 6:
            raise UserFacingError(self.bot.messages("reminders.bad_weeks"))
        first_day = today + timedelta(days=(day - today.weekday()) % 7)
        schedule = EveryNWeeksSchedule(every_weeks, day, at, zone, anchor=first_day)
        await self._create(
            interaction,
            ReminderKind.MASSAGE,
            schedule,
            zone,
            note=None,
            link=link.strip() if link else None,
        )

    async def _create(
        self,
        interaction: discord.Interaction[SciaticaBot],
        kind: ReminderKind,
        schedule: Schedule,
        zone: str,
        *,
        note: str | None,
        link: str | None = None,
    ) -> None:
        """Confirm by DM first (consent, and proof DMs work), then save in one transaction."""
        await interaction.response.defer(ephemeral=True, thinking=True)
        user_id = interaction.user.id
        now = self._unix()
        limit = self.bot.settings.max_reminders_per_member
        existing = await self.reminders.of_member(user_id)
        if len(existing) >= limit:
            raise UserFacingError(self.bot.messages("reminders.limit_reached", limit=limit))
        member = await self.members.member(user_id)
        if member is None or member.dm_channel_id is None or member.dms_closed_at or not existing:
            await self._confirm_by_dm(interaction)
        await self.members.save_member(user_id, now, timezone=zone)
        first = first_due(schedule, self._now())
        reminder_id = await self.reminders.create(
            kind=kind,
            user_id=user_id,
            guild_id=settings_guild_id(interaction),  # whose booking link applies later
            schedule=schedule_to_json(schedule),
            next_due_at=first,
            now=now,
            limit=limit,
            note=note,
            link=link,
        )
        if reminder_id is None:
            raise UserFacingError(self.bot.messages("reminders.limit_reached", limit=limit))
        created = self.bot.messages(
            "reminders.created",
            description=self.describe(schedule),
            next_full=timestamp(first, "F"),
            next_relative=timestamp(first, "R"),
        )
        created += self._quiet_note(await self.members.member(user_id), zone, first)
        extra = add_bot_note(interaction) if kind == ReminderKind.MASSAGE and link is None else None
        await interaction.followup.send(f"{created}\n{extra}" if extra else created, ephemeral=True)
