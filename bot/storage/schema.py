"""The numbered migrations of each dialect, in migrations/<dialect>/NNNN_name.sql."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

from bot.storage.connection import DatabaseError, Dialect

MIGRATIONS_ROOT = Path(__file__).parent / "migrations"
_MIGRATION_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


def migrations_dir(dialect: Dialect) -> Path:
    return MIGRATIONS_ROOT / dialect


def migration_files(directory: Path) -> list[tuple[int, Path]]:
    """Numbered SQL files in order; a gap or duplicate number is a packaging bug."""
    found: list[tuple[int, Path]] = []
    for path in sorted(directory.glob("*.sql")):
        match = _MIGRATION_NAME.match(path.name)
        if match is None:
            raise DatabaseError(f"migration file {path.name} is not named NNNN_name.sql")
        found.append((int(match.group(1)), path))
    expected = list(range(1, len(found) + 1))
    if [number for number, _ in found] != expected:
        raise DatabaseError("migration numbers must run 1, 2, 3... without gaps")
    return found


def split_sqlite_migration(script: str) -> list[str]:
    """A SQLite migration split into statements (executescript would COMMIT behind our back)."""
    statements: list[str] = []
    buffer = ""
    for line in script.splitlines(keepends=True):
        if line.lstrip().startswith("--"):
            continue
        buffer += line
        if sqlite3.complete_statement(buffer):
            statements.append(buffer.strip())
            buffer = ""
    if buffer.strip():
        raise DatabaseError("migration ends with an incomplete SQL statement")
    return statements
