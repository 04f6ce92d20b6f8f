"""`python -m bot check` on PostgreSQL: can the bot use this database? Read only: it changes
nothing there."""

from __future__ import annotations

import asyncpg

from bot.storage.connection import DatabaseError
from bot.storage.postgres import CONNECT_TIMEOUT, MIGRATIONS_DIR, redact
from bot.storage.postgres_sessions import CONNECTION_ERRORS, cannot
from bot.storage.schema import migration_files


async def inspect_postgres(url: str) -> str:
    """For `python -m bot check`: can the bot use this database? Changes nothing in it.

    Returns what the bot will find; raises DatabaseError naming the problem otherwise."""
    latest = len(migration_files(MIGRATIONS_DIR))
    try:
        connection = await asyncpg.connect(url, timeout=CONNECT_TIMEOUT)
    except (*CONNECTION_ERRORS, ValueError) as exc:
        raise cannot("connect to", redact(url), exc) from exc
    try:
        schema = await connection.fetchval("SELECT current_schema()")
        if schema is None:
            raise DatabaseError(f"PostgreSQL at {redact(url)}: no schema of the search_path exists")
        version = 0
        if await connection.fetchval("SELECT to_regclass('schema_migrations')") is not None:
            version = int(
                await connection.fetchval("SELECT COALESCE(MAX(version), 0) FROM schema_migrations")
            )
        may_create = await connection.fetchval(
            "SELECT has_schema_privilege(current_schema(), 'CREATE')"
        )
    except (*CONNECTION_ERRORS, asyncpg.PostgresError) as exc:
        raise cannot("use", redact(url), exc) from exc
    finally:
        await connection.close()
    where = f"PostgreSQL at {redact(url)} (schema {schema})"
    if version > latest:
        raise DatabaseError(
            f"{where} has schema version {version}, newer than this bot's {latest}:"
            " upgrade the bot or point DATABASE_URL elsewhere"
        )
    pending = latest - version
    if pending and not may_create:
        raise DatabaseError(
            f"{where} needs {pending} migration(s) but its user may not create tables there"
        )
    return f"{where} at schema version {version}" + (
        f", {pending} migration(s) to apply at start" if pending else ""
    )
