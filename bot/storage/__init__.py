"""Storage, by concern: the connection and its migrations, then one store per thing kept.

Code outside this package talks to the stores (and, to make several stores' writes land
together, to `Stores.transaction()`); it never sees the driver, the connection or its lock.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from bot.storage.checkins import CheckInStore
from bot.storage.connection import Database, DatabaseError, Transaction, within
from bot.storage.guild_settings import AuditEntry, Changes, GuildSettingsStore
from bot.storage.ledger import Advance, Claim, DeliveryLedger, Planner
from bot.storage.members import MemberRow, MemberStore
from bot.storage.reminders import ReminderRow, ReminderStore
from bot.storage.sqlite import SqliteDatabase, inspect_database
from bot.storage.state import BotStateStore
from bot.storage.stretch_breaks import StretchBreakStore

__all__ = [
    "Advance",
    "AuditEntry",
    "BotStateStore",
    "Changes",
    "CheckInStore",
    "Claim",
    "Database",
    "DatabaseError",
    "DeliveryLedger",
    "GuildSettingsStore",
    "MemberRow",
    "MemberStore",
    "Planner",
    "ReminderRow",
    "ReminderStore",
    "Stores",
    "StretchBreakStore",
    "Transaction",
    "inspect_database",
    "open_database",
    "within",
]


async def open_database(path: Path) -> Database:
    """Open and migrate the bot's database (the one backend today: a SQLite file)."""
    return await SqliteDatabase.open(path)


class Stores:
    """Every store on one database, built once for the bot."""

    def __init__(self, database: Database) -> None:
        self.database = database
        self.state = BotStateStore(database)
        self.members = MemberStore(database)
        self.reminders = ReminderStore(database, self.members)
        self.ledger = DeliveryLedger(database)
        self.guild_settings = GuildSettingsStore(database)
        self.stretch_breaks = StretchBreakStore(database, self.reminders, self.guild_settings)
        self.checkins = CheckInStore(database)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Transaction]:
        """One transaction that several stores (or features) write in: all of it or nothing."""
        async with self.database.transaction() as tx:
            yield tx
