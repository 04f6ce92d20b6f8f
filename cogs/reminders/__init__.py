"""/reminders: opt-in stretching and massage-booking DMs on the durable scheduler, that fit a
life: edited in place, after-done schedules, quiet hours and pauses that end by themselves.

One feature in one package: creating (create), listing (listing), looking after (manage),
fitting to a life (edits), the DMs and their buttons (dms), what they share (base), the cog
itself (cog).
"""

from __future__ import annotations

from bot.core.client import SciaticaBot
from cogs.reminders.cog import Reminders

__all__ = ["Reminders", "setup"]


async def setup(bot: SciaticaBot) -> None:
    await bot.add_cog(Reminders(bot))
