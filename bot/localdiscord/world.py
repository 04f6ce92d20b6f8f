"""What the local Discord knows: people, servers, channels, messages and the synced commands,
and the payloads Discord describes them with. Plain data: telling the bot about a change is the
gateway's part (FakeDiscord does both)."""

from __future__ import annotations

import itertools
import re
from datetime import UTC, datetime
from typing import Any

from .constants import (
    BOT_PERMISSIONS,
    MEMBER_PERMISSIONS,
    ChannelType,
    MessageFlag,
    OverwriteType,
    Permission,
)
from .models import Channel, Event, EventKind, Guild, Listener, Member, Role, User

FIRST_ID = 1_100_000_000_000_000_000
USER_MENTION = re.compile(r"<@!?(\d+)>")
ROLE_MENTION = re.compile(r"<@&(\d+)>")
EVERYONE = re.compile(r"@(?:everyone|here)")
JOINED_AT = "2026-01-01T00:00:00+00:00"


class World:
    """Everything keyed by snowflake; `channel_log` is each channel's visible messages in order,
    `origins` maps a message to the interaction payload it answers, `files` keeps the bytes of
    each attachment by its ID, served at `cdn_base`."""

    def __init__(self, application_name: str = "Sciatica Companion") -> None:
        self._ids = itertools.count(FIRST_ID)
        self.application_id = self.next_id()
        self.bot_user = User(self.application_id, application_name)
        self.users: dict[int, User] = {}
        self.guilds: dict[int, Guild] = {}
        self.channels: dict[int, Channel] = {}
        self.messages: dict[int, dict[str, Any]] = {}
        self.channel_log: dict[int, list[int]] = {}
        self.commands: dict[int | None, list[dict[str, Any]]] = {}  # None: the global ones
        self.nonces: dict[tuple[int, str], int] = {}
        self.origins: dict[int, dict[str, Any]] = {}
        self.files: dict[int, bytes] = {}
        self.cdn_base = "https://cdn.invalid"
        self.listeners: list[Listener] = []

    def next_id(self) -> int:
        return next(self._ids)

    def id_on_shard(self, shard_id: int, shard_count: int) -> int:
        """A fresh snowflake whose timestamp part lands on the shard: the low 22 bits keep it
        unique, and later IDs from the counter stay below it for 4 million IDs."""
        base = self.next_id()
        timestamp = base >> 22
        timestamp += (shard_id - timestamp) % shard_count
        return (timestamp << 22) | (base & ((1 << 22) - 1))

    # --- people and places -----------------------------------------------------------------

    def add_user(self, name: str) -> User:
        user = User(self.next_id(), name)
        self.users[user.id] = user
        return user

    def add_guild(self, name: str, guild_id: int) -> Guild:
        """A server with its @everyone role and a #general channel, the bot not yet in it."""
        guild = Guild(guild_id, name, owner_id=self.next_id(), bot_added=False)
        guild.roles[guild.id] = Role(guild.id, "@everyone", MEMBER_PERMISSIONS, position=0)
        self.guilds[guild.id] = guild
        guild.general = self.add_text_channel(guild.id, "general").id
        return guild

    def add_bot(self, guild: Guild) -> None:
        """The bot joins the server with its own role."""
        bot_role = Role(self.next_id(), self.bot_user.name, BOT_PERMISSIONS)
        guild.roles[bot_role.id] = bot_role
        guild.members[self.bot_user.id] = Member(self.bot_user.id, BOT_PERMISSIONS, [bot_role.id])
        guild.bot_added = True

    def add_role(self, guild_id: int, name: str) -> Role:
        role = Role(self.next_id(), name)
        self.guilds[guild_id].roles[role.id] = role
        return role

    def add_member(self, guild_id: int, user_id: int, permissions: int) -> None:
        self.guilds[guild_id].members[user_id] = Member(user_id, permissions)

    def bot_guilds(self) -> list[Guild]:
        return [guild for guild in self.guilds.values() if guild.bot_added]

    def add_text_channel(self, guild_id: int, name: str, bot_can_send: bool = True) -> Channel:
        channel = Channel(self.next_id(), name, guild_id, bot_can_send)
        self.channels[channel.id] = channel
        self.guilds[guild_id].channels[channel.id] = channel
        return channel

    def add_group_dm(self, *users: User) -> Channel:
        channel = Channel(self.next_id(), "group", group_members=[u.id for u in users])
        self.channels[channel.id] = channel
        return channel

    def default_group_dm(self, user: User) -> Channel:
        """The member's group DM with a friend, made on first use."""
        for channel in self.channels.values():
            if channel.group_members and channel.group_members[0] == user.id:
                return channel
        return self.add_group_dm(user, self.add_user(f"{user.name}-friend"))

    def dm_channel(self, user_id: int) -> int:
        """The user's DM channel with the bot, created on first use (as Discord does)."""
        user = self.users[user_id]
        if user.dm_channel_id is None:
            channel = Channel(self.next_id(), f"dm-{user.name}", recipient_id=user.id)
            self.channels[channel.id] = channel
            user.dm_channel_id = channel.id
        return user.dm_channel_id

    # --- messages --------------------------------------------------------------------------

    def new_message(
        self, channel_id: int, body: dict[str, Any], *, flags: int = 0, webhook: bool = False
    ) -> dict[str, Any]:
        """A message by the bot (`webhook`: an interaction's answer), stored but not yet shown
        in the channel: ephemeral and deferred answers never are."""
        message: dict[str, Any] = {
            "id": str(self.next_id()),
            "channel_id": str(channel_id),
            "author": self.bot_user.payload(bot=True),
            "content": body.get("content") or "",
            "timestamp": datetime.now(UTC).isoformat(),
            "edited_timestamp": None,
            "tts": False,
            "attachments": [],
            "embeds": body.get("embeds") or [],
            "components": body.get("components") or [],
            "pinned": False,
            "type": 0,
            "flags": flags | (body.get("flags") or 0),
            "nonce": body.get("nonce"),
            "allowed_mentions": body.get("allowed_mentions"),
        }
        self.resolve_mentions(message)
        if webhook:
            message["webhook_id"] = str(self.application_id)
            message["application_id"] = str(self.application_id)
        channel = self.channels.get(channel_id)
        if channel is not None and channel.guild_id is not None:
            message["guild_id"] = str(channel.guild_id)
        self.messages[int(message["id"])] = message
        return message

    def post(self, message: dict[str, Any]) -> None:
        """The message appears in its channel, after those already there."""
        self.channel_log.setdefault(int(message["channel_id"]), []).append(int(message["id"]))

    def channel_messages(self, channel_id: int) -> list[dict[str, Any]]:
        return [self.messages[m] for m in self.channel_log.get(channel_id, [])]

    def dm_messages(self, user_id: int) -> list[dict[str, Any]]:
        channel_id = self.users[user_id].dm_channel_id
        return self.channel_messages(channel_id) if channel_id else []

    def edit_message(self, message: dict[str, Any], body: dict[str, Any]) -> dict[str, Any]:
        """An edit: the fields the body names are replaced, a deferred answer stops loading."""
        for key in ("content", "embeds", "components", "allowed_mentions"):
            if key in body:
                message[key] = (
                    body[key] if body[key] is not None else ([] if key != "content" else "")
                )
        if "flags" in body and body["flags"] is not None:
            message["flags"] = (message["flags"] & MessageFlag.EPHEMERAL) | body["flags"]
        message["flags"] &= ~int(MessageFlag.LOADING)  # an IntFlag's ~ would drop unnamed flags
        message["edited_timestamp"] = datetime.now(UTC).isoformat()
        self.resolve_mentions(message)
        return message

    def resolve_mentions(self, message: dict[str, Any]) -> None:
        """Who the message pings, as Discord works it out: the mentions its content holds,
        narrowed by `allowed_mentions` (none given: everything in the content). Embeds never
        ping."""
        content = message.get("content") or ""
        allowed = message.get("allowed_mentions")
        parse = set(allowed.get("parse") or []) if allowed is not None else None
        users = {int(u) for u in (allowed or {}).get("users") or []}
        roles = {int(r) for r in (allowed or {}).get("roles") or []}
        message["mentions"] = [
            self.users[int(found)].payload()
            for found in dict.fromkeys(USER_MENTION.findall(content))
            if int(found) in self.users
            and (parse is None or "users" in parse or int(found) in users)
        ]
        message["mention_roles"] = [
            found
            for found in dict.fromkeys(ROLE_MENTION.findall(content))
            if parse is None or "roles" in parse or int(found) in roles
        ]
        message["mention_everyone"] = bool(EVERYONE.search(content)) and (
            parse is None or "everyone" in parse
        )
    def publish(self, kind: EventKind, message: dict[str, Any] | None = None) -> None:
        """Tell every listener; a message's event names the interaction it answers."""
        origin = self.origins.get(int(message["id"])) if message is not None else None
        self.announce(Event(kind, message, origin))

    def announce(self, event: Event) -> None:
        for listener in list(self.listeners):
            listener(event)

    # --- payloads --------------------------------------------------------------------------

    def channel_payload(self, channel: Channel) -> dict[str, Any]:
        if channel.group_members:
            return {
                "id": str(channel.id),
                "type": ChannelType.GROUP_DM,
                "name": channel.name,
                "icon": None,
                "owner_id": str(channel.group_members[0]),
                "recipients": [self.users[u].payload() for u in channel.group_members],
                "last_message_id": None,
                "flags": 0,
            }
        if channel.guild_id is None:
            recipient = self.users[channel.recipient_id or 0]
            return {
                "id": str(channel.id),
                "type": ChannelType.DM,
                "recipients": [recipient.payload()],
                "last_message_id": None,
                "flags": 0,
            }
        overwrites = []
        if not channel.bot_can_send:
            overwrites.append(
                {
                    "id": str(self.bot_user.id),
                    "type": OverwriteType.MEMBER,
                    "allow": "0",
                    "deny": str(Permission.SEND_MESSAGES),
                }
            )
        return {
            "id": str(channel.id),
            "type": ChannelType.GUILD_TEXT,
            "guild_id": str(channel.guild_id),
            "name": channel.name,
            "position": 0,
            "permission_overwrites": overwrites,
            "parent_id": None,
            "topic": None,
            "nsfw": False,
            "last_message_id": None,
            "rate_limit_per_user": 0,
            "flags": 0,
        }

    def member_payload(self, member: Member) -> dict[str, Any]:
        is_bot = member.user_id == self.bot_user.id
        user = self.bot_user if is_bot else self.users[member.user_id]
        return {
            "user": user.payload(bot=is_bot),
            "roles": [str(r) for r in member.role_ids],
            "joined_at": JOINED_AT,
            "deaf": False,
            "mute": False,
            "flags": 0,
            "pending": False,
            "nick": None,
            "avatar": None,
            "premium_since": None,
            "communication_disabled_until": None,
        }

    def guild_payload(self, guild: Guild) -> dict[str, Any]:
        return {
            "id": str(guild.id),
            "name": guild.name,
            "icon": None,
            "owner_id": str(guild.owner_id),
            "roles": [role.payload() for role in guild.roles.values()],
            "channels": [self.channel_payload(c) for c in guild.channels.values()],
            "members": [self.member_payload(m) for m in guild.members.values()],
            "member_count": len(guild.members),
            "features": [],
            "emojis": [],
            "stickers": [],
            "threads": [],
            "presences": [],
            "voice_states": [],
            "stage_instances": [],
            "guild_scheduled_events": [],
            "soundboard_sounds": [],
            "large": False,
            "unavailable": False,
            "joined_at": JOINED_AT,
            "premium_tier": 0,
            "preferred_locale": "en-US",
            "verification_level": 0,
            "default_message_notifications": 0,
            "explicit_content_filter": 0,
            "mfa_level": 0,
            "nsfw_level": 0,
            "afk_timeout": 300,
            "system_channel_id": str(guild.general),
            "system_channel_flags": 0,
        }
