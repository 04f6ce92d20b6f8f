"""A small Discord on 127.0.0.1: REST API and gateway for the real discord.py client, plus a
driver that plays Discord's users (invokes commands, clicks buttons, reads DMs)."""

from __future__ import annotations

import asyncio
import contextlib
import copy
import itertools
import json
import re
import secrets
import time
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from aiohttp import BodyPartReader, WSMsgType, web

from tests.localdiscord import limits
from tests.localdiscord.models import (
    EPHEMERAL,
    LOADING,
    Channel,
    Failure,
    Guild,
    Interaction,
    Member,
    NotOffered,
    RecordedRequest,
    Response,
    Role,
    Session,
    User,
)

API_PREFIX = "/api/v10"
VIEW, SEND, EMBED, HISTORY = 1 << 10, 1 << 11, 1 << 14, 1 << 16
ADMINISTRATOR = 1 << 3
ATTACH, MENTION_EVERYONE, EXTERNAL_EMOJIS, SEND_POLLS = 1 << 15, 1 << 17, 1 << 18, 1 << 49
BOT_PERMISSIONS = VIEW | SEND | EMBED | HISTORY | MENTION_EVERYONE
# what Discord grants an app where its bot is not present: only the interaction's own answers
USER_APP_PERMISSIONS = EMBED | ATTACH | MENTION_EVERYONE | EXTERNAL_EMOJIS | SEND_POLLS
PRIVATE_CHANNEL_PERMISSIONS = EMBED | ATTACH | MENTION_EVERYONE | SEND_POLLS
GUILD_CONTEXT, BOT_DM, PRIVATE_CHANNEL = 0, 1, 2  # an interaction's `context`
GUILD_INSTALL, USER_INSTALL = 0, 1  # keys of `authorizing_integration_owners`
CONTEXT_NAMES = {GUILD_CONTEXT: "a server", BOT_DM: "the bot's DMs", PRIVATE_CHANNEL: "a group DM"}
JSON = "application/json"
OPTION_TYPES = {3: str, 4: int, 5: bool, 6: int, 7: int, 8: int, 10: float}
NOT_COUNTED = ("/interactions/", "/webhooks/")
MISSING_ACCESS = 50001  # a channel or server the bot is not in: the bot should never try
BODY: web.RequestKey[Any] = web.RequestKey("body")  # the JSON body (payload_json)
FILES = web.RequestKey("files", list)


