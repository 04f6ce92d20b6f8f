"""The file a SQLite database was opened from, whether its path still leads to it, and this
process's hold on it (an exclusive lock on `<file>.lock`).

Deleted (a cleaner emptying a temporary folder) or replaced, the open file lives on only in
this process: the bot would go on confirming reminders into a file nobody opens again, and the
next start would begin empty. So each write first compares the file at the path with the one
opened (device and inode, one stat), and once they differ nothing more is written; the bot
saves what the open file holds back to the path and stops (bot.core.client).
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys
import time
from pathlib import Path

from bot.storage.connection import DatabaseError

log = logging.getLogger("bot.storage")

if sys.platform == "win32":  # pragma: no cover - the bot is developed and tested on Linux
    import msvcrt

    def _try_lock(fd: int) -> bool:
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

else:
    import fcntl

    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True


def lock_path(path: Path) -> Path:
    return path.with_name(path.name + ".lock")


def hold_process_lock(path: Path) -> int:
    """Lock `<file>.lock` for this process's lifetime; refuse if another process holds it."""
    try:
        fd = os.open(lock_path(path), os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise DatabaseError(f"cannot create the lock file {lock_path(path)}: {exc}") from exc
    if not _try_lock(fd):
        os.close(fd)
        raise DatabaseError(
            f"database file {path} is in use by another running bot: one process per SQLite"
            " file (two would send every reminder twice); to run several, set DATABASE_URL"
            " to a PostgreSQL database"
        )
    return fd


class DatabaseFile:
    def __init__(self, path: Path, *, created: bool) -> None:
        self.path = path.resolve()
        stat = os.stat(self.path)
        self._identity = (stat.st_dev, stat.st_ino)
        self.problem: str | None = None
        self.lost = asyncio.Event()  # set once the file at `path` is not the one open
        self.saved_copy: Path | None = None
        self.saved_to: Path | None = None
        if created:
            log.info("no database file at %s: created a new, empty one", self.path)

    def check(self) -> str | None:
        """Why the file at `path` is no longer the one open (deleted, replaced), or None."""
        if self.problem is not None:
            return self.problem
        try:
            stat = os.stat(self.path)
        except FileNotFoundError:
            self.problem = f"database file {self.path} was deleted while the bot ran"
        else:
            if (stat.st_dev, stat.st_ino) != self._identity:
                self.problem = f"database file {self.path} was replaced while the bot ran"
        if self.problem is not None:
            self.lost.set()
        return self.problem

    def copy_path(self) -> Path:
        """Where to save what the open file holds: beside its path (the folder made again if
        it went too)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        return self.path.with_name(f"{self.path.name}.saved-{int(time.time())}")

    def restore_saved_copy(self) -> None:
        """Once the database is closed: the saved copy goes to the path if nothing is there
        now, after the deleted file's journal (SQLite leaves it when its file was deleted; the
        copy already holds what it held, and replayed onto the copy it would corrupt it). A
        file put at the path meanwhile is left alone, and the copy stays beside it."""
        copy, self.saved_copy = self.saved_copy, None
        if copy is None:
            return
        if self.path.exists():
            self.saved_to = copy
            return
        for suffix in ("-wal", "-shm"):
            self.path.with_name(self.path.name + suffix).unlink(missing_ok=True)
        os.replace(copy, self.path)
        self.saved_to = self.path

    def saved_note(self) -> str:
        """Where what the open file held went, for the line the bot stops with."""
        if self.saved_to is None:
            return "What it held could not be saved (see the log above)."
        if self.saved_to == self.path:
            return f"What it held is back at {self.path}: start the bot again to carry on."
        return (
            f"What it held is saved in {self.saved_to}; the file now at {self.path} was left alone."
        )


def is_new(path: Path) -> bool:
    return not path.exists()
