"""Entry point: `python -m bot` runs the bot; `sync` re-registers its commands; `check` only
validates the settings, the content files and the database, for operators before a deploy;
`copy-database postgresql://...` moves a SQLite installation to PostgreSQL; `backup PATH`
copies the SQLite database while the bot runs; `playground` runs the bot against a local
Discord shown in the browser, with no token."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import sys
from collections.abc import Sequence
from pathlib import Path

import aiohttp
import discord
from dotenv import load_dotenv

from bot.content.files import ContentError
from bot.core import exits
from bot.core.bundle import Content
from bot.core.client import SciaticaBot
from bot.core.discord_internals import api_base, use_api_base
from bot.core.logs import flush_logs, setup_logging
from bot.core.ops import OpsPortError
from bot.core.settings import (
    DEFAULT_DATA_DIR,
    ConfigError,
    Settings,
    database_path,
    database_url,
    load_settings,
)
from bot.health.quickcheck_data import TriageDataError
from bot.scheduling.clock import SystemClock
from bot.scheduling.zone_rules import TZDATA_VERSION, host_version
from bot.storage import (
    DatabaseError,
    PostgresDatabase,
    SqliteDatabase,
    inspect_database,
    open_database,
)
from bot.storage.backup import backup_sqlite, pg_dump_command
from bot.storage.copying import copy_database
from bot.storage.postgres import redact
from bot.storage.postgres_check import inspect_postgres

log = logging.getLogger("bot")
CONTENT_ERRORS = (ContentError, TriageDataError, ValueError, OSError)

USAGE = (
    "usage: python -m bot [run | sync | check | backup PATH"
    " | copy-database postgresql://user@host/db | playground [--port 8080] [--data DIR]]"
)


# the gateway's close codes no reconnect can fix (Discord's documented non-resumable codes)
GATEWAY_REFUSALS = {
    4004: "Discord's gateway rejected DISCORD_TOKEN (close code 4004). Check the token in .env.",
    4010: "Discord's gateway refused the shard (close code 4010): check SHARD_COUNT and SHARD_IDS",
    4011: "Discord requires sharding now (close code 4011): set SHARD_COUNT, or leave it unset",
    4012: "Discord's gateway refused the API version (close code 4012): upgrade the bot",
    4013: "Discord's gateway refused the intents (close code 4013): upgrade the bot",
}


def fail(message: str, code: int = exits.CONFIG) -> int:
    """Configuration and environment problems end in one clear line, never a traceback, and
    an exit code that tells a service manager whether restarting can help (bot.core.exits)."""
    flush_logs()
    print(f"sciatica-companion: {message}", file=sys.stderr)
    return code


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] == ["playground"]:
        # imported only here: a bot run against Discord never loads the playground
        from bot.playground.main import main as playground

        return playground(args[1:])
    if len(args) == 2 and args[0] == "copy-database":
        load_dotenv(Path.cwd() / ".env", override=False)
        return copy_main(args[1])
    if len(args) == 2 and args[0] == "backup":
        load_dotenv(Path.cwd() / ".env", override=False)
        return backup(Path(args[1]))
    if args not in ([], ["run"], ["sync"], ["check"]):
        return fail(USAGE, exits.USAGE)
    load_dotenv(Path.cwd() / ".env", override=False)
    if args == ["check"]:
        return check()
    try:
        settings = load_settings(os.environ)
    except ConfigError as exc:
        return fail(f"{exc}. Copy .env.example to .env and fill it in.")
    setup_logging(settings.log_level, settings.log_format)
    try:
        content = Content.load(settings.data_dir)
    except CONTENT_ERRORS as exc:
        return fail(f"content files are invalid: {exc}")
    try:
        return asyncio.run(run(settings, content, force_sync=args == ["sync"]))
    except KeyboardInterrupt:
        return 0


def check() -> int:
    """One line per problem and a non-zero exit (TEMPORARY when the only problem is a database
    that cannot be reached now, else CONFIG), or one line saying all is well."""
    problems: list[str] = []
    code = exits.CONFIG
    found: list[str] = []
    try:
        settings: Settings | None = load_settings(os.environ)
    except ConfigError as exc:
        settings = None
        problems.extend(exc.problems)
    try:
        content = Content.load(settings.data_dir if settings else DEFAULT_DATA_DIR)
        library = content.library
        found.append(
            f"content: {len(library.topics)} topics, {len(library.stretches)} stretches,"
            f" {len(content.quickcheck.questions)} quick-check questions"
        )
    except CONTENT_ERRORS as exc:
        problems.append(f"content files are invalid: {exc}")
    found.append(time_zone_line())
    try:
        url = settings.database_url if settings else database_url(os.environ)
    except ConfigError:
        url = None  # already named among the settings' problems
    try:
        if url is not None:
            found.append(f"database: {asyncio.run(inspect_postgres(url))}")
        else:
            path = settings.database_path if settings else database_path(os.environ)
            found.append(f"database: {asyncio.run(inspect_database(path))}")
    except DatabaseError as exc:
        if not problems:
            code = exits.for_database(exc)
        problems.append(str(exc))
    for problem in problems:
        print(f"sciatica-companion: {problem}", file=sys.stderr)
    if problems:
        return code
    print(f"sciatica-companion: all is well; {'; '.join(found)}")
    return 0


def time_zone_line() -> str:
    """Which tz database release the bot's clocks follow; the host's own files are named when
    they are a different release, since other software on the host follows those."""
    line = f"time zones: tzdata {TZDATA_VERSION}"
    host = host_version()
    if host is not None and host != TZDATA_VERSION:
        line += f" (the host's own {host} files are not used)"
    return line


async def run(settings: Settings, content: Content, *, force_sync: bool) -> int:
    """Open the database, then log in and either run until a signal or sync once and exit."""
    if settings.api_base is not None:
        use_api_base(settings.api_base)
    try:
        database = await open_database(settings.database)
    except DatabaseError as exc:
        return fail(str(exc), exits.for_database(exc))
    bot = SciaticaBot(settings, database, content, SystemClock(), force_sync=force_sync)
    try:
        async with bot:
            loop = asyncio.get_running_loop()
            for signum in (signal.SIGINT, signal.SIGTERM):
                loop.add_signal_handler(signum, lambda: asyncio.ensure_future(bot.close()))
            try:
                if force_sync:
                    await bot.login(settings.token)
                else:
                    await bot.start(settings.token)
            except discord.LoginFailure:
                return fail("Discord rejected DISCORD_TOKEN (401). Check the token in .env.")
            except OpsPortError as exc:
                return fail(str(exc))
            except discord.ConnectionClosed as exc:
                refusal = GATEWAY_REFUSALS.get(exc.code)
                if refusal is not None:
                    return fail(refusal)
                return fail(f"Discord's gateway closed (code {exc.code})", exits.TEMPORARY)
            except aiohttp.ClientConnectorError as exc:
                reason = f"cannot reach Discord at {api_base()}: {exc.os_error}"
                return fail(reason, exits.TEMPORARY)
            except discord.DiscordServerError as exc:
                return fail(f"Discord at {api_base()} answered {exc.status}", exits.TEMPORARY)
            except discord.GatewayNotFound:
                return fail(
                    f"Discord at {api_base()} did not say where its gateway is "
                    "(GET /gateway/bot failed)",
                    exits.TEMPORARY,
                )
    finally:
        await database.close()
    if bot.stopped_because is not None:
        file = database.file if isinstance(database, SqliteDatabase) else None
        # what the file held is back at DATABASE_PATH: a restart carries on with it
        note = file.saved_note() if file else ""
        return fail(f"{bot.stopped_because}; stopped. {note}", exits.TEMPORARY)
    log.info("stopped cleanly")
    return 0


def backup(target: Path) -> int:
    """A checked copy of the SQLite database, taken while the bot may be running."""
    try:
        url = database_url(os.environ)
    except ConfigError as exc:
        return fail(str(exc))
    if url is not None:
        # PostgreSQL has its own consistent online copy; the bot has nothing to add to it
        return fail(
            f"the database is PostgreSQL: back it up with {pg_dump_command(url, str(target))}",
            exits.USAGE,
        )
    source = database_path(os.environ)
    try:
        copy = backup_sqlite(source, target)
    except FileExistsError:
        return fail(f"{target} already exists; backup never overwrites a file", exits.CANT_CREATE)
    except DatabaseError as exc:
        return fail(str(exc), exits.for_database(exc))
    print(
        f"backed up {source} to {copy.path}: {copy.size} bytes, schema version"
        f" {copy.schema_version}, {copy.reminders} reminders; integrity_check ok"
    )
    return exits.OK


def copy_main(target: str) -> int:
    """Copy the SQLite installation (DATABASE_PATH) into an empty PostgreSQL database."""
    try:
        url = database_url({"target": target}, name="target")
    except ConfigError:
        return fail(
            "copy-database needs a PostgreSQL URL such as postgresql://user@host/db", exits.USAGE
        )
    source = database_path(os.environ)
    if url is None:
        return fail(USAGE, exits.USAGE)
    if not source.is_file():
        return fail(f"no SQLite database at {source} to copy (set DATABASE_PATH)")
    return asyncio.run(copy(source, url))


async def copy(source_path: Path, url: str) -> int:
    try:
        source = await SqliteDatabase.open(source_path)
    except DatabaseError as exc:
        return fail(str(exc), exits.for_database(exc))
    try:
        target = await PostgresDatabase.open(url)
    except DatabaseError as exc:
        await source.close()
        return fail(str(exc), exits.for_database(exc))
    try:
        copies = await copy_database(source, target)
    except DatabaseError as exc:
        return fail(f"copy-database: {exc}", exits.for_database(exc))
    finally:
        await target.close()
        await source.close()
    for table in copies:
        print(f"{table.table}: {table.source_rows} rows copied, {table.target_rows} in PostgreSQL")
    total = sum(table.target_rows for table in copies)
    print(f"copied {total} rows from {source_path} to {redact(url)}; every table's count matches")
    return 0


if __name__ == "__main__":
    sys.exit(main())
