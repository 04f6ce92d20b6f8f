"""The delivery ledger: what is due, which occurrences the scheduler claimed, how each ended.

One row per claimed occurrence makes delivery at most once: a claim moves the reminder to its
next occurrence in the same commit, so a crash can never make the same occurrence due again.
The ledger is the scheduler's own store, so what it changes (a claim moving a reminder on, a
pause after a refused DM) is not announced as a reminders change: the scheduler already knows.
DMs found closed are announced, for whoever tells the member.

Each claim is leased to the ledger that made it (`owner`, one per process) until `lease_until`.
Where several processes share the database, another one takes a claim over only once its
lease expired, and how a delivery ended is recorded only by the claim's owner: a dispatcher
that lost the lead (and its lease) never records a delivery a second time. Claiming uses
`FOR UPDATE SKIP LOCKED` there, so two dispatchers for a moment never claim the same rows.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Protocol

from bot.storage.connection import Database, Transaction
from bot.storage.events import Announcer, DmsClosed
from bot.storage.kinds import DeliveryState, PauseReason, ReminderKind
from bot.storage.members import MemberStore
from bot.storage.reminders import REMINDER_COLUMNS, REMINDER_WIDTH, ReminderRow, reminder_row

_PREFIXED_COLUMNS = ", ".join(f"r.{column.strip()}" for column in REMINDER_COLUMNS.split(","))

LEASE = timedelta(seconds=30)
"""How long a claim stays its dispatcher's without a renewal; well inside Discord's nonce
window, so a claim whose dispatcher died is resent while Discord still drops duplicates."""

_INSERT_ROWS = 500  # rows per INSERT: 8 parameters each, far below either backend's limit

# row locks exist only on PostgreSQL; SQLite's writers take turns anyway
_SKIP_LOCKED = {"sqlite": "", "postgres": " FOR UPDATE OF {table} SKIP LOCKED"}


@dataclass(frozen=True)
class Claim:
    """An occurrence the scheduler has taken responsibility for delivering exactly once."""

    reminder: ReminderRow
    due_at: int
    late: bool
    dm_channel_id: int | None = None  # the owner's DM channel, read with the claim
    held: bool = False  # quiet hours held it: the DM says so


@dataclass(frozen=True)
class Advance:
    """How a due row moves on: the occurrence to deliver now (maybe late, maybe `held` by
    quiet hours) or None, and the next due time to store. `paused_until` and `held_due_at` are
    stored too (None: no pause with an end, no hold); `counts_from` only when given."""

    occurrence: int | None
    late: bool
    next_due_at: int
    paused_until: int | None = None
    held_due_at: int | None = None
    held: bool = False
    counts_from: int | None = None


class Planner(Protocol):
    """Decides how a due row moves on at `now`, given its owner's quiet hours (stored form)
    and time zone, both None for a server's post or a member without them."""

    def __call__(
        self, row: ReminderRow, now: int, *, quiet: str | None, zone: str | None
    ) -> Advance: ...


