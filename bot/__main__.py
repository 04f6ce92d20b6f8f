"""Entry point: `python -m bot` runs the bot; `sync` re-registers its commands; `check` only
validates the settings, the content files and the database, for operators before a deploy;
`copy-database postgresql://...` moves a SQLite installation to PostgreSQL; `playground` runs
the bot against a local Discord shown in the browser, with no token."""

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
from bot.core.client import Content, SciaticaBot
from bot.core.discord_internals import api_base, use_api_base
from bot.core.settings import (
    DEFAULT_DATA_DIR,
    ConfigError,
    Settings,
    database_path,
    database_url,
    load_settings,
    setup_logging,
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
from bot.storage.copying import copy_database
from bot.storage.postgres import redact
from bot.storage.postgres_check import inspect_postgres

log = logging.getLogger("bot")
CONTENT_ERRORS = (ContentError, TriageDataError, ValueError, OSError)

USAGE = (
    "usage: python -m bot [run | sync | check | copy-database postgresql://user@host/db"
    " | playground [--port 8080] [--data DIR]]"
)


def fail(message: str) -> int:
    """Configuration and environment problems end in one clear line, never a traceback."""
    print(f"sciatica-companion: {message}", file=sys.stderr)
    return 2


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] == ["playground"]:
        # imported only here: a bot run against Discord never loads the playground
        from bot.playground.main import main as playground

        return playground(args[1:])
    if len(args) == 2 and args[0] == "copy-database":
        load_dotenv(Path.cwd() / ".env", override=False)
        return copy_main(args[1])
    if args not in ([], ["run"], ["sync"], ["check"]):
        return fail(USAGE)
    load_dotenv(Path.cwd() / ".env", override=False)
    if args == ["check"]:
        return check()
    try:
        settings = load_settings(os.environ)
    except ConfigError as exc:
        return fail(f"{exc}. Copy .env.example to .env and fill it in.")
    setup_logging(settings.log_level)
    try:
        content = Content.load(settings.data_dir)
    except CONTENT_ERRORS as exc:
        return fail(f"content files are invalid: {exc}")
    try:
        return asyncio.run(run(settings, content, force_sync=args == ["sync"]))
    except KeyboardInterrupt:
        return 0


def check() -> int:
    """One line per problem and a non-zero exit, or one line saying all is well."""
    problems: list[str] = []
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
        problems.append(str(exc))
    for problem in problems:
        print(f"sciatica-companion: {problem}", file=sys.stderr)
    if problems:
        return 2
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
        return fail(str(exc))
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
            except aiohttp.ClientConnectorError as exc:
                return fail(f"cannot reach Discord at {api_base()}: {exc.os_error}")
            except discord.GatewayNotFound:
                return fail(
                    f"Discord at {api_base()} did not say where its gateway is "
                    "(GET /gateway/bot failed)"
                )
    finally:
        await database.close()
    if bot.stopped_because is not None:
        file = database.file if isinstance(database, SqliteDatabase) else None
        return fail(f"{bot.stopped_because}; stopped. {file.saved_note() if file else ''}")
    log.info("stopped cleanly")
    return 0


def copy_main(target: str) -> int:
    """Copy the SQLite installation (DATABASE_PATH) into an empty PostgreSQL database."""
    try:
        url = database_url({"target": target}, name="target")
    except ConfigError:
        return fail("copy-database needs a PostgreSQL URL such as postgresql://user@host/db")
    source = database_path(os.environ)
    if url is None:
        return fail(USAGE)
    if not source.is_file():
        return fail(f"no SQLite database at {source} to copy (set DATABASE_PATH)")
    return asyncio.run(copy(source, url))


async def copy(source_path: Path, url: str) -> int:
    try:
        source = await SqliteDatabase.open(source_path)
    except DatabaseError as exc:
        return fail(str(exc))
    try:
        target = await PostgresDatabase.open(url)
    except DatabaseError as exc:
        await source.close()
        return fail(str(exc))
    try:
        copies = await copy_database(source, target)
    except DatabaseError as exc:
        return fail(f"copy-database: {exc}")
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
