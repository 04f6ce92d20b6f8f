"""The /progress command: a member's figures over the last 12 weeks as a chart and in text,
their sessions counted over their own plan, and what the feature keeps for /privacy."""

from __future__ import annotations

import asyncio
import io
import logging
from datetime import date, datetime, timedelta

import discord
from discord import app_commands

from bot.core.client import SciaticaBot
from bot.core.contracts import Export
from bot.core.errors import UserFacingError
from bot.health.progress import Summary, keep_since, shown_since, summarise
from bot.health.report import REPORT_WEEKS
from bot.health.sessions import Session, judge, newly_missed
from bot.pictures.charts import ChartWords, progress_chart
from bot.scheduling.recurrence import local_date, schedule_from_json
from bot.storage import MemberRow, Transaction
from bot.ui.embeds import COLOUR_STRETCH
from cogs.progress.checkins import CheckIns, FlarePauseButton, PainButton
from cogs.progress.report import Reporting

log = logging.getLogger("bot.progress")

CHART_FILE = "progress.png"
ALT_LIMIT = 1024
MISSED_LOOKBACK = timedelta(days=8)
"""How far back the daily chore looks for missed sessions: a week's plan and a day to spare."""


class Progress(Reporting, CheckIns):
    """Every answer is private to the member asking."""

    def __init__(self, bot: SciaticaBot) -> None:
        self.bot = bot
        self.members = bot.stores.members
        self.checkins = bot.stores.checkins
        self.reminders = bot.stores.reminders
        self.sessions = bot.stores.sessions
        self.texts = bot.messages
        self.weekdays = list(bot.content.progress.chart.weekdays)

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(PainButton, FlarePauseButton)
        self.bot.scheduler.add_chore("prune-checkins", self.prune)
        self.bot.scheduler.add_chore("record-missed-sessions", self.record_missed)

    async def cog_unload(self) -> None:
        self.bot.scheduler.remove_chore("prune-checkins")
        self.bot.scheduler.remove_chore("record-missed-sessions")
        self.bot.remove_dynamic_items(PainButton, FlarePauseButton)

    async def prune(self, now: datetime) -> None:
        """The daily chore: check-ins about days more than 12 months ago are deleted."""
        removed = await self.checkins.prune(keep_since(now.date()).isoformat())
        if removed:
            log.info("deleted %d pain check-ins older than 12 months", removed)

    async def record_missed(self, now: datetime) -> None:
        """The daily chore: sessions missed lately are kept as marks, so the calendar and the
        streaks still know them once the delivery ledger that shows them is pruned."""
        since = int((now - MISSED_LOOKBACK).timestamp())
        for user_id in await self.sessions.members_with_dms_since(since):
            await self._record_missed_of(user_id, now)

    async def _record_missed_of(self, user_id: int, now: datetime) -> list[Session]:
        """The member's sessions, after keeping those newly missed."""
        member = await self.members.member(user_id)
        inputs = await self.sessions.inputs(user_id)
        history = judge(inputs, self._zone(member) or "UTC")
        missed = newly_missed(history, inputs.marks)
        await self.sessions.record_missed(user_id, missed, int(now.timestamp()))
        return history

    # --- /progress ---------------------------------------------------------------------------

    @app_commands.allowed_installs(guilds=True, users=True)
    @app_commands.allowed_contexts(guilds=True, dms=True, private_channels=True)
    @app_commands.command(
        name="progress",
        description="Your stretching over the last 12 weeks, privately; or a report as a PDF.",
    )
    @app_commands.rename(check_ins="check-ins")
    @app_commands.describe(
        check_ins="Turn private daily pain check-ins (0 to 10) on or off.",
        report="A PDF of your record to take to your GP or physio (only you get it).",
    )
    @app_commands.choices(
        check_ins=[
            app_commands.Choice(name="on", value="on"),
            app_commands.Choice(name="off", value="off"),
        ]
    )
    @app_commands.choices(
        report=[
            app_commands.Choice(name=f"last {weeks} weeks", value=weeks) for weeks in REPORT_WEEKS
        ]
    )
    async def progress_command(
        self,
        interaction: discord.Interaction[SciaticaBot],
        check_ins: str | None = None,
        report: int | None = None,
    ) -> None:
        if check_ins is not None:
            await self._turn_checkins(interaction, check_ins)
            return
        if report is not None and report not in REPORT_WEEKS:
            raise UserFacingError(self.texts("progress.report_weeks"))
        # drawing takes a moment, and longer while the machine is busy: say so first
        await interaction.response.defer(ephemeral=True, thinking=True)
        member = await self.members.member(interaction.user.id)
        summary = await self.summary(interaction.user.id, member)
        if summary.empty:
            await interaction.followup.send(self.texts("progress.empty"), ephemeral=True)
            return
        if report is not None:
            await self.send_report(interaction, summary, member, report)
            return
        png = await asyncio.to_thread(chart_of, summary, self.bot.content.progress.chart)
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
        now = self.bot.clock.now()
        today = local_date(now, self._zone(member) or "UTC")
        history = await self._record_missed_of(user_id, now)
        scores: dict[date, int] = {}
        if member is not None and member.checkins_on:
            since = shown_since(today).isoformat()
            scores = {
                date.fromisoformat(day): score
                for day, score in (await self.checkins.scores(user_id, since)).items()
            }
        plan = [schedule_from_json(row.schedule) for row in await self._stretch_reminders(user_id)]
        return summarise(today, history, scores, plan)

    def progress_embed(self, summary: Summary, member: MemberRow | None) -> discord.Embed:
        """The figures in text beside the chart, so the answer reads without the image."""
        text = self.texts
        lines = self.figure_lines(summary)
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

    def _alt(self, summary: Summary) -> str:
        """The chart in words, for screen readers."""
        text = self.texts
        alt = text(
            "progress.alt",
            days=len(summary.done_days),
            current=summary.current_streak,
            best=summary.best_streak,
        )
        alt += text(
            "progress.alt_skipped",
            skipped=len(summary.skipped_days),
            missed=len(summary.missed_days),
        )
        latest = summary.latest_score
        if latest is not None:
            alt += text("progress.alt_pain", count=len(summary.scores), latest=latest[1])
        return alt[:ALT_LIMIT]

    # --- a member's data (MemberData) --------------------------------------------------------

    async def export_member(self, user_id: int) -> Export:
        """Their pain check-ins (whether they are on is on the member's row)."""
        return await self.checkins.export_member(user_id)

    async def forget_member(self, tx: Transaction, user_id: int) -> None:
        await self.checkins.forget_member(tx, user_id)

    def privacy_lines(self, data: Export) -> list[str]:
        return [self.texts("checkins.privacy", count=len(data.get("checkins", [])))]


def chart_of(summary: Summary, words: ChartWords) -> bytes:
    """The /progress picture of a summary (the PDF report's first page draws the same)."""
    return progress_chart(
        summary.today,
        summary.done_days,
        words,
        dict(summary.scores) or None,
        skipped=summary.skipped_days,
        missed=summary.missed_days,
    )
