"""/progress report: the member's own record as a PDF to take to a GP or physio, and its first
page as a picture, answered privately. Nothing is sent anywhere else: the member decides
whether to share it."""

from __future__ import annotations

import asyncio
import io
from collections import Counter
from datetime import UTC, date, timedelta

import discord

from bot.core.client import SciaticaBot
from bot.health.progress import Summary
from bot.health.report import (
    ReportData,
    day_text,
    first_day_of,
    pain_rows,
    report_pdf,
    week_rows,
)
from bot.health.report_picture import first_page_png
from bot.health.sessions import Outcome
from bot.scheduling.recurrence import schedule_from_json
from bot.scheduling.schedule_text import describe_in
from bot.storage import MemberRow
from cogs.progress.base import ProgressBase

FLARE_HISTORY = timedelta(days=365)
"""How far before the report's first day scores are read, so its first check-ins are judged
against the ones before them as /progress judged them."""


class Reporting(ProgressBase):
    """The report, with the figures /progress shows."""

    async def send_report(
        self,
        interaction: discord.Interaction[SciaticaBot],
        summary: Summary,
        member: MemberRow | None,
        weeks: int,
    ) -> None:
        """Answer (already deferred) with the PDF and its first page."""
        data = await self.report_data(interaction.user.id, summary, member, weeks)
        texts = self.bot.messages
        report = await asyncio.to_thread(report_pdf, data, texts)
        png = await asyncio.to_thread(first_page_png, data, texts, report.pages)
        alt = texts(
            "report.picture_alt",
            weeks=weeks,
            end=day_text(data.today),
            done=sum(week.done for week in data.week_rows),
            skipped=sum(week.skipped for week in data.week_rows),
            missed=sum(week.missed for week in data.week_rows),
        )
        name = f"sciatica-record-{data.today.isoformat()}"
        files = [
            discord.File(io.BytesIO(report.pdf), filename=f"{name}.pdf"),
            discord.File(io.BytesIO(png), filename=f"{name}-page-1.png", description=alt),
        ]
        await interaction.followup.send(
            self.texts("progress.report_ready", count=weeks, pages=report.pages),
            files=files,
            ephemeral=True,
        )

    async def report_data(
        self, user_id: int, summary: Summary, member: MemberRow | None, weeks: int
    ) -> ReportData:
        today = summary.today
        first = first_day_of(today, weeks)
        scores: dict[date, int] = {}
        checkins_on = member is not None and member.checkins_on
        if checkins_on:
            since = (first - FLARE_HISTORY).isoformat()
            scores = {
                date.fromisoformat(day): score
                for day, score in (await self.checkins.scores(user_id, since)).items()
            }
        plan = [
            describe_in(schedule_from_json(row.schedule), self.bot.messages)
            for row in await self._stretch_reminders(user_id)
        ]
        library = self.bot.content.library
        stretches = Counter(
            # the stretch of the day the DM suggested: it is chosen by the UTC day it was due
            library.stretch_of_the_day(session.at.astimezone(UTC).date().toordinal()).name
            for session in summary.history
            if session.outcome is Outcome.DONE and first <= session.day <= today
        )
        lines = self.figure_lines(summary)
        if checkins_on:
            lines.append(f"{self.texts('progress.pain_title')}: {self._pain_text(summary, member)}")
        return ReportData(
            today=today,
            first_day=first,
            weeks=weeks,
            zone=self._zone(member) or "UTC",
            plan=tuple(plan),
            summary=tuple(lines),
            week_rows=week_rows(summary.history, first, today),
            checkins_on=checkins_on,
            pain=pain_rows(scores, first, today),
            stretches=tuple(stretches.most_common()),
        )
