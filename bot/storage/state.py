"""Facts the bot keeps about itself, by key (e.g. the hash of the command tree it last synced)."""

from __future__ import annotations

from bot.storage.connection import Database, Executor


class BotStateStore:
    def __init__(self, database: Database) -> None:
        self.db = database

    async def get(self, key: str, tx: Executor | None = None) -> str | None:
        """In `tx` when the caller holds a lock for the key (e.g. syncing commands once)."""
        row = await (tx or self.db).fetch_one("SELECT value FROM bot_state WHERE key = ?", (key,))
        return None if row is None else str(row[0])

    async def set(self, key: str, value: str, tx: Executor | None = None) -> None:
        await (tx or self.db).execute(
            "INSERT INTO bot_state (key, value) VALUES (?, ?)"
            " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (key, value),
        )
