"""The small interface every store is written against, so a second backend only implements this.

SQL uses `?` placeholders; a backend whose driver wants `$1, $2...` translates them. Rows
answer both `row[0]` and `row["column"]`, and `dict(row)` gives the column names.

Two backends: SQLite, used by one process (its file is locked for that process's lifetime),
and PostgreSQL, shared by several. What sharing needs is here too, as no-ops for SQLite:
named locks inside a transaction, change notes to the other processes, and the lead.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Iterable, Iterator, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any, Literal, Protocol

Dialect = Literal["sqlite", "postgres"]


class DatabaseError(Exception):
    """The database cannot be used (unreadable, read-only, locked or not a database)."""


class DatabaseUnreachable(DatabaseError):
    """The database is configured right but cannot be reached now (server down, file locked
    by another program): trying again later may work, unlike any other DatabaseError."""


class Row(Protocol):
    """One result row, by position or by column name."""

    def __getitem__(self, key: Any, /) -> Any: ...

    def __len__(self) -> int: ...

    def __iter__(self) -> Iterator[Any]: ...

    def keys(self) -> Iterable[str]: ...


Params = Sequence[Any]


class Executor(Protocol):
    """Runs parameterised statements; what a database and a transaction have in common."""

    async def execute(self, sql: str, params: Params = ()) -> int:
        """Run one statement; returns the number of rows it changed."""
        ...

    async def execute_many(self, sql: str, rows: Iterable[Params]) -> None:
        """Run one statement once per parameter row."""
        ...

    async def insert(self, sql: str, params: Params = ()) -> int:
        """Insert one row and return its generated id."""
        ...

    async def fetch_one(self, sql: str, params: Params = ()) -> Row | None:
        """For queries of at most one row (a key, an aggregate, LIMIT 1)."""
        ...

    async def fetch_all(self, sql: str, params: Params = ()) -> list[Row]: ...


class Transaction(Executor, Protocol):
    """Statements that commit together or not at all."""

    def after_commit(self, callback: Callable[[Any], None], argument: Any) -> None:
        """Call `callback(argument)` once the commit succeeded (once, however often asked)."""
        ...

    def publish(self, note: str) -> None:
        """Tell the other processes sharing the database `note` once this commits (their
        `Database.on_remote_change` listeners hear it); nothing where no process shares it."""
        ...

    async def lock(self, name: str) -> None:
        """Hold the lock called `name` until this transaction ends, so read-then-write steps
        of two processes on the same thing take turns (SQLite's writers always take turns)."""
        ...


class Lead(Protocol):
    """This process holds the lead among those sharing the database, until `lost` is set."""

    lost: asyncio.Event

    async def release(self) -> None:
        """Give the lead up now, so another process takes it without waiting."""
        ...


class Database(Executor, Protocol):
    """A connection to the bot's database; each statement run on it outside a transaction
    commits on its own."""

    dialect: Dialect
    shared: bool
    """Several processes may use this database at once (PostgreSQL); SQLite is one process's."""

    def transaction(self) -> AbstractAsyncContextManager[Transaction]:
        """Begin a write transaction: commit at the end of the block, roll back on any error."""
        ...

    def on_remote_change(self, listener: Callable[[str], None]) -> None:
        """Call `listener(note)` for every note another process published; `"*"` means notes
        may have been missed (the connection was lost), so assume anything changed."""
        ...

    async def try_lead(self, name: str) -> Lead | None:
        """Take the lead called `name` if no other process holds it; None if one does."""
        ...

    async def close(self) -> None: ...


@asynccontextmanager
async def within(database: Database, tx: Transaction | None) -> AsyncIterator[Transaction]:
    """The caller's transaction when there is one, so several stores' writes commit together;
    otherwise a transaction of its own."""
    if tx is not None:
        yield tx
        return
    async with database.transaction() as own:
        yield own
