"""Where Discord offers a command, as plain data: its contexts, installs and default permissions.

The command tree declares these (`contexts`, `integration_types`, `default_member_permissions`)
and Discord applies them before an interaction reaches the bot; /help applies the same rules so
it lists only what the member can use where they are.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

GUILD, BOT_DM, PRIVATE_CHANNEL = 0, 1, 2
"""Interaction contexts: a server, the bot's DMs, a DM or group DM between people."""
GUILD_INSTALL, USER_INSTALL = 0, 1
"""Installation types: added to a server, or to a member's own account."""
ADMINISTRATOR = 1 << 3
EVERY_CONTEXT = frozenset({GUILD, BOT_DM, PRIVATE_CHANNEL})


@dataclass(frozen=True)
class Offer:
    """Where a top-level command is offered, read from the body synced to Discord."""

    contexts: frozenset[int]
    installs: frozenset[int]
    default_permissions: int | None = None

    @classmethod
    def from_payload(cls, payload: Mapping[str, Any]) -> Offer:
        """Fields left out take Discord's defaults: every context (only servers without DM
        permission) and a server install."""
        contexts = payload.get("contexts")
        if contexts is None:
            contexts = EVERY_CONTEXT if payload.get("dm_permission", True) else {GUILD}
        installs = payload.get("integration_types") or [GUILD_INSTALL]
        permissions = payload.get("default_member_permissions")
        return cls(
            contexts=frozenset(contexts),
            installs=frozenset(installs),
            default_permissions=None if permissions is None else int(permissions),
        )


@dataclass(frozen=True)
class Place:
    """Where a member is: the context, the installs that reach it, their permissions there."""

    context: int
    installs: frozenset[int]
    permissions: int = 0


def offered(offer: Offer, place: Place) -> bool:
    """Whether Discord shows the command to this member here (server admins can still grant
    more per role or channel; the commands check again when run)."""
    if place.context not in offer.contexts or not offer.installs & place.installs:
        return False
    required = offer.default_permissions
    if place.context != GUILD or required is None or place.permissions & ADMINISTRATOR:
        return True
    return required != 0 and required & ~place.permissions == 0