class FakeDiscord:
    """Start with `await start()`, stop with `await stop()`; every socket is on loopback."""

    def __init__(self, valid_token: str = "test-token") -> None:
        self.valid_token = valid_token
        self._ids = itertools.count(1_100_000_000_000_000_000)
        self.application_id = self.next_id()
        self.bot_user = User(self.application_id, "Sciatica Companion")
        self.users: dict[int, User] = {}
        self.guilds: dict[int, Guild] = {}
        self.channels: dict[int, Channel] = {}
        self.messages: dict[int, dict[str, Any]] = {}
        self.channel_log: dict[int, list[int]] = {}
        self.commands: dict[int | None, list[dict[str, Any]]] = {}
        self.interactions: dict[str, Interaction] = {}
        self.nonces: dict[tuple[int, str], int] = {}
        self.origins: dict[int, dict[str, Any]] = {}  # message id -> the interaction it answers
        self.requests: list[RecordedRequest] = []
        self.rejections: list[RecordedRequest] = []
        self.unknown_routes: list[str] = []
        self.failures: list[Failure] = []
        self.periodic_failure: tuple[str, re.Pattern[str], int, tuple[int, ...]] | None = None
        self._periodic_seen = 0
        self.global_rate_limit: int | None = 50
        self.interaction_deadline = 3.0
        self.sync_count = 0
        self.identify_count = 0
        self.resume_count = 0
        self.ready_count = 0
        # sharding: what GET /gateway/bot recommends, and Discord's identify limit (one
        # identify per `identify_window` seconds in each bucket shard_id % max_concurrency)
        self.recommended_shards = 1
        self.max_concurrency = 1
        self.identify_window = 5.0
        self.identify_clock: Callable[[], float] = time.monotonic
        self.invalid_session_count = 0
        self.identifies_waiting = 0
        self.identify_gate: asyncio.Event | None = None
        self._identified_at: dict[int, float] = {}
        self.on_message_created: Callable[[dict[str, Any]], None] | None = None
        self._window = (0, 0)
        self.sessions: dict[str, Session] = {}
        self._changed = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self._sockets: set[web.WebSocketResponse] = set()
        self.port = 0

    # --- lifecycle -------------------------------------------------------------------------

    async def start(self) -> None:
        app = web.Application(middlewares=[self._middleware], client_max_size=32 * 1024 * 1024)
        app.router.add_get("/gateway", self._gateway)
        app.router.add_route("*", API_PREFIX + "/{tail:.*}", self._rest)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = int(self._runner.addresses[0][1])

    async def stop(self) -> None:
        self.release_identifies()  # a held identify would keep its socket from closing
        for socket in list(self._sockets):
            await socket.close()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def api_base(self) -> str:
        return f"http://127.0.0.1:{self.port}{API_PREFIX}"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    def next_id(self) -> int:
        return next(self._ids)

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    async def wait_until(self, predicate: Callable[[], bool], timeout: float = 5) -> None:
        async with asyncio.timeout(timeout), self._changed:
            await self._changed.wait_for(predicate)

    # --- world -----------------------------------------------------------------------------

    def add_user(self, name: str) -> User:
        user = User(self.next_id(), name)
        self.users[user.id] = user
        return user

    def add_guild(
        self,
        name: str = "Wellness",
        *,
        bot_added: bool = True,
        shard: tuple[int, int] | None = None,
    ) -> Guild:
        """A server; with `bot_added=False` its moderators never added the app (members can
        still use it through their own user install) and the bot knows nothing of it.
        `shard=(shard_id, shard_count)`: an ID that Discord routes to that shard."""
        guild_id = self.next_id() if shard is None else self._id_on_shard(*shard)
        guild = Guild(guild_id, name, owner_id=self.next_id(), bot_added=False)
        guild.roles[guild.id] = Role(guild.id, "@everyone", VIEW | SEND, position=0)
        self.guilds[guild.id] = guild
        guild.general = self.add_text_channel(guild.id, "general", dispatch=False).id
        if bot_added:
            self.add_bot_to_guild(guild.id)
        return guild

    def add_bot_to_guild(self, guild_id: int) -> None:
        """A moderator adds the app to the server: the bot joins and gets GUILD_CREATE."""
        guild = self.guilds[guild_id]
        bot_role = Role(self.next_id(), "Sciatica Companion", BOT_PERMISSIONS)
        guild.roles[bot_role.id] = bot_role
        guild.members[self.bot_user.id] = Member(self.bot_user.id, BOT_PERMISSIONS, [bot_role.id])
        guild.bot_added = True
        self._dispatch_if_ready("GUILD_CREATE", lambda: self._guild_payload(guild), guild.id)

    def add_group_dm(self, *users: User) -> Channel:
        """A group DM between people; the bot is not in it (user installs reach it)."""
        channel = Channel(self.next_id(), "group", group_members=[u.id for u in users])
        self.channels[channel.id] = channel
        return channel

    def _id_on_shard(self, shard_id: int, shard_count: int) -> int:
        """A fresh snowflake whose timestamp part lands on the shard: the low 22 bits keep it
        unique, and later IDs from the counter stay below it for 4 million IDs."""
        base = self.next_id()
        timestamp = base >> 22
        timestamp += (shard_id - timestamp) % shard_count
        return (timestamp << 22) | (base & ((1 << 22) - 1))

    def add_text_channel(
        self, guild_id: int, name: str, bot_can_send: bool = True, dispatch: bool = True
    ) -> Channel:
        channel = Channel(self.next_id(), name, guild_id, bot_can_send)
        self.channels[channel.id] = channel
        self.guilds[guild_id].channels[channel.id] = channel
        if dispatch and self.guilds[guild_id].bot_added:
            self._dispatch_if_ready(
                "CHANNEL_CREATE", lambda: self._channel_payload(channel), guild_id
            )
        return channel

    def add_role(self, guild_id: int, name: str) -> Role:
        role = Role(self.next_id(), name)
        self.guilds[guild_id].roles[role.id] = role
        if self.guilds[guild_id].bot_added:
            self._dispatch_if_ready(
                "GUILD_ROLE_CREATE",
                lambda: {"guild_id": str(guild_id), "role": role.payload()},
                guild_id,
            )
        return role

    def add_member(self, guild_id: int, user_id: int, permissions: int = VIEW | SEND) -> None:
        self.guilds[guild_id].members[user_id] = Member(user_id, permissions)

    def set_dms_open(self, user_id: int, open_: bool) -> None:
        self.users[user_id].dms_open = open_

    def remove_guild(self, guild_id: int) -> None:
        if self.guilds.pop(guild_id).bot_added:
            self._dispatch_if_ready("GUILD_DELETE", lambda: {"id": str(guild_id)}, guild_id)

    def fail_next(self, method: str, path_pattern: str, status: int = 500, times: int = 1) -> None:
        self.failures.append(Failure(method, re.compile(path_pattern), status, times))

    def fail_every(
        self, method: str, path_pattern: str, every: int, statuses: tuple[int, ...]
    ) -> None:
        """Answer every `every`-th matching request with the next of `statuses` (deterministic)."""
        self.periodic_failure = (method, re.compile(path_pattern), every, statuses)

    # --- observation -----------------------------------------------------------------------

    def synced_commands(self, guild_id: int | None = None) -> list[dict[str, Any]]:
        return list(self.commands.get(guild_id, []))

    def status_counts(self) -> Counter[int]:
        return Counter(request.status for request in self.requests)

    def dm_messages(self, user_id: int) -> list[dict[str, Any]]:
        channel_id = self.users[user_id].dm_channel_id
        return self.channel_messages(channel_id) if channel_id else []

    def channel_messages(self, channel_id: int) -> list[dict[str, Any]]:
        return [self.messages[m] for m in self.channel_log.get(channel_id, [])]

    async def wait_for_dms(
        self, user_id: int, count: int, timeout: float = 5
    ) -> list[dict[str, Any]]:
        await self.wait_until(lambda: len(self.dm_messages(user_id)) >= count, timeout)
        return self.dm_messages(user_id)

    async def wait_for_channel_messages(
        self, channel_id: int, count: int, timeout: float = 5
    ) -> list[dict[str, Any]]:
        await self.wait_until(lambda: len(self.channel_messages(channel_id)) >= count, timeout)
        return self.channel_messages(channel_id)

    async def wait_until_ready(self, timeout: float = 10) -> None:
        await self.wait_until(lambda: self.ready_count > 0, timeout)

    def connected_shards(self) -> set[int]:
        """The shards with a session whose socket is open right now."""
        return {s.shard_id for s in self.sessions.values() if s.socket is not None}

    async def wait_for_shards(self, shard_ids: set[int], timeout: float = 10) -> None:
        await self.wait_until(lambda: shard_ids <= self.connected_shards(), timeout)

    def hold_identifies(self) -> None:
        """Keep every IDENTIFY waiting until `release_identifies`: processes that start
        together then really identify together."""
        self.identify_gate = asyncio.Event()

    def release_identifies(self) -> None:
        if self.identify_gate is not None:
            self.identify_gate.set()
            self.identify_gate = None

    @property
    def _session(self) -> Session | None:
        """Shard 0's session (the only one when unsharded)."""
        return next((s for s in self.sessions.values() if s.shard_id == 0), None)

    @_session.setter
    def _session(self, session: Session) -> None:
        """A session with no socket lets a test dispatch with no bot connected."""
        self.sessions[session.id] = session

    # --- payloads --------------------------------------------------------------------------

    def _channel_payload(self, channel: Channel) -> dict[str, Any]:
        if channel.group_members:
            return {
                "id": str(channel.id),
                "type": 3,
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
                "type": 1,
                "recipients": [recipient.payload()],
                "last_message_id": None,
                "flags": 0,
            }
        overwrites = []
        if not channel.bot_can_send:
            overwrites.append(
                {"id": str(self.bot_user.id), "type": 1, "allow": "0", "deny": str(SEND)}
            )
        return {
            "id": str(channel.id),
            "type": 0,
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

    def _member_payload(self, guild: Guild, member: Member) -> dict[str, Any]:
        user = self.bot_user if member.user_id == self.bot_user.id else self.users[member.user_id]
        return {
            "user": user.payload(bot=member.user_id == self.bot_user.id),
            "roles": [str(r) for r in member.role_ids],
            "joined_at": "2026-01-01T00:00:00+00:00",
            "deaf": False,
            "mute": False,
            "flags": 0,
            "pending": False,
            "nick": None,
            "avatar": None,
            "premium_since": None,
            "communication_disabled_until": None,
        }

    def _guild_payload(self, guild: Guild) -> dict[str, Any]:
        return {
            "id": str(guild.id),
            "name": guild.name,
            "icon": None,
            "owner_id": str(guild.owner_id),
            "roles": [role.payload() for role in guild.roles.values()],
            "channels": [self._channel_payload(c) for c in guild.channels.values()],
            "members": [self._member_payload(guild, m) for m in guild.members.values()],
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
            "joined_at": "2026-01-01T00:00:00+00:00",
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

    def _message(
        self, channel_id: int, body: dict[str, Any], *, flags: int = 0, webhook: bool = False
    ) -> dict[str, Any]:
        message: dict[str, Any] = {
            "id": str(self.next_id()),
            "channel_id": str(channel_id),
            "author": self.bot_user.payload(bot=True),
            "content": body.get("content") or "",
            "timestamp": datetime.now(UTC).isoformat(),
            "edited_timestamp": None,
            "tts": False,
            "mention_everyone": False,
            "mentions": [],
            "mention_roles": [],
            "attachments": [],
            "embeds": body.get("embeds") or [],
            "components": body.get("components") or [],
            "pinned": False,
            "type": 0,
            "flags": flags | (body.get("flags") or 0),
            "nonce": body.get("nonce"),
            "allowed_mentions": body.get("allowed_mentions"),
        }
        if webhook:
            message["webhook_id"] = str(self.application_id)
            message["application_id"] = str(self.application_id)
        channel = self.channels.get(channel_id)
        if channel is not None and channel.guild_id is not None:
            message["guild_id"] = str(channel.guild_id)
        self.messages[int(message["id"])] = message
        return message

    def _edit(self, message: dict[str, Any], body: dict[str, Any]) -> dict[str, Any]:
        for key in ("content", "embeds", "components", "allowed_mentions"):
            if key in body:
                message[key] = (
                    body[key] if body[key] is not None else ([] if key != "content" else "")
                )
        if "flags" in body and body["flags"] is not None:
            message["flags"] = (message["flags"] & EPHEMERAL) | body["flags"]
        message["flags"] &= ~LOADING
        message["edited_timestamp"] = datetime.now(UTC).isoformat()
        return message

    # --- HTTP plumbing -----------------------------------------------------------------------

    def _json(
        self, data: Any, status: int = 200, headers: dict[str, str] | None = None
    ) -> web.Response:
        return web.Response(
            body=json.dumps(data).encode(),
            status=status,
            headers={"Content-Type": JSON, **(headers or {})},
        )

    @web.middleware
    async def _middleware(self, request: web.Request, handler: Any) -> web.StreamResponse:
        if request.path == "/gateway":
            socket: web.StreamResponse = await handler(request)
            return socket
        path = request.path.removeprefix(API_PREFIX)
        body, files = await _read_body(request)
        response: web.Response
        counted = not path.startswith(NOT_COUNTED)
        if (
            request.headers.get("Authorization") not in (f"Bot {self.valid_token}", None)
            and counted
        ):
            response = self._json({"message": "401: Unauthorized", "code": 0}, 401)
        elif counted and (limited := self._rate_limited()) is not None:
            response = limited
        elif (failure := self._injected_failure(request.method, path)) is not None:
            response = self._json({"message": "Server error", "code": 0}, failure)
        else:
            request[BODY] = body
            request[FILES] = files
            try:
                response = await handler(request)
            except _Reject as reject:
                response = self._json(reject.body, reject.status)
        remaining = 1000
        response.headers.update(
            {
                "X-RateLimit-Limit": "1000",
                "X-RateLimit-Remaining": str(remaining),
                "X-RateLimit-Reset": f"{time.time() + 1:.3f}",
                "X-RateLimit-Reset-After": "1.000",
                "X-RateLimit-Bucket": secrets.token_hex(4)
                if not counted
                else "b" + path.split("/")[1],
            }
        )
        recorded = RecordedRequest(
            method=request.method,
            path=path,
            query=dict(request.query),
            json=body,
            status=response.status,
            response=json.loads(response.text) if response.text else None,
            time=asyncio.get_running_loop().time(),
            headers=dict(request.headers),
            files=files,
            wall=time.time(),
        )
        self.requests.append(recorded)
        code = recorded.response.get("code") if isinstance(recorded.response, dict) else None
        if (
            (response.status in (400, 404) and code in (50035, 10062, 40060, 50006))
            or (response.status == 413 and code == 40005)
            or (response.status == 403 and code == MISSING_ACCESS)
        ):
            self.rejections.append(recorded)
        await self._notify()
        return response

    def _rate_limited(self) -> web.Response | None:
        if self.global_rate_limit is None:
            return None
        now = time.monotonic()
        window, count = self._window
        second = int(now)
        if second != window:
            window, count = second, 0
        count += 1
        self._window = (window, count)
        if count <= self.global_rate_limit:
            return None
        retry = round(window + 1 - now, 3) or 0.001
        return self._json(
            {"message": "You are being rate limited.", "retry_after": retry, "global": True},
            429,
            {
                "Via": "1.1 google",
                "X-RateLimit-Global": "true",
                "X-RateLimit-Scope": "global",
                "Retry-After": str(max(1, round(retry))),
            },
        )

    def _injected_failure(self, method: str, path: str) -> int | None:
        if self.periodic_failure is not None:
            wanted, pattern, every, statuses = self.periodic_failure
            if wanted == method and pattern.fullmatch(path):
                self._periodic_seen += 1
                if self._periodic_seen % every == 0:
                    return statuses[(self._periodic_seen // every) % len(statuses)]
        for failure in self.failures:
            if failure.times > 0 and failure.method == method and failure.pattern.fullmatch(path):
                failure.times -= 1
                return failure.status
        return None

    async def _rest(self, request: web.Request) -> web.Response:
        path = request.path.removeprefix(API_PREFIX)
        for method, pattern, handler in self._routes():
            match = pattern.fullmatch(path)
            if match and method == request.method:
                response: web.Response = await handler(request, *match.groups())
                return response
        self.unknown_routes.append(f"{request.method} {path}")
        return self._json({"message": "404: Not Found", "code": 0}, 404)

    def _routes(self) -> list[tuple[str, re.Pattern[str], Any]]:
        app = r"(\d+)"
        return [
            ("GET", re.compile(r"/users/@me"), self._me),
            ("GET", re.compile(r"/oauth2/applications/@me"), self._application),
            ("GET", re.compile(r"/applications/@me"), self._application),
            ("GET", re.compile(r"/gateway(?:/bot)?"), self._gateway_info),
            ("PUT", re.compile(rf"/applications/{app}/commands"), self._put_commands),
            ("GET", re.compile(rf"/applications/{app}/commands"), self._get_commands),
            ("PUT", re.compile(rf"/applications/{app}/guilds/(\d+)/commands"), self._put_commands),
            ("GET", re.compile(rf"/applications/{app}/guilds/(\d+)/commands"), self._get_commands),
            ("POST", re.compile(r"/interactions/(\d+)/([\w.\-]+)/callback"), self._callback),
            (
                "GET",
                re.compile(rf"/webhooks/{app}/([\w.\-]+)/messages/(@original|\d+)"),
                self._webhook_get,
            ),
            (
                "PATCH",
                re.compile(rf"/webhooks/{app}/([\w.\-]+)/messages/(@original|\d+)"),
                self._webhook_edit,
            ),
            (
                "DELETE",
                re.compile(rf"/webhooks/{app}/([\w.\-]+)/messages/(@original|\d+)"),
                self._webhook_delete,
            ),
            ("POST", re.compile(rf"/webhooks/{app}/([\w.\-]+)"), self._followup),
            ("POST", re.compile(r"/users/@me/channels"), self._open_dm),
            ("POST", re.compile(r"/channels/(\d+)/messages"), self._create_message),
            ("GET", re.compile(r"/channels/(\d+)/messages/(\d+)"), self._get_message),
            ("PATCH", re.compile(r"/channels/(\d+)/messages/(\d+)"), self._edit_message),
            ("GET", re.compile(r"/channels/(\d+)"), self._get_channel),
            ("GET", re.compile(r"/guilds/(\d+)"), self._get_guild),
        ]

    # --- REST handlers -------------------------------------------------------------------------

    async def _me(self, request: web.Request) -> web.Response:
        if request.headers.get("Authorization") != f"Bot {self.valid_token}":
            return self._json({"message": "401: Unauthorized", "code": 0}, 401)
        return self._json(self.bot_user.payload(bot=True))

    async def _application(self, request: web.Request) -> web.Response:
        return self._json(
            {
                "id": str(self.application_id),
                "name": self.bot_user.name,
                "icon": None,
                "description": "",
                "bot_public": True,
                "bot_require_code_grant": False,
                "verify_key": "0" * 64,
                "flags": 0,
                "owner": {"id": "1", "username": "owner", "discriminator": "0", "avatar": None},
                "team": None,
                "interactions_endpoint_url": None,
            }
        )

    async def _gateway_info(self, request: web.Request) -> web.Response:
        if not request.path.endswith("/bot"):
            return self._json({"url": self.gateway_url})
        return self._json(
            {
                "url": self.gateway_url,
                "shards": self.recommended_shards,
                "session_start_limit": {
                    "total": 1000,
                    "remaining": max(0, 1000 - self.identify_count),
                    "reset_after": 86_400_000,
                    "max_concurrency": self.max_concurrency,
                },
            }
        )

    async def _put_commands(
        self, request: web.Request, app_id: str, guild_id: str | None = None
    ) -> web.Response:
        body = request[BODY] or []
        problems = limits.command_problems(body)
        if problems:
            raise _Reject.form(problems)
        key = int(guild_id) if guild_id else None
        stored = []
        for command in body:
            stored.append(
                {
                    "id": str(self.next_id()),
                    "application_id": str(self.application_id),
                    "version": str(self.next_id()),
                    "type": command.get("type", 1),
                    "default_member_permissions": command.get("default_member_permissions"),
                    "dm_permission": command.get("dm_permission", True),
                    "nsfw": command.get("nsfw", False),
                    **({"guild_id": guild_id} if guild_id else {}),
                    **command,
                }
            )
        self.commands[key] = stored
        self.sync_count += 1
        return self._json(stored)

    async def _get_commands(
        self, request: web.Request, app_id: str, guild_id: str | None = None
    ) -> web.Response:
        return self._json(self.commands.get(int(guild_id) if guild_id else None, []))

    async def _callback(
        self, request: web.Request, interaction_id: str, token: str
    ) -> web.Response:
        ix = self.interactions.get(token)
        body: dict[str, Any] = request[BODY] or {}
        if ix is None or str(ix.id) != interaction_id:
            raise _Reject(404, {"message": "Unknown interaction", "code": 10062})
        latency = asyncio.get_running_loop().time() - ix.sent_at
        if not ix.callbacks and latency > self.interaction_deadline:
            raise _Reject(404, {"message": "Unknown interaction", "code": 10062})
        if ix.callbacks:
            raise _Reject(
                400, {"message": "Interaction has already been acknowledged.", "code": 40060}
            )
        kind: Any = body.get("type")  # the callback type, as the bot sent it
        data = body.get("data") or {}
        check = {
            4: limits.message_problems,
            7: limits.message_problems,
            8: limits.autocomplete_problems,
            9: limits.modal_problems,
        }.get(kind)
        problems = check(data) if check is not None else []
        if problems:
            raise _Reject.form(problems)
        files = request[FILES]
        source = ix.payload.get("message")
        attachments: list[dict[str, Any]] = []
        if kind == 4:
            attachments = self._attachments(data, files, None)
        elif kind == 7 and source is not None:
            attachments = self._attachments(data, files, self.messages[int(source["id"])])
        elif files:
            raise _Reject.form([f"callback type {kind} takes no files"])
        ix.files.extend(files)
        message: dict[str, Any] | None = None
        channel_id = int(ix.payload["channel_id"])
        if kind == 4:
            message = self._message(channel_id, data, webhook=True)
            self._show(message, attachments)
            ix.original_id = int(message["id"])
            self.origins[ix.original_id] = ix.payload
            if not message["flags"] & EPHEMERAL:
                self.channel_log.setdefault(channel_id, []).append(ix.original_id)
        elif kind == 5:
            message = self._message(
                channel_id, {"flags": data.get("flags") or 0}, flags=LOADING, webhook=True
            )
            ix.original_id = int(message["id"])
            self.origins[ix.original_id] = ix.payload
        elif kind in (6, 7):
            source = ix.payload.get("message")
            if source is None:
                raise _Reject.form([f"callback type {kind} needs a component interaction"])
            message = self.messages[int(source["id"])]
            ix.original_id = int(message["id"])
            if kind == 7:
                self._edit(message, data)
                self._show(message, attachments)
        elif kind == 8:
            ix.choices = data.get("choices") or []
        elif kind == 9:
            ix.modal = data
        ix.callbacks.append(Response(kind, dict(message or data), latency))
        if "with_response" not in request.query:
            return web.Response(status=204)
        return self._json(
            {
                "interaction": {
                    "id": str(ix.id),
                    "type": ix.payload["type"],
                    "response_message_id": message["id"] if message else None,
                    "response_message_loading": kind == 5,
                    "response_message_ephemeral": bool(message and message["flags"] & EPHEMERAL),
                },
                "resource": {
                    "type": kind,
                    **({"message": message} if message and kind in (4, 7) else {}),
                },
            }
        )

    def _attachments(
        self, body: dict[str, Any], files: list[tuple[str, bytes]], edited: dict[str, Any] | None
    ) -> list[dict[str, Any]]:
        """The attachments a message will have, as Discord works them out, or the rejection:
        413 for too many bytes, 400 for an `attachments` entry or `attachment://` that matches
        no file. `edited` is the message an edit changes (None for a new message)."""
        problem = limits.upload_too_large(files)
        if problem is not None:
            raise _Reject(
                413, {"message": "Request entity too large", "code": 40005, "why": problem}
            )
        existing = list((edited or {}).get("attachments") or [])
        listed = body.get("attachments")
        if listed is None:  # no list: an edit keeps what it had and adds the new files
            result = [*existing, *(self._uploaded(name, data, None) for name, data in files)]
        else:
            by_id = {str(attachment["id"]): attachment for attachment in existing}
            result = []
            for entry in listed:
                ident = entry.get("id") if isinstance(entry, dict) else None
                if isinstance(ident, int) and 0 <= ident < len(files):
                    name, data = files[ident]
                    name = entry.get("filename") or name
                    result.append(self._uploaded(name, data, entry.get("description")))
                elif str(ident) in by_id:
                    result.append(by_id[str(ident)])
        # an edit that leaves the embeds alone keeps showing the message's own files
        checked = body if "embeds" in body or edited is None else {**body, "embeds": []}
        problems = limits.attachment_problems(checked, len(files), existing, result)
        if problems:
            raise _Reject.form(problems)
        return result

    def _uploaded(self, name: str, data: bytes, description: str | None) -> dict[str, Any]:
        ident = str(self.next_id())
        url = f"https://cdn.invalid/attachments/{ident}/{name}"
        attachment = {
            "id": ident,
            "filename": name,
            "size": len(data),
            "url": url,
            "proxy_url": url,
            "content_type": "image/png" if name.endswith(".png") else "application/octet-stream",
        }
        if description is not None:
            attachment["description"] = description
        return attachment

    def _show(self, message: dict[str, Any], attachments: list[dict[str, Any]]) -> None:
        """Store the attachments; embeds then point at their CDN address, as Discord returns."""
        message["attachments"] = attachments
        urls = {a["filename"]: a["url"] for a in attachments}
        message["embeds"] = copy.deepcopy(message.get("embeds") or [])  # the request stays as sent
        for embed in message["embeds"]:
            for key, field in limits.EMBED_MEDIA:
                media = embed.get(key) or {}
                url = media.get(field) or ""
                if url.startswith(limits.ATTACHMENT_URL):
                    media[field] = urls[url.removeprefix(limits.ATTACHMENT_URL)]

    def _interaction_for(self, token: str) -> Interaction:
        ix = self.interactions.get(token)
        if ix is None or not ix.callbacks:
            raise _Reject(404, {"message": "Unknown Webhook", "code": 10015})
        return ix

    def _target(self, ix: Interaction, message_id: str) -> dict[str, Any]:
        if message_id == "@original":
            if ix.original_id is None:
                raise _Reject(404, {"message": "Unknown Message", "code": 10008})
            return self.messages[ix.original_id]
        return self.messages[int(message_id)]

    async def _webhook_get(
        self, request: web.Request, app: str, token: str, message_id: str
    ) -> web.Response:
        return self._json(self._target(self._interaction_for(token), message_id))

    async def _webhook_edit(
        self, request: web.Request, app: str, token: str, message_id: str
    ) -> web.Response:
        ix = self._interaction_for(token)
        body: dict[str, Any] = request[BODY] or {}
        problems = limits.message_problems(body)
        if problems:
            raise _Reject.form(problems)
        target = self._target(ix, message_id)
        attachments = self._attachments(body, request[FILES], target)
        message = self._edit(target, body)
        self._show(message, attachments)
        return self._json(message)

    async def _webhook_delete(
        self, request: web.Request, app: str, token: str, message_id: str
    ) -> web.Response:
        ix = self._interaction_for(token)
        self.messages.pop(int(self._target(ix, message_id)["id"]), None)
        return web.Response(status=204)

    async def _followup(self, request: web.Request, app: str, token: str) -> web.Response:
        ix = self._interaction_for(token)
        body: dict[str, Any] = request[BODY] or {}
        problems = limits.message_problems(body)
        if problems:
            raise _Reject.form(problems)
        attachments = self._attachments(body, request[FILES], None)
        message = self._message(int(ix.payload["channel_id"]), body, webhook=True)
        self._show(message, attachments)
        self.origins[int(message["id"])] = ix.payload
        ix.followups.append(message)
        return self._json(message)

    async def _open_dm(self, request: web.Request) -> web.Response:
        user = self.users.get(int((request[BODY] or {}).get("recipient_id", 0)))
        if user is None:
            raise _Reject(400, {"message": "Invalid Recipient(s)", "code": 50033})
        return self._json(self._channel_payload(self.channels[self.dm_channel(user.id)]))

    def dm_channel(self, user_id: int) -> int:
        """The user's DM channel with the bot, created on first use (as Discord does)."""
        user = self.users[user_id]
        if user.dm_channel_id is None:
            channel = Channel(self.next_id(), f"dm-{user.name}", recipient_id=user.id)
            self.channels[channel.id] = channel
            user.dm_channel_id = channel.id
        return user.dm_channel_id

    def _visible_channel(self, channel_id: str) -> Channel:
        """A channel the bot itself can reach: not a group DM, not a server that never added
        it (there only the interaction's answers work)."""
        channel = self.channels.get(int(channel_id))
        if channel is None:
            raise _Reject(404, {"message": "Unknown Channel", "code": 10003})
        guild = self.guilds.get(channel.guild_id) if channel.guild_id is not None else None
        if channel.group_members or (guild is not None and not guild.bot_added):
            raise _Reject(403, {"message": "Missing Access", "code": MISSING_ACCESS})
        return channel

    async def _create_message(self, request: web.Request, channel_id: str) -> web.Response:
        channel = self._visible_channel(channel_id)
        if channel.recipient_id is not None and not self.users[channel.recipient_id].dms_open:
            raise _Reject(403, {"message": "Cannot send messages to this user", "code": 50007})
        if channel.guild_id is not None and (
            not channel.bot_can_send or channel.guild_id not in self.guilds
        ):
            raise _Reject(403, {"message": "Missing Permissions", "code": 50013})
        body: dict[str, Any] = request[BODY] or {}
        problems = limits.message_problems(body)
        if problems:
            raise _Reject.form(problems)
        attachments = self._attachments(body, request[FILES], None)
        nonce = body.get("nonce")
        if nonce is not None and body.get("enforce_nonce"):
            existing = self.nonces.get((channel.id, str(nonce)))
            if existing is not None:
                return self._json(self.messages[existing])
        message = self._message(channel.id, body)
        self._show(message, attachments)
        if nonce is not None:
            self.nonces[(channel.id, str(nonce))] = int(message["id"])
        self.channel_log.setdefault(channel.id, []).append(int(message["id"]))
        if self.on_message_created is not None:
            self.on_message_created(message)
        return self._json(message)

    async def _get_message(
        self, request: web.Request, channel_id: str, message_id: str
    ) -> web.Response:
        self._visible_channel(channel_id)
        message = self.messages.get(int(message_id))
        if message is None:
            raise _Reject(404, {"message": "Unknown Message", "code": 10008})
        return self._json(message)

    async def _edit_message(
        self, request: web.Request, channel_id: str, message_id: str
    ) -> web.Response:
        self._visible_channel(channel_id)
        message = self.messages.get(int(message_id))
        if message is None:
            raise _Reject(404, {"message": "Unknown Message", "code": 10008})
        body: dict[str, Any] = request[BODY] or {}
        problems = limits.message_problems(body)
        if problems:
            raise _Reject.form(problems)
        attachments = self._attachments(body, request[FILES], message)
        self._edit(message, body)
        self._show(message, attachments)
        return self._json(message)

    async def _get_channel(self, request: web.Request, channel_id: str) -> web.Response:
        return self._json(self._channel_payload(self._visible_channel(channel_id)))

    async def _get_guild(self, request: web.Request, guild_id: str) -> web.Response:
        guild = self.guilds.get(int(guild_id))
        if guild is None:
            raise _Reject(404, {"message": "Unknown Guild", "code": 10004})
        if not guild.bot_added:
            raise _Reject(403, {"message": "Missing Access", "code": MISSING_ACCESS})
        return self._json(self._guild_payload(guild))

    # --- gateway ---------------------------------------------------------------------------

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        socket = web.WebSocketResponse(autoping=True, max_msg_size=0)
        await socket.prepare(request)
        self._sockets.add(socket)
        try:
            await socket.send_json(
                {"op": 10, "d": {"heartbeat_interval": 41250}, "s": None, "t": None}
            )
            async for frame in socket:
                if frame.type is not WSMsgType.TEXT:
                    continue
                await self._on_gateway_frame(socket, json.loads(frame.data))
        finally:
            self._sockets.discard(socket)
            for session in self.sessions.values():
                if session.socket is socket:
                    session.socket = None
                    if session.writer is not None:
                        session.writer.cancel()
                        session.writer = None
        return socket

    async def _on_gateway_frame(self, socket: web.WebSocketResponse, frame: dict[str, Any]) -> None:
        op = frame.get("op")
        data: Any = frame.get("d")  # its shape depends on the op
        if op == 1:
            await socket.send_json({"op": 11, "d": None, "s": None, "t": None})
        elif op == 2:
            await self._identify(socket, data)
        elif op == 6:
            session = self.sessions.get(str(data.get("session_id")))
            if session is None:
                await socket.send_json({"op": 9, "d": False, "s": None, "t": None})
                return
            self.resume_count += 1
            self._attach_session(session, socket)
            for event in session.backlog:
                if event["s"] > int(data.get("seq") or 0):
                    session.outbox.put_nowait(event)
            await self._send_dispatch(session, "RESUMED", {"_trace": []})
            await self._notify()

    async def _identify(self, socket: web.WebSocketResponse, data: dict[str, Any]) -> None:
        if data.get("token") != self.valid_token:
            await socket.close(code=4004)
            return
        shard = data.get("shard") or [0, 1]
        if (
            not isinstance(shard, list)
            or len(shard) != 2
            or not all(isinstance(n, int) for n in shard)
            or not 0 <= shard[0] < shard[1]
        ):
            await socket.close(code=4010, message=b"Invalid shard")
            return
        shard_id, shard_count = shard
        if self.identify_gate is not None:
            self.identifies_waiting += 1
            await self._notify()
            try:
                await self.identify_gate.wait()
            finally:
                self.identifies_waiting -= 1
        if not self._identify_allowed(shard_id):
            # over the identify limit: Discord answers "invalid session, not resumable"
            self.invalid_session_count += 1
            await socket.send_json({"op": 9, "d": False, "s": None, "t": None})
            await self._notify()
            return
        self.identify_count += 1
        same = (shard_id, shard_count)
        for old in [s for s in self.sessions.values() if (s.shard_id, s.shard_count) == same]:
            del self.sessions[old.id]  # the shard connected again: its old session is over
        session = Session(secrets.token_hex(8), shard_id=shard_id, shard_count=shard_count)
        self.sessions[session.id] = session
        self._attach_session(session, socket)
        await self._send_dispatch(session, "READY", self._ready_payload(session))
        for guild in self._bot_guilds():
            if session.handles(guild.id):
                await self._send_dispatch(session, "GUILD_CREATE", self._guild_payload(guild))
        self.ready_count += 1
        await self._notify()

    def _identify_allowed(self, shard_id: int) -> bool:
        """One identify per window in each bucket `shard_id % max_concurrency`."""
        bucket = shard_id % self.max_concurrency
        now = self.identify_clock()
        last = self._identified_at.get(bucket)
        if last is not None and now - last < self.identify_window:
            return False
        self._identified_at[bucket] = now
        return True

    def _bot_guilds(self) -> list[Guild]:
        return [guild for guild in self.guilds.values() if guild.bot_added]

    def _attach_session(self, session: Session, socket: web.WebSocketResponse) -> None:
        if session.writer is not None:
            session.writer.cancel()
        session.outbox = asyncio.Queue()
        session.socket = socket
        session.writer = asyncio.get_running_loop().create_task(self._write(session, socket))

    def _ready_payload(self, session: Session) -> dict[str, Any]:
        return {
            "v": 10,
            "user": self.bot_user.payload(bot=True),
            "guilds": [
                {"id": str(g.id), "unavailable": True}
                for g in self._bot_guilds()
                if session.handles(g.id)
            ],
            "session_id": session.id,
            "resume_gateway_url": self.gateway_url,
            "application": {"id": str(self.application_id), "flags": 0},
            "private_channels": [],
            "relationships": [],
            "user_settings": {},
            "session_type": "normal",
            "shard": [session.shard_id, session.shard_count],
            "_trace": [],
        }

    def _sessions_for(self, guild_id: int | None) -> list[Session]:
        """The sessions Discord sends a server's events to (DMs: shard 0's)."""
        return [s for s in self.sessions.values() if s.handles(guild_id)]

    def _queue_dispatch(self, session: Session, event: str, data: dict[str, Any]) -> None:
        """Number the event now and let the session's writer send it: frames keep their order."""
        session.sequence += 1
        frame = {"op": 0, "t": event, "s": session.sequence, "d": data}
        session.backlog = [*session.backlog[-999:], frame]
        if session.socket is not None:
            session.outbox.put_nowait(frame)

    async def _send_dispatch(self, session: Session, event: str, data: dict[str, Any]) -> None:
        self._queue_dispatch(session, event, data)
        await session.outbox.join()

    def _dispatch_if_ready(
        self, event: str, payload: Callable[[], dict[str, Any]], guild_id: int | None
    ) -> None:
        for session in self._sessions_for(guild_id):
            self._queue_dispatch(session, event, payload())

    async def _write(self, session: Session, socket: web.WebSocketResponse) -> None:
        """The only writer of dispatches to `socket`, in sequence order."""
        while True:
            frame = await session.outbox.get()
            try:
                if not socket.closed:
                    with contextlib.suppress(ConnectionError, RuntimeError):
                        await socket.send_json(frame)
            finally:
                session.outbox.task_done()

    async def drop_gateway(self, shard_id: int | None = None) -> None:
        """Close the bot's socket (of one shard, or all) as Discord does on a hiccup; the bot
        should RESUME."""
        dropped = [
            s
            for s in self.sessions.values()
            if s.socket is not None and shard_id in (None, s.shard_id)
        ]
        assert dropped, "no connected session to drop"
        for session in dropped:
            await session.socket.close(code=4000, message=b"dropped by the test")

    # --- driver: playing users -------------------------------------------------------------

    def _find_command(self, path: str, guild_id: int | None) -> tuple[dict[str, Any], list[str]]:
        parts = path.split()
        available = [
            *self.commands.get(None, []),
            *(self.commands.get(guild_id, []) if guild_id else []),
        ]
        for command in available:
            if command["name"] == parts[0] and command.get("type", 1) == 1:
                return command, parts[1:]
        raise AssertionError(
            f"no synced command named /{parts[0]} (synced: {[c['name'] for c in available]})"
        )

    def _build_options(
        self,
        schema: list[dict[str, Any]],
        path: list[str],
        values: dict[str, Any],
        focused: str | None,
        resolved: dict[str, dict[str, Any]],
        guild: Guild | None,
    ) -> list[dict[str, Any]]:
        if path:
            for option in schema:
                if option["type"] in (1, 2) and option["name"] == path[0]:
                    inner = self._build_options(
                        option.get("options") or [], path[1:], values, focused, resolved, guild
                    )
                    return [{"type": option["type"], "name": option["name"], "options": inner}]
            raise AssertionError(f"no subcommand {path[0]!r}")
        known = {o["name"]: o for o in schema}
        unknown = set(values) - set(known)
        if unknown:
            raise AssertionError(
                f"unknown options {sorted(unknown)}; the command has {sorted(known)}"
            )
        built = []
        for name, option in known.items():
            if name not in values or values[name] is None:
                if option.get("required") and focused is None:  # autocomplete sends partial input
                    raise AssertionError(f"required option {name!r} is missing")
                continue
            value = values[name]
            expected = OPTION_TYPES[option["type"]]
            if name != focused and not isinstance(value, expected):
                raise AssertionError(
                    f"option {name!r} should be {expected.__name__}, got {value!r}"
                )
            choices = option.get("choices")
            if choices and name != focused and value not in [c["value"] for c in choices]:
                raise AssertionError(f"{value!r} is not a choice of {name!r}")
            entry: dict[str, Any] = {"type": option["type"], "name": name, "value": value}
            if option["type"] in (6, 7, 8):
                entry["value"] = str(value)
                self._resolve(option["type"], int(value), resolved, guild)
            if name == focused:
                entry["focused"] = True
                entry["value"] = str(value)
            built.append(entry)
        return built

    def _resolve(
        self, kind: int, snowflake: int, resolved: dict[str, dict[str, Any]], guild: Guild | None
    ) -> None:
        if kind == 7:
            channel = self.channels[snowflake]
            resolved.setdefault("channels", {})[str(snowflake)] = {
                **self._channel_payload(channel),
                "permissions": str(VIEW | SEND),
            }
        elif kind == 8:
            assert guild is not None
            resolved.setdefault("roles", {})[str(snowflake)] = guild.roles[snowflake].payload()
        elif kind == 6:
            resolved.setdefault("users", {})[str(snowflake)] = self.users[snowflake].payload()

    def _where(
        self, guild_id: int | None, context: int | None, installed: str | None
    ) -> tuple[int, str]:
        """The invocation's context and the member's install, defaulted as things usually are:
        a server's own install where it added the app, the member's own install elsewhere."""
        if context is None:
            context = GUILD_CONTEXT if guild_id is not None else BOT_DM
        if (context == GUILD_CONTEXT) != (guild_id is not None):
            raise AssertionError("guild_id goes with context 0 (a server) and only with it")
        if installed is None:
            if context == GUILD_CONTEXT:
                installed = "guild" if self.guilds[guild_id or 0].bot_added else "user"
            else:
                installed = "user" if context == PRIVATE_CHANNEL else "guild"
        if installed not in ("guild", "user"):
            raise AssertionError(f"installed is 'guild' or 'user', not {installed!r}")
        return context, installed

    def _owners(
        self,
        command: dict[str, Any],
        user: User,
        guild_id: int | None,
        context: int,
        installed: str,
    ) -> dict[str, str]:
        """`authorizing_integration_owners` as Discord fills it: one entry per install that
        offers the command here. Where none does, Discord never shows the command."""
        name = f"/{command['name']}"
        types, contexts = offered_where(command)
        if context not in contexts:
            raise NotOffered(
                f"Discord does not offer {name} in {CONTEXT_NAMES[context]}: its contexts are "
                f"{sorted(contexts)}"
            )
        owners: dict[str, str] = {}
        if GUILD_INSTALL in types:
            if context == GUILD_CONTEXT and self.guilds[guild_id or 0].bot_added:
                owners[str(GUILD_INSTALL)] = str(guild_id)
            elif context == BOT_DM and installed == "guild":
                owners[str(GUILD_INSTALL)] = "0"  # a server install reaches the bot's DMs
        if USER_INSTALL in types and installed == "user":
            owners[str(USER_INSTALL)] = str(user.id)
        if not owners:
            raise NotOffered(
                f"Discord does not offer {name} to a {installed} install in "
                f"{CONTEXT_NAMES[context]}: its integration_types are {sorted(types)}"
            )
        return owners

    def _place(
        self, user: User, context: int, guild_id: int | None, channel_id: int | None
    ) -> tuple[dict[str, Any], Channel]:
        """Who invokes where: the payload's user or member, guild and channel fields."""
        if context == GUILD_CONTEXT:
            return self._guild_place(user, self.guilds[guild_id or 0], channel_id)
        if context == BOT_DM:
            channel = self.channels[self.dm_channel(user.id)]
        else:
            channel = self.channels[channel_id or self._default_group_dm(user).id]
            if user.id not in channel.group_members:
                raise AssertionError(f"{user.name} is not in that group DM")
        return {
            "user": user.payload(),
            "channel_id": str(channel.id),
            "channel": self._channel_payload(channel),
        }, channel

    def _guild_place(
        self, user: User, guild: Guild, channel_id: int | None
    ) -> tuple[dict[str, Any], Channel]:
        member = guild.members.get(user.id)
        if member is None:
            raise AssertionError(f"{user.name} is not a member of {guild.name}")
        channel = self.channels[channel_id or guild.general]
        permissions = member.permissions | guild.roles[guild.id].permissions
        return {
            "guild_id": str(guild.id),
            "guild": {"id": str(guild.id), "locale": "en-US", "features": []},
            "guild_locale": "en-US",
            "member": {**self._member_payload(guild, member), "permissions": str(permissions)},
            "channel_id": str(channel.id),
            "channel": {**self._channel_payload(channel), "permissions": str(permissions)},
        }, channel

    def _app_permissions(self, context: int, owners: dict[str, str], channel: Channel) -> int:
        """The bot's own permissions where it is present; elsewhere only what answers need."""
        if context == GUILD_CONTEXT and str(GUILD_INSTALL) in owners:
            return BOT_PERMISSIONS if channel.bot_can_send else BOT_PERMISSIONS & ~SEND
        return PRIVATE_CHANNEL_PERMISSIONS if context == PRIVATE_CHANNEL else USER_APP_PERMISSIONS

    def _context(
        self,
        user: User,
        guild_id: int | None,
        channel_id: int | None,
        *,
        context: int | None = None,
        owners: dict[str, str] | None = None,
    ) -> dict[str, Any]:
        """An interaction's where-fields; `owners` defaults to the server's own install (or,
        in the bot's DMs, a server install), as for the bot's own messages."""
        if context is None:
            context = GUILD_CONTEXT if guild_id is not None else BOT_DM
        if owners is None:
            owners = {str(GUILD_INSTALL): str(guild_id) if context == GUILD_CONTEXT else "0"}
        place, channel = self._place(user, context, guild_id, channel_id)
        return {
            **place,
            "context": context,
            "authorizing_integration_owners": owners,
            "app_permissions": str(self._app_permissions(context, owners, channel)),
        }

    def _default_group_dm(self, user: User) -> Channel:
        """The member's group DM with a friend, made on first use."""
        for channel in self.channels.values():
            if channel.group_members and channel.group_members[0] == user.id:
                return channel
        return self.add_group_dm(user, self.add_user(f"{user.name}-friend"))

    async def _send_interaction(
        self, kind: int, data: dict[str, Any], context: dict[str, Any], **extra: Any
    ) -> Interaction:
        guild_id = int(context["guild_id"]) if context.get("guild_id") else None
        sessions = self._sessions_for(guild_id)
        if not sessions:
            where = "DMs" if guild_id is None else f"server {guild_id}"
            raise AssertionError(f"the bot is not connected on the shard of {where}")
        session = sessions[-1]  # Discord sends an interaction once, to the newest session
        interaction_id = self.next_id()
        token = f"tok.{interaction_id}.{secrets.token_hex(8)}"
        payload = {
            "id": str(interaction_id),
            "application_id": str(self.application_id),
            "type": kind,
            "token": token,
            "version": 1,
            "data": data,
            "locale": "en-US",
            "entitlements": [],
            "attachment_size_limit": 10 * 1024 * 1024,
            **context,
            **extra,
        }
        ix = Interaction(interaction_id, token, payload, asyncio.get_running_loop().time(), self)
        ix.shard_id = session.shard_id
        self.interactions[token] = ix
        await self._send_dispatch(session, "INTERACTION_CREATE", payload)
        return ix

    async def invoke(
        self,
        user: User,
        name: str,
        options: dict[str, Any] | None = None,
        *,
        guild_id: int | None = None,
        channel_id: int | None = None,
        locale: str = "en-US",
        installed: str | None = None,
        context: int | None = None,
    ) -> Interaction:
        """A member runs a slash command, resolved by name from the synced tree; `locale` is
        their Discord client's language. `context` is 0 (a server: give `guild_id`), 1 (the
        bot's DMs) or 2 (a group DM: `channel_id` from `add_group_dm`, else one is made);
        `installed` is "guild" (the server's install) or "user" (the member's own). A command
        whose synced contexts / integration_types leave this place out raises NotOffered."""
        command, path = self._find_command(name, guild_id)
        context, installed = self._where(guild_id, context, installed)
        owners = self._owners(command, user, guild_id, context, installed)
        resolved: dict[str, dict[str, Any]] = {}
        guild = self.guilds.get(guild_id) if guild_id else None
        built = self._build_options(
            command.get("options") or [], path, options or {}, None, resolved, guild
        )
        data = {"id": command["id"], "name": command["name"], "type": 1, "options": built}
        if resolved:
            data["resolved"] = resolved
        if guild_id is not None and command.get("guild_id"):
            data["guild_id"] = str(guild_id)
        where = self._context(user, guild_id, channel_id, context=context, owners=owners)
        return await self._send_interaction(2, data, where, locale=locale)

    async def autocomplete(
        self,
        user: User,
        name: str,
        *,
        focused: str,
        value: str,
        options: dict[str, Any] | None = None,
        guild_id: int | None = None,
        channel_id: int | None = None,
        locale: str = "en-US",
        installed: str | None = None,
        context: int | None = None,
    ) -> list[dict[str, Any]]:
        command, path = self._find_command(name, guild_id)
        context, installed = self._where(guild_id, context, installed)
        owners = self._owners(command, user, guild_id, context, installed)
        values = {**(options or {}), focused: value}
        resolved: dict[str, dict[str, Any]] = {}
        guild = self.guilds.get(guild_id) if guild_id else None
        built = self._build_options(
            command.get("options") or [], path, values, focused, resolved, guild
        )
        data = {"id": command["id"], "name": command["name"], "type": 1, "options": built}
        where = self._context(user, guild_id, channel_id, context=context, owners=owners)
        ix = await self._send_interaction(4, data, where, locale=locale)
        response = await ix.response(timeout=5)
        assert response.type == 8, f"autocomplete answered with callback type {response.type}"
        return list(ix.choices or [])

    def _component(
        self, message: dict[str, Any], label: str | None, custom_id: str | None, types: set[int]
    ) -> dict[str, Any]:
        for row in message.get("components") or []:
            component: dict[str, Any]
            for component in row.get("components") or []:
                if component.get("type") not in types:
                    continue
                if (
                    (label is not None and component.get("label") == label)
                    or (custom_id is not None and component.get("custom_id") == custom_id)
                    or (label is None and custom_id is None)
                ):
                    if component.get("disabled"):
                        raise AssertionError(f"component {label or custom_id!r} is disabled")
                    if component.get("style") == 5:
                        raise AssertionError(f"{label!r} is a link button")
                    return component
        raise AssertionError(f"no component {label or custom_id!r} on the message")

    def _message_context(self, user: User, message: dict[str, Any]) -> dict[str, Any]:
        """A component on a message answers to the install that authorised the interaction
        the message answers (whoever clicks); on the bot's own posts, to the server's."""
        channel = self.channels[int(message["channel_id"])]
        origin = self.origins.get(int(message["id"]))
        owners = origin["authorizing_integration_owners"] if origin else None
        if channel.group_members:
            return self._context(user, None, channel.id, context=PRIVATE_CHANNEL, owners=owners)
        if channel.guild_id is None:
            if channel.recipient_id is not None and channel.recipient_id != user.id:
                raise AssertionError("only the DM's recipient can see this message")
            return self._context(user, None, None, owners=owners)
        return self._context(user, channel.guild_id, channel.id, owners=owners)

    async def click(
        self,
        user: User,
        message: dict[str, Any],
        label: str | None = None,
        custom_id: str | None = None,
    ) -> Interaction:
        current = self.messages[int(message["id"])]
        button = self._component(current, label, custom_id, {2})
        data = {"custom_id": button["custom_id"], "component_type": 2}
        return await self._send_interaction(
            3, data, self._message_context(user, current), message=current
        )

    async def select(
        self, user: User, message: dict[str, Any], values: list[str], custom_id: str | None = None
    ) -> Interaction:
        current = self.messages[int(message["id"])]
        menu = self._component(current, None, custom_id, {3})
        allowed = {option["value"] for option in menu.get("options") or []}
        if not set(values) <= allowed:
            raise AssertionError(f"{values} are not options of the select menu ({sorted(allowed)})")
        data = {"custom_id": menu["custom_id"], "component_type": 3, "values": values}
        return await self._send_interaction(
            3, data, self._message_context(user, current), message=current
        )

    async def submit_modal(
        self, user: User, opened: Interaction, values: dict[str, str]
    ) -> Interaction:
        modal = opened.modal
        assert modal is not None, "that interaction did not open a modal"
        rows = [
            {"type": 1, "components": [{"type": 4, "custom_id": key, "value": value}]}
            for key, value in values.items()
        ]
        data = {"custom_id": modal["custom_id"], "components": rows}
        context = {
            k: v
            for k, v in opened.payload.items()
            if k
            in (
                "guild_id",
                "guild",
                "guild_locale",
                "member",
                "user",
                "channel_id",
                "channel",
                "context",
                "authorizing_integration_owners",
                "app_permissions",
            )
        }
        return await self._send_interaction(5, data, context)


def offered_where(command: dict[str, Any]) -> tuple[set[int], set[int]]:
    """The installs and contexts a synced command is offered in, with Discord's defaults for
    fields left out (the app's default install is a server install). Server-scoped commands
    exist only in that server, through its install."""
    if command.get("guild_id"):
        return {GUILD_INSTALL}, {GUILD_CONTEXT}
    types = set(command.get("integration_types") or [GUILD_INSTALL])
    contexts = command.get("contexts")
    if contexts is None:
        everywhere = [GUILD_CONTEXT, BOT_DM, PRIVATE_CHANNEL]
        contexts = everywhere if command.get("dm_permission", True) else [GUILD_CONTEXT]
    return types, set(contexts)


class _Reject(Exception):
    def __init__(self, status: int, body: dict[str, Any]) -> None:
        self.status = status
        self.body = body

    @classmethod
    def form(cls, problems: list[str]) -> _Reject:
        return cls(
            400, {"code": 50035, "message": "Invalid Form Body", "errors": {"_errors": problems}}
        )


async def _read_body(request: web.Request) -> tuple[Any, list[tuple[str, bytes]]]:
    """JSON bodies, or multipart with payload_json plus files, as discord.py sends them."""
    if not request.body_exists:
        return None, []
    if request.content_type.startswith("multipart/"):
        body: Any = None
        indexed: list[tuple[int, str, bytes]] = []
        reader = await request.multipart()
        while (part := await reader.next()) is not None:
            assert isinstance(part, BodyPartReader), "discord.py sends no nested multipart"
            if part.name == "payload_json":
                body = json.loads(await part.text())
            else:
                match = re.fullmatch(r"files\[(\d+)\]", part.name or "")
                index = int(match[1]) if match else len(indexed)
                data = await part.read()
                indexed.append((index, part.filename or "file", bytes(data)))
        return body, [(name, data) for _, name, data in sorted(indexed)]
    raw = await request.read()
    return (json.loads(raw) if raw else None), []
