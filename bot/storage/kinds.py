"""The words the reminders and deliveries tables store, as types the checker sees: each member's
value is the exact string in the database (both backends), so naming one wrong fails the type
check instead of a query."""

from __future__ import annotations

from enum import StrEnum


class ReminderKind(StrEnum):
    """What a reminder is for (reminders.kind); a member owns all but STRETCH_BREAK."""

    STRETCH = "stretch"
    MASSAGE = "massage"
    ONCE = "once"
    APPOINTMENT = "appointment"
    STRETCH_BREAK = "stretch_break"
    """A server's community stretch break, posted in a channel."""


MEMBER_KINDS = (
    ReminderKind.STRETCH,
    ReminderKind.MASSAGE,
    ReminderKind.ONCE,
    ReminderKind.APPOINTMENT,
)
"""The kinds a member creates and gets by DM."""


class ReminderStatus(StrEnum):
    """reminders.status: ACTIVE comes when due (also while paused for some days, which
    paused_until says); PAUSED waits until resumed."""

    ACTIVE = "active"
    PAUSED = "paused"


class PauseReason(StrEnum):
    """reminders.paused_reason when the bot paused a reminder (None: the member did)."""

    DMS_CLOSED = "dms_closed"
    CANNOT_POST = "cannot_post"


class DeliveryState(StrEnum):
    """deliveries.state: how one occurrence's delivery ended (CLAIMED while it is being sent)."""

    CLAIMED = "claimed"
    SENT = "sent"
    FAILED = "failed"
    ABANDONED = "abandoned"
