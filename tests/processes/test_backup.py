"""`python -m bot backup PATH` as a real process: a consistent, checked copy of the SQLite
database taken while a real bot process sends reminders, and the pg_dump line for PostgreSQL."""

import asyncio
import hashlib
import shlex
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime

import asyncpg

from tests.support.helpers import (
    EX_CONFIG,
    EX_USAGE,
    BotProcess,
    bot_env,
    eventually,
    posted_by_the_bot,
    process_env,
)
from tests.support.seeding import create_database, seed_reminders

EX_CANTCREAT = 73


async def backup(cwd, target, **env):
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "backup",
        str(target),
        cwd=cwd,
        env=process_env(**env),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    stdout, stderr = await asyncio.wait_for(process.communicate(), timeout=60)
    return process.returncode, stdout.decode(), stderr.decode()


async def test_a_backup_taken_during_a_fan_out_opens_and_holds_every_reminder(
    discord_server, tmp_path
):
    users = [discord_server.add_user(f"member{i}") for i in range(300)]
    database = tmp_path / "bot.db"
    await create_database(database)
    due = datetime.now(UTC)
    seed_reminders(database, [(u.id, discord_server.dm_channel(u.id)) for u in users], due)
    created = [0]

    def count(event):
        if posted_by_the_bot(event):
            created[0] += 1

    discord_server.subscribe(count)
    bot = BotProcess(bot_env(discord_server, database), cwd=tmp_path)
    await bot.start()
    target = tmp_path / "backups" / "companion.db"
    target.parent.mkdir()
    try:
        await eventually(lambda: created[0] >= 50, timeout=30)
        code, stdout, stderr = await backup(tmp_path, target, DATABASE_PATH=str(database))
        sent_after_backup = created[0]
        assert code == 0, stderr
        assert created[0] < len(users), "the fan-out was over before the backup ended"
        await eventually(lambda: created[0] >= len(users), timeout=60)
    finally:
        exit_code, log = await bot.stop()
    assert exit_code == 0, log
    assert "300 reminders; integrity_check ok" in stdout
    assert {len(discord_server.dm_messages(u.id)) for u in users} == {1}

    assert not (tmp_path / "backups" / "companion.db-wal").exists()
    copy = sqlite3.connect(f"{target.as_uri()}?mode=ro", uri=True)
    try:
        assert copy.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert copy.execute("PRAGMA journal_mode").fetchone() == ("delete",)
        reminders = {row[0] for row in copy.execute("SELECT user_id FROM reminders")}
        [(recorded_sent,)] = copy.execute(
            "SELECT COUNT(*) FROM deliveries WHERE state = 'sent'"
        ).fetchall()
    finally:
        copy.close()
    assert reminders == {u.id for u in users}
    # taken mid fan-out, from one moment: no more sends recorded than Discord had received
    assert 0 < recorded_sent <= sent_after_backup


async def test_a_backup_never_overwrites_a_file(tmp_path):
    database = tmp_path / "bot.db"
    await create_database(database)
    target = tmp_path / "yesterday.db"
    target.write_bytes(b"yesterday's backup")
    code, stdout, stderr = await backup(tmp_path, target, DATABASE_PATH=str(database))
    assert code == EX_CANTCREAT and "already exists" in stderr and stdout == ""
    assert target.read_bytes() == b"yesterday's backup"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bot.db", "bot.db.lock", "yesterday.db"]


async def test_a_file_that_is_not_a_database_gives_no_backup(tmp_path):
    notes = tmp_path / "notes.db"
    notes.write_text("shopping list\n" * 100)
    before = hashlib.sha256(notes.read_bytes()).hexdigest()
    target = tmp_path / "copy.db"
    code, _, stderr = await backup(tmp_path, target, DATABASE_PATH=str(notes))
    assert code == EX_CONFIG and "not a database" in stderr and "Traceback" not in stderr
    assert not target.exists() and len(list(tmp_path.iterdir())) == 1
    assert hashlib.sha256(notes.read_bytes()).hexdigest() == before


async def test_on_postgresql_it_names_the_pg_dump_line_and_that_line_works(postgres_url, tmp_path):
    database = await asyncpg.connect(postgres_url)
    try:
        await database.execute("CREATE TABLE reminders (id BIGINT)")
        await database.execute("INSERT INTO reminders VALUES (1), (2)")
    finally:
        await database.close()
    dump = tmp_path / "companion.dump"
    code, stdout, stderr = await backup(tmp_path, dump, DATABASE_URL=postgres_url)
    assert code == EX_USAGE and stdout == "" and "pg_dump" in stderr, stderr
    command = stderr.strip().split("back it up with ", 1)[1]
    assert command.startswith("pg_dump --format=custom --schema=test_")

    ran = await asyncio.to_thread(
        subprocess.run, shlex.split(command), capture_output=True, text=True, check=False
    )
    assert ran.returncode == 0, ran.stderr
    listed = await asyncio.to_thread(
        subprocess.run,
        ["pg_restore", "--list", str(dump)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert "TABLE DATA" in listed.stdout and "reminders" in listed.stdout, listed.stdout
