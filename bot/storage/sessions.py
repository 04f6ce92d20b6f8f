"""What a member's sessions are judged from (bot.health.sessions): the DMs the ledger recorded as
sent for their stretch reminders, their Done presses, and the marks (Not today, and missed
sessions recorded before the ledger is pruned). The records are defined here, where they are
read and written; the rules that judge them are in bot.health.sessions."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import Enum
from typing import Any

from bot.storage.connection import Database, Transaction


class Outcome(Enum):
    DONE = "done"
    SKIPPED = "skipped"
    MISSED = "missed"
    OPEN = "open"


MARKS = (Outcome.SKIPPED, Outcome.MISSED)
"""The outcomes stored as marks (Done presses are stored as completions)."""


@dataclass(frozen=True)
class Delivered:
    """A reminder DM the ledger recorded as sent: the occurrence it was for, and whether quiet
    hours held it."""

    reminder_id: int
    due_at: datetime
    held: bool = False


@dataclass(frozen=True)
class Completion:
    """A Done press, on the member's local day it was recorded for."""

    reminder_id: int | None
    at: datetime
    day: date


@dataclass(frozen=True)
class Mark:
    """A session the member skipped (Not today) or missed, by its occurrence."""

    reminder_id: int | None
    due_at: datetime
    outcome: Outcome


@dataclass(frozen=True)
class Session:
    reminder_id: int | None
    at: datetime
    """The occurrence (for a Done press older than the ledger: the press)."""
    outcome: Outcome
    day: date
    """The member's calendar day it counts on."""


@dataclass(frozen=True)
class SessionInputs:
    """Everything one member's sessions are judged from, as stored."""

    schedules: dict[int, str]
    """Their stretch reminders' schedules as stored (JSON), by reminder id; the rules read them
    (bot.health.sessions.schedules_of)."""
    delivered: list[Delivered]
    completions: list[Completion]
    marks: list[Mark]


def _instant(unix: int) -> datetime:
    return datetime.fromtimestamp(unix, UTC)


class SessionStore:
    def __init__(self, database: Database) -> None:
        self.db = database

    async def inputs(self, user_id: int) -> SessionInputs:
        """The member's stretch reminders' schedules, sent DMs, Done presses and marks."""
        reminders = await self.db.fetch_all(
            "SELECT id, schedule FROM reminders WHERE user_id = ? AND kind = 'stretch'",
            (user_id,),
        )
        delivered = await self.db.fetch_all(
            "SELECT d.reminder_id, d.due_at, d.held FROM deliveries d"
            " JOIN reminders r ON r.id = d.reminder_id"
            " WHERE r.user_id = ? AND r.kind = 'stretch' AND d.state = 'sent'",
            (user_id,),
        )
        completions = await self.db.fetch_all(
            "SELECT reminder_id, completed_at, local_date FROM completions WHERE user_id = ?",
            (user_id,),
        )
        marks = await self.db.fetch_all(
            "SELECT reminder_id, due_at, mark FROM session_marks WHERE user_id = ?", (user_id,)
        )
        return SessionInputs(
            schedules={int(row[0]): str(row[1]) for row in reminders},
            delivered=[Delivered(int(r[0]), _instant(r[1]), bool(r[2])) for r in delivered],
            completions=[
                Completion(r[0], _instant(r[1]), date.fromisoformat(r[2])) for r in completions
            ],
            marks=[Mark(r[0], _instant(r[1]), Outcome(r[2])) for r in marks],
        )

    async def members_with_dms_since(self, since: int) -> list[int]:
        """Members whose stretch reminders had a DM claimed at or after `since`."""
        rows = await self.db.fetch_all(
            "SELECT DISTINCT r.user_id FROM deliveries d JOIN reminders r ON r.id = d.reminder_id"
            " WHERE r.kind = 'stretch' AND d.claimed_at >= ?",
            (since,),
        )
        return [int(row[0]) for row in rows]

    async def skip(self, user_id: int, reminder_id: int, now: int) -> int:
        """Not today: the reminder's latest DM (its occurrence; `now` if the ledger has none)
        is marked skipped. Returns the occurrence."""
        async with self.db.transaction() as tx:
            row = await tx.fetch_one(
                "SELECT MAX(due_at) FROM deliveries WHERE reminder_id = ? AND due_at <= ?"
                " AND state IN ('claimed', 'sent')",
                (reminder_id, now),
            )
            due_at = now if row is None or row[0] is None else int(row[0])
            await tx.execute(
                "INSERT INTO session_marks (user_id, reminder_id, due_at, mark, marked_at)"
                " VALUES (?, ?, ?, 'skipped', ?) ON CONFLICT (reminder_id, due_at)"
                " DO UPDATE SET mark = excluded.mark, marked_at = excluded.marked_at",
                (user_id, reminder_id, due_at, now),
            )
        return due_at

    async def record_missed(self, user_id: int, missed: Sequence[Session], now: int) -> None:
        """Keep missed sessions as marks (one per occurrence: a second record is a no-op)."""
        if not missed:
            return
        async with self.db.transaction() as tx:
            await tx.execute_many(
                "INSERT INTO session_marks (user_id, reminder_id, due_at, mark, marked_at)"
                " VALUES (?, ?, ?, 'missed', ?) ON CONFLICT (reminder_id, due_at) DO NOTHING",
                [(user_id, s.reminder_id, int(s.at.timestamp()), now) for s in missed],
            )

    # --- a member's data, for /privacy -------------------------------------------------------

    async def export_member(self, user_id: int) -> dict[str, list[dict[str, Any]]]:
        rows = await self.db.fetch_all(
            "SELECT * FROM session_marks WHERE user_id = ? ORDER BY due_at", (user_id,)
        )
        return {"session_marks": [dict(row) for row in rows]}

    async def forget_member(self, tx: Transaction, user_id: int) -> None:
        await tx.execute("DELETE FROM session_marks WHERE user_id = ?", (user_id,))
