"""Drills with a real `python -m bot` process and the real clock, its SQLite database failing
under it: the dispatcher rides out a database that refuses writes for half a minute around a
due time; a database file deleted under the bot is noticed, saved back, and the bot stops."""

import asyncio
import resource
import shutil
import sqlite3
import time
from datetime import UTC, datetime, timedelta

import pytest

from bot.core.client import FILE_CHECK_SECONDS
from tests.support.actions import create_stretch
from tests.support.helpers import EX_TEMPFAIL, BotProcess, bot_env, posted_by_the_bot
from tests.support.seeding import create_database, seed_reminders

pytestmark = pytest.mark.timeout(150)

OUTAGE = 30.0  # seconds the database refuses writes
BEFORE_DUE = 5.0  # ...starting this long before the reminder is due
STARTUP = 20.0  # seconds the bot has to start before that, on a busy machine too


class RefusedWrites:
    """The process may not write to any file (RLIMIT_FSIZE 0), as on a full or read-only disk:
    SQLite's COMMIT then fails with a disk I/O error. Works for any user, root included."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.limits = resource.prlimit(pid, resource.RLIMIT_FSIZE)

    def __enter__(self) -> None:
        resource.prlimit(self.pid, resource.RLIMIT_FSIZE, (0, self.limits[1]))

    def __exit__(self, *exc: object) -> None:
        resource.prlimit(self.pid, resource.RLIMIT_FSIZE, self.limits)


async def sleep_until(monotonic: float) -> None:
    await asyncio.sleep(max(0.0, monotonic - time.monotonic()))


async def test_a_database_refusing_writes_around_a_due_time_delays_that_reminder_only(
    discord_server, tmp_path
):
    first, second = discord_server.add_user("first"), discord_server.add_user("second")
    path = tmp_path / "bot.db"
    await create_database(path)
    start = time.monotonic()
    due = datetime.now(UTC) + timedelta(seconds=STARTUP + BEFORE_DUE)
    due_at = start + STARTUP + BEFORE_DUE
    next_due_at = due_at + OUTAGE + 15  # due once the database takes writes again
    seed_reminders(
        path,
        [(u.id, discord_server.dm_channel(u.id)) for u in (first, second)],
        [due, due + timedelta(seconds=next_due_at - due_at)],
    )
    arrivals: dict[str, list[float]] = {"first": [], "second": []}
    channels = {
        discord_server.dm_channel(first.id): "first",
        discord_server.dm_channel(second.id): "second",
    }

    def arrived(event):
        if posted_by_the_bot(event):
            arrivals[channels[int(event.message["channel_id"])]].append(time.monotonic())

    discord_server.subscribe(arrived)
    bot = BotProcess(bot_env(discord_server, path), cwd=tmp_path)
    await bot.start()
    try:
        await discord_server.wait_until(
            lambda: discord_server.gateway.ready_count > 0, timeout=STARTUP
        )
        assert time.monotonic() < due_at - BEFORE_DUE, "the bot took too long to start"
        await sleep_until(due_at - BEFORE_DUE)
        with RefusedWrites(bot.process.pid):
            await sleep_until(due_at - BEFORE_DUE + OUTAGE)
            assert arrivals["first"] == []  # nothing is claimed while nothing can be written
        restored = time.monotonic()
        await discord_server.wait_until(lambda: arrivals["second"], timeout=OUTAGE + 30)
        await asyncio.sleep(1)  # a duplicate would arrive now, if there were one
    finally:
        code, log = await bot.stop()
    assert code == 0, log
    assert [len(arrivals["first"]), len(arrivals["second"])] == [1, 1], log
    after_restore = arrivals["first"][0] - restored
    late = arrivals["first"][0] - due_at
    next_late = arrivals["second"][0] - next_due_at
    failures = [line for line in log.splitlines() if "dispatching failed" in line]
    print(
        f"\ndatabase refused writes for {OUTAGE:.0f} s from {BEFORE_DUE:.0f} s before a due"
        f" time: that reminder arrived {after_restore:.1f} s after writes worked again"
        f" ({late:.1f} s late), the next one {next_late:+.1f} s from its time;"
        f" {len(failures)} failed tries logged"
    )
    # the back-off doubles, so the try after an outage comes within about its length again
    assert 0 < after_restore <= OUTAGE - BEFORE_DUE + 3
    assert abs(next_late) < 2.5
    assert len(failures) >= 4 and "disk I/O error" in failures[0]
    assert "dispatching works again" in log
    assert "task scheduler failed" not in log


# --- the database file deleted under a running bot --------------------------------------------


async def started(discord_server, tmp_path, path):
    process = BotProcess(bot_env(discord_server, path), cwd=tmp_path)
    ready = discord_server.gateway.ready_count
    await process.start()
    await discord_server.wait_until(lambda: discord_server.gateway.ready_count > ready, 30)
    return process


def reminders_in(path):
    with sqlite3.connect(path) as conn:
        return conn.execute("SELECT user_id FROM reminders ORDER BY id").fetchall()


async def test_a_database_folder_emptied_under_an_idle_bot_is_noticed_and_nothing_is_lost(
    discord_server, world, tmp_path
):
    folder = tmp_path / "tmp-cleaned"
    path = folder / "bot.db"
    first = await started(discord_server, tmp_path, path)
    try:
        await create_stretch(discord_server, world)
        shutil.rmtree(folder)  # a cleaner empties the temporary folder
        deleted = time.monotonic()
        code, log = await first.wait(timeout=FILE_CHECK_SECONDS + 10)
    finally:
        first.kill()
    noticed = time.monotonic() - deleted
    print(f"\na deleted database file noticed and the bot stopped in {noticed:.1f} s")
    assert "created a new, empty one" in log  # the first start, on a new file
    last = log.strip().splitlines()[-1]
    assert code == EX_TEMPFAIL, log
    assert last.startswith("sciatica-companion: database file") and "was deleted" in last
    assert f"What it held is back at {path}" in last
    assert reminders_in(path) == [(world.alice.id,)]

    second = await started(discord_server, tmp_path, path)
    try:
        ix = await discord_server.invoke(world.alice, "reminders list", {}, guild_id=world.guild.id)
        listed = await ix.response(timeout=5)
    finally:
        code, log = await second.stop()
    assert code == 0, log
    assert "<t:" in str(listed.embeds)  # the reminder made before the deletion is still there
    assert "created a new, empty one" not in log


async def test_a_write_after_the_file_was_deleted_is_refused_not_confirmed(
    discord_server, world, tmp_path
):
    path = tmp_path / "bot.db"
    process = await started(discord_server, tmp_path, path)
    try:
        await create_stretch(discord_server, world)
        path.unlink()  # the file alone; its journal stays behind
        ix = await discord_server.invoke(
            world.bob,
            "reminders stretch",
            {"time": "9:00", "days": "every day", "timezone": "UTC"},
            guild_id=world.guild.id,
        )
        await ix.response(timeout=5)
        [reply] = await ix.wait_for_followups(1, timeout=5)
        code, log = await process.wait(timeout=10)  # at once, not at the next periodic check
    finally:
        process.kill()
    assert "error id" in reply["content"] and "<t:" not in reply["content"]
    last_line = log.strip().splitlines()[-1]
    assert code == EX_TEMPFAIL and "was deleted while the bot ran" in last_line, log
    assert reminders_in(path) == [(world.alice.id,)]  # bob's was never saved anywhere
