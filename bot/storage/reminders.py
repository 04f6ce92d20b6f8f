"""The reminders table: members' own reminders and the servers' scheduled posts, as stored."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from bot.storage.connection import Database, Row, Transaction
from bot.storage.events import Announcer, RemindersChanged
from bot.storage.kinds import PauseReason, ReminderKind, ReminderStatus
from bot.storage.members import MemberStore


@dataclass(frozen=True)
class ReminderRow:
    id: int
    kind: ReminderKind
    user_id: int | None
    guild_id: int | None
    channel_id: int | None
    role_id: int | None
    schedule: str
    note: str | None
    link: str | None
    status: ReminderStatus
    paused_reason: PauseReason | None
    next_due_at: int
    created_at: int
    paused_until: int | None = None
    """Set while a pause with an end runs (the row is then due at that time, when the
    dispatcher resumes it); None otherwise."""
    held_due_at: int | None = None
    """The occurrence quiet hours hold (next_due_at is then when they end); None otherwise."""
    counts_from: int | None = None
    """After-done reminders: the latest of their creation or resume, the member's last stretch
    and their last DM; the next DM is due `hours` after it."""


NOTIFY_KIND = "kind"
"""A DM's text line names only the kind of reminder: a lock screen is public."""
NOTIFY_NOTE = "note"
"""...or, by the member's choice, their own note too."""

REMINDER_COLUMNS = (
    "id, kind, user_id, guild_id, channel_id, role_id, schedule, note, link, status,"
    " paused_reason, next_due_at, created_at, paused_until, held_due_at, counts_from"
)
REMINDER_WIDTH = len(REMINDER_COLUMNS.split(","))


def reminder_row(row: Row | Sequence[Any]) -> ReminderRow:
    """The first REMINDER_WIDTH columns of a row, selected in REMINDER_COLUMNS order."""
    values = list(row[:REMINDER_WIDTH])
    values[1] = ReminderKind(values[1])
    values[9] = ReminderStatus(values[9])
    values[10] = None if values[10] is None else PauseReason(values[10])
    return ReminderRow(*values)


