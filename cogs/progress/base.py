"""What every part of /progress shares: the stores, the texts and the member's time zone."""

from __future__ import annotations

from discord.ext import commands

from bot.client import SciaticaBot
from bot.messages import Messages
from bot.storage import (
    CheckInStore,
    MemberRow,
    MemberStore,
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

    def _zone(self, member: MemberRow | None) -> str | None:
        return member.timezone if member is not None and member.timezone else None

    async def _stretch_reminders(self, user_id: int) -> list[ReminderRow]:
        """The member's stretch reminders, running or paused: their plan."""
        rows = await self.reminders.of_member(user_id)
        return [row for row in rows if row.kind == "stretch"]
