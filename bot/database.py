"""The one place that talks SQL: connection set-up, versioned migrations, and every query."""

from __future__ import annotations

import asyncio
import re
import sqlite3
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

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

    async def fetch_one(self, sql: str, params: Sequence[Any]) -> sqlite3.Row | None:
        async with self._lock, self._conn.execute(sql, params) as cursor:
            return await cursor.fetchone()

    async def fetch_all(self, sql: str, params: Sequence[Any]) -> list[sqlite3.Row]:
        async with self._lock, self._conn.execute(sql, params) as cursor:
            return list(await cursor.fetchall())

    # --- bot state -------------------------------------------------------------------------

    async def get_state(self, key: str) -> str | None:
        row = await self.fetch_one("SELECT value FROM bot_state WHERE key = ?", (key,))
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


# --- reminders and the scheduler's ledger -------------------------------------------------


@dataclass(frozen=True)
class ReminderRow:
    id: int
    kind: str
    user_id: int | None
    guild_id: int | None
    channel_id: int | None
    role_id: int | None
    schedule: str
    note: str | None
    link: str | None
    status: str
    paused_reason: str | None
    next_due_at: int
    created_at: int


@dataclass(frozen=True)
class Claim:
    """An occurrence the scheduler has taken responsibility for delivering exactly once."""

    reminder: ReminderRow
    due_at: int
    late: bool


@dataclass(frozen=True)
class DuePlan:
    """What to do with a due row: deliver `due_at` (maybe late) or not, and the next due time."""

    send: bool
    late: bool
    next_due_at: int


_REMINDER_COLUMNS = (
    "id, kind, user_id, guild_id, channel_id, role_id, schedule, note, link, status,"
    " paused_reason, next_due_at, created_at"
)
_PREFIXED_COLUMNS = ", ".join(f"r.{column.strip()}" for column in _REMINDER_COLUMNS.split(","))


def _reminder(row: Sequence[Any]) -> ReminderRow:
    return ReminderRow(*row)


class ReminderStore:
    """Queries for reminders, deliveries and completions, on the shared Database."""

    def __init__(self, database: Database) -> None:
        self.db = database

    async def earliest_due(self, kinds: Iterable[str]) -> int | None:
        kinds = tuple(kinds)
        if not kinds:
            return None
        marks = ",".join("?" * len(kinds))
        row = await self.db.fetch_one(
            f"SELECT MIN(next_due_at) FROM reminders WHERE status = 'active' AND kind IN ({marks})",
            kinds,
        )
        return None if row is None or row[0] is None else int(row[0])

    async def claim_due(
        self,
        now: int,
        limit: int,
        kinds: Iterable[str],
        plan: Callable[[ReminderRow, int], DuePlan],
    ) -> list[Claim]:
        """Advance every due row and record the occurrences to send, in one transaction.

        Because the row moves on in the same commit that records the claim, a crash
        afterwards can never make the same occurrence due again.
        """
        kinds = tuple(kinds)
        marks = ",".join("?" * len(kinds))
        claims: list[Claim] = []
        async with self.db.transaction() as conn:
            async with conn.execute(
                f"SELECT {_REMINDER_COLUMNS} FROM reminders"
                f" WHERE status = 'active' AND next_due_at <= ? AND kind IN ({marks})"
                " ORDER BY next_due_at LIMIT ?",
                (now, *kinds, limit),
            ) as cursor:
                rows = [_reminder(row) for row in await cursor.fetchall()]
            for row in rows:
                decision = plan(row, now)
                await conn.execute(
                    "UPDATE reminders SET next_due_at = ? WHERE id = ?",
                    (decision.next_due_at, row.id),
                )
                if not decision.send:
                    continue
                cursor = await conn.execute(
                    "INSERT INTO deliveries (reminder_id, due_at, state, late, claimed_at)"
                    " VALUES (?, ?, 'claimed', ?, ?) ON CONFLICT DO NOTHING",
                    (row.id, row.next_due_at, int(decision.late), now),
                )
                if cursor.rowcount == 1:
                    claims.append(Claim(row, row.next_due_at, decision.late))
        return claims

    async def unfinished_claims(self) -> list[tuple[Claim, int]]:
        """Claims left by a crash, with when they were claimed."""
        rows = await self.db.fetch_all(
            f"SELECT {_PREFIXED_COLUMNS}, d.due_at, d.late, d.claimed_at"
            " FROM deliveries d JOIN reminders r ON r.id = d.reminder_id"
            " WHERE d.state = 'claimed' ORDER BY d.claimed_at",
            (),
        )
        return [
            (Claim(_reminder(row[:13]), int(row[13]), bool(row[14])), int(row[15])) for row in rows
        ]

    async def finish_delivery(
        self, claim: Claim, state: str, now: int, message_id: int | None = None
    ) -> None:
        async with self.db.transaction() as conn:
            await conn.execute(
                "UPDATE deliveries SET state = ?, finished_at = ?, message_id = ?"
                " WHERE reminder_id = ? AND due_at = ?",
                (state, now, message_id, claim.reminder.id, claim.due_at),
            )

    async def pause_for_closed_dms(self, claim: Claim, user_id: int, now: int) -> None:
        """A refused DM pauses all the member's reminders at once: no second 403."""
        async with self.db.transaction() as conn:
            await conn.execute(
                "UPDATE deliveries SET state = 'failed', finished_at = ?"
                " WHERE reminder_id = ? AND due_at = ?",
                (now, claim.reminder.id, claim.due_at),
            )
            await conn.execute(
                "UPDATE reminders SET status = 'paused', paused_reason = 'dms_closed'"
                " WHERE user_id = ? AND status = 'active'",
                (user_id,),
            )
            await conn.execute(
                "UPDATE members SET dms_closed_at = ?, dms_closed_told = 0 WHERE user_id = ?",
                (now, user_id),
            )

    async def pause_reminder(self, claim: Claim, reason: str, now: int) -> None:
        async with self.db.transaction() as conn:
            await conn.execute(
                "UPDATE deliveries SET state = 'failed', finished_at = ?"
                " WHERE reminder_id = ? AND due_at = ?",
                (now, claim.reminder.id, claim.due_at),
            )
            await conn.execute(
                "UPDATE reminders SET status = 'paused', paused_reason = ? WHERE id = ?",
                (reason, claim.reminder.id),
            )

    async def prune_deliveries(self, before: int) -> int:
        async with self.db.transaction() as conn:
            cursor = await conn.execute(
                "DELETE FROM deliveries WHERE state != 'claimed' AND claimed_at < ?", (before,)
            )
            return cursor.rowcount


