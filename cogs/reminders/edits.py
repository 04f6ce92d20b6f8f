"""Fitting reminders to a life: /reminders edit (in place, keeping id, streak and history) and
quiet hours (/reminders quiet-hours, quiet-hours-off)."""

from __future__ import annotations

from datetime import date
from datetime import time as clock_time

import discord
from discord import app_commands

from bot.core.client import SciaticaBot
from bot.core.errors import UserFacingError
from bot.scheduling.planning import Edited, edit_reminder
from bot.scheduling.quiet_hours import QuietHours
from bot.scheduling.recurrence import (
    EVERY_DAY,
    Schedule,
    WeeklySchedule,
    first_day_ahead,
    local_date,
    schedule_from_json,
)
from bot.scheduling.schedule_edits import Changes, EditError, apply_edit
from bot.scheduling.timeparse import (
    parse_days,
    parse_every_n_days,
    parse_start_day,
    parse_time,
    parse_when,
)
from bot.storage import ReminderKind, ReminderStatus
from bot.ui.autocomplete import days_autocomplete, zone_autocomplete
from cogs.reminders.base import (
    ALL,
    LINK_LIMIT,
    NOTE_LIMIT,
    START_LIMIT,
    WEEKDAY_CHOICES,
    WHEN_LIMIT,
    ReminderBase,
    one_reminder_autocomplete,
    timestamp,
)


