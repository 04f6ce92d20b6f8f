"""What the bot offers its operator, wired to the bot: its metrics (bot.core.metrics) fed by
its shards, lead, pacer and deliveries, and the readiness check that the health and metrics
server (bot.core.ops, which knows nothing of Discord) serves on OPS_PORT."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from bot.core.metrics import Metrics
from bot.core.ops import OpsServer

if TYPE_CHECKING:  # the bot imports this module
    from bot.core.client import SciaticaBot

READINESS_TIMEOUT = 2.0  # seconds the database may take to answer a readiness probe


def bot_metrics(bot: SciaticaBot) -> Metrics:
    metrics = Metrics(
        shard_latencies=lambda: bot.latencies,
        leading=lambda: bot.leadership.leading,
        pacer_waiting=lambda: bot.pacer.waiting,
    )
    bot.pacer.on_wait = metrics.pacer_wait.observe
    bot.stores.ledger.on_recorded = lambda claim, state: metrics.delivery(
        state, late=claim.late, held=claim.held
    )
    return metrics


async def start_operations(bot: SciaticaBot) -> None:
    """The health and metrics server on OPS_HOST:OPS_PORT when OPS_PORT is set (not for a
    one-off `sync`), and the send budget shared with other processes, when there is one."""
    settings = bot.settings
    if settings.ops_port is not None and not bot.force_sync:
        bot.ops = OpsServer(
            settings.ops_host,
            settings.ops_port,
            readiness=lambda: readiness_problems(bot),
            metrics=bot.metrics.exposition,
        )
        await bot.ops.start()
    if bot.budget is not None:
        await bot.budget.start()
        bot.pacer.schedule = bot.budget


async def stop_operations(bot: SciaticaBot) -> None:
    if bot.budget is not None:
        await bot.budget.stop()
    if bot.ops is not None:
        await bot.ops.stop()


async def readiness_problems(bot: SciaticaBot) -> list[str]:
    """Why this process should not get traffic now, one reason each (empty: ready)."""
    problems: list[str] = []
    if bot.is_closed():
        problems.append("shutting down")
    expected = bot.shard_ids if bot.shard_ids is not None else range(bot.shard_count or 1)
    down = [i for i in expected if i not in bot.shards or bot.shards[i].is_closed()]
    if down:
        problems.append(f"gateway not connected on shard {', '.join(map(str, down))}")
    try:
        async with asyncio.timeout(READINESS_TIMEOUT):
            await bot.stores.database.fetch_one("SELECT 1")
    except Exception as exc:  # whatever the driver raises, the answer is "not reachable"
        problems.append(f"database not reachable ({type(exc).__name__})")
    if bot.leadership.leading and not bot.scheduler.healthy:
        problems.append(bot.scheduler.problem or "dispatcher not healthy")
    return problems

