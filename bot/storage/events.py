"""Change announcements: a store says what changed after it committed, and whoever cares
(the scheduler, the settings cache) listens, instead of every writer remembering to tell them.

A backend shared by several processes forwards these between them (PostgreSQL: NOTIFY with
the commit, and every process LISTENs and announces them again locally), so the events are
small, frozen, comparable and written as short notes.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from bot.storage.connection import Transaction

log = logging.getLogger("bot.storage")

Event = TypeVar("Event")


@dataclass(frozen=True)
class RemindersChanged:
    """Reminders were added, removed, paused, resumed or moved: the earliest due may have moved."""


@dataclass(frozen=True)
class GuildSettingsChanged:
    """A server's settings changed: cached copies of them are stale (None: every server's,
    when changes from other processes may have been missed)."""

    guild_id: int | None


@dataclass(frozen=True)
class DmsClosed:
    """A member's DMs were found closed: a notice waits for their next command."""

    user_id: int


Change = RemindersChanged | GuildSettingsChanged | DmsClosed


def note_of(event: object) -> str | None:
    """The note another process reads back with `event_of`; None for a local-only event."""
    if isinstance(event, RemindersChanged):
        return "reminders"
    if isinstance(event, GuildSettingsChanged) and event.guild_id is not None:
        return f"guild_settings {event.guild_id}"
    if isinstance(event, DmsClosed):
        return f"dms_closed {event.user_id}"
    return None


def event_of(note: str) -> Change | None:
    """The event a note from another process stands for; None for one this version does not
    know (a newer process may say more)."""
    kind, _, argument = note.partition(" ")
    if kind == "reminders":
        return RemindersChanged()
    if kind == "guild_settings" and argument.isdigit():
        return GuildSettingsChanged(int(argument))
    if kind == "dms_closed" and argument.isdigit():
        return DmsClosed(int(argument))
    return None


class Announcer(Generic[Event]):
    """Listeners of one kind of change; they are called synchronously and must not block."""

    def __init__(self) -> None:
        self._listeners: list[Callable[[Event], None]] = []

    def subscribe(self, listener: Callable[[Event], None]) -> Callable[[], None]:
        """Start calling `listener` for every event; returns the call that stops it."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    def announce(self, event: Event) -> None:
        """Tell every listener; one that fails is logged and the others still hear it."""
        for listener in list(self._listeners):
            try:
                listener(event)
            except Exception:
                log.exception("a listener of %s failed", type(event).__name__)

    def after_commit(self, tx: Transaction, event: Event) -> None:
        """Announce `event` once `tx` commits, here and to the processes sharing the
        database; a rollback announces nothing anywhere."""
        tx.after_commit(self.announce, event)
        note = note_of(event)
        if note is not None:
            tx.publish(note)
