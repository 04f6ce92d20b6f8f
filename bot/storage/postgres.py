"""The PostgreSQL backend (asyncpg): a pool for statements, `?` placeholders turned into `$n`
once per statement, numbered migrations in migrations/postgres/ applied under an advisory lock,
and what several processes on one database need: advisory locks, LISTEN/NOTIFY and trying for
the lead (the lead held, and the heartbeat of a session of its own: bot.storage.postgres_sessions;
`python -m bot check`'s look at a database: bot.storage.postgres_check).

Everything one installation keeps lives in one schema (the first of the search_path, `public`
unless the URL says `?search_path=...`); lock keys and the notification channel are derived
from that schema's name, so two installations in two schemas of one database never meet.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import os
import re
import secrets
from collections.abc import AsyncIterator, Callable, Iterable
from contextlib import asynccontextmanager
from contextvars import ContextVar
from functools import lru_cache
from typing import TYPE_CHECKING, Any, TypeAlias
from urllib.parse import urlsplit, urlunsplit

import asyncpg

if TYPE_CHECKING:
    from asyncpg.pool import PoolConnectionProxy

    PooledConnection: TypeAlias = (
        "asyncpg.Connection[asyncpg.Record] | PoolConnectionProxy[asyncpg.Record]"
    )

from bot.storage.connection import DatabaseError, Dialect, Params, Row
from bot.storage.postgres_sessions import (
    CONNECTION_ERRORS,
    HEARTBEAT_SECONDS,
    PostgresLead,
    alive,
    cannot,
)
from bot.storage.schema import migration_files, migrations_dir
from bot.tasks import spawn

log = logging.getLogger("bot.storage")

MIGRATIONS_DIR = migrations_dir("postgres")
CONNECT_TIMEOUT = 10.0
RECONNECT_SECONDS = 1.0
APPLICATION_NAME = "sciatica-companion"

_current: ContextVar[PostgresTransaction | None] = ContextVar("pg_transaction", default=None)
_QUOTED = re.compile(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|--[^\n]*|\?")


@lru_cache(maxsize=2048)
def to_dollar(sql: str) -> str:
    """`?` placeholders to `$1, $2...`, leaving quoted text and comments alone (cached: the
    stores run the same few statements again and again)."""
    count = 0

    def number(match: re.Match[str]) -> str:
        nonlocal count
        if match.group(0) != "?":
            return match.group(0)
        count += 1
        return f"${count}"

    return _QUOTED.sub(number, sql)


def rowcount(status: str) -> int:
    """Rows a statement changed, from its status ("UPDATE 3", "INSERT 0 1", "DELETE 0")."""
    last = status.rsplit(" ", 1)[-1]
    return int(last) if last.isdigit() else 0


def redact(url: str) -> str:
    """The URL as it may appear in a log line or an error: without its password."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "the DATABASE_URL"
    if parts.password is None:
        return url
    netloc = parts.netloc.rsplit("@", 1)[1]
    user = parts.username or ""
    return urlunsplit(parts._replace(netloc=f"{user}:***@{netloc}"))


def lock_key(schema: str, name: str) -> int:
    """A 64-bit advisory lock key for `name` in this installation's schema."""
    digest = hashlib.blake2b(f"sciatica-companion:{schema}:{name}".encode(), digest_size=8)
    return int.from_bytes(digest.digest(), "big", signed=True)


class PostgresTransaction:
    """Statements on one pooled connection inside BEGIN ... COMMIT; notes to the other
    processes go out with the commit (NOTIFY is transactional: a rollback sends none)."""

    def __init__(self, connection: PooledConnection, database: PostgresDatabase) -> None:
        self._conn = connection
        self._database = database
        self._after: list[tuple[Callable[[Any], None], Any]] = []
        self._notes: dict[str, None] = {}
        self.task = asyncio.current_task()

    async def execute(self, sql: str, params: Params = ()) -> int:
        return rowcount(await self._conn.execute(to_dollar(sql), *params))

    async def execute_many(self, sql: str, rows: Iterable[Params]) -> None:
        batch = [tuple(row) for row in rows]
        if batch:
            await self._conn.executemany(to_dollar(sql), batch)

    async def insert(self, sql: str, params: Params = ()) -> int:
        value = await self._conn.fetchval(to_dollar(f"{sql} RETURNING id"), *params)
        if value is None:
            raise DatabaseError("an insert returned no row id")
        return int(value)

    async def fetch_one(self, sql: str, params: Params = ()) -> Row | None:
        row: Row | None = await self._conn.fetchrow(to_dollar(sql), *params)
        return row

    async def fetch_all(self, sql: str, params: Params = ()) -> list[Row]:
        return list(await self._conn.fetch(to_dollar(sql), *params))

    def after_commit(self, callback: Callable[[Any], None], argument: Any) -> None:
        if (callback, argument) not in self._after:
            self._after.append((callback, argument))

    def publish(self, note: str) -> None:
        self._notes[note] = None

    async def lock(self, name: str) -> None:
        await self._conn.execute(
            "SELECT pg_advisory_xact_lock($1)", lock_key(self._database.schema, name)
        )

    async def send_notes(self) -> None:
        for note in self._notes:
            await self._conn.execute(
                "SELECT pg_notify($1, $2)", self._database.channel, self._database.stamp(note)
            )

    def committed(self) -> None:
        for callback, argument in self._after:
            callback(argument)


