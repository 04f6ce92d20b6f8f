"""Community stretch breaks: a server's one scheduled post (a row of the reminders table, so the
scheduler fires it) and who joined it each day (stretch_break_joins)."""

from __future__ import annotations

from typing import Any

from bot.storage.connection import Database, Transaction
from bot.storage.guild_settings import GuildSettingsStore
from bot.storage.kinds import ReminderKind
from bot.storage.reminders import ReminderRow, ReminderStore

KIND = ReminderKind.STRETCH_BREAK


class StretchBreakStore:
    """The break itself goes through the reminders store (which announces it to the
    scheduler), its audit line through the settings store; the joins are kept here."""

    def __init__(
        self, database: Database, reminders: ReminderStore, settings: GuildSettingsStore
    ) -> None:
        self.db = database
        self.reminders = reminders
        self.settings = settings

    async def current(self, guild_id: int) -> ReminderRow | None:
        return await self.reminders.of_guild(guild_id, KIND)

    async def save(
        self,
        *,
        guild_id: int,
        channel_id: int,
        role_id: int | None,
        schedule: str,
        next_due_at: int,
        moderator_id: int,
        audit: tuple[str | None, str | None],
        now: int,
    ) -> None:
        """Replace the server's stretch break and audit it, in one transaction."""
        async with self.db.transaction() as tx:
            await self.reminders.replace_for_guild(
                tx,
                kind=KIND,
                guild_id=guild_id,
                channel_id=channel_id,
                role_id=role_id,
                schedule=schedule,
                next_due_at=next_due_at,
                now=now,
            )
            await self.settings.audit(tx, guild_id, moderator_id, KIND, *audit, now)

    async def turn_off(self, guild_id: int, moderator_id: int, old: str | None, now: int) -> None:
        async with self.db.transaction() as tx:
            await self.reminders.delete_for_guild(tx, guild_id, KIND)
            await self.settings.audit(tx, guild_id, moderator_id, KIND, old, None, now)

    async def drop(self, tx: Transaction, guild_id: int) -> None:
        """Part of a settings reset: the break stops (the reset itself is audited)."""
        await self.reminders.delete_for_guild(tx, guild_id, KIND)

    async def record_join(self, guild_id: int, local_date: str, user_id: int) -> int:
        """Count a member in today's stretch break (once) and return today's total."""
        async with self.db.transaction() as tx:
            await tx.execute(
                "INSERT INTO stretch_break_joins (guild_id, local_date, user_id) VALUES (?, ?, ?)"
                " ON CONFLICT DO NOTHING",
                (guild_id, local_date, user_id),
            )
            row = await tx.fetch_one(
                "SELECT COUNT(*) FROM stretch_break_joins WHERE guild_id = ? AND local_date = ?",
                (guild_id, local_date),
            )
        return int(row[0]) if row else 0

    async def forget_guild(self, tx: Transaction, guild_id: int) -> None:
        await tx.execute("DELETE FROM stretch_break_joins WHERE guild_id = ?", (guild_id,))
        await self.reminders.delete_for_guild(tx, guild_id, KIND)

    async def export_member(self, user_id: int) -> dict[str, list[dict[str, Any]]]:
        rows = await self.db.fetch_all(
            "SELECT * FROM stretch_break_joins WHERE user_id = ?", (user_id,)
        )
        return {"stretch_break_joins": [dict(row) for row in rows]}

    async def forget_member(self, tx: Transaction, user_id: int) -> None:
        await tx.execute("DELETE FROM stretch_break_joins WHERE user_id = ?", (user_id,))
