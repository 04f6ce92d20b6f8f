"""Pain check-ins: one score from 0 to 10 per member and local day, kept 12 months.

Health data, so every write checks the member's opt-in in the same statement, and nothing
here logs a score. The opt-in itself is on the member's row (MemberStore.set_checkins).
"""

from __future__ import annotations

from typing import Any

from bot.storage.connection import Database, Transaction


class CheckInStore:
    def __init__(self, database: Database) -> None:
        self.db = database

    async def record(self, user_id: int, local_date: str, score: int, now: int) -> bool:
        """Store the day's score (a later answer the same day replaces it), only while the
        member has check-ins on; returns whether it was stored."""
        if not 0 <= score <= 10:
            raise ValueError("a pain score is a whole number from 0 to 10")
        async with self.db.transaction() as tx:
            changed = await tx.execute(
                "INSERT INTO checkins (user_id, local_date, score, recorded_at)"
                " SELECT ?, ?, ?, ? WHERE EXISTS"
                " (SELECT 1 FROM members WHERE user_id = ? AND checkins_on = 1)"
                " ON CONFLICT (user_id, local_date)"
                " DO UPDATE SET score = excluded.score, recorded_at = excluded.recorded_at",
                (user_id, local_date, score, now, user_id),
            )
        return changed == 1

    async def scores(self, user_id: int, since: str) -> dict[str, int]:
        """{local date: score} from `since` (YYYY-MM-DD) on."""
        rows = await self.db.fetch_all(
            "SELECT local_date, score FROM checkins WHERE user_id = ? AND local_date >= ?",
            (user_id, since),
        )
        return {str(row[0]): int(row[1]) for row in rows}

    async def previous(self, user_id: int, before: str, limit: int) -> list[int]:
        """The member's last `limit` scores on days before `before`, newest first."""
        rows = await self.db.fetch_all(
            "SELECT score FROM checkins WHERE user_id = ? AND local_date < ?"
            " ORDER BY local_date DESC LIMIT ?",
            (user_id, before, limit),
        )
        return [int(row[0]) for row in rows]

    async def prune(self, before: str) -> int:
        """Delete every score about a day before `before` (the 12-month limit)."""
        async with self.db.transaction() as tx:
            return await tx.execute("DELETE FROM checkins WHERE local_date < ?", (before,))

    async def export_member(self, user_id: int) -> dict[str, list[dict[str, Any]]]:
        rows = await self.db.fetch_all(
            "SELECT * FROM checkins WHERE user_id = ? ORDER BY local_date", (user_id,)
        )
        return {"checkins": [dict(row) for row in rows]}

    async def forget_member(self, tx: Transaction, user_id: int) -> None:
        await tx.execute("DELETE FROM checkins WHERE user_id = ?", (user_id,))
