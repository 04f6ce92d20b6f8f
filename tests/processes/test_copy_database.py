"""`python -m bot copy-database postgresql://...` as a real process: a SQLite installation seeded
through the bot's own stores is copied into an empty PostgreSQL database, every row compared;
a non-empty target, a bad URL or a missing source is refused with one line."""

import asyncio
import sqlite3
import sys

from bot.storage import PostgresDatabase, Stores
from tests.support.actions import create_stretch
from tests.support.helpers import process_env, run_bot
from tests.support.rows import seed_everything


async def copy_database(tmp_path, source, target):
    env = process_env(DATABASE_PATH=str(source))
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "copy-database",
        target,
        cwd=tmp_path,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    stdout, stderr = await asyncio.wait_for(process.communicate(), timeout=60)
    return process.returncode, stdout.decode(), stderr.decode()


def sqlite_rows(path):
    with sqlite3.connect(path) as conn:
        tables = [
            row[0]
            for row in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'"
                " AND name != 'schema_migrations'"
            )
        ]
        return {
            table: sorted(conn.execute(f"SELECT * FROM {table}").fetchall()) for table in tables
        }


async def postgres_rows(database, tables):
    found = {}
    for table in tables:
        rows = await database.fetch_all(f"SELECT * FROM {table}")
        found[table] = sorted(tuple(row) for row in rows)
    return found


async def seeded_sqlite(discord_server, world, tmp_path, content, clock):
    """Every table holds rows, made the way the features make them."""
    path = tmp_path / "bot.db"
    async with run_bot(discord_server, path, content, clock) as bot:
        await create_stretch(discord_server, world, user=world.bob)
        await seed_everything(bot, world.guild.id, world.alice.id)
        await bot.stores.stretch_breaks.save(
            guild_id=world.guild.id,
            channel_id=world.guild.general,
            role_id=None,
            schedule='{"kind": "weekly"}',
            next_due_at=2_000_000_000,
            moderator_id=world.moderator.id,
            audit=(None, "daily"),
            now=1_000,
        )
    return path


async def test_a_sqlite_install_is_copied_row_for_row(
    discord_server, world, tmp_path, content, clock, postgres_url
):
    source = await seeded_sqlite(discord_server, world, tmp_path, content, clock)
    before = sqlite_rows(source)
    assert all(before.values()), {table: len(rows) for table, rows in before.items()}

    code, stdout, stderr = await copy_database(tmp_path, source, postgres_url)
    assert code == 0, stderr
    lines = stdout.strip().splitlines()
    assert len(lines) == len(before) + 1  # one line per table, then the total
    for table, rows in before.items():
        assert f"{table}: {len(rows)} rows copied, {len(rows)} in PostgreSQL" in lines
    assert sqlite_rows(source) == before  # the source is left as it was

    target = await PostgresDatabase.open(postgres_url)
    try:
        assert await postgres_rows(target, before) == before
        # ids were kept, so new ones must come after them
        highest = max(row[0] for row in before["reminders"])
        new_id = await Stores(target).reminders.create(
            kind="stretch",
            user_id=world.alice.id,
            guild_id=None,
            schedule='{"kind": "weekly"}',
            next_due_at=0,
            now=0,
            limit=10,
        )
        assert new_id == highest + 1
    finally:
        await target.close()

    code, stdout, stderr = await copy_database(tmp_path, source, postgres_url)
    assert code != 0 and "not empty" in stderr and "Traceback" not in stderr
    assert len(stderr.strip().splitlines()) == 1


async def test_bad_targets_and_sources_are_one_line(tmp_path, postgres_url):
    missing = tmp_path / "missing.db"
    code, _, stderr = await copy_database(tmp_path, missing, postgres_url)
    assert code != 0 and "no SQLite database" in stderr
    assert len(stderr.strip().splitlines()) == 1

    source = tmp_path / "bot.db"
    sqlite3.connect(source).close()
    for target, expected in [
        ("mysql://db/x", "PostgreSQL URL"),
        ("postgresql://bot:s3cret@127.0.0.1:1/x", "cannot connect"),
    ]:
        code, _, stderr = await copy_database(tmp_path, source, target)
        assert code != 0 and expected in stderr and "Traceback" not in stderr, stderr
        assert len(stderr.strip().splitlines()) == 1 and "s3cret" not in stderr


async def test_the_copy_refuses_a_source_a_running_bot_holds(
    discord_server, tmp_path, content, clock, postgres_url
):
    path = tmp_path / "bot.db"
    async with run_bot(discord_server, path, content, clock):
        code, _, stderr = await copy_database(tmp_path, path, postgres_url)
    assert code != 0 and "in use by another running bot" in stderr
