"""Interactions: INTERACTION_CREATE sent to the right shard, and the endpoints the bot answers
through — one callback within the deadline, then the original response and followups by
webhook, each held to Discord's limits."""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Callable
from typing import Any

from aiohttp import web

from . import attachments, limits
from .constants import (
    ErrorCode,
    InteractionCallbackType,
    InteractionType,
    MessageFlag,
)
from .gateway import Gateway
from .models import Changes, DiscordError, Event, EventKind, Interaction, Response
from .rest import APP, ARRIVED, BODY, FILES, Route, json_response, route
from .world import World

Callback = InteractionCallbackType
CHECKS: dict[int, Callable[[dict[str, Any]], list[str]]] = {
    Callback.CHANNEL_MESSAGE_WITH_SOURCE: limits.message_problems,
    Callback.UPDATE_MESSAGE: limits.message_problems,
    Callback.AUTOCOMPLETE_RESULT: limits.autocomplete_problems,
    Callback.MODAL: limits.modal_problems,
}
UPDATES = (Callback.DEFERRED_UPDATE_MESSAGE, Callback.UPDATE_MESSAGE)
SHOWN = (
    Callback.CHANNEL_MESSAGE_WITH_SOURCE,
    Callback.UPDATE_MESSAGE,
)  # with_response: the message
TOKEN = r"([\w.\-]+)"
WEBHOOK_MESSAGE = rf"/webhooks/{APP}/{TOKEN}/messages/(@original|\d+)"


def unknown_interaction() -> DiscordError:
    return DiscordError(404, ErrorCode.UNKNOWN_INTERACTION, "Unknown interaction")