class DeliveryLedger:
    def __init__(self, database: Database, members: MemberStore) -> None:
        self.db = database
        self.members = members
        self.shared = database.shared
        self.owner = ""
        self.dms_closed: Announcer[DmsClosed] = Announcer()
        self.begin_term()

    def begin_term(self) -> None:
        """A new owner name for the claims made from now on: the dispatcher (re)starts, so
        claims of an earlier term of this same process are nobody's work any more."""
        self.owner = f"{os.getpid()}-{secrets.token_hex(4)}"

    def _skip_locked(self, table: str) -> str:
        return _SKIP_LOCKED[self.db.dialect].format(table=table)

    def _lease_until(self, now: int) -> int:
        return now + int(LEASE.total_seconds())

    async def earliest_due(self, kinds: Iterable[ReminderKind]) -> int | None:
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
        self, now: int, limit: int, kinds: Iterable[ReminderKind], plan: Planner
    ) -> list[Claim]:
        """Advance every due row and record the occurrences to send, in one transaction."""
        kinds = tuple(kinds)
        marks = ",".join("?" * len(kinds))
        claims: list[Claim] = []
        async with self.db.transaction() as tx:
            rows = await tx.fetch_all(
                f"SELECT {_PREFIXED_COLUMNS}, m.dm_channel_id, m.quiet_hours, m.timezone"
                " FROM reminders r LEFT JOIN members m ON m.user_id = r.user_id"
                f" WHERE r.status = 'active' AND r.next_due_at <= ? AND r.kind IN ({marks})"
                f" ORDER BY r.next_due_at LIMIT ?{self._skip_locked('r')}",
                (now, *kinds, limit),
            )
            width = REMINDER_WIDTH
            decisions: list[tuple[ReminderRow, int | None, Advance]] = []
            for row in rows:
                reminder = reminder_row(row)
                decision = plan(reminder, now, quiet=row[width + 1], zone=row[width + 2])
                decisions.append((reminder, row[width], decision))
            await tx.execute_many(
                "UPDATE reminders SET next_due_at = ?, paused_until = ?, held_due_at = ?,"
                " counts_from = COALESCE(?, counts_from) WHERE id = ?",
                [
                    (
                        decision.next_due_at,
                        decision.paused_until,
                        decision.held_due_at,
                        decision.counts_from,
                        reminder.id,
                    )
                    for reminder, _, decision in decisions
                ],
            )
            to_send = [(r, c, d) for r, c, d in decisions if d.occurrence is not None]
            for start in range(0, len(to_send), _INSERT_ROWS):
                claims.extend(
                    await self._record_claims(tx, to_send[start : start + _INSERT_ROWS], now)
                )
        return claims

    async def _record_claims(
        self, tx: Transaction, chosen: list[tuple[ReminderRow, int | None, Advance]], now: int
    ) -> list[Claim]:
        """One INSERT for many occurrences (one round trip, not one per reminder); those
        already in the ledger are skipped, and only the rows really inserted become claims."""
        if not chosen:
            return []
        values = ", ".join(["(?, ?, 'claimed', ?, ?, ?, ?, ?)"] * len(chosen))
        params: list[Any] = []
        for reminder, _, decision in chosen:
            params += [
                reminder.id,
                decision.occurrence,
                int(decision.late),
                int(decision.held),
                now,
                self.owner,
                self._lease_until(now),
            ]
        rows = await tx.fetch_all(
            "INSERT INTO deliveries"
            " (reminder_id, due_at, state, late, held, claimed_at, lease_owner, lease_until)"
            f" VALUES {values} ON CONFLICT DO NOTHING RETURNING reminder_id, due_at",
            params,
        )
        inserted = {(int(row[0]), int(row[1])) for row in rows}
        return [
            Claim(reminder, decision.occurrence, decision.late, channel, decision.held)
            for reminder, channel, decision in chosen
            if decision.occurrence is not None and (reminder.id, decision.occurrence) in inserted
        ]

    async def in_flight(self, tx: Transaction, reminder_id: int) -> int | None:
        """The occurrence (due_at) of the reminder's claim still being sent, if any, read
        inside the transaction that changes the reminder (an edit must not repeat it)."""
        row = await tx.fetch_one(
            "SELECT MAX(due_at) FROM deliveries WHERE reminder_id = ? AND state = 'claimed'",
            (reminder_id,),
        )
        return None if row is None or row[0] is None else int(row[0])

    async def take_over_claims(self, now: int) -> list[tuple[Claim, int]]:
        """Claims whose dispatcher is gone, with when they were claimed; they become ours.

        With a database only this process uses, that is every claim an earlier process left
        (the file lock proves it is gone); with a shared one, only claims whose lease expired
        (their dispatcher stopped renewing it, so it died or lost the lead)."""
        argument: int | str
        if self.shared:
            condition, argument = "COALESCE(d.lease_until, 0) <= ?", now
        else:
            condition, argument = "(d.lease_owner IS NULL OR d.lease_owner != ?)", self.owner
        async with self.db.transaction() as tx:
            rows = await tx.fetch_all(
                f"SELECT {_PREFIXED_COLUMNS}, d.due_at, d.late, m.dm_channel_id, d.claimed_at,"
                " d.held FROM deliveries d JOIN reminders r ON r.id = d.reminder_id"
                " LEFT JOIN members m ON m.user_id = r.user_id"
                f" WHERE d.state = 'claimed' AND {condition}"
                f" ORDER BY d.claimed_at{self._skip_locked('d')}",
                (argument,),
            )
            width = REMINDER_WIDTH
            taken = [
                (
                    Claim(
                        reminder_row(row),
                        int(row[width]),
                        bool(row[width + 1]),
                        row[width + 2],
                        bool(row[width + 4]),
                    ),
                    int(row[width + 3]),
                )
                for row in rows
            ]
            await tx.execute_many(
                "UPDATE deliveries SET lease_owner = ?, lease_until = ?"
                " WHERE reminder_id = ? AND due_at = ?",
                [
                    (self.owner, self._lease_until(now), claim.reminder.id, claim.due_at)
                    for claim, _ in taken
                ],
            )
        return taken

    async def renew_leases(self, now: int) -> int:
        """Keep every claim this dispatcher still works on (sending, retrying) its own."""
        return await self.db.execute(
            "UPDATE deliveries SET lease_until = ? WHERE state = 'claimed' AND lease_owner = ?",
            (self._lease_until(now), self.owner),
        )

    async def next_foreign_expiry(self) -> int | None:
        """When the first lease of another dispatcher's unfinished claim runs out."""
        row = await self.db.fetch_one(
            "SELECT MIN(COALESCE(lease_until, 0)) FROM deliveries"
            " WHERE state = 'claimed' AND (lease_owner IS NULL OR lease_owner != ?)",
            (self.owner,),
        )
        return None if row is None or row[0] is None else int(row[0])

    async def record_sent(self, sent: Sequence[tuple[Claim, int | None]], now: int) -> None:
        """Mark a batch of sends done in one transaction (a crash before it only means those
        claims are resent with their nonces, which Discord drops as duplicates). Only claims
        still leased to this dispatcher are marked: whoever took one over records it."""
        if not sent:
            return
        async with self.db.transaction() as tx:
            await tx.execute_many(
                "UPDATE deliveries SET state = 'sent', finished_at = ?, message_id = ?"
                " WHERE reminder_id = ? AND due_at = ? AND state = 'claimed'"
                " AND lease_owner = ?",
                [
                    (now, message_id, claim.reminder.id, claim.due_at, self.owner)
                    for claim, message_id in sent
                ],
            )

    async def finish_delivery(
        self, claim: Claim, state: DeliveryState, now: int, message_id: int | None = None
    ) -> None:
        await self.db.execute(
            "UPDATE deliveries SET state = ?, finished_at = ?, message_id = ?"
            " WHERE reminder_id = ? AND due_at = ? AND state = 'claimed' AND lease_owner = ?",
            (state, now, message_id, claim.reminder.id, claim.due_at, self.owner),
        )

    async def _fail_claim(self, tx: Transaction, claim: Claim, now: int) -> None:
        """The claim ended without a DM; only its owner may say so (a stale leader can't)."""
        await tx.execute(
            "UPDATE deliveries SET state = 'failed', finished_at = ?"
            " WHERE reminder_id = ? AND due_at = ? AND state = 'claimed' AND lease_owner = ?",
            (now, claim.reminder.id, claim.due_at, self.owner),
        )

    async def pause_for_closed_dms(self, claim: Claim, user_id: int, now: int) -> None:
        """A refused DM pauses all the member's reminders at once: no second 403."""
        # announced here before the write as well: a command answered meanwhile reads whether a
        # notice waits from the database, so it waits for this commit
        self.dms_closed.announce(DmsClosed(user_id))
        async with self.db.transaction() as tx:
            await self._fail_claim(tx, claim, now)
            await tx.execute(
                "UPDATE reminders SET status = 'paused', paused_reason = 'dms_closed',"
                " paused_until = NULL, held_due_at = NULL WHERE user_id = ? AND status = 'active'",
                (user_id,),
            )
            await self.members.dms_closed(tx, user_id, now)
            self.dms_closed.after_commit(tx, DmsClosed(user_id))

    async def pause_reminder(self, claim: Claim, reason: PauseReason, now: int) -> None:
        async with self.db.transaction() as tx:
            await self._fail_claim(tx, claim, now)
            await tx.execute(
                "UPDATE reminders SET status = 'paused', paused_reason = ?, paused_until = NULL,"
                " held_due_at = NULL WHERE id = ?",
                (reason, claim.reminder.id),
            )

    async def prune_deliveries(self, before: int) -> int:
        async with self.db.transaction() as tx:
            return await tx.execute(
                "DELETE FROM deliveries WHERE state != 'claimed' AND claimed_at < ?", (before,)
            )

    async def export_member(self, user_id: int) -> dict[str, list[dict[str, Any]]]:
        """The delivery records of the member's reminders (they go when the reminders do)."""
        rows = await self.db.fetch_all(
            "SELECT d.* FROM deliveries d JOIN reminders r ON r.id = d.reminder_id"
            " WHERE r.user_id = ?",
            (user_id,),
        )
        return {"deliveries": [dict(row) for row in rows]}