class Editing(ReminderBase):
    """The commands that change a reminder, or when reminders may come at all."""

    @app_commands.command(name="edit", description="Change one of your reminders in place.")
    @app_commands.describe(
        reminder="Which reminder (start typing).",
        time="Stretch and massage reminders: the new time, e.g. 8:00, 8am or 19h30.",
        days="Stretch reminders: every day, weekdays, mon-fri, mon, wed, fri, or every 2 days.",
        start="Every N days: the first day (today, tomorrow, fri or 2026-03-05).",
        every_weeks="Massage reminders: how often, in weeks (1 to 12).",
        weekday="Massage reminders: which day.",
        hours="After-done reminders: hours after your last Done or my last DM (2 to 168).",
        when="One-offs and appointments: the new day and time, e.g. thu 10:00.",
        timezone="The time zone for this reminder, e.g. Europe/London, london or EST.",
        note="Stretch reminders: a new note to yourself, shown in the DM.",
        link="Massage reminders: your own https booking link.",
    )
    @app_commands.choices(weekday=WEEKDAY_CHOICES)
    @app_commands.autocomplete(
        reminder=one_reminder_autocomplete, days=days_autocomplete, timezone=zone_autocomplete
    )
    async def edit(
        self,
        interaction: discord.Interaction[SciaticaBot],
        reminder: str,
        time: str | None = None,
        days: str | None = None,
        start: app_commands.Range[str, None, START_LIMIT] | None = None,
        every_weeks: app_commands.Range[int, 1, 12] | None = None,
        weekday: int | None = None,
        hours: app_commands.Range[int, 2, 168] | None = None,
        when: app_commands.Range[str, None, WHEN_LIMIT] | None = None,
        timezone: str | None = None,
        note: app_commands.Range[str, None, NOTE_LIMIT] | None = None,
        link: app_commands.Range[str, None, LINK_LIMIT] | None = None,
    ) -> None:
        text = self.bot.messages
        if reminder.strip().lower() == ALL:
            raise UserFacingError(text("reminders.edit_needs_a_reminder"))
        [row] = await self._chosen(interaction.user.id, reminder)
        current = schedule_from_json(row.schedule)
        # options that do not fit this reminder are named before any value is read
        self._apply(
            row.kind,
            current,
            Changes(
                time=clock_time() if time else None,
                days=EVERY_DAY if days else None,
                start=date.min if start else None,
                every_weeks=every_weeks,
                weekday=weekday,
                hours=hours,
                when=(date.min, clock_time()) if when else None,
                timezone=current.zone if timezone else None,
                note=note,
                link=link,
            ),
            misfits_only=True,
        )
        new_time = parse_time(time) if time else None
        new_days = self._days_of(days) if days else None
        zone = self._resolve_zone(interaction, timezone) if timezone else None
        changes = Changes(
            time=new_time,
            days=new_days,
            start=self._start_of(start, new_days, new_time, current),
            every_weeks=every_weeks,
            weekday=weekday,
            hours=hours,
            when=parse_when(when, self._now(), zone or current.zone) if when else None,
            timezone=zone,
            note=note,
            link=link.strip() if link else None,
        )
        self._check_note(note)
        self._check_link(link)
        await self._save_edit(interaction, row.id, changes)

    @staticmethod
    def _days_of(text: str) -> frozenset[int] | int:
        """Weekdays, or N for "every N days"."""
        interval = parse_every_n_days(text)
        return parse_days(text) if interval is None else interval

    def _start_of(
        self,
        text: str | None,
        days: frozenset[int] | int | None,
        at: clock_time | None,
        current: Schedule,
    ) -> date | None:
        """The start day to store: the one given, or for a reminder that becomes every N days
        now, the first day its time is still ahead."""
        zone = current.zone
        if text:
            return parse_start_day(text, local_date(self._now(), zone))
        if isinstance(days, int) and isinstance(current, WeeklySchedule):
            return first_day_ahead(at or current.local_time, zone, self._now())
        return None

    def _apply(
        self, kind: ReminderKind, current: Schedule, changes: Changes, *, misfits_only: bool = False
    ) -> Schedule | None:
        try:
            return apply_edit(kind, current, changes)
        except EditError as exc:
            if misfits_only and not exc.misfits:
                return None
            raise

    async def _save_edit(
        self, interaction: discord.Interaction[SciaticaBot], reminder_id: int, changes: Changes
    ) -> None:
        text = self.bot.messages
        outcome = await edit_reminder(
            self.bot.stores, interaction.user.id, reminder_id, changes, self._now()
        )
        if outcome == "gone":
            raise UserFacingError(text("reminders.gone"))
        if not isinstance(outcome, Edited):  # a one-off moved into the past
            raise UserFacingError(text("reminders.when_past"))
        edited, new = outcome.row, outcome.schedule
        description = self.describe(new)
        if edited.status != ReminderStatus.ACTIVE:
            answer = text("reminders.edited_paused", description=description)
        elif edited.paused_until is not None:
            answer = text(
                "reminders.edited_paused_until",
                description=description,
                until=timestamp(edited.paused_until, "F"),
            )
        else:
            due = edited.next_due_at
            answer = text(
                "reminders.edited",
                description=description,
                next_full=timestamp(due, "F"),
                next_relative=timestamp(due, "R"),
            )
            if edited.held_due_at is None:
                member = await self.members.member(interaction.user.id)
                answer += self._quiet_note(member, new.zone, due)
        await interaction.response.send_message(answer, ephemeral=True)

    # --- quiet hours -------------------------------------------------------------------------

    @app_commands.command(
        name="quiet-hours", description="No reminder DMs between two times of your day."
    )
    @app_commands.describe(
        start="When quiet hours begin, in your time, e.g. 22:00 or 10pm.",
        end="When they end, e.g. 07:30 (earlier than the start means the next morning).",
    )
    async def quiet_hours(
        self, interaction: discord.Interaction[SciaticaBot], start: str, end: str
    ) -> None:
        text = self.bot.messages
        member = await self.members.member(interaction.user.id)
        if member is None or member.timezone is None:
            raise UserFacingError(text("reminders.quiet_need_timezone"))
        quiet = QuietHours(parse_time(start), parse_time(end))
        await self.reminders.set_quiet_hours(interaction.user.id, quiet.stored(), self._unix())
        await interaction.response.send_message(
            text(
                "reminders.quiet_saved",
                start=f"{quiet.start:%H:%M}",
                end=f"{quiet.end:%H:%M}",
                zone=member.timezone,
            ),
            ephemeral=True,
        )

    @app_commands.command(
        name="quiet-hours-off", description="Turn quiet hours off: reminders come at their times."
    )
    async def quiet_hours_off(self, interaction: discord.Interaction[SciaticaBot]) -> None:
        member = await self.members.member(interaction.user.id)
        had = member is not None and member.quiet_hours is not None
        if had:
            await self.reminders.set_quiet_hours(interaction.user.id, None, self._unix())
        await interaction.response.send_message(
            self.bot.messages("reminders.quiet_off" if had else "reminders.quiet_none"),
            ephemeral=True,
        )
