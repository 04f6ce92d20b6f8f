"""Background tasks: held until they end, a crash logged at once under the task's name."""

import asyncio
import logging

from bot.tasks import spawn


async def test_a_crash_is_logged_with_the_task_name_when_it_happens(caplog):
    async def boom():
        raise ValueError("broken")

    with caplog.at_level(logging.ERROR, logger="bot.tasks"):
        task = spawn(boom(), "boom")
        await asyncio.wait([task])
        await asyncio.sleep(0)  # done callbacks run on the next turn
    [record] = [r for r in caplog.records if r.name == "bot.tasks"]
    assert record.getMessage() == "task boom failed"
    assert isinstance(record.exc_info[1], ValueError)


async def test_a_task_is_held_by_its_callers_set_until_it_ends():
    release = asyncio.Event()
    held: set[asyncio.Task[None]] = set()
    task = spawn(release.wait(), "waiting", tracked=held)
    assert held == {task} and task.get_name() == "waiting"
    release.set()
    await task
    await asyncio.sleep(0)
    assert held == set()


async def test_a_cancelled_task_is_not_a_crash(caplog):
    task = spawn(asyncio.Event().wait(), "cancelled")
    await asyncio.sleep(0)
    task.cancel()
    await asyncio.wait([task])
    await asyncio.sleep(0)
    assert [r for r in caplog.records if r.name == "bot.tasks"] == []
