"""/reminders: opt-in stretching and massage-booking DMs on the durable scheduler."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import discord
from discord import app_commands
from discord.ext import commands

from bot.autocomplete import day_choices, member_locale, zone_choices
from bot.checks import add_bot_note, require_feature, settings_guild_id
from bot.client import SciaticaBot
from bot.contracts import Export, after_stretch
from bot.embeds import COLOUR_REMINDER, stretch_embed
from bot.errors import UserFacingError, safe_autocomplete
from bot.recurrence import (
    EveryNWeeksSchedule,
    Schedule,
    WeeklySchedule,
    describe,
    local_date,
    next_occurrence,
    schedule_from_json,
    schedule_to_json,
    streak,
)
from bot.routine import StretchRoutineView
from bot.scheduler import delivery_nonce
from bot.storage import Claim, ReminderRow, Transaction
from bot.timeparse import InputError, is_safe_https_url, parse_days, parse_time
from bot.views import guarded, link_buttons_of

DEFAULT_MASSAGE_TIME = time(10, 0)
NOTE_LIMIT = 200
SNOOZE = timedelta(minutes=30)
NEXT_WEEK = timedelta(days=7)
STREAK_LOOKBACK = timedelta(days=400)
ALL = "all"
CANNOT_DM = 50007  # "Cannot send messages to this user", also when opening the DM
WEEKDAY_CHOICES = [
    app_commands.Choice(name=name, value=index)
    for index, name in enumerate(
        ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
    )
]


def timestamp(instant: int, style: str) -> str:
    """A Discord timestamp: every reader sees it in their own local time."""
    return f"<t:{instant}:{style}>"


class ReminderButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"rem:(?P<action>done|snooze|pause|routine|booked|later):(?P<id>[0-9]{1,19})",
):
    """A button on a reminder DM; the action and reminder id live in the custom_id, so it
    keeps working after a restart."""

    def __init__(self, bot: SciaticaBot, action: str, reminder_id: int) -> None:
        labels = {
            "done": ("reminders.done", discord.ButtonStyle.success),
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
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[SciaticaBot],
        item: discord.ui.Button[Any],
        match: re.Match[str],
        /,
    ) -> ReminderButton:
        return cls(interaction.client, match["action"], int(match["id"]))

    async def callback(self, interaction: discord.Interaction[SciaticaBot]) -> None:  # type: ignore[override]
        cog = self.bot.get_cog("Reminders")
        assert isinstance(cog, Reminders)
        await guarded(interaction, cog.press(interaction, self.action, self.reminder_id))


@app_commands.allowed_installs(guilds=True, users=True)
@app_commands.allowed_contexts(guilds=True, dms=True, private_channels=True)
class Reminders(
    commands.GroupCog,
    group_name="reminders",
    group_description="Stretching and massage reminders, sent to you by DM.",
):
    """Reminders a member sets for themselves; all answers are private."""

    def __init__(self, bot: SciaticaBot) -> None:
        self.bot = bot
        self.reminders = bot.stores.reminders
        self.members = bot.stores.members
        super().__init__()

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(ReminderButton)
        self.bot.scheduler.register("stretch", self.deliver)
        self.bot.scheduler.register("massage", self.deliver)

    async def cog_unload(self) -> None:
        self.bot.scheduler.unregister("stretch")
        self.bot.scheduler.unregister("massage")
        self.bot.remove_dynamic_items(ReminderButton)

    async def interaction_check(self, interaction: discord.Interaction[SciaticaBot]) -> bool:  # type: ignore[override]
        return await require_feature(interaction, "reminders")

    def _now(self) -> datetime:
        return self.bot.clock.now()

    def _unix(self) -> int:
        return int(self._now().timestamp())

    # --- creating ------------------------------------------------------------------------

    @app_commands.command(name="stretch", description="Get a DM to do your stretches.")
    @app_commands.describe(
        time="When, in your time: 8:00, 8am, 8:30 pm, 20:30, 7.30 or noon.",
        days="every day, weekdays, weekends, a range like mon-fri, or days like mon, wed, fri.",
        timezone="Your time zone, e.g. Europe/London, london or EST (remembered).",
        note="A short note to yourself, shown in the DM.",
    )
    async def stretch(
        self,
        interaction: discord.Interaction[SciaticaBot],
        time: str,
        days: str,
        timezone: str | None = None,
        note: str | None = None,
    ) -> None:
        zone = await self._zone_for(interaction, timezone)
        try:
            schedule: Schedule = WeeklySchedule(parse_time(time), parse_days(days), zone)
        except InputError as exc:
            raise UserFacingError(exc.render(self.bot.messages)) from exc
        if note is not None and len(note) > NOTE_LIMIT:
            raise UserFacingError(self.bot.messages("reminders.note_too_long", limit=NOTE_LIMIT))
        await self._create(interaction, "stretch", schedule, zone, note=note, link=None)

    @stretch.autocomplete("days")
    @safe_autocomplete
    async def days_autocomplete(
        self, interaction: discord.Interaction[SciaticaBot], current: str
    ) -> list[app_commands.Choice[str]]:
        return day_choices(current)

    @app_commands.command(name="massage", description="Get a DM to book a massage every few weeks.")
    @app_commands.describe(
        every_weeks="How often, in weeks (1 to 12).",
        weekday="Which day (default: today).",
        time="When, in your time (default 10:00).",
        timezone="Your time zone, e.g. Europe/London, london or EST (remembered).",
        link="Your own https booking link (default: your server's, if it has one).",
    )
    @app_commands.choices(weekday=WEEKDAY_CHOICES)
    async def massage(
        self,
        interaction: discord.Interaction[SciaticaBot],
        every_weeks: app_commands.Range[int, 1, 12],
        weekday: int | None = None,
        time: str | None = None,
        timezone: str | None = None,
        link: str | None = None,
    ) -> None:
        if not 1 <= every_weeks <= 12:
            raise UserFacingError(self.bot.messages("reminders.bad_weeks"))
        if link is not None and not is_safe_https_url(link.strip()):
            raise UserFacingError(self.bot.messages("reminders.bad_link"))
        zone = await self._zone_for(interaction, timezone)
        today = local_date(self._now(), zone)
        try:
            at = parse_time(time) if time else DEFAULT_MASSAGE_TIME
        except InputError as exc:
            raise UserFacingError(exc.render(self.bot.messages)) from exc
        day = today.weekday() if weekday is None else weekday
        if not 0 <= day <= 6:
            raise UserFacingError(self.bot.messages("reminders.bad_weeks"))
        first_day = today + timedelta(days=(day - today.weekday()) % 7)
        schedule = EveryNWeeksSchedule(every_weeks, day, at, zone, anchor=first_day)
        await self._create(
            interaction, "massage", schedule, zone, note=None, link=link.strip() if link else None
        )

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
        try:
            return self.bot.content.zones.resolve(
                typed, now=self._now(), locale=member_locale(interaction)
            )
        except InputError as exc:
            raise UserFacingError(exc.render(self.bot.messages)) from exc

    async def _create(
        self,
        interaction: discord.Interaction[SciaticaBot],
        kind: str,
        schedule: Schedule,
        zone: str,
        *,
        note: str | None,
        link: str | None,
    ) -> None:
        """Confirm by DM first (consent, and proof DMs work), then save in one transaction."""
        await interaction.response.defer(ephemeral=True, thinking=True)
        user_id = interaction.user.id
        now = self._unix()
        existing = await self.reminders.of_member(user_id)
        if len(existing) >= self.bot.settings.max_reminders_per_member:
            raise UserFacingError(
                self.bot.messages(
                    "reminders.limit_reached", limit=self.bot.settings.max_reminders_per_member
                )
            )
        member = await self.members.member(user_id)
        if member is None or member.dm_channel_id is None or member.dms_closed_at or not existing:
            await self._confirm_by_dm(interaction)
        await self.members.save_member(user_id, now, timezone=zone)
        first = next_occurrence(schedule, self._now())
        reminder_id = await self.reminders.create(
            kind=kind,
            user_id=user_id,
            guild_id=settings_guild_id(interaction),  # whose booking link applies later
            schedule=schedule_to_json(schedule),
            next_due_at=int(first.timestamp()),
            now=now,
            limit=self.bot.settings.max_reminders_per_member,
            note=note,
            link=link,
        )
        if reminder_id is None:
            raise UserFacingError(
                self.bot.messages(
                    "reminders.limit_reached", limit=self.bot.settings.max_reminders_per_member
                )
            )
        unix = int(first.timestamp())
        created = self.bot.messages(
            "reminders.created",
            description=describe(schedule),
            next_full=timestamp(unix, "F"),
            next_relative=timestamp(unix, "R"),
        )
        note = add_bot_note(interaction) if kind == "massage" and link is None else None
        await interaction.followup.send(f"{created}\n{note}" if note else created, ephemeral=True)

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
            await self.bot.get_partial_messageable(channel_id).send(embed=embed)
        except discord.HTTPException as exc:
            if not isinstance(exc, discord.Forbidden) and exc.code != CANNOT_DM:
                raise
            key = (
                "dms_closed_setup"
                if interaction.is_guild_integration()
                else "dms_closed_setup_account"
            )
            raise UserFacingError(self.bot.messages(f"reminders.{key}")) from exc

    async def dm_channel(self, user_id: int) -> int:
        """The member's DM channel id, opened once and remembered."""
        member = await self.members.member(user_id)
        if member is not None and member.dm_channel_id is not None:
            return member.dm_channel_id
        data = await self.bot.http.start_private_message(user_id)
        channel_id = int(data["id"])
        await self.members.save_member(user_id, self._unix(), dm_channel_id=channel_id)
        return channel_id

    # --- managing ------------------------------------------------------------------------

    @app_commands.command(
        name="list", description="Your reminders, their next time and your streak."
    )
    async def list_reminders(self, interaction: discord.Interaction[SciaticaBot]) -> None:
        text = self.bot.messages
        reminders = await self.reminders.of_member(interaction.user.id)
        if not reminders:
            await interaction.response.send_message(text("reminders.none"), ephemeral=True)
            return
        lines = [self._list_line(number, row) for number, row in enumerate(reminders, start=1)]
        embed = discord.Embed(
            title=text("reminders.list_title"),
            description="\n\n".join(lines),
            colour=COLOUR_REMINDER,
        )
        days = await self._streak(interaction.user.id)
        embed.set_footer(text=text("reminders.streak", count=days).replace("**", ""))
        await interaction.response.send_message(embed=embed, ephemeral=True)

    def _list_line(self, number: int, row: ReminderRow) -> str:
        text = self.bot.messages
        if row.status == "active" and row.paused_until is not None:
            status = text("reminders.list_paused_until", until=timestamp(row.paused_until, "f"))
        elif row.status == "active":
            status = text(
                "reminders.list_next",
                next_full=timestamp(row.next_due_at, "F"),
                next_relative=timestamp(row.next_due_at, "R"),
            )
        else:
            reason = text(f"reminders.paused_{row.paused_reason or 'by_member'}")
            status = text("reminders.list_paused", reason=reason)
        note = f"\n> {discord.utils.escape_markdown(row.note)}" if row.note else ""
        return text(
            "reminders.list_line",
            number=number,
            kind=text(f"reminders.kind_{row.kind}"),
            description=describe(schedule_from_json(row.schedule)),
            status=status,
            note=note,
        )

    async def _streak(self, user_id: int) -> int:
        member = await self.members.member(user_id)
        zone = member.timezone if member and member.timezone else "UTC"
        today = local_date(self._now(), zone)
        since = (today - STREAK_LOOKBACK).isoformat()
        days = [date.fromisoformat(d) for d in await self.members.completion_dates(user_id, since)]
        return streak(days, today)

    @app_commands.command(name="pause", description="Pause one reminder, or all of them.")
    @app_commands.describe(reminder="Which reminder (start typing), or all.")
    async def pause(self, interaction: discord.Interaction[SciaticaBot], reminder: str) -> None:
        rows = [
            r for r in await self._chosen(interaction.user.id, reminder) if r.status == "active"
        ]
        await self.reminders.set_status([r.id for r in rows], "paused", None, {})
        await self._reply(interaction, "reminders.paused", len(rows))

    @app_commands.command(name="resume", description="Resume one paused reminder, or all of them.")
    @app_commands.describe(reminder="Which reminder (start typing), or all.")
    async def resume(self, interaction: discord.Interaction[SciaticaBot], reminder: str) -> None:
        rows = [
            r
            for r in await self._chosen(interaction.user.id, reminder)
            if r.status == "paused" or r.paused_until is not None
        ]
        if rows and any(r.paused_reason == "dms_closed" for r in rows):
            await interaction.response.defer(ephemeral=True, thinking=True)
            await self._confirm_by_dm(interaction)
            await self.members.save_member(interaction.user.id, self._unix())
        now = self._now()
        next_due = {
            r.id: int(next_occurrence(schedule_from_json(r.schedule), now).timestamp())
            for r in rows
        }
        await self.reminders.set_status(list(next_due), "active", None, next_due)
        await self._reply(interaction, "reminders.resumed", len(rows))

    @app_commands.command(name="delete", description="Delete one reminder, or all of them.")
    @app_commands.describe(reminder="Which reminder (start typing), or all.")
    async def delete(self, interaction: discord.Interaction[SciaticaBot], reminder: str) -> None:
        rows = await self._chosen(interaction.user.id, reminder)
        await self.reminders.delete([r.id for r in rows])
        await self._reply(interaction, "reminders.deleted", len(rows))

    async def _reply(
        self, interaction: discord.Interaction[SciaticaBot], key: str, count: int
    ) -> None:
        text = (
            self.bot.messages(key, count=count)
            if count
            else self.bot.messages("reminders.nothing_to_do")
        )
        if interaction.response.is_done():
            await interaction.followup.send(text, ephemeral=True)
        else:
            await interaction.response.send_message(text, ephemeral=True)

    async def _chosen(self, user_id: int, choice: str) -> list[ReminderRow]:
        rows = await self.reminders.of_member(user_id)
        if choice.strip().lower() == ALL:
            return rows
        chosen = [row for row in rows if str(row.id) == choice.strip()]
        if not chosen:
            raise UserFacingError(self.bot.messages("reminders.unknown_reminder"))
        return chosen

    @pause.autocomplete("reminder")
    @resume.autocomplete("reminder")
    @delete.autocomplete("reminder")
    @safe_autocomplete
    async def reminder_autocomplete(
        self, interaction: discord.Interaction[SciaticaBot], current: str
    ) -> list[app_commands.Choice[str]]:
        text = self.bot.messages
        choices = [app_commands.Choice(name=text("reminders.all_choice"), value=ALL)]
        for number, row in enumerate(await self.reminders.of_member(interaction.user.id), start=1):
            kind = text(f"reminders.kind_{row.kind}")
            label = f"#{number} {kind}: {describe(schedule_from_json(row.schedule))}"
            choices.append(app_commands.Choice(name=label[:100], value=str(row.id)))
        needle = current.strip().lower()
        return [c for c in choices if needle in c.name.lower()][:25]

    @app_commands.command(name="timezone", description="Set your time zone for new reminders.")
    @app_commands.describe(
        zone="Start typing a city, zone or abbreviation: london, Asia/Tokyo, EST."
    )
    async def timezone(self, interaction: discord.Interaction[SciaticaBot], zone: str) -> None:
        resolved = self._resolve_zone(interaction, zone)
        await self.members.save_member(interaction.user.id, self._unix(), timezone=resolved)
        local = self._now().astimezone(ZoneInfo(resolved)).strftime("%H:%M")
        await interaction.response.send_message(
            self.bot.messages("reminders.timezone_saved", zone=resolved, local_time=local),
            ephemeral=True,
        )

    @timezone.autocomplete("zone")
    @stretch.autocomplete("timezone")
    @massage.autocomplete("timezone")
    @safe_autocomplete
    async def zone_autocomplete(
        self, interaction: discord.Interaction[SciaticaBot], current: str
    ) -> list[app_commands.Choice[str]]:
        return zone_choices(
            self.bot.content.zones,
            self.bot.messages,
            current,
            now=self._now(),
            locale=member_locale(interaction),
        )

    # --- delivery ------------------------------------------------------------------------

    async def deliver(self, claim: Claim) -> int:
        """Send one reminder DM (the scheduler handles retries and closed DMs; the HTTP layer
        paces every request, opening the DM channel included)."""
        reminder = claim.reminder
        assert reminder.user_id is not None
        channel_id = claim.dm_channel_id
        if channel_id is None:
            channel_id = await self.dm_channel(reminder.user_id)
        embed, view = await self.reminder_message(claim)
        message = await self.bot.get_partial_messageable(
            channel_id, type=discord.ChannelType.private
        ).send(embed=embed, view=view, nonce=delivery_nonce(claim))
        return message.id

    async def reminder_message(self, claim: Claim) -> tuple[discord.Embed, discord.ui.View]:
        text = self.bot.messages
        reminder = claim.reminder
        view = discord.ui.View(timeout=None)
        due_day = datetime.fromtimestamp(claim.due_at, UTC).date()
        if reminder.kind == "stretch":
            suggestion = self.bot.content.library.stretch_of_the_day(due_day.toordinal())
            embed = stretch_embed(self.bot.content.library, suggestion)
            embed.title = text("reminders.dm_stretch_title")
            embed.description = (
                text("reminders.dm_suggestion", name=suggestion.name)
                + "\n\n"
                + (embed.description or "")
            )[:4096]
            actions = ("done", "snooze", "pause", "routine")
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
                0, name=text("reminders.dm_note"), value=reminder.note, inline=False
            )
        if claim.late:
            embed.description = (text("reminders.dm_late") + "\n\n" + (embed.description or ""))[
                :4096
            ]
        for action in actions:
            view.add_item(ReminderButton(self.bot, action, reminder.id))
        return embed, view

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
            await StretchRoutineView(self.bot, interaction.user.id).send(interaction)
            return
        if action == "done":
            zone = schedule_from_json(reminder.schedule).zone
            today = local_date(now, zone)
            await self.members.record_completion(
                reminder.user_id, reminder.id, today.isoformat(), int(now.timestamp())
            )
            reply = text("reminders.marked_done", count=await self._streak(reminder.user_id))
            follow_up = await after_stretch(self.bot.cogs.values(), reminder.user_id)
            view = link_buttons_of(interaction.message)
            for item in follow_up.items:
                view.add_item(item)
            content = f"{reply}\n\n{follow_up.text}" if follow_up.text else reply
            await interaction.response.edit_message(content=content, view=view)
            return
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

    # --- a member's data (MemberData) --------------------------------------------------------

    async def export_member(self, user_id: int) -> Export:
        """Their reminders, what was delivered of them, and the "done" marks of their streak."""
        return {
            **await self.reminders.export_member(user_id),
            **await self.bot.stores.ledger.export_member(user_id),
            **await self.members.export_completions(user_id),
        }

    async def forget_member(self, tx: Transaction, user_id: int) -> None:
        await self.reminders.forget_member(tx, user_id)
        await self.members.forget_completions(tx, user_id)

    def privacy_lines(self, data: Export) -> list[str]:
        text = self.bot.messages
        return [
            text("reminders.privacy_reminders", count=len(data.get("reminders", []))),
            text("reminders.privacy_completions", count=len(data.get("completions", []))),
        ]


async def setup(bot: SciaticaBot) -> None:
    await bot.add_cog(Reminders(bot))
