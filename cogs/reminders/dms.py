"""Reminder DMs: what the dispatcher sends, the buttons on them (which keep working after a
restart), and what a stretch changes for after-done reminders."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import discord

from bot.content.member_text import neutralise
from bot.core.client import SciaticaBot
from bot.core.contracts import FollowUp, after_stretch
from bot.core.errors import UserFacingError
from bot.scheduling.clock import from_unix
from bot.scheduling.dispatcher import delivery_nonce
from bot.scheduling.one_offs import HOURS_BEFORE, AppointmentSchedule, OnceSchedule, is_last
from bot.scheduling.planning import (
    Snoozed,
    move_after_done,
    postpone_a_week,
    snooze,
    snooze_half_an_hour,
)
from bot.scheduling.recurrence import local_date, schedule_from_json
from bot.scheduling.schedule_text import HELD_KEY
from bot.scheduling.snooze import SnoozeChoice
from bot.storage import Claim, ReminderKind, ReminderRow, ReminderStatus
from bot.ui.embeds import (
    COLOUR_REMINDER,
    DESCRIPTION_LIMIT,
    FIELD_LIMIT,
    picture_file,
    stretch_embed,
)
from bot.ui.routine import send_routine
from bot.ui.views import PersistentButton, link_buttons_of
from cogs.reminders.base import timestamp
from cogs.reminders.notifications import Notifying
from cogs.reminders.one_offs import AddAppointmentButton

SNOOZE_LABELS = {
    SnoozeChoice.TEN_MINUTES: "reminders.snooze_10m",
    SnoozeChoice.HOUR: "reminders.snooze_1h",
    SnoozeChoice.EVENING: "reminders.snooze_evening",
    SnoozeChoice.TOMORROW: "reminders.snooze_tomorrow",
}
SNOOZE_REFUSED = {"gone": "reminders.gone", "no_evening": "reminders.snooze_no_evening"}


class ReminderButton(
    PersistentButton,
    template=r"rem:(?P<action>done|skip|snooze|pause|routine|booked|later):(?P<id>[0-9]{1,19})",
):
    """A button on a reminder DM; the action and reminder id live in the custom_id, so it
    keeps working after a restart."""

    def __init__(self, bot: SciaticaBot, action: str, reminder_id: int) -> None:
        labels = {
            "done": ("reminders.done", discord.ButtonStyle.success),
            "skip": ("reminders.not_today", discord.ButtonStyle.secondary),
            "snooze": ("reminders.snooze", discord.ButtonStyle.secondary),
            "pause": ("reminders.pause", discord.ButtonStyle.secondary),
            "routine": ("reminders.start_routine", discord.ButtonStyle.primary),
            "booked": ("reminders.booked", discord.ButtonStyle.success),
            "later": ("reminders.next_week", discord.ButtonStyle.secondary),
        }
        label, style = labels[action]
        super().__init__(
            discord.ui.Button(
                label=bot.messages(label), style=style, custom_id=f"rem:{action}:{reminder_id}"
            )
        )
        self.bot = bot
        self.action = action
        self.reminder_id = reminder_id

    @classmethod
    def rebuild(cls, bot: SciaticaBot, match: re.Match[str]) -> ReminderButton:
        return cls(bot, match["action"], int(match["id"]))

    async def press(self, interaction: discord.Interaction[SciaticaBot]) -> None:
        cog = self.bot.get_cog("Reminders")
        assert isinstance(cog, Delivering)
        await cog.press(interaction, self.action, self.reminder_id)


class SnoozeButton(
    PersistentButton,
    template=r"rem:snz:(?P<choice>10m|1h|eve|tmr):(?P<id>[0-9]{1,19}):(?P<due>[0-9]{1,12})",
):
    """One snooze choice on a reminder DM; the choice, the reminder and the occurrence the DM
    is for live in the custom_id (at most 45 characters), so it works after a restart and
    snoozes that occurrence once."""

    def __init__(
        self, bot: SciaticaBot, choice: SnoozeChoice, reminder_id: int, occurrence: int
    ) -> None:
        super().__init__(
            discord.ui.Button(
                label=bot.messages(SNOOZE_LABELS[choice]),
                style=discord.ButtonStyle.secondary,
                custom_id=f"rem:snz:{choice}:{reminder_id}:{occurrence}",
                row=1,
            )
        )
        self.bot = bot
        self.choice = choice
        self.reminder_id = reminder_id
        self.occurrence = occurrence

    @classmethod
    def rebuild(cls, bot: SciaticaBot, match: re.Match[str]) -> SnoozeButton:
        return cls(bot, SnoozeChoice(match["choice"]), int(match["id"]), int(match["due"]))

    async def press(self, interaction: discord.Interaction[SciaticaBot]) -> None:
        cog = self.bot.get_cog("Reminders")
        assert isinstance(cog, Delivering)
        await cog.snooze(interaction, self.choice, self.reminder_id, self.occurrence)


class Delivering(Notifying):
    """Sending reminder DMs and answering their buttons."""

    async def deliver(self, claim: Claim) -> int:
        """Send one reminder DM (the scheduler handles retries and closed DMs; the HTTP layer
        paces every request, opening the DM channel included)."""
        reminder = claim.reminder
        assert reminder.user_id is not None
        channel_id = claim.dm_channel_id
        if channel_id is None:
            channel_id = await self.dm_channel(reminder.user_id)
        embed, view, files = await self.reminder_message(claim)
        message = await self.bot.get_partial_messageable(
            channel_id, type=discord.ChannelType.private
        ).send(
            await self.notification_line(claim.reminder),
            embed=embed,
            view=view,
            files=files,
            nonce=delivery_nonce(claim),
            allowed_mentions=discord.AllowedMentions.none(),
        )
        schedule = schedule_from_json(reminder.schedule)
        if isinstance(schedule, OnceSchedule | AppointmentSchedule) and is_last(
            schedule, from_unix(claim.due_at)
        ):
            await self.reminders.delete([reminder.id])  # delivered: nothing is left of it
        return message.id

    async def reminder_message(
        self, claim: Claim
    ) -> tuple[discord.Embed, discord.ui.View, list[discord.File]]:
        """The DM for one occurrence; a stretch reminder carries the picture of the stretch of
        the day (drawn at start-up, so attaching it costs a copy, not a drawing), a held one
        says it was held and when it was due."""
        text = self.bot.messages
        reminder = claim.reminder
        view = discord.ui.View(timeout=None)
        files: list[discord.File] = []
        due_day = datetime.fromtimestamp(claim.due_at, UTC).date()
        if reminder.kind == ReminderKind.STRETCH:
            suggestion = self.bot.content.library.stretch_of_the_day(due_day.toordinal())
            picture = self.bot.content.pictures.picture(suggestion.slug)
            embed = stretch_embed(self.bot.content.library, suggestion, picture=picture)
            files.append(picture_file(picture))
            embed.title = text("reminders.dm_stretch_title")
            suggested = text("reminders.dm_suggestion", name=suggestion.name)
            embed.description = f"{suggested}\n\n{embed.description or ''}"[:DESCRIPTION_LIMIT]
            actions: tuple[str, ...] = ("done", "skip", "pause", "routine")
            for choice in SnoozeChoice:
                view.add_item(SnoozeButton(self.bot, choice, reminder.id, claim.due_at))
        elif reminder.kind in (ReminderKind.ONCE, ReminderKind.APPOINTMENT):
            embed = self._one_off_embed(claim)
            actions = ()
        else:
            embed = discord.Embed(
                title=text("reminders.dm_massage_title"),
                description=text("reminders.dm_massage"),
                colour=COLOUR_REMINDER,
            )
            embed.set_footer(text=text("reminders.dm_massage_footer"))
            link = reminder.link or await self._guild_booking_link(reminder.guild_id)
            if link:
                view.add_item(discord.ui.Button(label=text("reminders.book"), url=link))
            actions = ("booked", "later", "pause")
        if reminder.note:
            embed.insert_field_at(
                0,
                name=text("reminders.dm_note"),
                value=neutralise(reminder.note, FIELD_LIMIT),
                inline=False,
            )
        notices = []
        if claim.held:
            notices.append(text(HELD_KEY, due=timestamp(claim.due_at, "f")))
        if claim.late:
            notices.append(text("reminders.dm_late"))
        if notices:
            embed.description = "\n\n".join([*notices, embed.description or ""])
            embed.description = embed.description[:DESCRIPTION_LIMIT]
        for action in actions:
            view.add_item(ReminderButton(self.bot, action, reminder.id))
        return embed, view, files

    def _one_off_embed(self, claim: Claim) -> discord.Embed:
        """A one-off says what the member asked to be reminded of (their note, added by the
        caller); an appointment says when it is, what to bring, and not to wait for it with
        signs of an emergency."""
        text = self.bot.messages
        schedule = schedule_from_json(claim.reminder.schedule)
        if not isinstance(schedule, AppointmentSchedule):
            return discord.Embed(
                title=text("reminders.dm_once_title"),
                description=text("reminders.dm_once"),
                colour=COLOUR_REMINDER,
            )
        at = int(schedule.appointment.timestamp())
        soon = schedule.appointment - from_unix(claim.due_at) <= HOURS_BEFORE
        embed = discord.Embed(
            title=text(
                "reminders.dm_appointment_soon_title"
                if soon
                else "reminders.dm_appointment_tomorrow_title"
            ),
            description=text(
                "reminders.dm_appointment", when=timestamp(at, "F"), relative=timestamp(at, "R")
            ),
            colour=COLOUR_REMINDER,
        )
        embed.add_field(
            name=text("reminders.dm_appointment_bring_name"),
            value=text("reminders.dm_appointment_bring"),
            inline=False,
        )
        embed.add_field(
            name=text("reminders.dm_appointment_urgent_name"),
            value=text("reminders.dm_appointment_urgent"),
            inline=False,
        )
        return embed

    async def _guild_booking_link(self, guild_id: int | None) -> str | None:
        config = await self.bot.guild_config.get(guild_id)
        return config.booking_link

    # --- buttons -------------------------------------------------------------------------

    async def _own_reminder(
        self, interaction: discord.Interaction[SciaticaBot], reminder_id: int
    ) -> ReminderRow:
        text = self.bot.messages
        reminder = await self.reminders.get(reminder_id)
        if reminder is None or reminder.user_id is None:
            raise UserFacingError(text("reminders.gone"))
        if reminder.user_id != interaction.user.id:
            raise UserFacingError(text("reminders.not_yours"))
        return reminder

    async def snooze(
        self,
        interaction: discord.Interaction[SciaticaBot],
        choice: SnoozeChoice,
        reminder_id: int,
        occurrence: int,
    ) -> None:
        """Bring this occurrence back at the member's choice of time, once."""
        text = self.bot.messages
        reminder = await self._own_reminder(interaction, reminder_id)
        now = self._now()
        member = await self.members.member(interaction.user.id)
        outcome = await snooze(self.reminders, reminder, member, choice, occurrence, now)
        if not isinstance(outcome, Snoozed):
            raise UserFacingError(text(SNOOZE_REFUSED[outcome]))
        when = timestamp(outcome.until, "f")
        if outcome.again:
            raise UserFacingError(text("reminders.snoozed_already", when=when))
        key = "reminders.snoozed_next_sooner" if outcome.sooner else "reminders.snoozed"
        await interaction.response.edit_message(
            content=text(key, when=when),
            view=link_buttons_of(interaction.message),
        )

    async def press(
        self, interaction: discord.Interaction[SciaticaBot], action: str, reminder_id: int
    ) -> None:
        text = self.bot.messages
        reminder = await self._own_reminder(interaction, reminder_id)
        now = self._now()
        if action == "routine":
            await send_routine(interaction)
            return
        if action == "done":
            zone = schedule_from_json(reminder.schedule).zone
            today = local_date(now, zone)
            await self.members.record_completion(
                interaction.user.id, reminder.id, today.isoformat(), int(now.timestamp())
            )
            reply = text("reminders.marked_done", count=await self._streak(interaction.user.id))
            # every feature's follow-up, this one's included (after-done reminders move)
            follow_up = await after_stretch(self.bot.cogs.values(), interaction.user.id)
            view = link_buttons_of(interaction.message)
            for item in follow_up.items:
                view.add_item(item)
            content = f"{reply}\n\n{follow_up.text}" if follow_up.text else reply
            await interaction.response.edit_message(content=content, view=view)
            return
        elif action == "skip":
            await self.bot.stores.sessions.skip(
                interaction.user.id, reminder.id, int(now.timestamp())
            )
            reply = text("reminders.skipped")
        elif action == "snooze":
            until = await snooze_half_an_hour(self.reminders, reminder, now)
            reply = text("reminders.snoozed", when=timestamp(until, "t"))
        elif action == "later":
            until = await postpone_a_week(self.reminders, reminder, now)
            reply = text("reminders.postponed", when=timestamp(until, "F"))
        elif action == "booked":
            await interaction.response.edit_message(
                content=text("reminders.marked_booked"),
                view=link_buttons_of(interaction.message).add_item(AddAppointmentButton(self.bot)),
            )
            return
        else:
            await self.reminders.set_status([reminder.id], ReminderStatus.PAUSED, None, {})
            reply = text("reminders.paused_from_dm")
        await interaction.response.edit_message(
            content=reply, view=link_buttons_of(interaction.message)
        )

    # --- after a stretch (AfterStretch) ------------------------------------------------------

    async def after_stretch(self, user_id: int) -> FollowUp | None:
        """Done on any stretch reminder or a finished routine: every after-done reminder of
        the member now waits its hours from this moment (the store wakes the dispatcher)."""
        moved = await move_after_done(self.reminders, user_id, self._now())
        if not moved:
            return None
        due = min(row.next_due_at for row in moved)
        return FollowUp(
            self.bot.messages(
                "reminders.after_done_moved", count=len(moved), when=timestamp(due, "R")
            )
        )
