"""Discord's REST API as the bot meets it: the token check, the global rate limit, failures a
test injects, every request recorded, and the routes the bot calls outside interactions."""

from __future__ import annotations

import asyncio
import json
import re
import secrets
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import BodyPartReader, web
from aiohttp.typedefs import Handler as Next

from . import attachments, limits
from .constants import ErrorCode
from .gateway import Gateway
from .models import Changes, Channel, DiscordError, EventKind, Failure, RecordedRequest
from .world import World

API_PREFIX = "/api/v10"
JSON = "application/json"
NOT_COUNTED = ("/interactions/", "/webhooks/")  # answers to interactions: no token, no limit
BODY: web.RequestKey[Any] = web.RequestKey("body")  # the JSON body (payload_json)
FILES: web.RequestKey[list[tuple[str, bytes]]] = web.RequestKey("files")
ARRIVED: web.RequestKey[float] = web.RequestKey("arrived")
"""The loop's time the request arrived, before its body was read: an interaction's deadline
and turnaround end there, whatever Discord then takes to parse what the bot sent."""
# the answers that mean the bot sent something Discord refuses, which no test should see
REJECTED = {
    (400, ErrorCode.INVALID_FORM_BODY),
    (400, ErrorCode.ALREADY_ACKNOWLEDGED),
    (404, ErrorCode.UNKNOWN_INTERACTION),
    (413, ErrorCode.ENTITY_TOO_LARGE),
    (403, ErrorCode.MISSING_ACCESS),
}
RouteHandler = Callable[..., Awaitable[web.Response]]
Route = tuple[str, re.Pattern[str], RouteHandler]
APP = r"(\d+)"  # the application ID in a route


def route(method: str, pattern: str, handler: RouteHandler) -> Route:
    return method, re.compile(pattern), handler


def json_response(
    data: Any, status: int = 200, headers: dict[str, str] | None = None
) -> web.Response:
    return web.Response(
        body=json.dumps(data).encode(),
        status=status,
        headers={"Content-Type": JSON, **(headers or {})},
    )


def error(status: int, code: ErrorCode, message: str) -> web.Response:
    return json_response({"message": message, "code": code}, status)


async def read_body(request: web.Request) -> tuple[Any, list[tuple[str, bytes]]]:
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


