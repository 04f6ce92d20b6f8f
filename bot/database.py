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
            await connection.close()
            raise DatabaseError(f"cannot use database file {path}: {exc}") from exc
        return database

    @property
    def lock(self) -> asyncio.Lock:
        return self._lock

    @property
    def connection(self) -> aiosqlite.Connection:
        return self._conn

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
        """For queries of at most one row (a key, an aggregate, LIMIT 1)."""
        rows = await self.fetch_all(sql, params)
        return rows[0] if rows else None

    async def fetch_all(self, sql: str, params: Sequence[Any]) -> list[sqlite3.Row]:
        # one trip to aiosqlite's thread instead of three (execute, fetch, close)
        async with self._lock:
            return list(await self._conn.execute_fetchall(sql, params))

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
class MemberRow:
    user_id: int
    timezone: str | None
    dm_channel_id: int | None
    dms_closed_at: int | None
    dms_closed_told: int
    region: str | None


@dataclass(frozen=True)
class Claim:
    """An occurrence the scheduler has taken responsibility for delivering exactly once."""

    reminder: ReminderRow
    due_at: int
    late: bool
    dm_channel_id: int | None = None  # the owner's DM channel, read with the claim


@dataclass(frozen=True)
class DuePlan:
    """What to do with a due row: deliver `occurrence` (maybe late) or nothing, and what's next."""

    occurrence: int | None
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
                f"SELECT {_PREFIXED_COLUMNS}, m.dm_channel_id FROM reminders r"
                " LEFT JOIN members m ON m.user_id = r.user_id"
                f" WHERE r.status = 'active' AND r.next_due_at <= ? AND r.kind IN ({marks})"
                " ORDER BY r.next_due_at LIMIT ?",
                (now, *kinds, limit),
            ) as cursor:
                rows = [(_reminder(row[:13]), row[13]) for row in await cursor.fetchall()]
            decisions = [(row, channel, plan(row, now)) for row, channel in rows]
            await conn.executemany(
                "UPDATE reminders SET next_due_at = ? WHERE id = ?",
                [(decision.next_due_at, row.id) for row, _, decision in decisions],
            )
            for row, channel, decision in decisions:
                if decision.occurrence is None:
                    continue
                cursor = await conn.execute(
                    "INSERT INTO deliveries (reminder_id, due_at, state, late, claimed_at)"
                    " VALUES (?, ?, 'claimed', ?, ?) ON CONFLICT DO NOTHING",
                    (row.id, decision.occurrence, int(decision.late), now),
                )
                if cursor.rowcount == 1:
                    claims.append(Claim(row, decision.occurrence, decision.late, channel))
        return claims

    async def unfinished_claims(self) -> list[tuple[Claim, int]]:
        """Claims left by a crash, with when they were claimed."""
        rows = await self.db.fetch_all(
            f"SELECT {_PREFIXED_COLUMNS}, d.due_at, d.late, m.dm_channel_id, d.claimed_at"
            " FROM deliveries d JOIN reminders r ON r.id = d.reminder_id"
            " LEFT JOIN members m ON m.user_id = r.user_id"
            " WHERE d.state = 'claimed' ORDER BY d.claimed_at",
            (),
        )
        return [
            (Claim(_reminder(row[:13]), int(row[13]), bool(row[14]), row[15]), int(row[16]))
            for row in rows
        ]

    async def record_sent(self, sent: Sequence[tuple[Claim, int | None]], now: int) -> None:
        """Mark a batch of sends done in one transaction (a crash before it only means those
        claims are resent with their nonces, which Discord drops as duplicates)."""
        if not sent:
            return
        async with self.db.transaction() as conn:
            await conn.executemany(
                "UPDATE deliveries SET state = 'sent', finished_at = ?, message_id = ?"
                " WHERE reminder_id = ? AND due_at = ?",
                [(now, message_id, claim.reminder.id, claim.due_at) for claim, message_id in sent],
            )

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

    # member-facing reminder management

    async def member(self, user_id: int) -> MemberRow | None:
        row = await self.db.fetch_one(
            "SELECT user_id, timezone, dm_channel_id, dms_closed_at, dms_closed_told, region"
            " FROM members WHERE user_id = ?",
            (user_id,),
        )
        return None if row is None else MemberRow(*row)

    async def save_member(
        self,
        user_id: int,
        now: int,
        *,
        timezone: str | None = None,
        dm_channel_id: int | None = None,
        region: str | None = None,
    ) -> None:
        """Create the member row if needed and update only the fields given."""
        async with self.db.transaction() as conn:
            await conn.execute(
                "INSERT INTO members (user_id, created_at) VALUES (?, ?) ON CONFLICT DO NOTHING",
                (user_id, now),
            )
            if timezone is not None:
                await conn.execute(
                    "UPDATE members SET timezone = ? WHERE user_id = ?", (timezone, user_id)
                )
            if dm_channel_id is not None:
                await conn.execute(
                    "UPDATE members SET dm_channel_id = ? WHERE user_id = ?",
                    (dm_channel_id, user_id),
                )
            if region is not None:
                await conn.execute(
                    "UPDATE members SET region = ? WHERE user_id = ?", (region, user_id)
                )

    async def create_reminder(
        self,
        *,
        kind: str,
        user_id: int | None,
        guild_id: int | None,
        schedule: str,
        next_due_at: int,
        now: int,
        limit: int,
        note: str | None = None,
        link: str | None = None,
        channel_id: int | None = None,
        role_id: int | None = None,
    ) -> int | None:
        """Insert a reminder unless the owner already has `limit`; None means over the limit.

        Creating one also clears a member's closed-DMs mark: the caller has just
        delivered a confirmation DM, so DMs work again.
        """
        async with self.db.transaction() as conn:
            if user_id is not None:
                async with conn.execute(
                    "SELECT COUNT(*) FROM reminders WHERE user_id = ?", (user_id,)
                ) as cursor:
                    row = await cursor.fetchone()
                if row is not None and row[0] >= limit:
                    return None
                await conn.execute(
                    "UPDATE members SET dms_closed_at = NULL, dms_closed_told = 0"
                    " WHERE user_id = ?",
                    (user_id,),
                )
            cursor = await conn.execute(
                "INSERT INTO reminders (kind, user_id, guild_id, channel_id, role_id, schedule,"
                " note, link, next_due_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    kind,
                    user_id,
                    guild_id,
                    channel_id,
                    role_id,
                    schedule,
                    note,
                    link,
                    next_due_at,
                    now,
                ),
            )
            return cursor.lastrowid

    async def save_stretch_break(
        self,
        *,
        guild_id: int,
        channel_id: int,
        role_id: int | None,
        schedule: str,
        next_due_at: int,
        moderator_id: int,
        audit: tuple[str | None, str | None],
        now: int,
    ) -> None:
        """Replace the server's stretch break and audit it, in one transaction."""
        async with self.db.transaction() as conn:
            await conn.execute(
                "DELETE FROM reminders WHERE guild_id = ? AND kind = 'stretch_break'", (guild_id,)
            )
            await conn.execute(
                "INSERT INTO reminders (kind, guild_id, channel_id, role_id, schedule,"
                " next_due_at, created_at) VALUES ('stretch_break', ?, ?, ?, ?, ?, ?)",
                (guild_id, channel_id, role_id, schedule, next_due_at, now),
            )
            await _insert_audit(conn, guild_id, moderator_id, "stretch_break", *audit, now)

    async def delete_stretch_break(
        self, guild_id: int, moderator_id: int, old: str | None, now: int
    ) -> None:
        async with self.db.transaction() as conn:
            await conn.execute(
                "DELETE FROM reminders WHERE guild_id = ? AND kind = 'stretch_break'", (guild_id,)
            )
            await _insert_audit(conn, guild_id, moderator_id, "stretch_break", old, None, now)

    async def record_break_join(self, guild_id: int, local_date: str, user_id: int) -> int:
        """Count a member in today's stretch break (once) and return today's total."""
        async with self.db.transaction() as conn:
            await conn.execute(
                "INSERT INTO stretch_break_joins (guild_id, local_date, user_id) VALUES (?, ?, ?)"
                " ON CONFLICT DO NOTHING",
                (guild_id, local_date, user_id),
            )
            async with conn.execute(
                "SELECT COUNT(*) FROM stretch_break_joins WHERE guild_id = ? AND local_date = ?",
                (guild_id, local_date),
            ) as cursor:
                row = await cursor.fetchone()
        return int(row[0]) if row else 0

    async def reminder(self, reminder_id: int) -> ReminderRow | None:
        row = await self.db.fetch_one(
            f"SELECT {_REMINDER_COLUMNS} FROM reminders WHERE id = ?", (reminder_id,)
        )
        return None if row is None else _reminder(row)

    async def reminders_of(self, user_id: int) -> list[ReminderRow]:
        rows = await self.db.fetch_all(
            f"SELECT {_REMINDER_COLUMNS} FROM reminders WHERE user_id = ? ORDER BY id", (user_id,)
        )
        return [_reminder(row) for row in rows]

    async def guild_reminder(self, guild_id: int, kind: str) -> ReminderRow | None:
        row = await self.db.fetch_one(
            f"SELECT {_REMINDER_COLUMNS} FROM reminders WHERE guild_id = ? AND kind = ?"
            " ORDER BY id LIMIT 1",
            (guild_id, kind),
        )
        return None if row is None else _reminder(row)

    async def set_status(
        self, reminder_ids: Sequence[int], status: str, reason: str | None, next_due: dict[int, int]
    ) -> None:
        """Pause or resume several reminders together; resumed ones get a fresh next time."""
        async with self.db.transaction() as conn:
            for reminder_id in reminder_ids:
                await conn.execute(
                    "UPDATE reminders SET status = ?, paused_reason = ?,"
                    " next_due_at = COALESCE(?, next_due_at) WHERE id = ?",
                    (status, reason, next_due.get(reminder_id), reminder_id),
                )

    async def reschedule(self, reminder_id: int, next_due_at: int) -> None:
        """Snooze or postpone: the next firing moves, the recurrence stays as it was."""
        async with self.db.transaction() as conn:
            await conn.execute(
                "UPDATE reminders SET next_due_at = ?, status = 'active', paused_reason = NULL"
                " WHERE id = ?",
                (next_due_at, reminder_id),
            )

    async def delete_reminders(self, reminder_ids: Sequence[int]) -> None:
        async with self.db.transaction() as conn:
            for reminder_id in reminder_ids:
                await conn.execute("DELETE FROM reminders WHERE id = ?", (reminder_id,))

    async def record_completion(
        self, user_id: int, reminder_id: int | None, local_date: str, now: int
    ) -> None:
        async with self.db.transaction() as conn:
            await conn.execute(
                "INSERT INTO completions (user_id, reminder_id, local_date, completed_at)"
                " VALUES (?, ?, ?, ?)",
                (user_id, reminder_id, local_date, now),
            )

    async def completion_dates(self, user_id: int, since: str) -> list[str]:
        rows = await self.db.fetch_all(
            "SELECT DISTINCT local_date FROM completions WHERE user_id = ? AND local_date >= ?",
            (user_id, since),
        )
        return [str(row[0]) for row in rows]

    async def take_closed_dms_notice(self, user_id: int) -> bool:
        """True once after the member's DMs were found closed, so they are told exactly once.

        Runs after every command, so the common case is a read; only a pending notice writes.
        """
        pending = await self.db.fetch_one(
            "SELECT 1 FROM members"
            " WHERE user_id = ? AND dms_closed_at IS NOT NULL AND dms_closed_told = 0",
            (user_id,),
        )
        if pending is None:
            return False
        async with self.db.transaction() as conn:
            cursor = await conn.execute(
                "UPDATE members SET dms_closed_told = 1"
                " WHERE user_id = ? AND dms_closed_at IS NOT NULL AND dms_closed_told = 0",
                (user_id,),
            )
            return cursor.rowcount == 1

    async def member_export(self, user_id: int) -> dict[str, list[dict[str, Any]]]:
        """Every row about the member, table by table, for /privacy export."""
        queries = {
            "members": "SELECT * FROM members WHERE user_id = ?",
            "reminders": "SELECT * FROM reminders WHERE user_id = ?",
            "deliveries": "SELECT d.* FROM deliveries d JOIN reminders r ON r.id = d.reminder_id"
            " WHERE r.user_id = ?",
            "completions": "SELECT * FROM completions WHERE user_id = ?",
            "stretch_break_joins": "SELECT * FROM stretch_break_joins WHERE user_id = ?",
            "audit_log": "SELECT * FROM audit_log WHERE moderator_id = ?",
        }
        export: dict[str, list[dict[str, Any]]] = {}
        async with self.db.lock:
            for table, sql in queries.items():
                async with self.db.connection.execute(sql, (user_id,)) as cursor:
                    names = [column[0] for column in cursor.description]
                    export[table] = [
                        dict(zip(names, row, strict=True)) for row in await cursor.fetchall()
                    ]
        return export

    async def forget_member(self, user_id: int) -> None:
        """/privacy delete: every row about the member goes in one transaction.

        Moderator audit entries stay for the server's record but no longer name them.
        """
        async with self.db.transaction() as conn:
            await conn.execute("DELETE FROM completions WHERE user_id = ?", (user_id,))
            await conn.execute("DELETE FROM reminders WHERE user_id = ?", (user_id,))
            await conn.execute("DELETE FROM stretch_break_joins WHERE user_id = ?", (user_id,))
            await conn.execute(
                "UPDATE audit_log SET moderator_id = 0 WHERE moderator_id = ?", (user_id,)
            )
            await conn.execute("DELETE FROM members WHERE user_id = ?", (user_id,))

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
        *,
        drop_stretch_break: bool = False,
    ) -> None:
        """Apply {key: (old, new)} and its audit rows in one transaction; new None deletes.

        A reset also drops the server's stretch break in the same transaction."""
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
                await _insert_audit(conn, guild_id, moderator_id, key, old, new, now)
            if drop_stretch_break:
                await conn.execute(
                    "DELETE FROM reminders WHERE guild_id = ? AND kind = 'stretch_break'",
                    (guild_id,),
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


async def _insert_audit(
    conn: aiosqlite.Connection,
    guild_id: int,
    moderator_id: int,
    setting: str,
    old: str | None,
    new: str | None,
    now: int,
) -> None:
    await conn.execute(
        "INSERT INTO audit_log (guild_id, moderator_id, setting, old_value, new_value, changed_at)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (guild_id, moderator_id, setting, old, new, now),
    )
