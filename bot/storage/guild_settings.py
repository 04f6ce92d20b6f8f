"""Per-server settings (raw key/value; bot.core.guild_config gives them types and defaults) and the
audit trail of every change a moderator made."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.storage.connection import Database, Transaction, within
from bot.storage.events import Announcer, GuildSettingsChanged

Changes = dict[str, tuple[str | None, str | None]]
"""{setting: (old, new)}; None is "not set"."""


@dataclass(frozen=True)
class AuditEntry:
    moderator_id: int
    setting: str
    old_value: str | None
    new_value: str | None
    changed_at: int


class GuildSettingsStore:
    """Every change is announced after its commit, so cached copies are dropped."""

    def __init__(self, database: Database) -> None:
        self.db = database
        self.changes: Announcer[GuildSettingsChanged] = Announcer()

    async def load(self, guild_id: int) -> dict[str, str]:
        rows = await self.db.fetch_all(
            "SELECT key, value FROM guild_settings WHERE guild_id = ?", (guild_id,)
        )
        return {str(key): str(value) for key, value in rows}

    async def change(
        self,
        guild_id: int,
        moderator_id: int,
        values: dict[str, str | None],
        now: int,
        tx: Transaction | None = None,
    ) -> Changes:
        """Store the keys whose value differs (None clears one), each with its audit row, in
        one transaction; returns what changed, old -> new, as read inside that transaction."""
        async with within(self.db, tx) as tx:
            await tx.lock(f"guild_settings {guild_id}")  # old values are read in turn
            rows = await tx.fetch_all(
                "SELECT key, value FROM guild_settings WHERE guild_id = ?", (guild_id,)
            )
            current = {str(key): str(value) for key, value in rows}
            changes = {
                key: (current.get(key), value)
                for key, value in values.items()
                if current.get(key) != value
            }
            for key, (old, new) in changes.items():
                if new is None:
                    await tx.execute(
                        "DELETE FROM guild_settings WHERE guild_id = ? AND key = ?", (guild_id, key)
                    )
                else:
                    await tx.execute(
                        "INSERT INTO guild_settings (guild_id, key, value) VALUES (?, ?, ?)"
                        " ON CONFLICT (guild_id, key) DO UPDATE SET value = excluded.value",
                        (guild_id, key, new),
                    )
                await self.audit(tx, guild_id, moderator_id, key, old, new, now)
            if changes:
                self.changes.after_commit(tx, GuildSettingsChanged(guild_id))
        return changes

    async def reset(self, tx: Transaction, guild_id: int, moderator_id: int, now: int) -> Changes:
        """Every setting of the server back to its default, audited."""
        rows = await tx.fetch_all("SELECT key FROM guild_settings WHERE guild_id = ?", (guild_id,))
        return await self.change(
            guild_id, moderator_id, {str(row[0]): None for row in rows}, now, tx
        )

    async def audit(
        self,
        tx: Transaction,
        guild_id: int,
        moderator_id: int,
        setting: str,
        old: str | None,
        new: str | None,
        now: int,
    ) -> None:
        """One line of the audit trail, in the caller's transaction (any feature's setting)."""
        await tx.execute(
            "INSERT INTO audit_log"
            " (guild_id, moderator_id, setting, old_value, new_value, changed_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (guild_id, moderator_id, setting, old, new, now),
        )

    async def recent_changes(self, guild_id: int, limit: int) -> list[AuditEntry]:
        rows = await self.db.fetch_all(
            "SELECT moderator_id, setting, old_value, new_value, changed_at FROM audit_log"
            " WHERE guild_id = ? ORDER BY changed_at DESC, id DESC LIMIT ?",
            (guild_id, limit),
        )
        return [AuditEntry(*row) for row in rows]

    async def forget_guild(self, tx: Transaction, guild_id: int) -> None:
        """The bot left the server: its settings and audit trail go."""
        await tx.execute("DELETE FROM guild_settings WHERE guild_id = ?", (guild_id,))
        await tx.execute("DELETE FROM audit_log WHERE guild_id = ?", (guild_id,))
        self.changes.after_commit(tx, GuildSettingsChanged(guild_id))

    # --- a moderator's data, for /privacy ----------------------------------------------------

    async def export_moderator(self, user_id: int) -> dict[str, list[dict[str, Any]]]:
        rows = await self.db.fetch_all("SELECT * FROM audit_log WHERE moderator_id = ?", (user_id,))
        return {"audit_log": [dict(row) for row in rows]}

    async def forget_moderator(self, tx: Transaction, user_id: int) -> None:
        """Audit entries stay for the server's record but no longer name the moderator."""
        await tx.execute("UPDATE audit_log SET moderator_id = 0 WHERE moderator_id = ?", (user_id,))