class Interactions:
    """`by_token` holds every interaction sent; a first callback later than `deadline` seconds
    finds the interaction gone, as on Discord, whose client then says "The application did not
    respond" (here: an INTERACTION_EXPIRED event)."""

    def __init__(self, world: World, gateway: Gateway, changes: Changes) -> None:
        self.world = world
        self.gateway = gateway
        self.changes = changes
        self.by_token: dict[str, Interaction] = {}
        self.deadline = 3.0

    async def send(
        self,
        kind: InteractionType,
        data: dict[str, Any],
        context: dict[str, Any],
        **extra: Any,
    ) -> Interaction:
        """INTERACTION_CREATE with the where-fields in `context`, once, on the newest session
        of the shard that owns the server (DMs: shard 0)."""
        guild_id = int(context["guild_id"]) if context.get("guild_id") else None
        sessions = self.gateway.sessions_for(guild_id)
        if not sessions:
            where = "DMs" if guild_id is None else f"server {guild_id}"
            raise AssertionError(f"the bot is not connected on the shard of {where}")
        session = sessions[-1]
        interaction_id = self.world.next_id()
        token = f"tok.{interaction_id}.{secrets.token_hex(8)}"
        payload = {
            "id": str(interaction_id),
            "application_id": str(self.world.application_id),
            "type": kind,
            "token": token,
            "version": 1,
            "data": data,
            "locale": "en-US",
            "entitlements": [],
            "attachment_size_limit": limits.UPLOAD_LIMIT,
            **context,
            **extra,
        }
        sent_at = asyncio.get_running_loop().time()
        ix = Interaction(
            interaction_id,
            token,
            payload,
            sent_at,
            session.shard_id,
            self.changes,
            self.world.messages,
        )
        self.by_token[token] = ix
        asyncio.get_running_loop().call_later(self.deadline, self._expire, ix)
        await self.gateway.send(session, "INTERACTION_CREATE", payload)
        return ix

    def _expire(self, ix: Interaction) -> None:
        if not ix.callbacks:
            self.world.announce(Event(EventKind.INTERACTION_EXPIRED, interaction=ix.payload))

    def routes(self) -> list[Route]:
        return [
            route("POST", rf"/interactions/(\d+)/{TOKEN}/callback", self._callback),
            route("GET", WEBHOOK_MESSAGE, self._webhook_get),
            route("PATCH", WEBHOOK_MESSAGE, self._webhook_edit),
            route("DELETE", WEBHOOK_MESSAGE, self._webhook_delete),
            route("POST", rf"/webhooks/{APP}/{TOKEN}", self._followup),
        ]

    # --- the callback ------------------------------------------------------------------------

    async def _callback(
        self, request: web.Request, interaction_id: str, token: str
    ) -> web.Response:
        ix = self.by_token.get(token)
        if ix is None or str(ix.id) != interaction_id:
            raise unknown_interaction()
        latency = request[ARRIVED] - ix.sent_at
        if not ix.callbacks and latency > self.deadline:
            raise unknown_interaction()
        if ix.callbacks:
            message = "Interaction has already been acknowledged."
            raise DiscordError(400, ErrorCode.ALREADY_ACKNOWLEDGED, message)
        body: dict[str, Any] = request[BODY] or {}
        kind: int = body.get("type", 0)
        data: dict[str, Any] = body.get("data") or {}
        check = CHECKS.get(kind)
        problems = check(data) if check is not None else []
        if problems:
            raise DiscordError.form(problems)
        answer = self._answer(ix, kind, data, request[FILES])
        response = Response(kind, dict(answer or data), latency)
        ix.callbacks.append(response)
        self.world.announce(
            Event(EventKind.INTERACTION_CALLBACK, answer, ix.payload, callback=response)
        )
        if "with_response" not in request.query:
            return web.Response(status=204)
        return json_response(
            {
                "interaction": {
                    "id": str(ix.id),
                    "type": ix.payload["type"],
                    "response_message_id": answer["id"] if answer else None,
                    "response_message_loading": kind == Callback.DEFERRED_CHANNEL_MESSAGE,
                    "response_message_ephemeral": bool(
                        answer and answer["flags"] & MessageFlag.EPHEMERAL
                    ),
                },
                "resource": {
                    "type": kind,
                    **({"message": answer} if answer and kind in SHOWN else {}),
                },
            }
        )

    def _answer(
        self, ix: Interaction, kind: int, data: dict[str, Any], files: attachments.Files
    ) -> dict[str, Any] | None:
        """What the callback does to the world; the message it answers with, if any."""
        world = self.world
        source = ix.payload.get("message")
        shown: list[dict[str, Any]] = []
        if kind == Callback.CHANNEL_MESSAGE_WITH_SOURCE:
            shown = attachments.resolve(data, files, None, world)
        elif kind == Callback.UPDATE_MESSAGE and source is not None:
            edited = world.messages[int(source["id"])]
            shown = attachments.resolve(data, files, edited, world)
        elif files:
            raise DiscordError.form([f"callback type {kind} takes no files"])
        if kind in UPDATES and source is None:
            raise DiscordError.form([f"callback type {kind} needs a component interaction"])
        ix.files.extend(files)
        channel_id = int(ix.payload["channel_id"])
        if kind == Callback.CHANNEL_MESSAGE_WITH_SOURCE:
            message = world.new_message(channel_id, data, webhook=True)
            attachments.attach(message, shown)
            self._originate(ix, message)
            if not message["flags"] & MessageFlag.EPHEMERAL:
                world.post(message)
            world.publish(EventKind.MESSAGE_CREATED, message)
            return message
        if kind == Callback.DEFERRED_CHANNEL_MESSAGE:
            flags = {"flags": data.get("flags") or 0}
            message = world.new_message(channel_id, flags, flags=MessageFlag.LOADING, webhook=True)
            self._originate(ix, message)
            world.publish(EventKind.MESSAGE_CREATED, message)
            return message
        if kind in UPDATES:
            assert source is not None  # refused above
            message = world.messages[int(source["id"])]
            ix.original_id = int(message["id"])
            if kind == Callback.UPDATE_MESSAGE:
                world.edit_message(message, data)
                attachments.attach(message, shown)
                world.publish(EventKind.MESSAGE_EDITED, message)
            return message
        if kind == Callback.AUTOCOMPLETE_RESULT:
            ix.choices = data.get("choices") or []
        return None

    def _originate(self, ix: Interaction, message: dict[str, Any]) -> None:
        """The message is the interaction's original response."""
        ix.original_id = int(message["id"])
        self.world.origins[ix.original_id] = ix.payload

    # --- webhooks ------------------------------------------------------------------------------

    def _acknowledged(self, token: str) -> Interaction:
        ix = self.by_token.get(token)
        if ix is None or not ix.callbacks:
            raise DiscordError(404, ErrorCode.UNKNOWN_WEBHOOK, "Unknown Webhook")
        return ix

    def _target(self, ix: Interaction, message_id: str) -> dict[str, Any]:
        if message_id != "@original":
            return self.world.messages[int(message_id)]
        if ix.original_id is None:
            raise DiscordError(404, ErrorCode.UNKNOWN_MESSAGE, "Unknown Message")
        return self.world.messages[ix.original_id]

    async def _webhook_get(
        self, request: web.Request, app: str, token: str, message_id: str
    ) -> web.Response:
        return json_response(self._target(self._acknowledged(token), message_id))

    async def _webhook_edit(
        self, request: web.Request, app: str, token: str, message_id: str
    ) -> web.Response:
        ix = self._acknowledged(token)
        body: dict[str, Any] = request[BODY] or {}
        problems = limits.message_problems(body)
        if problems:
            raise DiscordError.form(problems)
        target = self._target(ix, message_id)
        shown = attachments.resolve(body, request[FILES], target, self.world)
        message = self.world.edit_message(target, body)
        attachments.attach(message, shown)
        self.world.publish(EventKind.MESSAGE_EDITED, message)
        return json_response(message)

    async def _webhook_delete(
        self, request: web.Request, app: str, token: str, message_id: str
    ) -> web.Response:
        ix = self._acknowledged(token)
        message = self._target(ix, message_id)
        self.world.publish(EventKind.MESSAGE_DELETED, message)
        self.world.messages.pop(int(message["id"]), None)
        return web.Response(status=204)

    async def _followup(self, request: web.Request, app: str, token: str) -> web.Response:
        ix = self._acknowledged(token)
        body: dict[str, Any] = request[BODY] or {}
        problems = limits.message_problems(body)
        if problems:
            raise DiscordError.form(problems)
        shown = attachments.resolve(body, request[FILES], None, self.world)
        message = self.world.new_message(int(ix.payload["channel_id"]), body, webhook=True)
        attachments.attach(message, shown)
        self.world.origins[int(message["id"])] = ix.payload
        ix.followups.append(message)
        if not message["flags"] & MessageFlag.EPHEMERAL:
            self.world.post(message)
        self.world.publish(EventKind.MESSAGE_CREATED, message)
        return json_response(message)
