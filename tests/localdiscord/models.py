"""The fake Discord's world and what the driver hands back to tests."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

EPHEMERAL = 1 << 6
LOADING = 1 << 7


def shard_of(guild_id: int | None, shard_count: int) -> int:
    """Discord's routing: a server's events go to `(guild_id >> 22) % shard_count`, DMs to 0."""
    return 0 if guild_id is None else (guild_id >> 22) % shard_count


@dataclass
class User:
    id: int
    name: str
    dms_open: bool = True
    dm_channel_id: int | None = None

    def payload(self, bot: bool = False) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "username": self.name,
            "global_name": self.name,
            "discriminator": "0",
            "avatar": None,
            "bot": bot,
            "flags": 0,
            "public_flags": 0,
        }


@dataclass
class Role:
    id: int
    name: str
    permissions: int = 0
    position: int = 1

    def payload(self) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "name": self.name,
            "permissions": str(self.permissions),
            "position": self.position,
            "color": 0,
            "colors": {"primary_color": 0, "secondary_color": None, "tertiary_color": None},
            "hoist": False,
            "managed": False,
            "mentionable": True,
            "flags": 0,
        }


@dataclass
class Channel:
    id: int
    name: str
    guild_id: int | None = None
    bot_can_send: bool = True
    recipient_id: int | None = None  # DM channels
    group_members: list[int] = field(default_factory=list)  # group DMs, the bot not among them

    @property
    def type(self) -> int:
        if self.group_members:
            return 3
        return 0 if self.guild_id is not None else 1


@dataclass
class Member:
    user_id: int
    permissions: int
    role_ids: list[int] = field(default_factory=list)


@dataclass
class Guild:
    id: int
    name: str
    owner_id: int
    general: int = 0
    channels: dict[int, Channel] = field(default_factory=dict)
    roles: dict[int, Role] = field(default_factory=dict)
    members: dict[int, Member] = field(default_factory=dict)
    bot_added: bool = True  # False: members may still use the app they installed to themselves


@dataclass
class RecordedRequest:
    method: str
    path: str
    query: dict[str, str]
    json: Any
    status: int
    response: Any
    time: float
    headers: dict[str, str]
    wall: float = 0.0
    files: list[tuple[str, bytes]] = field(default_factory=list)


@dataclass
class Response:
    """The first callback of an interaction, as Discord received it."""

    type: int
    data: dict[str, Any]
    latency: float

    @property
    def ephemeral(self) -> bool:
        return bool((self.data.get("flags") or 0) & EPHEMERAL)

    @property
    def content(self) -> str:
        return self.data.get("content") or ""

    @property
    def embeds(self) -> list[dict[str, Any]]:
        return list(self.data.get("embeds") or [])

    @property
    def components(self) -> list[dict[str, Any]]:
        return list(self.data.get("components") or [])


@dataclass
class Interaction:
    """One interaction the driver sent, and everything the bot did with it."""

    id: int
    token: str
    payload: dict[str, Any]
    sent_at: float
    server: Any
    callbacks: list[Response] = field(default_factory=list)
    original_id: int | None = None
    followups: list[dict[str, Any]] = field(default_factory=list)
    files: list[tuple[str, bytes]] = field(default_factory=list)
    modal: dict[str, Any] | None = None
    choices: list[dict[str, Any]] | None = None
    shard_id: int | None = None  # the shard whose session it was sent on

    async def response(self, timeout: float = 5) -> Response:
        await self.server.wait_until(lambda: bool(self.callbacks), timeout)
        return self.callbacks[0]

    def message(self) -> dict[str, Any] | None:
        """The original response message as it is now (after any edits)."""
        if self.original_id is None:
            return None
        message: dict[str, Any] | None = self.server.messages.get(self.original_id)
        return message

    async def wait_for_followups(self, count: int, timeout: float = 5) -> list[dict[str, Any]]:
        await self.server.wait_until(lambda: len(self.followups) >= count, timeout)
        return [self.server.messages[int(m["id"])] for m in self.followups]


class NotOffered(AssertionError):
    """Discord would not show this command here, so the interaction is never delivered."""


@dataclass
class Failure:
    method: str
    pattern: Any
    status: int
    times: int


@dataclass
class Session:
    """One gateway session: the shard it identified as, and what it was sent."""

    id: str
    shard_id: int = 0
    shard_count: int = 1
    sequence: int = 0
    backlog: list[dict[str, Any]] = field(default_factory=list)
    socket: Any = None
    outbox: asyncio.Queue[dict[str, Any]] = field(default_factory=asyncio.Queue)
    writer: asyncio.Task[None] | None = None

    def handles(self, guild_id: int | None) -> bool:
        return shard_of(guild_id, self.shard_count) == self.shard_id
