"""`python -m bot check`, the operator's pre-deploy check, as a real process."""

import asyncio
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

from bot.storage import PostgresDatabase
from bot.storage.postgres import MIGRATIONS_DIR as POSTGRES_MIGRATIONS
from bot.storage.sqlite import migration_files
from tests.support.helpers import EX_CONFIG, EX_TEMPFAIL, ROOT, TOKEN, process_env


def check(cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", "check"],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_all_is_well_and_nothing_is_created(tmp_path):
    result = check(tmp_path, process_env(DISCORD_TOKEN=TOKEN))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("sciatica-companion: all is well")
    assert "topics" in result.stdout and "will be created" in result.stdout
    assert result.stderr == ""
    assert not (tmp_path / "data").exists()  # a check changes nothing


def test_every_problem_is_one_line_and_the_exit_is_non_zero(tmp_path):
    not_a_database = tmp_path / "notes.db"
    not_a_database.write_text("shopping list\n" * 100)
    env = process_env(LOG_LEVEL="shouting", DATABASE_PATH=str(not_a_database))
    result = check(tmp_path, env)
    assert result.returncode == EX_CONFIG
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 3, result.stderr
    assert "DISCORD_TOKEN" in lines[0] and "LOG_LEVEL" in lines[1]
    assert "not a database" in lines[2]
    assert "Traceback" not in result.stderr and result.stdout == ""
    assert not_a_database.read_text().startswith("shopping list")


def test_a_database_from_a_newer_bot_is_refused(tmp_path):
    database = tmp_path / "bot.db"
    with sqlite3.connect(database) as conn:
        conn.execute("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY)")
        conn.execute("INSERT INTO schema_migrations VALUES (?)", (len(migration_files()) + 1,))
    result = check(tmp_path, process_env(DISCORD_TOKEN=TOKEN, DATABASE_PATH=str(database)))
    assert result.returncode == EX_CONFIG and "newer than this bot" in result.stderr


def test_an_older_database_reports_the_migrations_to_apply(tmp_path):
    database = tmp_path / "bot.db"
    with sqlite3.connect(database) as conn:
        conn.execute("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY)")
        conn.execute("INSERT INTO schema_migrations VALUES (1)")
    result = check(tmp_path, process_env(DISCORD_TOKEN=TOKEN, DATABASE_PATH=str(database)))
    assert result.returncode == 0, result.stderr
    pending = len(migration_files()) - 1
    assert f"schema version 1, {pending} migration(s) to apply" in result.stdout


def test_a_plain_install_carries_everything_and_checks_from_anywhere(tmp_path):
    """Not editable: the wheel alone must hold the code, the migrations and the content files."""
    source = tmp_path / "source"
    shutil.copytree(
        ROOT,
        source,
        ignore=shutil.ignore_patterns(
            ".git",
            ".venv",
            "build",
            "*.egg-info",
            "__pycache__",
            "*.db*",
            ".*_cache",
            ".hypothesis",
        ),
    )
    site = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--target",
            str(site),
            str(source),
        ],
        check=True,
        timeout=300,
        capture_output=True,
    )
    shutil.rmtree(source)  # nothing may be read from the source tree any more
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {**process_env(DISCORD_TOKEN=TOKEN), "PYTHONPATH": str(site)}
    result = check(elsewhere, env)
    assert result.returncode == 0, result.stderr
    assert "all is well" in result.stdout and "topics" in result.stdout
    where = subprocess.run(
        [sys.executable, "-c", "import bot.core.settings as s; print(s.DEFAULT_DATA_DIR)"],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert Path(where.stdout.strip()).is_relative_to(site), where.stdout
    assert os.listdir(elsewhere) == []


async def test_with_postgresql_it_checks_the_database_and_changes_nothing(postgres_url, tmp_path):
    env = process_env(DISCORD_TOKEN=TOKEN, DATABASE_URL=postgres_url)
    fresh = await asyncio.to_thread(check, tmp_path, env)
    assert fresh.returncode == 0, fresh.stderr
    pending = len(migration_files(POSTGRES_MIGRATIONS))
    assert f"PostgreSQL at {postgres_url}" in fresh.stdout
    assert f"schema version 0, {pending} migration(s) to apply" in fresh.stdout
    database = await PostgresDatabase.open(postgres_url)  # migrates
    try:
        tables = await database.fetch_all(
            "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema()"
        )
        assert tables[0][0] > 1
    finally:
        await database.close()
    migrated = await asyncio.to_thread(check, tmp_path, env)
    assert migrated.returncode == 0 and f"schema version {pending}" in migrated.stdout
    assert "to apply" not in migrated.stdout


async def test_with_postgresql_unreachable_it_is_one_line_without_the_password(tmp_path):
    env = process_env(DISCORD_TOKEN=TOKEN, DATABASE_URL="postgresql://bot:s3cret@127.0.0.1:1/x")
    result = await asyncio.to_thread(check, tmp_path, env)
    assert result.returncode == EX_TEMPFAIL and "cannot connect to PostgreSQL" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "s3cret" not in result.stderr
