"""/progress: a member's stretching over the last 12 weeks, and opt-in pain check-ins with
flare care.

The figures and rules live in bot.progress (pure), the chart in bot.charts, the texts in
data/progress.toml; this cog turns them into private answers and buttons that keep working
after a restart. Scores are health data: asked only of members who opted in, answered only to
them, never logged, kept 12 months (a daily chore on the dispatcher deletes older ones).
"""

from __future__ import annotations

import asyncio
import io
import logging
import re
from datetime import date, datetime

import discord
from discord import app_commands
from discord.ext import commands

from bot.charts import progress_chart
from bot.client import SciaticaBot
from bot.contracts import Export, FollowUp
from bot.embeds import COLOUR_STRETCH, FIELD_LIMIT, source_links
from bot.errors import UserFacingError
from bot.progress import (
    FLARE_WINDOW,
    PAUSE_DAYS,
    Summary,
    is_flare,
    keep_since,
    shown_since,
    summarise,
)
from bot.recurrence import local_date
from bot.regions import choose_region, numbers_text
from bot.schedule_edits import resume_at
from bot.storage import MemberRow, ReminderRow, Transaction
from bot.triage import Level
from bot.views import PersistentButton, link_buttons_of

log = logging.getLogger("bot.progress")

CHART_FILE = "progress.png"
SKIP = "skip"
SCORES = range(11)
COLOUR_CARE = discord.Colour(0xE69138)
ALT_LIMIT = 1024


class PainButton(
    PersistentButton,
    template=r"pain:(?P<score>10|[0-9]|skip):(?P<user>[0-9]{1,20})",
):
    """One answer to "How is your sciatica pain today?" (a score, or Skip); the member it was
    asked of is in the custom_id, so it works after a restart and for nobody else."""

    def __init__(self, bot: SciaticaBot, score: int | None, user_id: int) -> None:
        texts = bot.content.progress.texts
        super().__init__(
            discord.ui.Button(
                label=texts("checkins.skip") if score is None else str(score),
                style=discord.ButtonStyle.secondary
                if score is None
                else discord.ButtonStyle.primary,
                custom_id=f"pain:{SKIP if score is None else score}:{user_id}",
            )
        )
        self.bot = bot
        self.score = score
        self.user_id = user_id

    @classmethod
    def rebuild(cls, bot: SciaticaBot, match: re.Match[str]) -> PainButton:
        score = None if match["score"] == SKIP else int(match["score"])
        return cls(bot, score, int(match["user"]))

    async def press(self, interaction: discord.Interaction[SciaticaBot]) -> None:
        await _cog(self.bot).answer(interaction, self.user_id, self.score)


class FlarePauseButton(
    PersistentButton,
    template=r"flare:pause:(?P<user>[0-9]{1,20})",
):
    """ "Pause stretch reminders for 3 days", offered with flare care."""

    def __init__(self, bot: SciaticaBot, user_id: int) -> None:
        super().__init__(
            discord.ui.Button(
                label=bot.content.progress.texts("checkins.pause"),
                style=discord.ButtonStyle.primary,
                custom_id=f"flare:pause:{user_id}",
            )
        )
        self.bot = bot
        self.user_id = user_id

    @classmethod
    def rebuild(cls, bot: SciaticaBot, match: re.Match[str]) -> FlarePauseButton:
        return cls(bot, int(match["user"]))

    async def press(self, interaction: discord.Interaction[SciaticaBot]) -> None:
        await _cog(self.bot).pause_for_flare(interaction, self.user_id)


def _cog(bot: SciaticaBot) -> Progress:
    cog = bot.get_cog("Progress")
    assert isinstance(cog, Progress)
    return cog


