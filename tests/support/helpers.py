"""What tests and benchmarks share: the real bot run against the local Discord (in this event
loop, or as a `python -m bot` process), a clean environment for it, and bounded waits."""

from __future__ import annotations

import asyncio
import os
import secrets
import signal
import subprocess
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

import asyncpg
import pytest

from bot.core.bundle import Content
from bot.core.client import SciaticaBot
from bot.core.discord_internals import use_api_base
from bot.core.settings import Settings, load_settings
from bot.localdiscord import FakeDiscord
from bot.localdiscord.models import Event, EventKind, Guild, User
from bot.scheduling.clock import Clock
from bot.storage import open_database

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "test-token"
# the exit codes the README's systemd unit acts on, written out: they are a contract
EX_USAGE = 64
EX_TEMPFAIL = 75
EX_CONFIG = 78
DEFAULT_TEST_DATABASE_URL = "postgresql://postgres@127.0.0.1:5432/test"

# --- PostgreSQL ------------------------------------------------------------------------------
# Tests that need it read TEST_DATABASE_URL (default: the local server, database `test`); each
# gets a schema of its own, dropped after it. Without a server they are skipped, saying why,
# unless REQUIRE_POSTGRES=1 (CI), where they fail instead.

_postgres_unreachable: list[str] = []  # why, once the first test found out
_postgres_checked: list[bool] = []


def postgres_server_url() -> str:
    return os.environ.get("TEST_DATABASE_URL", "").strip() or DEFAULT_TEST_DATABASE_URL


def with_search_path(url: str, schema: str) -> str:
    return f"{url}{'&' if '?' in url else '?'}search_path={schema}"


