"""What the bot keeps about a member whatever feature they use: their time zone, region, DM
channel, quiet hours and whether they opted in to pain check-ins (the members table), and the
"done" marks their streaks count (completions)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.storage.connection import Database, Transaction
from bot.storage.events import DmsClosed

WITHOUT_NOTICE_LIMIT = 100_000
"""Members remembered as having no closed-DMs notice waiting; past it the memory starts over."""


@dataclass(frozen=True)
class MemberRow:
    user_id: int
    timezone: str | None
    dm_channel_id: int | None
    dms_closed_at: int | None
    dms_closed_told: int
    region: str | None
    checkins_on: bool = False
    quiet_hours: str | None = None
    """"HH:MM-HH:MM" in the member's zone (bot.scheduling.quiet_hours.QuietHours.stored), None:
    none."""


class MemberStore:
    def __init__(self, database: Database) -> None:
        self.db = database
        # members read as having no notice waiting, until DMs are found closed (announced by
        # the ledger, here or in another process): most commands then need no database read
        self._without_notice: set[int] = set()
        self._generation = 0

    def notice_may_wait(self, event: DmsClosed | None) -> None:
        """DMs were found closed for `event`'s member (None: for anyone, when announcements
        from other processes may have been missed): read their notice from the database."""
        if event is None:
            self._without_notice.clear()
        else:
            self._without_notice.discard(event.user_id)
        self._generation += 1

    async def member(self, user_id: int) -> MemberRow | None:
        row = await self.db.fetch_one(
            "SELECT user_id, timezone, dm_channel_id, dms_closed_at, dms_closed_told, region,"
            " checkins_on, quiet_hours FROM members WHERE user_id = ?",
            (user_id,),
        )
        if row is None:
            return None
        user_id, timezone, dm_channel_id, closed_at, closed_told, region, checkins_on, quiet = row
        return MemberRow(
            user_id,
            timezone,
            dm_channel_id,
            closed_at,
            closed_told,
            region,
            bool(checkins_on),
            quiet,
        )

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
        async with self.db.transaction() as tx:
            await tx.execute(
                "INSERT INTO members (user_id, created_at) VALUES (?, ?) ON CONFLICT DO NOTHING",
                (user_id, now),
            )
            if timezone is not None:
                await tx.execute(
                    "UPDATE members SET timezone = ? WHERE user_id = ?", (timezone, user_id)
                )
            if dm_channel_id is not None:
                await tx.execute(
                    "UPDATE members SET dm_channel_id = ? WHERE user_id = ?",
                    (dm_channel_id, user_id),
                )
            if region is not None:
                await tx.execute(
                    "UPDATE members SET region = ? WHERE user_id = ?", (region, user_id)
                )

    async def set_checkins(self, user_id: int, on: bool, now: int) -> bool:
        """Opt in to (or out of) pain check-ins; returns whether the choice changed."""
        async with self.db.transaction() as tx:
            await tx.execute(
                "INSERT INTO members (user_id, created_at) VALUES (?, ?) ON CONFLICT DO NOTHING",
                (user_id, now),
            )
            changed = await tx.execute(
                "UPDATE members SET checkins_on = ? WHERE user_id = ? AND checkins_on != ?",
                (int(on), user_id, int(on)),
            )
        return changed == 1

    async def set_quiet_hours(
        self, tx: Transaction, user_id: int, quiet: str | None, now: int
    ) -> None:
        """Keep (None: forget) the member's quiet hours, inside `tx`: the reminders store
        releases what they held in the same transaction."""
        await tx.execute(
            "INSERT INTO members (user_id, created_at) VALUES (?, ?) ON CONFLICT DO NOTHING",
            (user_id, now),
        )
        await tx.execute("UPDATE members SET quiet_hours = ? WHERE user_id = ?", (quiet, user_id))

    async def dms_closed(self, tx: Transaction, user_id: int, now: int) -> None:
        """A DM was refused: remember when, so the member is told once
        (`take_closed_dms_notice`)."""
        await tx.execute(
            "UPDATE members SET dms_closed_at = ?, dms_closed_told = 0 WHERE user_id = ?",
            (now, user_id),
        )

    async def dms_reopened(self, tx: Transaction, user_id: int) -> None:
        """A DM just went through: forget that the member's DMs were found closed."""
        await tx.execute(
            "UPDATE members SET dms_closed_at = NULL, dms_closed_told = 0 WHERE user_id = ?",
            (user_id,),
        )

    async def take_closed_dms_notice(self, user_id: int) -> bool:
        """True once after the member's DMs were found closed, so they are told exactly once.

        Runs after every command, so the common case is answered from memory; only a member
        not read since their DMs were last found closed is read, and only a pending notice
        writes.
        """
        if user_id in self._without_notice:
            return False
        generation = self._generation
        pending = await self.db.fetch_one(
            "SELECT 1 FROM members"
            " WHERE user_id = ? AND dms_closed_at IS NOT NULL AND dms_closed_told = 0",
            (user_id,),
        )
        if pending is None:
            # DMs found closed while this was reading make what was read stale: don't keep it
            if generation == self._generation:
                if len(self._without_notice) >= WITHOUT_NOTICE_LIMIT:
                    self._without_notice.clear()
                self._without_notice.add(user_id)
            return False
        async with self.db.transaction() as tx:
            changed = await tx.execute(
                "UPDATE members SET dms_closed_told = 1"
                " WHERE user_id = ? AND dms_closed_at IS NOT NULL AND dms_closed_told = 0",
                (user_id,),
            )
        return changed == 1

    # --- completions -----------------------------------------------------------------------------

    async def record_completion(
        self, user_id: int, reminder_id: int | None, local_date: str, now: int
    ) -> None:
        async with self.db.transaction() as tx:
            await tx.execute(
                "INSERT INTO completions (user_id, reminder_id, local_date, completed_at)"
                " VALUES (?, ?, ?, ?)",
                (user_id, reminder_id, local_date, now),
            )

    async def completion_counts(self, user_id: int, since: str | None = None) -> dict[str, int]:
        """{local date: number of "done" marks} from `since` on (every day when None)."""
        rows = await self.db.fetch_all(
            "SELECT local_date, COUNT(*) FROM completions"
            " WHERE user_id = ? AND local_date >= ? GROUP BY local_date",
            (user_id, since or ""),
        )
        return {str(row[0]): int(row[1]) for row in rows}

    # --- a member's data, for /privacy -------------------------------------------------------

    async def export_member(self, user_id: int) -> dict[str, list[dict[str, Any]]]:
        """The member's own row (time zone, region, DM channel, quiet hours, check-ins)."""
        rows = await self.db.fetch_all("SELECT * FROM members WHERE user_id = ?", (user_id,))
        return {"members": [dict(row) for row in rows]}

    async def forget_member(self, tx: Transaction, user_id: int) -> None:
        await tx.execute("DELETE FROM members WHERE user_id = ?", (user_id,))

    async def export_completions(self, user_id: int) -> dict[str, list[dict[str, Any]]]:
        rows = await self.db.fetch_all("SELECT * FROM completions WHERE user_id = ?", (user_id,))
        return {"completions": [dict(row) for row in rows]}

    async def forget_completions(self, tx: Transaction, user_id: int) -> None:
        await tx.execute("DELETE FROM completions WHERE user_id = ?", (user_id,))
