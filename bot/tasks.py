"""Background tasks, started one way: named (in logs and task dumps), referenced until they end
(the event loop keeps only a weak reference, so a task nobody holds can vanish mid-run), and a
crash logged when it happens rather than lost until someone awaits the task.

The ground floor: every layer may use it, and it imports nothing of the bot.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from typing import Any, TypeVar

log = logging.getLogger("bot.tasks")

Result = TypeVar("Result")
_running: set[asyncio.Task[Any]] = set()
"""Tasks started without a set of their caller's, held here until they end."""


def spawn(
    work: Coroutine[Any, Any, Result],
    name: str,
    *,
    tracked: set[asyncio.Task[Result]] | None = None,
) -> asyncio.Task[Result]:
    """Start `work` as the task `name`, held in `tracked` (or here) until it ends."""
    task = asyncio.create_task(work, name=name)
    held: set[asyncio.Task[Any]] = _running if tracked is None else tracked
    held.add(task)
    task.add_done_callback(held.discard)
    task.add_done_callback(_log_crash)
    return task


def _log_crash(task: asyncio.Task[Any]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.error("task %s failed", task.get_name(), exc_info=task.exception())
