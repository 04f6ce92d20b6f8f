"""The SQLite backend: one aiosqlite connection, a lock so transactions never interleave, a
read-only connection for reads, and the numbered migrations in migrations/sqlite/.

One process per file: an exclusive lock on `<file>.lock`, held for the process's lifetime,
refuses a second one at start (two dispatchers on one file would send reminders twice).
Every write first checks that the file at the path is still the one open (bot.storage.sqlite_file).
"""

from __future__ import annotations

import asyncio
import os
import sqlite3
from collections.abc import AsyncIterator, Callable, Iterable
from contextlib import asynccontextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any

import aiosqlite

from bot.storage.connection import (
    DatabaseError,
    DatabaseUnreachable,
    Dialect,
    Params,
    Row,
    Transaction,
)
from bot.storage.schema import migration_files as _migration_files
from bot.storage.schema import migrations_dir, split_sqlite_migration
from bot.storage.sqlite_file import DatabaseFile, hold_process_lock, is_new

MIGRATIONS_DIR = migrations_dir("sqlite")

# the transaction this task is inside, if any: a store that waits for the lock its own task
# already holds would hang the bot, so that mistake raises instead
_current: ContextVar[SqliteTransaction | None] = ContextVar("sqlite_transaction", default=None)


def migration_files(directory: Path = MIGRATIONS_DIR) -> list[tuple[int, Path]]:
    """SQLite's numbered migrations, in order."""
    return _migration_files(directory)


def _existing_file_uri(path: Path) -> str | None:
    """A read-write URI for an existing file (never creating it), or None if it can be created."""
    if path.exists():
        return f"{path.resolve().as_uri()}?mode=rw"
    folder = next(p for p in (path.parent, *path.parent.parents) if p.exists())
    if not folder.is_dir() or not os.access(folder, os.W_OK | os.X_OK):
        raise DatabaseError(f"cannot create database file {path}: {folder} is not writable")
    return None


async def inspect_database(path: Path) -> str:
    """For `python -m bot check`: can the bot use this file? Changes nothing on disk.

    Returns what the bot will find; raises DatabaseError naming the problem otherwise."""
    uri = _existing_file_uri(path)
    if uri is None:
        return f"{path} will be created at start"
    latest = len(migration_files())
    try:
        connection = await aiosqlite.connect(uri, uri=True, isolation_level=None)
    except (OSError, sqlite3.Error) as exc:
        raise DatabaseError(f"cannot open database file {path}: {exc}") from exc
    try:
        await connection.execute("PRAGMA busy_timeout = 1000")
        rows = await connection.execute_fetchall(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'"
        )
        version = 0
        if rows:
            [(recorded,)] = await connection.execute_fetchall(
                "SELECT COALESCE(MAX(version), 0) FROM schema_migrations"
            )
            version = int(recorded)
        # the same rolled-back write the bot makes at start: read-only or locked fails here
        await connection.execute("BEGIN IMMEDIATE")
        try:
            await connection.execute("CREATE TABLE check_probe (x INTEGER)")
        finally:
            await connection.execute("ROLLBACK")
    except sqlite3.Error as exc:
        raise cannot_use(path, exc) from exc
    finally:
        await connection.close()
    if version > latest:
        raise DatabaseError(
            f"database file {path} has schema version {version}, newer than this bot's"
            f" {latest}: upgrade the bot or point DATABASE_PATH elsewhere"
        )
    pending = latest - version
    return f"{path} at schema version {version}" + (
        f", {pending} migration(s) to apply at start" if pending else ""
    )


def cannot_use(path: Path, exc: sqlite3.Error) -> DatabaseError:
    """Locked by another program (busy): it may let go, so trying later may work; anything
    else (read-only, not a database) needs the operator."""
    primary = getattr(exc, "sqlite_errorcode", 0) & 0xFF  # an extended code's primary part
    busy = primary in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)
    kind = DatabaseUnreachable if busy else DatabaseError
    return kind(f"cannot use database file {path}: {exc}")


def read_only_uri(path: Path) -> str:
    return f"{path.resolve().as_uri()}?mode=ro"


def _refuse_inside_own_transaction() -> None:
    """Raise where a store uses the database directly inside its own task's transaction: it
    would wait for the lock its task holds (or read around its own writes)."""
    open_tx = _current.get()
    # a task started inside the transaction inherits the variable; it may wait its turn
    if open_tx is not None and open_tx.task is asyncio.current_task():
        raise RuntimeError("the database was used directly inside a transaction")