async def _postgres_server() -> str:
    url = postgres_server_url()
    if not _postgres_checked:
        try:
            connection = await asyncpg.connect(url, timeout=5)
            await connection.close()
        except (OSError, TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
            _postgres_unreachable.append(f"no PostgreSQL at {url} ({exc})")
        _postgres_checked.append(True)
    if _postgres_unreachable:
        reason = _postgres_unreachable[0] + "; set TEST_DATABASE_URL to one"
        if os.environ.get("REQUIRE_POSTGRES") == "1":
            pytest.fail(f"REQUIRE_POSTGRES=1 but {reason}")
        pytest.skip(reason)
    return url


@asynccontextmanager
async def fresh_postgres_schema() -> AsyncIterator[str]:
    """A URL whose search_path is a new, empty schema; the schema is dropped afterwards."""
    server = await _postgres_server()
    schema = f"test_{secrets.token_hex(6)}"
    connection = await asyncpg.connect(server)
    try:
        await connection.execute(f"CREATE SCHEMA {schema}")
    finally:
        await connection.close()
    try:
        yield with_search_path(server, schema)
    finally:
        connection = await asyncpg.connect(server)
        try:
            await connection.execute("SET lock_timeout = '10s'")
            await connection.execute(f"DROP SCHEMA {schema} CASCADE")
        finally:
            await connection.close()


@dataclass
class Community:
    """A server with a moderator and two members, as the `world` fixture makes it."""

    guild: Guild
    moderator: User
    alice: User
    bob: User


def bot_settings(server: FakeDiscord, database: Path | str, **extra: str) -> Settings:
    """`database` is a SQLite file's path or a PostgreSQL URL."""
    env = {
        "DISCORD_TOKEN": TOKEN,
        **database_env(database),
        "DISCORD_API_BASE": server.api_base,
        **extra,
    }
    return load_settings(env)


def database_env(database: Path | str) -> dict[str, str]:
    """A SQLite file's path is DATABASE_PATH, a PostgreSQL URL is DATABASE_URL."""
    if isinstance(database, str):
        return {"DATABASE_URL": database}
    return {"DATABASE_PATH": str(database)}


@asynccontextmanager
async def run_bot(
    server: FakeDiscord,
    database_at: Path | str,
    content: Content,
    clock: Clock,
    **extra: str,
) -> AsyncIterator[SciaticaBot]:
    """The real bot, in this event loop, pointed at the fake Discord; always shut down.
    `database_at` is a SQLite file's path or a PostgreSQL URL."""
    settings = bot_settings(server, database_at, **extra)
    use_api_base(server.api_base)
    database = await open_database(settings.database)
    bot = SciaticaBot(settings, database, content, clock)
    task: asyncio.Task[None] | None = None
    try:
        await bot.login(settings.token)
        task = asyncio.create_task(bot.connect(reconnect=True))
        # the gateway handshake is done once the fake sent READY on each of the bot's shards;
        # discord.py's own "ready" additionally waits 2 s for guilds a fresh test world does
        # not have yet. An identify refused by the limit is retried after 5 s: allow for one.
        gateway = server.gateway
        ready = gateway.ready_count
        shards = (
            len(settings.shard_ids)
            if settings.shard_ids is not None
            else settings.shard_count or gateway.recommended_shards
        )
        await server.wait_until(lambda: gateway.ready_count >= ready + shards, timeout=20)
        yield bot
    finally:
        await bot.close()
        if task is not None:
            task.cancel()
            with suppress(asyncio.CancelledError, Exception):
                await task
        await database.close()


class BotProcess:
    """`python -m bot` as a subprocess, for start-up behaviour only a real process shows.

    Its log is read as it is written: a pipe nobody drains fills up after 64 KiB and the bot
    would stop dead in its next log call."""

    def __init__(self, env: dict[str, str], cwd: Path, args: tuple[str, ...] = ()) -> None:
        self.env = env
        self.cwd = cwd
        self.args = args
        self.process: asyncio.subprocess.Process | None = None
        self._stderr: asyncio.Task[bytes] | None = None
        self.exited: tuple[int, str] | None = None  # its exit code and log, once it ended

    async def start(self) -> None:
        self.process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            *self.args,
            cwd=self.cwd,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        assert self.process.stderr is not None
        self._stderr = asyncio.create_task(self.process.stderr.read())

    async def stop(self, sig: int = signal.SIGTERM, timeout: float = 10) -> tuple[int, str]:
        assert self.process is not None
        if self.process.returncode is None:
            self.process.send_signal(sig)
        return await self.wait(timeout)

    async def wait(self, timeout: float = 20) -> tuple[int, str]:
        assert self.process is not None and self._stderr is not None
        async with asyncio.timeout(timeout):
            await self.process.wait()
            stderr = await self._stderr
        self.exited = (self.process.returncode or 0, stderr.decode())
        return self.exited

    def kill(self) -> None:
        if self.process is not None and self.process.returncode is None:
            self.process.kill()


def process_env(**values: str) -> dict[str, str]:
    """A clean environment: nothing from a developer's .env or shell leaks in."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DISCORD_", "DEV_GUILD", "DATABASE_"))
    }
    env.update(values)
    env["PYTHONUNBUFFERED"] = "1"
    env["PYTHONPATH"] = str(ROOT)
    return env


def bot_env(server: FakeDiscord, database: Path | str, **extra: str) -> dict[str, str]:
    """`process_env` for a bot process pointed at the local Discord with the test token;
    `database` is a SQLite file's path or a PostgreSQL URL."""
    return process_env(
        DISCORD_TOKEN=TOKEN, DISCORD_API_BASE=server.api_base, **database_env(database), **extra
    )


@asynccontextmanager
async def running_bot(
    server: FakeDiscord, folder: Path, *, ready: int = 1, **extra: str
) -> AsyncIterator[BotProcess]:
    """`python -m bot` on `folder`'s bot.db, yielded once the gateway has seen its `ready`th
    READY, stopped with SIGTERM as a deploy does; its `exited` then holds code and log."""
    process = BotProcess(bot_env(server, folder / "bot.db", **extra), cwd=folder)
    await process.start()
    try:
        await server.wait_until(lambda: server.gateway.ready_count >= ready, timeout=30)
        yield process
    finally:
        await process.stop(signal.SIGTERM)


def posted_by_the_bot(event: Event) -> bool:
    """A message the bot sent on its own (a DM, a post), not an answer to an interaction."""
    return event.kind is EventKind.MESSAGE_CREATED and event.interaction is None


async def eventually(predicate: Callable[[], bool], timeout: float = 10) -> None:
    """Wait, bounded, for state another process changes (no event to await across processes)."""
    async with asyncio.timeout(timeout):
        while not predicate():  # noqa: ASYNC110
            await asyncio.sleep(0.02)


async def eventually_async(predicate: Callable[[], Awaitable[bool]], timeout: float = 10) -> None:
    """Like `eventually`, for a check that must itself await."""
    async with asyncio.timeout(timeout):
        while not await predicate():  # noqa: ASYNC110
            await asyncio.sleep(0.02)