class ReminderStore:
    """Creating, reading and changing reminders; every change is announced after its commit,
    so the scheduler re-reads the earliest due time."""

    def __init__(self, database: Database, members: MemberStore) -> None:
        self.db = database
        self.members = members
        self.changes: Announcer[RemindersChanged] = Announcer()

    def _changed(self, tx: Transaction) -> None:
        self.changes.after_commit(tx, RemindersChanged())

    # --- reading -----------------------------------------------------------------------------

    async def get(self, reminder_id: int, tx: Transaction | None = None) -> ReminderRow | None:
        """The row as stored; pass `tx` to read it inside a transaction that will change it."""
        row = await (tx or self.db).fetch_one(
            f"SELECT {REMINDER_COLUMNS} FROM reminders WHERE id = ?", (reminder_id,)
        )
        return None if row is None else reminder_row(row)

    async def of_member(self, user_id: int) -> list[ReminderRow]:
        rows = await self.db.fetch_all(
            f"SELECT {REMINDER_COLUMNS} FROM reminders WHERE user_id = ? ORDER BY id", (user_id,)
        )
        return [reminder_row(row) for row in rows]

    async def running(self, user_id: int, kind: ReminderKind) -> list[ReminderRow]:
        """The member's reminders of `kind` that still come: active, including those paused
        for some days (pausing one again gives it the new end), not those paused until
        resumed."""
        rows = await self.db.fetch_all(
            f"SELECT {REMINDER_COLUMNS} FROM reminders WHERE user_id = ? AND kind = ?"
            " AND status = 'active' ORDER BY id",
            (user_id, kind),
        )
        return [reminder_row(row) for row in rows]

    async def of_guild(self, guild_id: int, kind: ReminderKind) -> ReminderRow | None:
        row = await self.db.fetch_one(
            f"SELECT {REMINDER_COLUMNS} FROM reminders WHERE guild_id = ? AND kind = ?"
            " ORDER BY id LIMIT 1",
            (guild_id, kind),
        )
        return None if row is None else reminder_row(row)

    # --- a member's reminders ------------------------------------------------------------------

    async def create(
        self,
        *,
        kind: ReminderKind,
        user_id: int,
        guild_id: int | None,
        schedule: str,
        next_due_at: int,
        now: int,
        limit: int,
        note: str | None = None,
        link: str | None = None,
    ) -> int | None:
        """Insert a member's reminder unless they already have `limit`; None means over it.

        Creating one also clears the member's closed-DMs mark: the caller has just
        delivered a confirmation DM, so DMs work again.
        """
        async with self.db.transaction() as tx:
            await tx.lock(f"member {user_id}")  # two processes adding at once count in turn
            row = await tx.fetch_one("SELECT COUNT(*) FROM reminders WHERE user_id = ?", (user_id,))
            if row is not None and row[0] >= limit:
                return None
            await self.members.dms_reopened(tx, user_id)
            reminder_id = await tx.insert(
                "INSERT INTO reminders (kind, user_id, guild_id, schedule, note, link,"
                " next_due_at, created_at, counts_from) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (kind, user_id, guild_id, schedule, note, link, next_due_at, now, now),
            )
            self._changed(tx)
        return reminder_id

    async def set_status(
        self,
        reminder_ids: Sequence[int],
        status: ReminderStatus,
        reason: PauseReason | None,
        next_due: dict[int, int],
        *,
        counts_from: int | None = None,
    ) -> None:
        """Pause or resume several reminders together; resumed ones get a fresh next time
        (and after-done ones count their wait from `counts_from`, when the resume happened).
        Either way a pause with an end is over, and so is any hold: paused now means until
        resumed."""
        async with self.db.transaction() as tx:
            await tx.execute_many(
                "UPDATE reminders SET status = ?, paused_reason = ?, paused_until = NULL,"
                " held_due_at = NULL, next_due_at = COALESCE(?, next_due_at),"
                " counts_from = COALESCE(?, counts_from) WHERE id = ?",
                [(status, reason, next_due.get(rid), counts_from, rid) for rid in reminder_ids],
            )
            self._changed(tx)

    async def reschedule(self, reminder_id: int, next_due_at: int) -> None:
        """Snooze or postpone: the next firing moves, the recurrence stays as it was (and any
        pause or hold ends: the member asked for this reminder)."""
        async with self.db.transaction() as tx:
            await tx.execute(
                "UPDATE reminders SET next_due_at = ?, status = 'active', paused_reason = NULL,"
                " paused_until = NULL, held_due_at = NULL WHERE id = ?",
                (next_due_at, reminder_id),
            )
            self._changed(tx)

    async def snooze(self, reminder_id: int, occurrence: int, due: int) -> tuple[bool, int] | None:
        """Snooze one delivered occurrence: the reminder's next firing moves to `due` (its
        recurrence stays; any pause or hold ends, as the member asked for it), and the
        occurrence's delivery records it, in one transaction. An occurrence snoozes once: pressed
        again (a second button, a stale client, a retry) it changes nothing.

        Returns (snoozed by this call, when it comes back), or None if the reminder is gone.
        """
        async with self.db.transaction() as tx:
            if await self.get(reminder_id, tx) is None:
                return None
            earlier = await tx.fetch_one(
                "SELECT snoozed_to FROM deliveries WHERE reminder_id = ? AND due_at = ?"
                f"{' FOR UPDATE' if self.db.dialect == 'postgres' else ''}",
                (reminder_id, occurrence),
            )
            if earlier is not None and earlier[0] is not None:
                return False, int(earlier[0])
            await tx.execute(
                "UPDATE deliveries SET snoozed_to = ? WHERE reminder_id = ? AND due_at = ?",
                (due, reminder_id, occurrence),
            )
            await tx.execute(
                "UPDATE reminders SET next_due_at = ?, status = 'active', paused_reason = NULL,"
                " paused_until = NULL, held_due_at = NULL WHERE id = ?",
                (due, reminder_id),
            )
            self._changed(tx)
        return True, due

    async def pause_until(self, reminder_ids: Sequence[int], until: int) -> list[int]:
        """Pause active reminders until `until` (unix seconds), when they resume by themselves:
        the row becomes due then, and the dispatcher moves it on to its next regular
        occurrence. A reminder paused until resumed is left as it is; one already paused
        until some time gets the new end; a hold is dropped. Returns the ids paused."""
        async with self.db.transaction() as tx:
            paused: list[int] = []
            for reminder_id in reminder_ids:
                changed = await tx.execute(
                    "UPDATE reminders SET paused_until = ?, next_due_at = ?, held_due_at = NULL"
                    " WHERE id = ? AND status = 'active'",
                    (until, until, reminder_id),
                )
                if changed:
                    paused.append(reminder_id)
            if paused:
                self._changed(tx)
        return paused

    async def edit(
        self,
        tx: Transaction,
        reminder_id: int,
        *,
        schedule: str,
        note: str | None,
        link: str | None,
        next_due_at: int | None,
    ) -> None:
        """Change a reminder in place, inside `tx` (read the row and its in-flight claim in
        the same one): its id, streak and history stay. `note` and `link` None keep theirs;
        with `next_due_at` the row moves there and any hold is dropped, without it both stay."""
        await tx.execute(
            "UPDATE reminders SET schedule = ?, note = COALESCE(?, note),"
            " link = COALESCE(?, link) WHERE id = ?",
            (schedule, note, link, reminder_id),
        )
        if next_due_at is not None:
            await tx.execute(
                "UPDATE reminders SET next_due_at = ?, held_due_at = NULL WHERE id = ?",
                (next_due_at, reminder_id),
            )
        self._changed(tx)

    async def stretched(
        self, user_id: int, now: int, next_due: Callable[[ReminderRow], int | None]
    ) -> list[int]:
        """The member just stretched: every running reminder of theirs that `next_due` gives a
        new due time (after-done ones) moves there, counts from `now` and drops any hold, in
        one transaction. Paused ones, with an end or not, are left alone. Returns the ids."""
        moved: list[int] = []
        async with self.db.transaction() as tx:
            rows = await tx.fetch_all(
                f"SELECT {REMINDER_COLUMNS} FROM reminders WHERE user_id = ?"
                " AND status = 'active' AND paused_until IS NULL ORDER BY id",
                (user_id,),
            )
            for row in map(reminder_row, rows):
                due = next_due(row)
                if due is None:
                    continue
                await tx.execute(
                    "UPDATE reminders SET next_due_at = ?, counts_from = ?, held_due_at = NULL"
                    " WHERE id = ?",
                    (due, now, row.id),
                )
                moved.append(row.id)
            if moved:
                self._changed(tx)
        return moved

    async def set_quiet_hours(self, user_id: int, quiet: str | None, now: int) -> int:
        """Keep the member's quiet hours ("HH:MM-HH:MM", None for none). Reminders they hold
        become due now, so the dispatcher sends them or holds them again by the new hours
        (keeping their identity: still once). Returns how many were held."""
        async with self.db.transaction() as tx:
            await self.members.set_quiet_hours(tx, user_id, quiet, now)
            held = await tx.execute(
                "UPDATE reminders SET next_due_at = ? WHERE user_id = ?"
                " AND held_due_at IS NOT NULL AND status = 'active'",
                (now, user_id),
            )
            if held:
                self._changed(tx)
        return held

    async def delete(self, reminder_ids: Sequence[int]) -> None:
        async with self.db.transaction() as tx:
            await tx.execute_many(
                "DELETE FROM reminders WHERE id = ?", [(rid,) for rid in reminder_ids]
            )
            self._changed(tx)

    # --- a server's scheduled posts --------------------------------------------------------------

    async def replace_for_guild(
        self,
        tx: Transaction,
        *,
        kind: ReminderKind,
        guild_id: int,
        channel_id: int,
        role_id: int | None,
        schedule: str,
        next_due_at: int,
        now: int,
    ) -> None:
        """The server's one reminder of `kind`, replacing any it had."""
        await tx.lock(f"guild {guild_id} {kind}")  # one survives two moderators at once
        await self.delete_for_guild(tx, guild_id, kind)
        await tx.execute(
            "INSERT INTO reminders (kind, guild_id, channel_id, role_id, schedule,"
            " next_due_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (kind, guild_id, channel_id, role_id, schedule, next_due_at, now),
        )

    async def delete_for_guild(self, tx: Transaction, guild_id: int, kind: ReminderKind) -> None:
        await tx.execute("DELETE FROM reminders WHERE guild_id = ? AND kind = ?", (guild_id, kind))
        self._changed(tx)

    # --- what a DM's text line says ------------------------------------------------------------

    async def notification(self, user_id: int) -> str:
        """NOTIFY_KIND (the default: only the kind of reminder) or NOTIFY_NOTE (their note too)."""
        row = await self.db.fetch_one(
            "SELECT notification FROM reminder_settings WHERE user_id = ?", (user_id,)
        )
        return NOTIFY_KIND if row is None else str(row[0])

    async def set_notification(self, user_id: int, choice: str, now: int) -> None:
        if choice not in (NOTIFY_KIND, NOTIFY_NOTE):
            raise ValueError(f"notification must be {NOTIFY_KIND!r} or {NOTIFY_NOTE!r}")
        async with self.db.transaction() as tx:
            await tx.execute(
                "INSERT INTO reminder_settings (user_id, notification, changed_at)"
                " VALUES (?, ?, ?) ON CONFLICT (user_id) DO UPDATE"
                " SET notification = excluded.notification, changed_at = excluded.changed_at",
                (user_id, choice, now),
            )

    # --- a member's data (for the reminders feature's /privacy part) ------------------------------

    async def export_member(self, user_id: int) -> dict[str, list[dict[str, Any]]]:
        rows = await self.db.fetch_all("SELECT * FROM reminders WHERE user_id = ?", (user_id,))
        settings = await self.db.fetch_all(
            "SELECT * FROM reminder_settings WHERE user_id = ?", (user_id,)
        )
        return {
            "reminders": [dict(row) for row in rows],
            "reminder_settings": [dict(row) for row in settings],
        }

    async def forget_member(self, tx: Transaction, user_id: int) -> None:
        """Their reminders go, and with them (by foreign key) their delivery records; their
        reminder settings too."""
        await tx.execute("DELETE FROM reminders WHERE user_id = ?", (user_id,))
        await tx.execute("DELETE FROM reminder_settings WHERE user_id = ?", (user_id,))
        self._changed(tx)
