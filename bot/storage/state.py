"""Facts the bot keeps about itself, by key (e.g. the hash of the command tree it last synced)."""

from __future__ import annotations

from bot.storage.connection import Database


class BotStateStore:
    def __init__(self, database: Database) -> None:
        self.db = database

    async def get(self, key: str) -> str | None:
        row = await self.db.fetch_one("SELECT value FROM bot_state WHERE key = ?", (key,))
        return None if row is None else str(row[0])

    async def set(self, key: str, value: str) -> None:
        await self.db.execute(
            "INSERT INTO bot_state (key, value) VALUES (?, ?)"
            " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (key, value),
        )