class SqliteTransaction:
    """Statements on the locked connection between BEGIN IMMEDIATE and COMMIT."""

    def __init__(self, connection: aiosqlite.Connection) -> None:
        self._conn = connection
        self._after: list[tuple[Callable[[Any], None], Any]] = []
        self.task = asyncio.current_task()

    async def execute(self, sql: str, params: Params = ()) -> int:
        cursor = await self._conn.execute(sql, params)
        return cursor.rowcount

    async def execute_many(self, sql: str, rows: Iterable[Params]) -> None:
        await self._conn.executemany(sql, rows)

    async def insert(self, sql: str, params: Params = ()) -> int:
        cursor = await self._conn.execute(sql, params)
        if cursor.lastrowid is None:
            raise DatabaseError("an insert returned no row id")
        return cursor.lastrowid

    async def fetch_one(self, sql: str, params: Params = ()) -> Row | None:
        rows = await self.fetch_all(sql, params)
        return rows[0] if rows else None

    async def fetch_all(self, sql: str, params: Params = ()) -> list[Row]:
        # one trip to aiosqlite's thread instead of three (execute, fetch, close)
        return list(await self._conn.execute_fetchall(sql, params))

    def after_commit(self, callback: Callable[[Any], None], argument: Any) -> None:
        if (callback, argument) not in self._after:
            self._after.append((callback, argument))

    def publish(self, note: str) -> None:
        """No other process shares the file: there is nobody to tell."""

    async def lock(self, name: str) -> None:
        """BEGIN IMMEDIATE already makes every writer take its turn."""

    def committed(self) -> None:
        for callback, argument in self._after:
            callback(argument)


class SoleLead:
    """With SQLite this process is the only one: it leads from the start and never loses it."""

    def __init__(self) -> None:
        self.lost = asyncio.Event()

    async def release(self) -> None:
        """Nobody is waiting for it."""


