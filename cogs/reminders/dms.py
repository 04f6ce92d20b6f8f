"""Reminder DMs: what the dispatcher sends, the buttons on them (which keep working after a
restart), and what a stretch changes for after-done reminders."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import discord

from bot.client import SciaticaBot
from bot.contracts import FollowUp, after_stretch
from bot.embeds import (
    COLOUR_REMINDER,
    DESCRIPTION_LIMIT,
    FIELD_LIMIT,
    picture_file,
    stretch_embed,
)
from bot.errors import UserFacingError
from bot.member_text import neutralise
from bot.recurrence import local_date, schedule_from_json
from bot.reminder_times import due_after_stretch
from bot.routine import send_routine
from bot.schedule_text import HELD_KEY
from bot.scheduler import delivery_nonce
from bot.storage import Claim
from bot.views import PersistentButton, link_buttons_of
from cogs.reminders.base import timestamp
from cogs.reminders.notifications import Notifying

SNOOZE = timedelta(minutes=30)
NEXT_WEEK = timedelta(days=7)


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
        if reminder.kind == "stretch":
            suggestion = self.bot.content.library.stretch_of_the_day(due_day.toordinal())
            picture = self.bot.content.pictures.picture(suggestion.slug)
            embed = stretch_embed(self.bot.content.library, suggestion, picture=picture)
            files.append(picture_file(picture))
            embed.title = text("reminders.dm_stretch_title")
            suggested = text("reminders.dm_suggestion", name=suggestion.name)
            embed.description = f"{suggested}\n\n{embed.description or ''}"[:DESCRIPTION_LIMIT]
            actions: tuple[str, ...] = ("done", "skip", "snooze", "pause", "routine")
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

    async def _guild_booking_link(self, guild_id: int | None) -> str | None:
        config = await self.bot.guild_config.get(guild_id)
        return config.booking_link

    # --- buttons -------------------------------------------------------------------------

    async def press(
        self, interaction: discord.Interaction[SciaticaBot], action: str, reminder_id: int
    ) -> None:
        text = self.bot.messages
        reminder = await self.reminders.get(reminder_id)
        if reminder is None or reminder.user_id is None:
            raise UserFacingError(text("reminders.gone"))
        if reminder.user_id != interaction.user.id:
            raise UserFacingError(text("reminders.not_yours"))
        now = self._now()
        if action == "routine":
            await send_routine(interaction)
            return
        if action == "done":
            zone = schedule_from_json(reminder.schedule).zone
            today = local_date(now, zone)
            await self.members.record_completion(
                reminder.user_id, reminder.id, today.isoformat(), int(now.timestamp())
            )
            reply = text("reminders.marked_done", count=await self._streak(reminder.user_id))
            # every feature's follow-up, this one's included (after-done reminders move)
            follow_up = await after_stretch(self.bot.cogs.values(), reminder.user_id)
            view = link_buttons_of(interaction.message)
            for item in follow_up.items:
                view.add_item(item)
            content = f"{reply}\n\n{follow_up.text}" if follow_up.text else reply
            await interaction.response.edit_message(content=content, view=view)
            return
        elif action == "skip":
            await self.bot.stores.sessions.skip(reminder.user_id, reminder.id, int(now.timestamp()))
            reply = text("reminders.skipped")
        elif action == "snooze":
            until = int((now + SNOOZE).timestamp())
            await self.reminders.reschedule(reminder.id, min(until, reminder.next_due_at))
            reply = text("reminders.snoozed", when=timestamp(until, "t"))
        elif action == "later":
            until = int((now + NEXT_WEEK).timestamp())
            await self.reminders.reschedule(reminder.id, until)
            reply = text("reminders.postponed", when=timestamp(until, "F"))
        elif action == "booked":
            reply = text("reminders.marked_booked")
        else:
            await self.reminders.set_status([reminder.id], "paused", None, {})
            reply = text("reminders.paused_from_dm")
        await interaction.response.edit_message(
            content=reply, view=link_buttons_of(interaction.message)
        )

    # --- after a stretch (AfterStretch) ------------------------------------------------------

    async def after_stretch(self, user_id: int) -> FollowUp | None:
        """Done on any stretch reminder or a finished routine: every after-done reminder of
        the member now waits its hours from this moment (the store wakes the dispatcher)."""
        now = self._now()
        moved = await self.reminders.stretched(
            user_id, int(now.timestamp()), lambda row: due_after_stretch(row, now)
        )
        if not moved:
            return None
        rows = [row for row in await self.reminders.of_member(user_id) if row.id in moved]
        due = min(row.next_due_at for row in rows)
        return FollowUp(
            self.bot.messages(
                "reminders.after_done_moved", count=len(moved), when=timestamp(due, "R")
            )
        )
