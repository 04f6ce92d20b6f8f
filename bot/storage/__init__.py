"""Storage, by concern: the connection and its migrations, then one store per thing kept.

Code outside this package talks to the stores (and, to make several stores' writes land
together, to `Stores.transaction()`); it never sees the driver, the connection or its lock.
It imports nothing else of the bot but bot.tasks.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from bot.storage.budget import SendBudget
from bot.storage.checkins import CheckInStore
from bot.storage.connection import (
    Database,
    DatabaseError,
    DatabaseUnreachable,
    Lead,
    Transaction,
    within,
)
from bot.storage.events import (
    Announcer,
    DmsClosed,
    GuildSettingsChanged,
    RemindersChanged,
    event_of,
)
from bot.storage.guild_settings import AuditEntry, Changes, GuildSettingsStore
from bot.storage.kinds import (
    MEMBER_KINDS,
    DeliveryState,
    PauseReason,
    ReminderKind,
    ReminderStatus,
)
from bot.storage.ledger import LEASE, Advance, Claim, DeliveryLedger, Planner
from bot.storage.members import MemberRow, MemberStore
from bot.storage.postgres import PostgresDatabase
from bot.storage.reminders import NOTIFY_KIND, NOTIFY_NOTE, ReminderRow, ReminderStore
from bot.storage.sessions import (
    MARKS,
    Completion,
    Delivered,
    Mark,
    Outcome,
    Session,
    SessionInputs,
    SessionStore,
)
from bot.storage.sqlite import SqliteDatabase, inspect_database
from bot.storage.state import BotStateStore
from bot.storage.stretch_breaks import StretchBreakStore

__all__ = [
    "LEASE",
    "MARKS",
    "MEMBER_KINDS",
    "NOTIFY_KIND",
    "NOTIFY_NOTE",
    "Advance",
    "Announcer",
    "AuditEntry",
    "BotStateStore",
    "Changes",
    "CheckInStore",
    "Claim",
    "Completion",
    "Database",
    "DatabaseError",
    "DatabaseUnreachable",
    "Delivered",
    "DeliveryLedger",
    "DeliveryState",
    "GuildSettingsChanged",
    "GuildSettingsStore",
    "Lead",
    "Mark",
    "MemberRow",
    "MemberStore",
    "Outcome",
    "PauseReason",
    "Planner",
    "PostgresDatabase",
    "ReminderKind",
    "ReminderRow",
    "ReminderStatus",
    "ReminderStore",
    "RemindersChanged",
    "SendBudget",
    "Session",
    "SessionInputs",
    "SessionStore",
    "SqliteDatabase",
    "Stores",
    "StretchBreakStore",
    "Transaction",
    "inspect_database",
    "open_database",
    "send_budget",
    "within",
]


def is_database_url(target: str | Path) -> bool:
    return isinstance(target, str) and target.startswith(("postgresql://", "postgres://"))


async def open_database(target: Path | str) -> Database:
    """Open and migrate the bot's database: a PostgreSQL URL, else a SQLite file's path."""
    if is_database_url(target):
        return await PostgresDatabase.open(str(target))
    return await SqliteDatabase.open(Path(target))


def send_budget(database: Database) -> SendBudget | None:
    """The send budget shared by the processes on a PostgreSQL database; None on SQLite,
    where one process is all there is."""
    if isinstance(database, PostgresDatabase):
        return SendBudget(database, database.presence_name)
    return None


class Stores:
    """Every store on one database, built once for the bot."""

    def __init__(self, database: Database) -> None:
        self.database = database
        self.state = BotStateStore(database)
        self.members = MemberStore(database)
        self.reminders = ReminderStore(database, self.members)
        self.ledger = DeliveryLedger(database, self.members)
        self.guild_settings = GuildSettingsStore(database)
        self.stretch_breaks = StretchBreakStore(database, self.reminders, self.guild_settings)
        self.checkins = CheckInStore(database)
        self.sessions = SessionStore(database)
        self.ledger.dms_closed.subscribe(self.members.notice_may_wait)
        database.on_remote_change(self._changed_elsewhere)

    def _changed_elsewhere(self, note: str) -> None:
        """Another process committed a change: announce it here as if it were ours."""
        if note == "*":  # notes were missed: whatever is cached or planned may be stale
            self.reminders.changes.announce(RemindersChanged())
            self.guild_settings.changes.announce(GuildSettingsChanged(None))
            self.members.notice_may_wait(None)
            return
        event = event_of(note)
        if isinstance(event, RemindersChanged):
            self.reminders.changes.announce(event)
        elif isinstance(event, GuildSettingsChanged):
            self.guild_settings.changes.announce(event)
        elif isinstance(event, DmsClosed):
            self.ledger.dms_closed.announce(event)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Transaction]:
        """One transaction that several stores (or features) write in: all of it or nothing."""
        async with self.database.transaction() as tx:
            yield tx
