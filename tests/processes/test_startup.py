"""Start-up as a real `python -m bot` process against the local Discord."""

import asyncio
import hashlib
import os
import signal
import socket
import sqlite3

from tests.support.helpers import (
    EX_CONFIG,
    EX_TEMPFAIL,
    EX_USAGE,
    TOKEN,
    BotProcess,
    bot_env,
    eventually,
    fresh_postgres_schema,
    postgres_server_url,
    process_env,
    running_bot,
)
from tests.support.seeding import create_database


async def run_until_exit(discord_server, tmp_path, database):
    """Start `python -m bot` on this database file and wait for it to give up."""
    process = BotProcess(bot_env(discord_server, database), cwd=tmp_path)
    await process.start()
    return await process.wait(timeout=30)


async def test_without_a_token_exits_with_one_clear_line(tmp_path):
    process = BotProcess(process_env(), cwd=tmp_path)
    await process.start()
    code, stderr = await process.wait()
    assert code == EX_CONFIG
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert "DISCORD_TOKEN" in lines[0] and ".env.example" in lines[0]
    assert "Traceback" not in stderr


async def test_a_malformed_setting_is_named(tmp_path):
    env = process_env(DISCORD_TOKEN=TOKEN, DEV_GUILD_ID="not-a-number")
    process = BotProcess(env, cwd=tmp_path)
    await process.start()
    code, stderr = await process.wait()
    assert code == EX_CONFIG
    assert "DEV_GUILD_ID" in stderr and "Traceback" not in stderr


async def test_settings_come_from_dotenv_in_the_working_directory(tmp_path):
    (tmp_path / ".env").write_text("DISCORD_TOKEN=\nLOG_LEVEL=shouting\n")
    process = BotProcess(process_env(DISCORD_TOKEN=TOKEN), cwd=tmp_path)
    await process.start()
    code, stderr = await process.wait()
    assert code == EX_CONFIG and "LOG_LEVEL" in stderr


async def test_a_rejected_token_exits_with_one_clear_line(discord_server, tmp_path):
    env = process_env(
        DISCORD_TOKEN="wrong-token-123",
        DISCORD_API_BASE=discord_server.api_base,
        DATABASE_PATH=str(tmp_path / "bot.db"),
    )
    process = BotProcess(env, cwd=tmp_path)
    await process.start()
    code, stderr = await process.wait()
    assert code == EX_CONFIG
    assert "401" in stderr and "DISCORD_TOKEN" in stderr
    assert "Traceback" not in stderr


async def test_a_file_that_is_not_a_database_stops_the_bot(discord_server, tmp_path):
    database = tmp_path / "bot.db"
    database.write_bytes(b"not a database at all" * 64)
    before = database.read_bytes()
    code, stderr = await run_until_exit(discord_server, tmp_path, database)
    assert code == EX_CONFIG and "database" in stderr.lower() and "Traceback" not in stderr
    assert database.read_bytes() == before
    assert discord_server.gateway.identify_count == 0


async def test_connects_syncs_once_and_not_again_after_a_restart(discord_server, tmp_path):
    async with running_bot(discord_server, tmp_path) as first:
        names = {command["name"] for command in discord_server.synced_commands()}
        assert {"sciatica", "stretch", "help", "about"} <= names
        assert discord_server.rest.sync_count == 1
    code, stderr = first.exited
    assert code == 0, stderr
    assert "stopped cleanly" in stderr

    second = BotProcess(bot_env(discord_server, tmp_path / "bot.db"), cwd=tmp_path)
    await second.start()
    try:
        await eventually(lambda: discord_server.gateway.identify_count >= 2, timeout=30)
        assert discord_server.rest.sync_count == 1, "an unchanged tree must not be synced again"
    finally:
        code, stderr = await second.stop(signal.SIGINT)
    assert code == 0, stderr
    assert "unchanged" in stderr


async def test_sync_subcommand_forces_one_sync_and_exits(discord_server, tmp_path):
    env = bot_env(discord_server, tmp_path / "bot.db")
    for expected in (1, 2):
        process = BotProcess(env, cwd=tmp_path, args=("sync",))
        await process.start()
        code, stderr = await process.wait(timeout=30)
        assert code == 0, stderr
        assert discord_server.rest.sync_count == expected
    assert discord_server.gateway.identify_count == 0


