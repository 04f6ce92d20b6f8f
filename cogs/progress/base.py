"""What every part of /progress shares: the stores, the texts, the member's time zone, and the
figures in words (the /progress answer and the report both say them)."""

from __future__ import annotations

from datetime import date

from discord.ext import commands

from bot.content.messages import Messages
from bot.core.client import SciaticaBot
from bot.health.progress import FLARE_WINDOW, Summary, plan_text
from bot.health.sessions import Outcome
from bot.storage import (
    CheckInStore,
    MemberRow,
    MemberStore,
    ReminderKind,
    ReminderRow,
    ReminderStore,
    SessionStore,
)


class ProgressBase(commands.Cog):
    """The parts of the Progress cog that its commands and buttons all use (a Cog, so the
    commands of the parts built on it are a cog's commands)."""

    bot: SciaticaBot
    members: MemberStore
    checkins: CheckInStore
    reminders: ReminderStore
    sessions: SessionStore
    texts: Messages
    weekdays: list[str]
    """Short day names from Monday, as the chart writes them."""

    def _zone(self, member: MemberRow | None) -> str | None:
        return member.timezone if member is not None and member.timezone else None

    async def _stretch_reminders(self, user_id: int) -> list[ReminderRow]:
        """The member's stretch reminders, running or paused: their plan."""
        rows = await self.reminders.of_member(user_id)
        return [row for row in rows if row.kind == ReminderKind.STRETCH]

    def figure_lines(self, summary: Summary) -> list[str]:
        """The figures in words (the /progress answer's text, and the report's summary)."""
        text = self.texts
        return [
            text(
                "progress.current_streak",
                count=summary.current_streak,
                plan=plan_text(summary.plan, text, self.weekdays),
            ),
            text("progress.best_streak", count=summary.best_streak),
            text("progress.this_week", count=summary.this_week),
            text("progress.last_week", count=summary.last_week),
            text("progress.done_days", count=len(summary.done_days)),
            text(
                "progress.sessions_shown",
                done=summary.shown.get(Outcome.DONE, 0),
                skipped=summary.shown.get(Outcome.SKIPPED, 0),
                missed=summary.shown.get(Outcome.MISSED, 0),
            ),
        ]

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


def _day(day: date) -> str:
    """A calendar day as people write it, e.g. "Mon 2 Mar"."""
    return f"{day:%a} {day.day} {day:%b}"
