"""The Reminders cog: its commands, DMs and buttons come from the modules beside it, one
concern each; this puts them together and answers for the member data they keep."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.core.client import ClientT, SciaticaBot, sciatica_interaction
from bot.core.contracts import Export
from bot.core.guild_config import Toggle
from bot.storage import MEMBER_KINDS, Transaction
from bot.ui.checks import require_feature
from bot.ui.routine import RoutineButton
from cogs.reminders.dms import Delivering, ReminderButton, SnoozeButton
from cogs.reminders.edits import Editing
from cogs.reminders.listing import Listing, ListPageButton
from cogs.reminders.manage import Managing
from cogs.reminders.one_offs import APPOINTMENT_FORM, AddAppointmentButton, OneOffs

REMINDERS = Toggle("reminders", "features.reminders")


@app_commands.allowed_installs(guilds=True, users=True)
@app_commands.allowed_contexts(guilds=True, dms=True, private_channels=True)
class Reminders(
    Delivering,
    Editing,
    Listing,
    Managing,
    OneOffs,
    commands.GroupCog,
    group_name="reminders",
    group_description="Stretching and massage reminders, sent to you by DM.",
):
    """Reminders a member sets for themselves; all answers are private."""

    def __init__(self, bot: SciaticaBot) -> None:
        self.bot = bot
        self.reminders = bot.stores.reminders
        self.members = bot.stores.members
        super().__init__()

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(
            ReminderButton, SnoozeButton, AddAppointmentButton, ListPageButton, RoutineButton
        )
        self.bot.forms.add(APPOINTMENT_FORM, self.form_sent)
        for kind in MEMBER_KINDS:
            self.bot.scheduler.register(kind, self.deliver)

    async def cog_unload(self) -> None:
        self.bot.forms.remove(APPOINTMENT_FORM)
        for kind in MEMBER_KINDS:
            self.bot.scheduler.unregister(kind)
        self.bot.remove_dynamic_items(
            ReminderButton, SnoozeButton, AddAppointmentButton, ListPageButton, RoutineButton
        )

    async def interaction_check(self, interaction: discord.Interaction[ClientT], /) -> bool:
        return await require_feature(sciatica_interaction(interaction), REMINDERS)

    def toggles(self) -> list[Toggle]:
        return [REMINDERS]

    # --- a member's data (MemberData) --------------------------------------------------------

    async def export_member(self, user_id: int) -> Export:
        """Their reminders and reminder settings, what was delivered of them, and the "done"
        marks of their streak (their quiet hours are on the member's own row)."""
        return {
            **await self.reminders.export_member(user_id),
            **await self.bot.stores.ledger.export_member(user_id),
            **await self.members.export_completions(user_id),
            **await self.bot.stores.sessions.export_member(user_id),
        }

    async def forget_member(self, tx: Transaction, user_id: int) -> None:
        await self.reminders.forget_member(tx, user_id)
        await self.members.forget_completions(tx, user_id)
        await self.bot.stores.sessions.forget_member(tx, user_id)

    def privacy_lines(self, data: Export) -> list[str]:
        text = self.bot.messages
        settings = data.get("reminder_settings", [])
        lines = [
            text("reminders.privacy_reminders", count=len(data.get("reminders", []))),
            text("reminders.privacy_completions", count=len(data.get("completions", []))),
            text("reminders.privacy_sessions", count=len(data.get("session_marks", []))),
        ]
        if settings or data.get("reminders"):
            lines.append(self.notification_privacy_line(settings))
        return lines
