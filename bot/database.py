"""The one place that talks SQL: connection set-up, versioned migrations, and every query."""

from __future__ import annotations

import asyncio
import re
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import aiosqlite

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
_MIGRATION_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


class DatabaseError(Exception):
    """The database file cannot be used (unreadable, read-only, locked or not a database)."""


def migration_files(directory: Path = MIGRATIONS_DIR) -> list[tuple[int, Path]]:
    """Numbered SQL files in order; a gap or duplicate number is a packaging bug."""
    found: list[tuple[int, Path]] = []
    for path in sorted(directory.glob("*.sql")):
        match = _MIGRATION_NAME.match(path.name)
        if match is None:
            raise DatabaseError(f"migration file {path.name} is not named NNNN_name.sql")
        found.append((int(match.group(1)), path))
    expected = list(range(1, len(found) + 1))
    if [number for number, _ in found] != expected:
        raise DatabaseError("migration numbers must run 1, 2, 3... without gaps")
    return found


class Database:
    """One aiosqlite connection shared by the bot; a lock keeps transactions from interleaving."""

    def __init__(self, connection: aiosqlite.Connection) -> None:
        self._conn = connection
        self._lock = asyncio.Lock()

    @classmethod
    async def open(cls, path: Path) -> Database:
        """Open (creating if needed), configure and migrate the database file."""
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            connection = await aiosqlite.connect(path, isolation_level=None)
        except (OSError, sqlite3.Error) as exc:
            raise DatabaseError(f"cannot open database file {path}: {exc}") from exc
        database = cls(connection)
        try:
            await connection.execute("PRAGMA busy_timeout = 5000")
            await connection.execute("PRAGMA foreign_keys = ON")
            await connection.execute("PRAGMA journal_mode = WAL")
            await database.migrate()
        except sqlite3.Error as exc:
            await connection.close()
            raise DatabaseError(f"cannot use database file {path}: {exc}") from exc
        return database

    async def close(self) -> None:
        async with self._lock:
            await self._conn.close()

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """BEGIN IMMEDIATE ... COMMIT, or ROLLBACK on any error: multi-step writes land whole."""
        async with self._lock:
            await self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                await self._conn.execute("ROLLBACK")
                raise
            await self._conn.execute("COMMIT")

    async def schema_version(self) -> int:
        async with self._lock:
            return await self._schema_version()

    async def _schema_version(self) -> int:
        await self._conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            " version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP)"
        )
        async with self._conn.execute("SELECT MAX(version) FROM schema_migrations") as cursor:
            row = await cursor.fetchone()
        return int(row[0]) if row and row[0] is not None else 0

    async def migrate(self) -> int:
        """Apply every migration newer than the recorded version, each in its own transaction."""
        current = await self.schema_version()
        for number, path in migration_files():
            if number <= current:
                continue
            statements = path.read_text(encoding="utf-8")
            async with self.transaction() as conn:
                for statement in _split_sql(statements):
                    await conn.execute(statement)
                await conn.execute("INSERT INTO schema_migrations (version) VALUES (?)", (number,))
            current = number
        return current

    # --- bot state -------------------------------------------------------------------------

    async def get_state(self, key: str) -> str | None:
        async with self._lock, self._conn.execute(
            "SELECT value FROM bot_state WHERE key = ?", (key,)
        ) as cursor:
            row = await cursor.fetchone()
        return None if row is None else str(row[0])

    async def set_state(self, key: str, value: str) -> None:
        async with self.transaction() as conn:
            await conn.execute(
                "INSERT INTO bot_state (key, value) VALUES (?, ?)"
                " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (key, value),
            )


def _split_sql(script: str) -> list[str]:
    """Split a migration into statements (executescript would COMMIT behind our back)."""
    statements: list[str] = []
    buffer = ""
    for line in script.splitlines(keepends=True):
        if line.lstrip().startswith("--"):
            continue
        buffer += line
        if sqlite3.complete_statement(buffer):
            statements.append(buffer.strip())
            buffer = ""
    if buffer.strip():
        raise DatabaseError("migration ends with an incomplete SQL statement")
    return statements
