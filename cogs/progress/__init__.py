"""/progress: a member's stretching over the last 12 weeks, and opt-in pain check-ins with
flare care.

One feature in one package: the figures (cog), pain check-ins and flare care (checkins), what
they share (base). The figures and rules live in bot.health.progress and bot.health.sessions (pure),
the chart in bot.pictures.charts, the texts in data/progress.toml. Scores are health data: asked
only of members who opted in, answered only to them, never logged, kept 12 months (a daily chore on
the dispatcher deletes older ones).
"""

from __future__ import annotations

from bot.core.client import SciaticaBot
from cogs.progress.cog import Progress

__all__ = ["Progress", "setup"]


async def setup(bot: SciaticaBot) -> None:
    await bot.add_cog(Progress(bot))