async def test_a_locked_database_stops_the_bot_with_one_line(discord_server, tmp_path):
    database = tmp_path / "bot.db"
    await create_database(database)
    holder = sqlite3.connect(database, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")  # another program holds the write lock
    try:
        code, stderr = await run_until_exit(discord_server, tmp_path, database)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert code == EX_TEMPFAIL and "locked" in stderr and "Traceback" not in stderr
    assert len(stderr.strip().splitlines()) == 1
    assert discord_server.gateway.identify_count == 0


async def test_a_database_path_that_cannot_be_created_is_one_line(discord_server, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where a folder should be")
    code, stderr = await run_until_exit(discord_server, tmp_path, blocker / "bot.db")
    assert code == EX_CONFIG and "database" in stderr.lower() and "Traceback" not in stderr


async def chattr(flag, path):
    process = await asyncio.create_subprocess_exec("chattr", flag, str(path))
    assert await process.wait() == 0


async def test_a_read_only_database_stops_the_bot_and_is_left_untouched(discord_server, tmp_path):
    database = tmp_path / "bot.db"
    await create_database(database)
    before = hashlib.sha256(database.read_bytes()).hexdigest()
    # root ignores file modes, so as root the file is made immutable instead
    as_root = os.geteuid() == 0
    if as_root:
        await chattr("+i", database)
    else:
        database.chmod(0o444)
    try:
        code, stderr = await run_until_exit(discord_server, tmp_path, database)
    finally:
        if as_root:
            await chattr("-i", database)
        database.chmod(0o644)
    assert code == EX_CONFIG and "readonly" in stderr and "Traceback" not in stderr
    assert len(stderr.strip().splitlines()) == 1
    assert hashlib.sha256(database.read_bytes()).hexdigest() == before
    assert discord_server.gateway.identify_count == 0


async def test_an_unreachable_discord_is_one_line(tmp_path):
    with socket.socket() as probe:  # a loopback port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = process_env(
        DISCORD_TOKEN=TOKEN,
        DISCORD_API_BASE=f"http://127.0.0.1:{port}/api/v10",
        DATABASE_PATH=str(tmp_path / "bot.db"),
        LOG_LEVEL="WARNING",
    )
    process = BotProcess(env, cwd=tmp_path)
    await process.start()
    code, stderr = await process.wait(timeout=30)
    lines = stderr.strip().splitlines()
    assert code == EX_TEMPFAIL and len(lines) == 1 and "cannot reach Discord" in lines[0], stderr


async def test_a_second_process_on_the_same_sqlite_file_is_refused_with_one_line(
    discord_server, tmp_path
):
    async with running_bot(discord_server, tmp_path) as first:
        second = BotProcess(bot_env(discord_server, tmp_path / "bot.db"), cwd=tmp_path)
        await second.start()
        code, stderr = await second.wait(timeout=30)
        assert code == EX_CONFIG and "in use by another running bot" in stderr, stderr
        assert len(stderr.strip().splitlines()) == 1 and "Traceback" not in stderr
        assert discord_server.gateway.identify_count == 1  # the second never connected
    code, stderr = first.exited
    assert code == 0, stderr


async def test_an_unreachable_postgresql_is_one_line_without_its_password(discord_server, tmp_path):
    env = bot_env(discord_server, "postgresql://bot:s3cret@127.0.0.1:1/companion")
    process = BotProcess(env, cwd=tmp_path)
    await process.start()
    code, stderr = await process.wait(timeout=30)
    assert code == EX_TEMPFAIL and "cannot connect to PostgreSQL" in stderr, stderr
    assert len(stderr.strip().splitlines()) == 1 and "s3cret" not in stderr
    assert discord_server.gateway.identify_count == 0


async def test_a_postgresql_database_that_does_not_exist_is_a_configuration_problem(
    discord_server, tmp_path
):
    async with fresh_postgres_schema():  # the server is there (or the test is skipped)
        pass
    missing = f"{postgres_server_url().rsplit('/', 1)[0]}/no_such_database_here"
    env = bot_env(discord_server, missing)
    process = BotProcess(env, cwd=tmp_path)
    await process.start()
    code, stderr = await process.wait(timeout=30)
    assert code == EX_CONFIG and "no_such_database_here" in stderr, stderr
    assert discord_server.gateway.identify_count == 0


async def test_a_token_the_gateway_rejects_is_a_configuration_problem(discord_server, tmp_path):
    """Reset between the bot's login and its identify: the gateway closes with 4004."""
    discord_server.gateway.valid_token = "a-token-reset-meanwhile"
    process = BotProcess(bot_env(discord_server, tmp_path / "bot.db"), cwd=tmp_path)
    await process.start()
    code, stderr = await process.wait(timeout=30)
    assert code == EX_CONFIG and "4004" in stderr and "DISCORD_TOKEN" in stderr, stderr
    assert "Traceback" not in stderr


async def test_a_discord_that_keeps_failing_is_a_temporary_problem(discord_server, tmp_path):
    discord_server.fail_next("GET", r"/users/@me", status=503)  # discord.py retries no 503
    process = BotProcess(bot_env(discord_server, tmp_path / "bot.db"), cwd=tmp_path)
    await process.start()
    code, stderr = await process.wait(timeout=30)
    assert code == EX_TEMPFAIL and "503" in stderr and "Traceback" not in stderr, stderr


async def test_a_wrong_command_line_is_a_usage_error(tmp_path):
    process = BotProcess(process_env(DISCORD_TOKEN=TOKEN), cwd=tmp_path, args=("serve",))
    await process.start()
    code, stderr = await process.wait()
    assert code == EX_USAGE and "usage:" in stderr