class SqliteDatabase:
    """One aiosqlite connection shared by the bot; a lock keeps transactions from interleaving.

    Reads outside a transaction take a second, read-only connection, on the event loop itself:
    an indexed read takes microseconds, while a trip to aiosqlite's thread and back wakes two
    threads, which cost a member's answer more than the read. A read still waits for an open
    transaction to end, so it sees what that wrote; told the file is busy (another program
    holding it), it is read in aiosqlite's thread instead, which waits for the file.
    """

    dialect: Dialect = "sqlite"
    shared = False

    def __init__(
        self,
        connection: aiosqlite.Connection,
        reader: sqlite3.Connection,
        lock_fd: int | None = None,
    ) -> None:
        self._conn = connection
        self._reader = reader
        self._lock = asyncio.Lock()
        self._lock_fd = lock_fd
        self.file: DatabaseFile | None = None  # set once open

    @classmethod
    async def open(cls, path: Path) -> SqliteDatabase:
        """Open (creating if needed), configure and migrate the database file."""
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise DatabaseError(f"cannot open database file {path}: {exc}") from exc
        lock_fd = hold_process_lock(path)
        created = is_new(path)
        try:
            connection = await aiosqlite.connect(path, isolation_level=None)
        except (OSError, sqlite3.Error) as exc:
            os.close(lock_fd)
            raise DatabaseError(f"cannot open database file {path}: {exc}") from exc
        connection.row_factory = sqlite3.Row
        try:
            await connection.execute("PRAGMA journal_mode = WAL")  # before the reader opens
            reader = sqlite3.connect(read_only_uri(path), uri=True, isolation_level=None)
        except sqlite3.Error as exc:
            await connection.close()
            os.close(lock_fd)
            raise cannot_use(path, exc) from exc
        reader.row_factory = sqlite3.Row
        database = cls(connection, reader, lock_fd)
        try:
            await connection.execute("PRAGMA busy_timeout = 5000")
            await connection.execute("PRAGMA foreign_keys = ON")
            # WAL + NORMAL: a commit survives a crash of the bot (SIGKILL included); only a
            # power cut can undo the last commits, and it saves an fsync per reminder sent
            await connection.execute("PRAGMA synchronous = NORMAL")
            await database.migrate()
            # fail now, not mid-reminder, if the file is read-only or another program holds
            # the write lock: a write that is rolled back touches nothing on disk
            await connection.execute("BEGIN IMMEDIATE")
            try:
                await connection.execute("INSERT INTO schema_migrations (version) VALUES (0)")
            finally:
                await connection.execute("ROLLBACK")
        except sqlite3.Error as exc:
            await database.close()
            raise cannot_use(path, exc) from exc
        database.file = DatabaseFile(path, created=created)
        return database

    def _check_writable(self) -> None:
        if self.file is not None and (problem := self.file.check()) is not None:
            raise DatabaseError(f"{problem}; nothing more is written to it")

    async def save_open_copy(self) -> Path:
        """Save what the open file holds beside its path; `close` moves it to the path."""
        if self.file is None:
            raise DatabaseError("the database is not open")
        copy = self.file.copy_path()
        async with self._locked() as conn:
            await conn.execute("VACUUM INTO ?", (str(copy),))
        self.file.saved_copy = copy
        return copy

    async def close(self) -> None:
        async with self._locked():
            await self._conn.close()
            self._reader.close()
        if self._lock_fd is not None:
            os.close(self._lock_fd)  # closing the descriptor releases the lock
            self._lock_fd = None
        if self.file is not None:
            self.file.restore_saved_copy()

    def on_remote_change(self, listener: Callable[[str], None]) -> None:
        """No other process writes this file, so no change comes from elsewhere."""

    async def try_lead(self, name: str) -> SoleLead:
        return SoleLead()

    @asynccontextmanager
    async def _locked(self) -> AsyncIterator[aiosqlite.Connection]:
        _refuse_inside_own_transaction()
        async with self._lock:
            yield self._conn

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Transaction]:
        """BEGIN IMMEDIATE ... COMMIT, or ROLLBACK on any error: multi-step writes land whole.

        What the stores asked to announce is announced after the commit, outside the lock."""
        async with self._locked() as conn:
            self._check_writable()
            tx = SqliteTransaction(conn)
            token = _current.set(tx)
            try:
                await conn.execute("BEGIN IMMEDIATE")
                try:
                    yield tx
                except BaseException:
                    await conn.execute("ROLLBACK")
                    raise
                await conn.execute("COMMIT")
            finally:
                _current.reset(token)
        tx.committed()

    async def execute(self, sql: str, params: Params = ()) -> int:
        async with self._locked() as conn:
            self._check_writable()
            cursor = await conn.execute(sql, params)
            return cursor.rowcount

    async def execute_many(self, sql: str, rows: Iterable[Params]) -> None:
        async with self._locked() as conn:
            self._check_writable()
            await conn.executemany(sql, rows)

    async def insert(self, sql: str, params: Params = ()) -> int:
        async with self._locked() as conn:
            self._check_writable()
            cursor = await conn.execute(sql, params)
        if cursor.lastrowid is None:
            raise DatabaseError("an insert returned no row id")
        return cursor.lastrowid

    async def fetch_one(self, sql: str, params: Params = ()) -> Row | None:
        rows = await self.fetch_all(sql, params)
        return rows[0] if rows else None

    async def fetch_all(self, sql: str, params: Params = ()) -> list[Row]:
        _refuse_inside_own_transaction()
        if not self._lock.locked():
            rows = self._read_now(sql, params)
            if rows is not None:
                return rows
        async with self._lock:  # after the open transaction: a read sees what it wrote
            rows = self._read_now(sql, params)
            if rows is None:
                rows = list(await self._conn.execute_fetchall(sql, params))
            return rows

    def _read_now(self, sql: str, params: Params) -> list[Row] | None:
        """The rows, read on the event loop; None if the file was busy (then the writer's
        thread reads, waiting for the file as long as a write would)."""
        try:
            return self._reader.execute(sql, params).fetchall()
        except sqlite3.OperationalError as exc:
            if exc.sqlite_errorcode in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
                return None
            raise

    # --- migrations --------------------------------------------------------------------------

    async def schema_version(self) -> int:
        async with self._locked():
            return await self._schema_version()

    async def _schema_version(self) -> int:
        await self._conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            " version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP)"
        )
        rows = list(await self._conn.execute_fetchall("SELECT MAX(version) FROM schema_migrations"))
        return int(rows[0][0]) if rows and rows[0][0] is not None else 0

    async def migrate(self) -> int:
        """Apply every migration newer than the recorded version, each in its own transaction."""
        current = await self.schema_version()
        for number, path in migration_files(MIGRATIONS_DIR):
            if number <= current:
                continue
            statements = path.read_text(encoding="utf-8")
            # SQLite changes a table's constraints only by copying it; dropping the old table
            # with foreign keys on would cascade into every table pointing at it
            rebuild = statements.startswith(REBUILDS_A_TABLE)
            if rebuild:
                await self._conn.execute("PRAGMA foreign_keys = OFF")
            try:
                async with self.transaction() as tx:
                    for statement in split_sqlite_migration(statements):
                        await tx.execute(statement)
                    if rebuild and await tx.fetch_all("PRAGMA foreign_key_check"):
                        raise DatabaseError(f"migration {path.name} broke a foreign key")
                    await tx.execute(
                        "INSERT INTO schema_migrations (version) VALUES (?)", (number,)
                    )
            finally:
                if rebuild:
                    await self._conn.execute("PRAGMA foreign_keys = ON")
            current = number
        return current


REBUILDS_A_TABLE = "-- foreign keys off"
"""The first line of a migration that copies a table: it runs with foreign keys off (checked
before it commits), as SQLite's procedure for changing a table's constraints asks."""
