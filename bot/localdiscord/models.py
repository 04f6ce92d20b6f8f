"""The local Discord's records: who and what is in its world, and what the driver hands back
to tests."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from .constants import ChannelType, ErrorCode, MessageFlag


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
    def type(self) -> ChannelType:
        if self.group_members:
            return ChannelType.GROUP_DM
        return ChannelType.GUILD_TEXT if self.guild_id is not None else ChannelType.DM


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
    """One REST request the bot made and Discord's answer; `wall` is when (time.time())."""

    method: str
    path: str
    json: Any
    status: int
    response: Any
    wall: float
    files: list[tuple[str, bytes]] = field(default_factory=list)  # uploads, as (name, bytes)


@dataclass
class Response:
    """The first callback of an interaction, as Discord received it."""

    type: int
    data: dict[str, Any]
    latency: float
    """Seconds from INTERACTION_CREATE sent to this callback's arrival (before its body was
    read)."""

    @property
    def ephemeral(self) -> bool:
        return bool((self.data.get("flags") or 0) & MessageFlag.EPHEMERAL)

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
    shard_id: int  # the shard whose session it was sent on
    changes: Changes
    messages: dict[int, dict[str, Any]]  # the world's, where its answers are kept up to date
    callbacks: list[Response] = field(default_factory=list)
    original_id: int | None = None
    followups: list[dict[str, Any]] = field(default_factory=list)
    files: list[tuple[str, bytes]] = field(default_factory=list)
    choices: list[dict[str, Any]] | None = None

    async def response(self, timeout: float = 5) -> Response:
        await self.changes.wait_until(lambda: bool(self.callbacks), timeout)
        return self.callbacks[0]

    def message(self) -> dict[str, Any] | None:
        """The original response message as it is now (after any edits)."""
        if self.original_id is None:
            return None
        return self.messages.get(self.original_id)

    async def wait_for_followups(self, count: int, timeout: float = 5) -> list[dict[str, Any]]:
        await self.changes.wait_until(lambda: len(self.followups) >= count, timeout)
        return [self.messages[int(m["id"])] for m in self.followups]


class EventKind(StrEnum):
    """What a subscriber hears, as the bot's answers happen."""

    MESSAGE_CREATED = "message_created"  # posted, or an interaction's answer (ephemeral, deferred)
    MESSAGE_EDITED = "message_edited"
    MESSAGE_DELETED = "message_deleted"
    INTERACTION_CALLBACK = "interaction_callback"  # every first answer, messages or not
    INTERACTION_EXPIRED = "interaction_expired"  # no answer within the deadline


@dataclass(frozen=True)
class Event:
    """One thing the bot did. `message` is the message as it is now; `interaction` is the
    payload of the interaction it answers (None for the bot's own posts and DMs)."""

    kind: EventKind
    message: dict[str, Any] | None = None
    interaction: dict[str, Any] | None = None
    callback: Response | None = None


Listener = Callable[[Event], None]


class Changes:
    """One condition for everything tests wait on: each request and gateway step notifies it,
    so a test awaits the state it expects instead of sleeping."""

    def __init__(self) -> None:
        self._condition = asyncio.Condition()

    async def notify(self) -> None:
        async with self._condition:
            self._condition.notify_all()

    async def wait_until(self, predicate: Callable[[], bool], timeout: float = 5) -> None:
        async with asyncio.timeout(timeout), self._condition:
            await self._condition.wait_for(predicate)


class DiscordError(Exception):
    """An error answer as Discord gives it; raised wherever a route finds the request wrong."""

    def __init__(self, status: int, code: ErrorCode, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.status = status
        self.body = {"message": message, "code": code, **extra}

    @classmethod
    def form(cls, problems: list[str]) -> DiscordError:
        """400 / 50035, the answer to a body that breaks one of Discord's limits."""
        errors = {"_errors": problems}
        return cls(400, ErrorCode.INVALID_FORM_BODY, "Invalid Form Body", errors=errors)


class NotOffered(AssertionError):
    """Discord would not show this command here, so the interaction is never delivered."""


class NotAllowed(AssertionError):
    """Discord's client would not let a member send this value (a string option longer than
    its max_length, say), so the interaction is never delivered."""


@dataclass
class Failure:
    """A failure a test injected: the next `times` requests matching get `status`."""

    method: str
    pattern: re.Pattern[str]
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