class Rest:
    """`global_rate_limit` requests per second (None: no limit); `rejections` are the requests
    Discord would refuse (a test fails on any unless it allows them)."""

    def __init__(
        self,
        world: World,
        gateway: Gateway,
        changes: Changes,
        valid_token: str,
        interaction_routes: list[Route],
    ) -> None:
        self.world = world
        self.gateway = gateway
        self.changes = changes
        self.valid_token = valid_token
        self.requests: list[RecordedRequest] = []
        self.rejections: list[RecordedRequest] = []
        self.unknown_routes: list[str] = []
        self.global_rate_limit: int | None = 50
        self.sync_count = 0
        self._failures: list[Failure] = []
        self._periodic_failure: tuple[str, re.Pattern[str], int, tuple[int, ...]] | None = None
        self._periodic_seen = 0
        self._window = (0, 0)
        self._routes = [*self._own_routes(), *interaction_routes]

    def fail_next(self, method: str, path_pattern: str, status: int = 500, times: int = 1) -> None:
        self._failures.append(Failure(method, re.compile(path_pattern), status, times))

    def fail_every(
        self, method: str, path_pattern: str, every: int, statuses: tuple[int, ...]
    ) -> None:
        """Answer every `every`-th matching request with the next of `statuses` (deterministic)."""
        self._periodic_failure = (method, re.compile(path_pattern), every, statuses)

    def status_counts(self) -> Counter[int]:
        return Counter(request.status for request in self.requests)

    # --- plumbing ----------------------------------------------------------------------------

    @web.middleware
    async def middleware(self, request: web.Request, handler: Next) -> web.StreamResponse:
        if not request.path.startswith(API_PREFIX):
            return await handler(request)
        arrived = asyncio.get_running_loop().time()
        path = request.path.removeprefix(API_PREFIX)
        body, files = await read_body(request)
        response: web.Response
        counted = not path.startswith(NOT_COUNTED)
        authorization = request.headers.get("Authorization")
        if counted and authorization not in (f"Bot {self.valid_token}", None):
            response = error(401, ErrorCode.GENERAL, "401: Unauthorized")
        elif counted and (limited := self._rate_limited()) is not None:
            response = limited
        elif (failure := self._injected_failure(request.method, path)) is not None:
            response = error(failure, ErrorCode.GENERAL, "Server error")
        else:
            request[ARRIVED] = arrived
            request[BODY] = body
            request[FILES] = files
            try:
                answered = await handler(request)
                assert isinstance(answered, web.Response), "routes answer with web.Response"
                response = answered
            except DiscordError as refused:
                response = json_response(refused.body, refused.status)
        bucket = "b" + path.split("/")[1] if counted else secrets.token_hex(4)
        response.headers.update(
            {
                "X-RateLimit-Limit": "1000",
                "X-RateLimit-Remaining": "1000",
                "X-RateLimit-Reset": f"{time.time() + 1:.3f}",
                "X-RateLimit-Reset-After": "1.000",
                "X-RateLimit-Bucket": bucket,
            }
        )
        answer = json.loads(response.text) if response.text else None
        recorded = RecordedRequest(
            request.method, path, body, response.status, answer, time.time(), files
        )
        self.requests.append(recorded)
        code = answer.get("code") if isinstance(answer, dict) else None
        if (response.status, code) in REJECTED:
            self.rejections.append(recorded)
        await self.changes.notify()
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
        return json_response(
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
        if self._periodic_failure is not None:
            wanted, pattern, every, statuses = self._periodic_failure
            if wanted == method and pattern.fullmatch(path):
                self._periodic_seen += 1
                if self._periodic_seen % every == 0:
                    return statuses[(self._periodic_seen // every) % len(statuses)]
        for failure in self._failures:
            if failure.times > 0 and failure.method == method and failure.pattern.fullmatch(path):
                failure.times -= 1
                return failure.status
        return None

    async def handle(self, request: web.Request) -> web.Response:
        path = request.path.removeprefix(API_PREFIX)
        for method, pattern, handler in self._routes:
            match = pattern.fullmatch(path)
            if match and method == request.method:
                return await handler(request, *match.groups())
        self.unknown_routes.append(f"{request.method} {path}")
        return error(404, ErrorCode.GENERAL, "404: Not Found")

    def _own_routes(self) -> list[Route]:
        return [
            route("GET", r"/users/@me", self._me),
            route("GET", r"/oauth2/applications/@me", self._application),
            route("GET", r"/applications/@me", self._application),
            route("GET", r"/gateway(?:/bot)?", self._gateway_info),
            route("PUT", rf"/applications/{APP}/commands", self._put_commands),
            route("GET", rf"/applications/{APP}/commands", self._get_commands),
            route("PUT", rf"/applications/{APP}/guilds/(\d+)/commands", self._put_commands),
            route("GET", rf"/applications/{APP}/guilds/(\d+)/commands", self._get_commands),
            route("POST", r"/users/@me/channels", self._open_dm),
            route("POST", r"/channels/(\d+)/messages", self._create_message),
            route("GET", r"/channels/(\d+)/messages/(\d+)", self._get_message),
            route("PATCH", r"/channels/(\d+)/messages/(\d+)", self._edit_message),
            route("GET", r"/channels/(\d+)", self._get_channel),
            route("GET", r"/guilds/(\d+)", self._get_guild),
        ]

    # --- the bot and its commands ------------------------------------------------------------

    async def _me(self, request: web.Request) -> web.Response:
        if request.headers.get("Authorization") != f"Bot {self.valid_token}":
            return error(401, ErrorCode.GENERAL, "401: Unauthorized")
        return json_response(self.world.bot_user.payload(bot=True))

    async def _application(self, request: web.Request) -> web.Response:
        return json_response(
            {
                "id": str(self.world.application_id),
                "name": self.world.bot_user.name,
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
        gateway = self.gateway
        if not request.path.endswith("/bot"):
            return json_response({"url": gateway.url})
        return json_response(
            {
                "url": gateway.url,
                "shards": gateway.recommended_shards,
                "session_start_limit": {
                    "total": 1000,
                    "remaining": max(0, 1000 - gateway.identify_count),
                    "reset_after": 86_400_000,
                    "max_concurrency": gateway.max_concurrency,
                },
            }
        )

    async def _put_commands(
        self, request: web.Request, app_id: str, guild_id: str | None = None
    ) -> web.Response:
        body = request[BODY] or []
        problems = limits.command_problems(body)
        if problems:
            raise DiscordError.form(problems)
        world = self.world
        stored = [
            {
                "id": str(world.next_id()),
                "application_id": str(world.application_id),
                "version": str(world.next_id()),
                "type": command.get("type", 1),
                "default_member_permissions": command.get("default_member_permissions"),
                "dm_permission": command.get("dm_permission", True),
                "nsfw": command.get("nsfw", False),
                **({"guild_id": guild_id} if guild_id else {}),
                **command,
            }
            for command in body
        ]
        world.commands[int(guild_id) if guild_id else None] = stored
        self.sync_count += 1
        return json_response(stored)

    async def _get_commands(
        self, request: web.Request, app_id: str, guild_id: str | None = None
    ) -> web.Response:
        return json_response(self.world.commands.get(int(guild_id) if guild_id else None, []))

    # --- channels, messages, servers ---------------------------------------------------------

    async def _open_dm(self, request: web.Request) -> web.Response:
        world = self.world
        user = world.users.get(int((request[BODY] or {}).get("recipient_id", 0)))
        if user is None:
            raise DiscordError(400, ErrorCode.INVALID_RECIPIENTS, "Invalid Recipient(s)")
        return json_response(world.channel_payload(world.channels[world.dm_channel(user.id)]))

    def _visible_channel(self, channel_id: str) -> Channel:
        """A channel the bot itself can reach: not a group DM, not a server that never added
        it (there only the interaction's answers work)."""
        world = self.world
        channel = world.channels.get(int(channel_id))
        if channel is None:
            raise DiscordError(404, ErrorCode.UNKNOWN_CHANNEL, "Unknown Channel")
        guild = world.guilds.get(channel.guild_id) if channel.guild_id is not None else None
        if channel.group_members or (guild is not None and not guild.bot_added):
            raise DiscordError(403, ErrorCode.MISSING_ACCESS, "Missing Access")
        return channel

    def _existing_message(self, message_id: str) -> dict[str, Any]:
        message = self.world.messages.get(int(message_id))
        if message is None:
            raise DiscordError(404, ErrorCode.UNKNOWN_MESSAGE, "Unknown Message")
        return message

    async def _create_message(self, request: web.Request, channel_id: str) -> web.Response:
        world = self.world
        channel = self._visible_channel(channel_id)
        if channel.recipient_id is not None and not world.users[channel.recipient_id].dms_open:
            raise DiscordError(403, ErrorCode.CANNOT_DM, "Cannot send messages to this user")
        if channel.guild_id is not None and (
            not channel.bot_can_send or channel.guild_id not in world.guilds
        ):
            raise DiscordError(403, ErrorCode.MISSING_PERMISSIONS, "Missing Permissions")
        body: dict[str, Any] = request[BODY] or {}
        problems = limits.message_problems(body)
        if problems:
            raise DiscordError.form(problems)
        files = attachments.resolve(body, request[FILES], None, world)
        nonce = body.get("nonce")
        if nonce is not None and body.get("enforce_nonce"):
            existing = world.nonces.get((channel.id, str(nonce)))
            if existing is not None:
                return json_response(world.messages[existing])
        message = world.new_message(channel.id, body)
        attachments.attach(message, files)
        if nonce is not None:
            world.nonces[(channel.id, str(nonce))] = int(message["id"])
        world.post(message)
        world.publish(EventKind.MESSAGE_CREATED, message)
        return json_response(message)

    async def _get_message(
        self, request: web.Request, channel_id: str, message_id: str
    ) -> web.Response:
        self._visible_channel(channel_id)
        return json_response(self._existing_message(message_id))

    async def _edit_message(
        self, request: web.Request, channel_id: str, message_id: str
    ) -> web.Response:
        self._visible_channel(channel_id)
        message = self._existing_message(message_id)
        body: dict[str, Any] = request[BODY] or {}
        problems = limits.message_problems(body)
        if problems:
            raise DiscordError.form(problems)
        files = attachments.resolve(body, request[FILES], message, self.world)
        self.world.edit_message(message, body)
        attachments.attach(message, files)
        self.world.publish(EventKind.MESSAGE_EDITED, message)
        return json_response(message)

    async def _get_channel(self, request: web.Request, channel_id: str) -> web.Response:
        return json_response(self.world.channel_payload(self._visible_channel(channel_id)))

    async def _get_guild(self, request: web.Request, guild_id: str) -> web.Response:
        guild = self.world.guilds.get(int(guild_id))
        if guild is None:
            raise DiscordError(404, ErrorCode.UNKNOWN_GUILD, "Unknown Guild")
        if not guild.bot_added:
            raise DiscordError(403, ErrorCode.MISSING_ACCESS, "Missing Access")
        return json_response(self.world.guild_payload(guild))