class Progress(commands.Cog):
    """Every answer is private to the member asking."""

    def __init__(self, bot: SciaticaBot) -> None:
        self.bot = bot
        self.members = bot.stores.members
        self.checkins = bot.stores.checkins
        self.reminders = bot.stores.reminders
        self.texts = bot.content.progress.texts

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(PainButton, FlarePauseButton)
        self.bot.scheduler.add_chore("prune-checkins", self.prune)

    async def cog_unload(self) -> None:
        self.bot.scheduler.remove_chore("prune-checkins")
        self.bot.remove_dynamic_items(PainButton, FlarePauseButton)

    async def prune(self, now: datetime) -> None:
        """The daily chore: check-ins about days more than 12 months ago are deleted."""
        removed = await self.checkins.prune(keep_since(now.date()).isoformat())
        if removed:
            log.info("deleted %d pain check-ins older than 12 months", removed)

    def _zone(self, member: MemberRow | None) -> str | None:
        return member.timezone if member is not None and member.timezone else None

    # --- /progress ---------------------------------------------------------------------------

    @app_commands.allowed_installs(guilds=True, users=True)
    @app_commands.allowed_contexts(guilds=True, dms=True, private_channels=True)
    @app_commands.command(
        name="progress",
        description="Your stretching over the last 12 weeks, privately; check-ins: pain scores.",
    )
    @app_commands.rename(check_ins="check-ins")
    @app_commands.describe(check_ins="Turn private daily pain check-ins (0 to 10) on or off.")
    @app_commands.choices(
        check_ins=[
            app_commands.Choice(name="on", value="on"),
            app_commands.Choice(name="off", value="off"),
        ]
    )
    async def progress_command(
        self, interaction: discord.Interaction[SciaticaBot], check_ins: str | None = None
    ) -> None:
        if check_ins is not None:
            await self._turn_checkins(interaction, check_ins)
            return
        # drawing takes a moment, and longer while the machine is busy: say so first
        await interaction.response.defer(ephemeral=True, thinking=True)
        member = await self.members.member(interaction.user.id)
        summary = await self.summary(interaction.user.id, member)
        if summary.empty:
            await interaction.followup.send(self.texts("progress.empty"), ephemeral=True)
            return
        png = await asyncio.to_thread(
            progress_chart,
            summary.today,
            summary.done_days,
            self.bot.content.progress.chart,
            dict(summary.scores) or None,
        )
        file = discord.File(io.BytesIO(png), filename=CHART_FILE, description=self._alt(summary))
        await interaction.followup.send(
            embed=self.progress_embed(summary, member), file=file, ephemeral=True
        )

    async def _turn_checkins(
        self, interaction: discord.Interaction[SciaticaBot], choice: str
    ) -> None:
        if choice not in ("on", "off"):
            raise UserFacingError(self.texts("checkins.bad_choice"))
        on = choice == "on"
        await self.members.set_checkins(interaction.user.id, on, self.bot.unix_now())
        await interaction.response.send_message(
            self.texts("checkins.on" if on else "checkins.off"), ephemeral=True
        )

    async def summary(self, user_id: int, member: MemberRow | None) -> Summary:
        """The member's figures today, in their time zone (UTC when they set none)."""
        today = local_date(self.bot.clock.now(), self._zone(member) or "UTC")
        sessions = {
            date.fromisoformat(day): count
            for day, count in (await self.members.completion_counts(user_id)).items()
        }
        scores: dict[date, int] = {}
        if member is not None and member.checkins_on:
            since = shown_since(today).isoformat()
            scores = {
                date.fromisoformat(day): score
                for day, score in (await self.checkins.scores(user_id, since)).items()
            }
        return summarise(today, sessions, scores)

    def progress_embed(self, summary: Summary, member: MemberRow | None) -> discord.Embed:
        """The figures in text beside the chart, so the answer reads without the image."""
        text = self.texts
        lines = [
            text("progress.current_streak", count=summary.current_streak),
            text("progress.best_streak", count=summary.best_streak),
            text("progress.this_week", count=summary.this_week),
            text("progress.last_week", count=summary.last_week),
            text("progress.done_days", count=len(summary.done_days)),
        ]
        embed = discord.Embed(
            title=text("progress.title"), description="\n".join(lines), colour=COLOUR_STRETCH
        )
        embed.add_field(
            name=text("progress.pain_title"), value=self._pain_text(summary, member), inline=False
        )
        embed.set_image(url=f"attachment://{CHART_FILE}")
        zone = self._zone(member)
        embed.set_footer(
            text=text("progress.footer_zone", zone=zone) if zone else text("progress.footer_utc")
        )
        return embed

    def _pain_text(self, summary: Summary, member: MemberRow | None) -> str:
        text = self.texts
        if member is None or not member.checkins_on:
            return text("progress.pain_hint")
        latest = summary.latest_score
        average = summary.average_score
        if latest is None or average is None:
            return text("progress.pain_none")
        day, score = latest
        recent = min(len(summary.scores), FLARE_WINDOW)
        return " ".join(
            (
                text("progress.pain_count", count=len(summary.scores)),
                text("progress.pain_latest", score=score, day=_day(day)),
                text("progress.pain_average", count=recent, average=f"{average:.1f}"),
            )
        )

    def _alt(self, summary: Summary) -> str:
        """The chart in words, for screen readers."""
        text = self.texts
        alt = text(
            "progress.alt",
            days=len(summary.done_days),
            current=summary.current_streak,
            best=summary.best_streak,
        )
        latest = summary.latest_score
        if latest is not None:
            alt += text("progress.alt_pain", count=len(summary.scores), latest=latest[1])
        return alt[:ALT_LIMIT]

    # --- check-ins after a stretch (AfterStretch) ----------------------------------------------

    async def after_stretch(self, user_id: int) -> FollowUp | None:
        """The pain question, only for a member who turned check-ins on."""
        member = await self.members.member(user_id)
        if member is None or not member.checkins_on:
            return None
        buttons = [PainButton(self.bot, score, user_id) for score in SCORES]
        return FollowUp(
            self.texts("checkins.question"), (*buttons, PainButton(self.bot, None, user_id))
        )

    async def answer(
        self, interaction: discord.Interaction[SciaticaBot], user_id: int, score: int | None
    ) -> None:
        """Save today's score (or skip) in place of the question; a flare gets flare care."""
        text = self.texts
        if interaction.user.id != user_id:
            raise UserFacingError(text("checkins.not_yours"))
        message = interaction.message
        asked = (message.content if message is not None else "").removesuffix(
            text("checkins.question")
        )
        view = link_buttons_of(message)

        async def reply(line: str) -> None:
            content = f"{asked.rstrip()}\n\n{line}" if asked.strip() else line
            await interaction.response.edit_message(content=content, view=view)

        if score is None:
            await reply(text("checkins.skipped"))
            return
        member = await self.members.member(user_id)
        now = self.bot.clock.now()
        today = local_date(now, self._zone(member) or "UTC").isoformat()
        previous = await self.checkins.previous(user_id, today, FLARE_WINDOW)
        if not await self.checkins.record(user_id, today, score, int(now.timestamp())):
            await reply(text("checkins.off_now"))
            return
        await reply(text("checkins.saved", score=score))
        if is_flare(score, previous):
            embed, offer = await self.flare_care(interaction, user_id, member)
            if offer is None:
                await interaction.followup.send(embed=embed, ephemeral=True)
            else:
                await interaction.followup.send(embed=embed, view=offer, ephemeral=True)

    async def flare_care(
        self, interaction: discord.Interaction[SciaticaBot], user_id: int, member: MemberRow | None
    ) -> tuple[discord.Embed, discord.ui.View | None]:
        """What may help, the safety net with the member's emergency numbers, and the offer
        to pause their stretch reminders (when they have any running)."""
        care = self.bot.content.progress.flare
        embed = discord.Embed(title=care.title, description=care.intro, colour=COLOUR_CARE)
        embed.add_field(
            name=care.steps_title, value="\n".join(f"• {step}" for step in care.steps), inline=False
        )
        embed.add_field(name=care.safety_title, value=care.safety, inline=False)
        config = await self.bot.guild_config.get(interaction.guild_id)
        region = choose_region(
            self.bot.content.regions,
            typed=None,
            remembered=member.region if member is not None else None,
            server=config.region,
        )
        numbers = numbers_text(self.bot.content.quickcheck.ui, Level.EMERGENCY, region)
        embed.add_field(name=care.numbers_title, value=numbers[:FIELD_LIMIT], inline=False)
        embed.add_field(name=care.sources_title, value=source_links(care.sources), inline=False)
        embed.set_footer(text=care.footer)
        if not await self._running_stretch_reminders(user_id):
            return embed, None
        offer = discord.ui.View(timeout=None)
        offer.add_item(FlarePauseButton(self.bot, user_id))
        return embed, offer

    async def _running_stretch_reminders(self, user_id: int) -> list[ReminderRow]:
        rows = await self.reminders.of_member(user_id)
        return [row for row in rows if row.kind == "stretch" and row.status == "active"]

    async def pause_for_flare(
        self, interaction: discord.Interaction[SciaticaBot], user_id: int
    ) -> None:
        """Pause the member's running stretch reminders for 3 days; they resume by themselves."""
        text = self.texts
        if interaction.user.id != user_id:
            raise UserFacingError(text("checkins.not_yours"))
        member = await self.members.member(user_id)
        # the same time of day 3 days on in the member's zone, whatever DST does meanwhile
        ends = resume_at(self.bot.clock.now(), PAUSE_DAYS, self._zone(member) or "UTC")
        until = int(ends.timestamp())
        rows = await self._running_stretch_reminders(user_id)
        paused = await self.reminders.pause_until([row.id for row in rows], until)
        content = (
            text("checkins.paused", count=len(paused), until=discord.utils.format_dt(ends, "f"))
            if paused
            else text("checkins.nothing_to_pause")
        )
        await interaction.response.edit_message(
            content=content, view=link_buttons_of(interaction.message)
        )

    # --- a member's data (MemberData) --------------------------------------------------------

    async def export_member(self, user_id: int) -> Export:
        """Their pain check-ins (whether they are on is on the member's row)."""
        return await self.checkins.export_member(user_id)

    async def forget_member(self, tx: Transaction, user_id: int) -> None:
        await self.checkins.forget_member(tx, user_id)

    def privacy_lines(self, data: Export) -> list[str]:
        return [self.texts("checkins.privacy", count=len(data.get("checkins", [])))]


def _day(day: date) -> str:
    """A calendar day as people write it, e.g. "Mon 2 Mar"."""
    return f"{day:%a} {day.day} {day:%b}"


async def setup(bot: SciaticaBot) -> None:
    await bot.add_cog(Progress(bot))
