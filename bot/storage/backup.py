"""`python -m bot backup PATH`: a consistent copy of the SQLite database while the bot runs.

A file copy of a WAL database can catch the main file and the WAL at different moments; SQLite's
online backup copies every page inside one read transaction, so the copy is the database as of
one commit, while the bot goes on writing (in WAL mode a reader never blocks the writer). The
copy is written beside the target, checked with `PRAGMA integrity_check`, and only then linked
into place, which fails rather than overwrite a file that appeared meanwhile.
"""

from __future__ import annotations

import os
import shlex
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlsplit, urlunsplit

from bot.storage.connection import DatabaseError
from bot.storage.sqlite import cannot_use


@dataclass(frozen=True)
class Backup:
    path: Path
    size: int
    schema_version: int
    reminders: int


def backup_sqlite(source: Path, target: Path) -> Backup:
    """Copy `source` to `target` (which must not exist); raises FileExistsError if it does,
    DatabaseError if the source cannot be read or the copy fails its integrity check."""
    if target.exists():
        raise FileExistsError(target)
    if not source.is_file():
        raise DatabaseError(f"no SQLite database at {source} to back up (set DATABASE_PATH)")
    partial = target.with_name(f".{target.name}.partial")
    partial.unlink(missing_ok=True)  # left by a backup that was itself interrupted
    try:
        _copy(source, partial)
        backup = _checked(partial, target)
        os.link(partial, target)  # unlike a rename, never replaces an existing file
    except FileExistsError:
        raise
    except OSError as exc:
        raise DatabaseError(f"cannot write the backup {target}: {exc}") from exc
    finally:
        partial.unlink(missing_ok=True)
    return backup


def _copy(source: Path, partial: Path) -> None:
    try:
        # read-only: the backup never writes to the bot's database, nor takes its process lock
        reading = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise DatabaseError(f"cannot open database file {source}: {exc}") from exc
    try:
        reading.execute("PRAGMA busy_timeout = 5000")
        writing = sqlite3.connect(partial)
        try:
            reading.backup(writing)  # every page in one step: one read transaction
            # a file of its own: no -wal beside it to be lost when it is moved or copied
            writing.execute("PRAGMA journal_mode = DELETE")
        finally:
            writing.close()
    except sqlite3.Error as exc:
        raise cannot_use(source, exc) from exc
    finally:
        reading.close()


def _checked(partial: Path, target: Path) -> Backup:
    copy = sqlite3.connect(f"{partial.resolve().as_uri()}?mode=ro", uri=True)
    try:
        problems = [row[0] for row in copy.execute("PRAGMA integrity_check")]
        if problems != ["ok"]:
            raise DatabaseError(f"the backup failed its integrity check: {'; '.join(problems)}")
        [(version,)] = copy.execute("SELECT COALESCE(MAX(version), 0) FROM schema_migrations")
        [(reminders,)] = copy.execute("SELECT COUNT(*) FROM reminders")
    except sqlite3.Error as exc:
        raise DatabaseError(f"the backup cannot be read back: {exc}") from exc
    finally:
        copy.close()
    return Backup(target, partial.stat().st_size, int(version), int(reminders))


def pg_dump_command(url: str, target: str = "PATH") -> str:
    """The pg_dump line for a PostgreSQL installation (its password left out: pg_dump reads
    PGPASSWORD or ~/.pgpass). The bot's `?search_path=` is not a libpq parameter, so it
    becomes `--schema`."""
    parts = urlsplit(url)
    schemas = parse_qs(parts.query).get("search_path", [""])[0].split(",")
    user = f"{parts.username}@" if parts.username else ""
    plain = urlunsplit(parts._replace(netloc=user + parts.netloc.rsplit("@", 1)[-1], query=""))
    schema = f" --schema={shlex.quote(schemas[0].strip())}" if schemas[0].strip() else ""
    return f"pg_dump --format=custom{schema} --file={shlex.quote(target)} {shlex.quote(plain)}"
