"""Sessions of their own on PostgreSQL: what counts as a lost connection, the heartbeat that
notices one that died without telling, and the lead held as a session advisory lock, which
PostgreSQL releases the moment that session ends, however the process holding it died."""

from __future__ import annotations

import asyncio
import contextlib
import logging

import asyncpg

from bot.storage.connection import DatabaseError, DatabaseUnreachable
from bot.tasks import spawn

log = logging.getLogger("bot.storage")

HEARTBEAT_SECONDS = 1.0
"""How often a held lead and the listening connection prove they are still connected."""
SILENCE_SECONDS = 10.0
"""How long a heartbeat may go unanswered before its connection counts as lost. A busy event
loop or database can be slow to answer for a few seconds; giving up the lead then only moves it
to another process for nothing. A connection that really ends (its process died, the server
closed it) is noticed at once, without waiting for this."""

# errors that mean "the server is unreachable or refused us", as opposed to a bug in a query
CONNECTION_ERRORS = (
    OSError,
    TimeoutError,
    asyncpg.PostgresConnectionError,
    asyncpg.InterfaceError,
    asyncpg.InvalidCatalogNameError,
    asyncpg.InvalidAuthorizationSpecificationError,
    asyncpg.InvalidPasswordError,
    asyncpg.CannotConnectNowError,
)
# of those, the ones that say "not now" (the server is down, starting or full) rather than
# "never" (no such database, a wrong password or user)
UNREACHABLE_ERRORS = (
    OSError,
    TimeoutError,
    asyncpg.PostgresConnectionError,
    asyncpg.InterfaceError,
    asyncpg.CannotConnectNowError,
    asyncpg.TooManyConnectionsError,
)


def cannot(action: str, where: str, exc: Exception) -> DatabaseError:
    """Why PostgreSQL failed, as one of two kinds: unreachable (trying again later may work)
    or refused (a wrong URL, password or right, which no retry fixes). `where` is the URL
    without its password."""
    kind = DatabaseUnreachable if isinstance(exc, UNREACHABLE_ERRORS) else DatabaseError
    return kind(f"cannot {action} PostgreSQL at {where}: {exc}")


class PostgresLead:
    """The lead, held as a session advisory lock on a connection of its own: PostgreSQL
    releases it the moment that session ends, however the process holding it died."""

    def __init__(self, connection: asyncpg.Connection, heartbeat: float) -> None:
        self._conn = connection
        self.lost = asyncio.Event()
        connection.add_termination_listener(lambda _: self.lost.set())
        self._watch = spawn(self._heartbeat(heartbeat), "lead-heartbeat")

    async def _heartbeat(self, every: float) -> None:
        """A connection can die without telling us (a dropped network): ask it every beat."""
        while not self.lost.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.lost.wait(), every)
            if self.lost.is_set():
                return
            try:
                await self._conn.fetchval("SELECT 1", timeout=SILENCE_SECONDS)
            except (*CONNECTION_ERRORS, asyncpg.PostgresError):
                log.warning("the connection holding the lead was lost")
                self.lost.set()

    async def release(self) -> None:
        self._watch.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._watch
        with contextlib.suppress(*CONNECTION_ERRORS, asyncpg.PostgresError):
            await self._conn.close(timeout=2)
        self._conn.terminate()
        self.lost.set()


async def alive(connection: asyncpg.Connection) -> bool:
    if connection.is_closed():
        return False
    try:
        await connection.fetchval("SELECT 1", timeout=SILENCE_SECONDS)
    except (*CONNECTION_ERRORS, asyncpg.PostgresError):
        return False
    return True
