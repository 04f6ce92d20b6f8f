"""Exactly one dispatcher across processes on one PostgreSQL database: one leads, and when it
goes another takes over within 5 s. In-process instances stand in for processes, and one test
kills a real process holding the lead (SIGKILL: its connection closes at once)."""

import asyncio
import sys

import pytest

from bot.core.leadership import Leadership
from bot.storage import PostgresDatabase, SqliteDatabase
from tests.support.helpers import ROOT, eventually


class Instance:
    """One process's lead: counts its terms, as its scheduler would start and stop."""

    def __init__(self, database):
        self.database = database
        self.elected = 0
        self.deposed = 0
        self.leadership = Leadership(database, on_elected=self._elected, on_deposed=self._deposed)

    def _elected(self):
        self.elected += 1

    async def _deposed(self):
        self.deposed += 1

    @property
    def leading(self):
        return self.leadership.leading


@pytest.fixture
async def instances(postgres_url):
    made = [Instance(await PostgresDatabase.open(postgres_url)) for _ in range(3)]
    yield made
    for instance in made:
        await instance.leadership.stop()
        await instance.database.close()


def leaders(instances):
    return [instance for instance in instances if instance.leading]


async def test_one_of_three_leads_and_another_takes_over_when_it_stops(instances):
    for instance in instances:
        instance.leadership.start()
    await eventually(lambda: len(leaders(instances)) == 1, timeout=5)
    [first] = leaders(instances)
    rest = [instance for instance in instances if instance is not first]
    assert await rest[0].database.try_lead("dispatcher") is None  # the lock is really held

    await first.leadership.stop()  # shutting down hands the lead on
    assert first.deposed == 1
    await eventually(lambda: len(leaders(rest)) == 1, timeout=5)
    assert len(leaders(instances)) == 1


async def test_a_leader_whose_connection_is_cut_stops_and_one_leads_again(instances):
    for instance in instances:
        instance.leadership.start()
    await eventually(lambda: len(leaders(instances)) == 1, timeout=5)
    [first] = leaders(instances)
    pid = first.leadership._lead._conn.get_server_pid()
    other = next(instance for instance in instances if instance is not first)
    await other.database.execute("SELECT pg_terminate_backend(?)", (pid,))
    await eventually(lambda: first.deposed == 1, timeout=5)  # it stopped dispatching
    await eventually(lambda: len(leaders(instances)) == 1, timeout=5)
    assert sum(instance.elected for instance in instances) == 2


async def test_a_killed_leader_process_is_replaced_within_five_seconds(postgres_url):
    holder = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tests.support.lead_holder",
        postgres_url,
        cwd=ROOT,
        stdout=asyncio.subprocess.PIPE,
    )
    waiting = Instance(await PostgresDatabase.open(postgres_url))
    try:
        assert holder.stdout is not None
        line = await asyncio.wait_for(holder.stdout.readline(), timeout=20)
        assert line.strip() == b"leading"
        assert await waiting.database.try_lead("dispatcher") is None
        waiting.leadership.start()
        holder.kill()
        await holder.wait()
        await eventually(lambda: waiting.leading, timeout=5)
    finally:
        if holder.returncode is None:
            holder.kill()
            await holder.wait()
        await waiting.leadership.stop()
        await waiting.database.close()


async def test_with_sqlite_the_only_process_leads_at_once(tmp_path):
    database = await SqliteDatabase.open(tmp_path / "bot.db")
    instance = Instance(database)
    instance.leadership.start()
    assert instance.leading and instance.elected == 1  # no task, no wait
    await instance.leadership.stop()
    assert instance.deposed == 1
    await database.close()