class PostgresDatabase:
    """A pool of connections to one PostgreSQL database (several processes may share it)."""

    dialect: Dialect = "postgres"
    shared = True

    def __init__(self, url: str, pool: asyncpg.Pool, schema: str) -> None:
        self.url = url
        self.schema = schema
        self.channel = "sciatica_" + hashlib.blake2b(schema.encode(), digest_size=8).hexdigest()
        # the listening connection's name: one per live process of this installation
        self.presence_name = f"{APPLICATION_NAME} {self.channel}"
        self._pool = pool
        # tells our own notes from other processes' (the pool's sessions have many pids)
        self._origin = f"{os.getpid()}-{secrets.token_hex(4)}"
        self._listeners: list[Callable[[str], None]] = []
        self._listening: asyncpg.Connection | None = None
        self._listen_task: asyncio.Task[None] | None = None
        self._candidates: dict[str, asyncpg.Connection] = {}
        self._trying = asyncio.Lock()  # one connection runs one query at a time
        self._closed = False

    @classmethod
    async def open(cls, url: str, *, max_size: int = 10) -> PostgresDatabase:
        """Connect, check the schema, migrate under the advisory lock and start listening."""
        try:
            pool = await asyncpg.create_pool(
                url,
                min_size=1,
                max_size=max_size,
                timeout=CONNECT_TIMEOUT,
                server_settings={"application_name": APPLICATION_NAME},
            )
        except (*CONNECTION_ERRORS, ValueError) as exc:
            raise cannot("connect to", redact(url), exc) from exc
        try:
            schema = await pool.fetchval("SELECT current_schema()")
            if schema is None:
                raise DatabaseError(
                    f"PostgreSQL at {redact(url)}: no schema of the search_path exists"
                )
            database = cls(url, pool, str(schema))
        except BaseException:
            await pool.close()
            raise
        try:
            await database.migrate()
            await database._listen()
        except (*CONNECTION_ERRORS, asyncpg.PostgresError) as exc:
            await database.close()
            raise cannot("use", redact(url), exc) from exc
        except BaseException:
            await database.close()
            raise
        return database

    async def _connect(self, name: str = APPLICATION_NAME) -> asyncpg.Connection:
        """A connection outside the pool, for what must keep its own session."""
        return await asyncpg.connect(
            self.url, timeout=CONNECT_TIMEOUT, server_settings={"application_name": name}
        )

    async def close(self) -> None:
        self._closed = True
        if self._listen_task is not None:
            self._listen_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._listen_task
        for connection in [self._listening, *self._candidates.values()]:
            if connection is not None:
                with contextlib.suppress(*CONNECTION_ERRORS, asyncpg.PostgresError):
                    await connection.close(timeout=2)
                connection.terminate()
        self._candidates.clear()
        await self._pool.close()

    def key(self, name: str) -> int:
        return lock_key(self.schema, name)

    def stamp(self, note: str) -> str:
        return f"{self._origin} {note}"

    # --- statements --------------------------------------------------------------------------

    def _outside(self) -> None:
        open_tx = _current.get()
        if open_tx is not None and open_tx.task is asyncio.current_task():
            raise RuntimeError("the database was used directly inside a transaction")

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[PostgresTransaction]:
        """BEGIN ... COMMIT on one pooled connection, ROLLBACK on any error; what the stores
        asked to announce is announced after the commit."""
        self._outside()
        async with self._pool.acquire() as connection:
            tx = PostgresTransaction(connection, self)
            token = _current.set(tx)
            try:
                async with connection.transaction():
                    yield tx
                    await tx.send_notes()
            finally:
                _current.reset(token)
        tx.committed()

    async def execute(self, sql: str, params: Params = ()) -> int:
        self._outside()
        return rowcount(await self._pool.execute(to_dollar(sql), *params))

    async def execute_many(self, sql: str, rows: Iterable[Params]) -> None:
        self._outside()
        batch = [tuple(row) for row in rows]
        if batch:
            await self._pool.executemany(to_dollar(sql), batch)

    async def insert(self, sql: str, params: Params = ()) -> int:
        self._outside()
        value = await self._pool.fetchval(to_dollar(f"{sql} RETURNING id"), *params)
        if value is None:
            raise DatabaseError("an insert returned no row id")
        return int(value)

    async def fetch_one(self, sql: str, params: Params = ()) -> Row | None:
        self._outside()
        row: Row | None = await self._pool.fetchrow(to_dollar(sql), *params)
        return row

    async def fetch_all(self, sql: str, params: Params = ()) -> list[Row]:
        self._outside()
        return list(await self._pool.fetch(to_dollar(sql), *params))

    @asynccontextmanager
    async def raw(self) -> AsyncIterator[PooledConnection]:
        """A pooled connection as asyncpg gives it, for bulk work (copying, benchmarks)."""
        async with self._pool.acquire() as connection:
            yield connection

    # --- migrations --------------------------------------------------------------------------

    async def schema_version(self) -> int:
        async with self._pool.acquire() as connection:
            exists = await connection.fetchval("SELECT to_regclass('schema_migrations')")
            if exists is None:
                return 0
            return int(
                await connection.fetchval("SELECT COALESCE(MAX(version), 0) FROM schema_migrations")
            )

    async def migrate(self) -> int:
        """Apply every migration newer than the recorded version, in one transaction under an
        advisory lock: processes starting together take turns, and the later ones find the
        work done."""
        async with self._pool.acquire() as connection, connection.transaction():
            await connection.execute("SELECT pg_advisory_xact_lock($1)", self.key("migrations"))
            await connection.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations ("
                " version INTEGER PRIMARY KEY,"
                " applied_at TIMESTAMPTZ NOT NULL DEFAULT now())"
            )
            current = int(
                await connection.fetchval("SELECT COALESCE(MAX(version), 0) FROM schema_migrations")
            )
            for number, path in migration_files(MIGRATIONS_DIR):
                if number <= current:
                    continue
                await connection.execute(path.read_text(encoding="utf-8"))  # several statements
                await connection.execute(
                    "INSERT INTO schema_migrations (version) VALUES ($1)", number
                )
                current = number
        return current

    # --- notes from other processes ------------------------------------------------------------

    def on_remote_change(self, listener: Callable[[str], None]) -> None:
        self._listeners.append(listener)

    def _heard(self, _connection: object, _pid: int, _channel: str, payload: object) -> None:
        origin, _, note = str(payload).partition(" ")
        if origin != self._origin:
            self._tell(note)

    def _tell(self, note: str) -> None:
        for listener in list(self._listeners):
            try:
                listener(note)
            except Exception:
                log.exception("a listener of changes from other processes failed")

    async def _listen(self) -> None:
        """LISTEN on a connection of its own; a task keeps it (and reconnects if it drops)."""
        self._listening = await self._connect(self.presence_name)
        await self._listening.add_listener(self.channel, self._heard)
        self._listen_task = spawn(self._keep_listening(), "pg-listen")

    async def _keep_listening(self) -> None:
        while not self._closed:
            connection = self._listening
            if connection is not None and await alive(connection):
                await asyncio.sleep(HEARTBEAT_SECONDS)
                continue
            log.warning("lost the connection that hears other processes' changes; reconnecting")
            self._listening = None
            if connection is not None:
                connection.terminate()
            try:
                fresh = await self._connect(self.presence_name)
                await fresh.add_listener(self.channel, self._heard)
            except (*CONNECTION_ERRORS, asyncpg.PostgresError) as exc:
                log.warning("cannot listen for changes yet: %s", exc)
                await asyncio.sleep(RECONNECT_SECONDS)
                continue
            self._listening = fresh
            self._tell("*")  # whatever was said while we were away, we missed

    # --- the lead ----------------------------------------------------------------------------

    async def try_lead(self, name: str) -> PostgresLead | None:
        """`pg_try_advisory_lock` on a dedicated connection; kept between tries while another
        process leads, so trying every second costs one query, not one connection."""
        async with self._trying:
            return await self._try_lead(name)

    async def _try_lead(self, name: str) -> PostgresLead | None:
        connection = self._candidates.get(name)
        if connection is None or connection.is_closed():
            connection = await self._connect()
            self._candidates[name] = connection
        try:
            held = await connection.fetchval("SELECT pg_try_advisory_lock($1)", self.key(name))
        except BaseException:
            self._candidates.pop(name, None)
            connection.terminate()
            raise
        if not held:
            return None
        del self._candidates[name]
        return PostgresLead(connection, HEARTBEAT_SECONDS)
