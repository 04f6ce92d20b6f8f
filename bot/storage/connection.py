"""The small interface every store is written against, so a second backend only implements this.

SQL uses `?` placeholders; a backend whose driver wants `$1, $2...` translates them. Rows
answer both `row[0]` and `row["column"]`, and `dict(row)` gives the column names.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterable, Iterator, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any, Protocol


class DatabaseError(Exception):
    """The database cannot be used (unreadable, read-only, locked or not a database)."""


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


class Database(Executor, Protocol):
    """A connection to the bot's database; each statement run on it outside a transaction
    commits on its own."""

    def transaction(self) -> AbstractAsyncContextManager[Transaction]:
        """Begin a write transaction: commit at the end of the block, roll back on any error."""
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