# --- per-server settings and their audit trail ---------------------------------------------


@dataclass(frozen=True)
class AuditEntry:
    moderator_id: int
    setting: str
    old_value: str | None
    new_value: str | None
    changed_at: int


class GuildSettingsStore:
    """Raw per-server key/value settings; bot.guild_config gives them types and defaults."""

    def __init__(self, database: Database) -> None:
        self.db = database

    async def load(self, guild_id: int) -> dict[str, str]:
        rows = await self.db.fetch_all(
            "SELECT key, value FROM guild_settings WHERE guild_id = ?", (guild_id,)
        )
        return {str(key): str(value) for key, value in rows}

    async def change(
        self,
        guild_id: int,
        moderator_id: int,
        changes: dict[str, tuple[str | None, str | None]],
        now: int,
    ) -> None:
        """Apply {key: (old, new)} and its audit rows in one transaction; new None deletes."""
        async with self.db.transaction() as conn:
            for key, (old, new) in changes.items():
                if new is None:
                    await conn.execute(
                        "DELETE FROM guild_settings WHERE guild_id = ? AND key = ?", (guild_id, key)
                    )
                else:
                    await conn.execute(
                        "INSERT INTO guild_settings (guild_id, key, value) VALUES (?, ?, ?)"
                        " ON CONFLICT (guild_id, key) DO UPDATE SET value = excluded.value",
                        (guild_id, key, new),
                    )
                await conn.execute(
                    "INSERT INTO audit_log"
                    " (guild_id, moderator_id, setting, old_value, new_value, changed_at)"
                    " VALUES (?, ?, ?, ?, ?, ?)",
                    (guild_id, moderator_id, key, old, new, now),
                )

    async def recent_changes(self, guild_id: int, limit: int) -> list[AuditEntry]:
        rows = await self.db.fetch_all(
            "SELECT moderator_id, setting, old_value, new_value, changed_at FROM audit_log"
            " WHERE guild_id = ? ORDER BY changed_at DESC, id DESC LIMIT ?",
            (guild_id, limit),
        )
        return [AuditEntry(*row) for row in rows]

    async def forget_guild(self, guild_id: int) -> None:
        """The bot left the server: its settings, audit trail and stretch breaks go with it."""
        async with self.db.transaction() as conn:
            await conn.execute("DELETE FROM guild_settings WHERE guild_id = ?", (guild_id,))
            await conn.execute("DELETE FROM audit_log WHERE guild_id = ?", (guild_id,))
            await conn.execute("DELETE FROM stretch_break_joins WHERE guild_id = ?", (guild_id,))
            await conn.execute(
                "DELETE FROM reminders WHERE guild_id = ? AND kind = 'stretch_break'", (guild_id,)
            )
