"""What a reminder DM's notification says: /reminders notification-text. A phone shows a DM's
text on the lock screen, where anyone may read it, so it names only the kind of reminder
unless the member chooses to show their own note there too."""

from __future__ import annotations

from typing import Any

import discord
from discord import app_commands

from bot.core.client import SciaticaBot
from bot.storage import NOTIFY_KIND, NOTIFY_NOTE, ReminderKind, ReminderRow
from cogs.reminders.base import ReminderBase

NOTIFY_KEYS = {
    ReminderKind.STRETCH: "reminders.notify_stretch",
    ReminderKind.MASSAGE: "reminders.notify_massage",
    ReminderKind.ONCE: "reminders.notify_once",
    ReminderKind.APPOINTMENT: "reminders.notify_appointment",
}
"""The discreet text line of each kind of reminder DM."""


class Notifying(ReminderBase):
    """The text line of every reminder DM, and the member's choice of what it shows."""

    async def notification_line(self, reminder: ReminderRow) -> str:
        """The kind of reminder ("Stretch reminder"), never a health detail, unless the member
        chose to show their note too ("Stretch reminder: hamstrings")."""
        text = self.bot.messages
        kind = text(NOTIFY_KEYS[reminder.kind])
        if not reminder.note or reminder.user_id is None:
            return kind
        if await self.reminders.notification(reminder.user_id) != NOTIFY_NOTE:
            return kind
        return text("reminders.notify_with_note", kind=kind, note=" ".join(reminder.note.split()))

    @app_commands.command(
        name="notification-text",
        description="What your phone's lock screen shows for a reminder: its kind, or your note.",
    )
    @app_commands.describe(show="Only the kind of reminder (private), or your own note too.")
    @app_commands.choices(
        show=[
            app_commands.Choice(name="only the kind of reminder", value=NOTIFY_KIND),
            app_commands.Choice(name="my own note too", value=NOTIFY_NOTE),
        ]
    )
    async def notification_text(
        self, interaction: discord.Interaction[SciaticaBot], show: str
    ) -> None:
        choice = NOTIFY_NOTE if show == NOTIFY_NOTE else NOTIFY_KIND
        await self.reminders.set_notification(interaction.user.id, choice, self._unix())
        key = (
            "reminders.notification_note"
            if choice == NOTIFY_NOTE
            else "reminders.notification_kind"
        )
        await interaction.response.send_message(self.bot.messages(key), ephemeral=True)

    def notification_privacy_line(self, rows: list[dict[str, Any]]) -> str:
        """What /privacy show says about the choice (the default when none was made)."""
        choice = rows[0].get("notification") if rows else NOTIFY_KIND
        key = (
            "reminders.privacy_notification_note"
            if choice == NOTIFY_NOTE
            else "reminders.privacy_notification_kind"
        )
        return self.bot.messages(key)
