"""Moving an installation from SQLite to PostgreSQL: every table copied into an empty database
in one transaction, in foreign-key order, ids kept and sequences moved past them, then the row
counts compared table by table before the commit."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

from bot.storage.connection import DatabaseError
from bot.storage.postgres import PostgresDatabase
from bot.storage.sqlite import SqliteDatabase

CHUNK = 5_000
"""Rows read from SQLite and sent to PostgreSQL at a time: memory stays flat in table size."""
NOT_COPIED = ("schema_migrations",)  # each database records its own migrations


@dataclass(frozen=True)
class TableCopy:
    table: str
    source_rows: int
    target_rows: int


async def copy_database(source: SqliteDatabase, target: PostgresDatabase) -> list[TableCopy]:
    """Copy every table of `source` into `target`, which must be empty; returns the counts.

    Both were migrated on opening, so their schemas are at the same version or this refuses."""
    source_version, target_version = await source.schema_version(), await target.schema_version()
    if source_version != target_version:
        raise DatabaseError(
            f"the SQLite database is at schema version {source_version} and PostgreSQL at"
            f" {target_version}; update the bot so both are at the same version"
        )
    tables = await source_tables(source)
    columns = {table: await source_columns(source, table) for table in tables}
    async with target.raw() as conn, conn.transaction():
        target_types = await _target_columns(conn, target.schema)
        missing = [table for table in tables if table not in target_types]
        if missing:
            raise DatabaseError(f"PostgreSQL has no table {missing[0]}")
        for table in sorted(target_types):
            if table in NOT_COPIED:
                continue
            count = await conn.fetchval(f"SELECT COUNT(*) FROM {_name(table)}")
            if count:
                raise DatabaseError(
                    f"the target database is not empty (table {table} has {count} rows);"
                    " copy-database copies only into an empty database"
                )
        copies = []
        for table in tables:
            convert = [_converter(target_types[table].get(column)) for column in columns[table]]
            async for chunk in _chunks(source, table, columns[table]):
                await conn.copy_records_to_table(
                    table,
                    records=[
                        tuple(fn(value) for fn, value in zip(convert, row, strict=True))
                        for row in chunk
                    ],
                    columns=columns[table],
                    schema_name=target.schema,
                )
            copies.append(
                TableCopy(
                    table,
                    await _count(source, table),
                    int(await conn.fetchval(f"SELECT COUNT(*) FROM {_name(table)}")),
                )
            )
        await _move_sequences_past_ids(conn, target.schema)
        for copy in copies:
            if copy.source_rows != copy.target_rows:
                raise DatabaseError(
                    f"table {copy.table}: {copy.source_rows} rows in SQLite but"
                    f" {copy.target_rows} in PostgreSQL; nothing was copied"
                )
    return copies


async def source_tables(source: SqliteDatabase) -> list[str]:
    """The SQLite tables to copy, each after the tables its foreign keys point to."""
    rows = await source.fetch_all(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        " ORDER BY name"
    )
    names = [str(row[0]) for row in rows if str(row[0]) not in NOT_COPIED]
    depends: dict[str, set[str]] = {}
    for name in names:
        keys = await source.fetch_all(f"PRAGMA foreign_key_list({_name(name)})")
        depends[name] = {str(key["table"]) for key in keys} - {name}
    ordered: list[str] = []
    while len(ordered) < len(names):
        ready = [n for n in names if n not in ordered and depends[n] <= set(ordered)]
        if not ready:
            raise DatabaseError("the SQLite tables' foreign keys form a cycle")
        ordered.extend(ready)
    return ordered


async def source_columns(source: SqliteDatabase, table: str) -> list[str]:
    rows = await source.fetch_all(f"PRAGMA table_info({_name(table)})")
    return [str(row["name"]) for row in rows]


async def _chunks(
    source: SqliteDatabase, table: str, columns: list[str]
) -> AsyncIterator[list[tuple[Any, ...]]]:
    """The table's rows in rowid order, CHUNK at a time."""
    selected = ", ".join(_name(column) for column in columns)
    last = 0
    while True:
        rows = await source.fetch_all(
            f"SELECT rowid, {selected} FROM {_name(table)} WHERE rowid > ? ORDER BY rowid LIMIT ?",
            (last, CHUNK),
        )
        if not rows:
            return
        last = int(rows[-1][0])
        yield [tuple(row)[1:] for row in rows]
        if len(rows) < CHUNK:
            return


async def _count(source: SqliteDatabase, table: str) -> int:
    row = await source.fetch_one(f"SELECT COUNT(*) FROM {_name(table)}")
    return int(row[0]) if row else 0


async def _target_columns(conn: Any, schema: str) -> dict[str, dict[str, str]]:
    rows = await conn.fetch(
        "SELECT c.table_name, c.column_name, c.data_type FROM information_schema.columns c"
        " JOIN information_schema.tables t"
        " ON t.table_schema = c.table_schema AND t.table_name = c.table_name"
        " WHERE c.table_schema = $1 AND t.table_type = 'BASE TABLE'",
        schema,
    )
    found: dict[str, dict[str, str]] = {}
    for row in rows:
        found.setdefault(row["table_name"], {})[row["column_name"]] = row["data_type"]
    return found


def _converter(data_type: str | None) -> Callable[[Any], Any]:
    """SQLite keeps whatever type a value was written with; PostgreSQL's COPY wants the
    column's own (a column PostgreSQL lacks fails the copy with its name)."""
    if data_type in ("bigint", "integer", "smallint"):
        return lambda value: None if value is None else int(value)
    if data_type == "text":
        return lambda value: None if value is None else str(value)
    return lambda value: value


async def _move_sequences_past_ids(conn: Any, schema: str) -> None:
    """Ids were copied as they were: the next generated id must come after the largest."""
    identities = await conn.fetch(
        "SELECT table_name, column_name FROM information_schema.columns"
        " WHERE table_schema = $1 AND (is_identity = 'YES' OR column_default LIKE 'nextval%')",
        schema,
    )
    for row in identities:
        table, column = row["table_name"], row["column_name"]
        await conn.execute(
            f"SELECT setval(pg_get_serial_sequence($1, $2),"
            f" COALESCE(MAX({_name(column)}), 0) + 1, false) FROM {_name(table)}",
            f"{_name(schema)}.{_name(table)}",
            column,
        )


def _name(identifier: str) -> str:
    """A quoted SQL identifier (names come from the schema itself, never from a user)."""
    return '"' + identifier.replace('"', '""') + '"'
