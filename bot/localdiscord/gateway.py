"""Discord's gateway: a session per shard, the identify limit, RESUME with the missed events,
and dispatches sent to the shard that owns the server, in sequence order."""

from __future__ import annotations

import asyncio
import contextlib
import json
import secrets
import time
from collections.abc import Callable
from typing import Any

from aiohttp import WSMsgType, web

from .constants import CloseCode, Opcode
from .models import Changes, Session
from .world import World

HEARTBEAT_INTERVAL = 41250  # ms, as Discord sends in HELLO
BACKLOG = 1000  # events a session keeps for a RESUME
IDENTIFY_WINDOW = 5.0  # seconds: Discord's identify limit is per 5 s


def frame(op: Opcode, data: Any = None) -> dict[str, Any]:
    return {"op": op, "d": data, "s": None, "t": None}


class Gateway:
    """`recommended_shards` is what GET /gateway/bot recommends; Discord's identify limit is one
    identify per IDENTIFY_WINDOW in each bucket `shard_id % max_concurrency`, timed by
    `identify_clock`."""

    def __init__(self, world: World, changes: Changes, valid_token: str) -> None:
        self.world = world
        self.changes = changes
        self.valid_token = valid_token
        self.url = ""  # known once the server listens
        self.sessions: dict[str, Session] = {}
        self.recommended_shards = 1
        self.max_concurrency = 1
        self.identify_clock: Callable[[], float] = time.monotonic
        self.identify_count = 0
        self.resume_count = 0
        self.ready_count = 0
        self.invalid_session_count = 0
        self.identifies_waiting = 0
        self._identify_gate: asyncio.Event | None = None
        self.down = False
        self._identified_at: dict[int, float] = {}
        self._sockets: set[web.WebSocketResponse] = set()

    async def close(self) -> None:
        self.release_identifies()  # a held identify would keep its socket from closing
        for socket in list(self._sockets):
            await socket.close()

    # --- what tests look at and do -----------------------------------------------------------

    def new_session(self, shard_id: int = 0, shard_count: int = 1) -> Session:
        """A session for the shard; with no socket attached, a test can send interactions
        without a bot connected."""
        session = Session(secrets.token_hex(8), shard_id=shard_id, shard_count=shard_count)
        self.sessions[session.id] = session
        return session

    def connected_shards(self) -> set[int]:
        """The shards with a session whose socket is open right now."""
        return {s.shard_id for s in self.sessions.values() if s.socket is not None}

    def hold_identifies(self) -> None:
        """Keep every IDENTIFY waiting until `release_identifies`: processes that start
        together then really identify together."""
        self._identify_gate = asyncio.Event()

    def release_identifies(self) -> None:
        if self._identify_gate is not None:
            self._identify_gate.set()
            self._identify_gate = None

    async def drop(self, shard_id: int | None = None) -> None:
        """Close the bot's socket (of one shard, or all) as Discord does on a hiccup; the bot
        should RESUME."""
        dropped = [
            s.socket
            for s in self.sessions.values()
            if s.socket is not None and shard_id in (None, s.shard_id)
        ]
        assert dropped, "no connected session to drop"
        for socket in dropped:
            await socket.close(code=CloseCode.UNKNOWN_ERROR, message=b"dropped by the test")

    async def begin_outage(self) -> None:
        """The gateway goes away, as in a Discord incident: every socket closes and new
        connections are answered 503 until `end_outage`; the bot should keep trying."""
        self.down = True
        for socket in list(self._sockets):
            await socket.close(code=CloseCode.UNKNOWN_ERROR, message=b"gateway unavailable")

    def end_outage(self) -> None:
        self.down = False

    # --- dispatching -------------------------------------------------------------------------

    def sessions_for(self, guild_id: int | None) -> list[Session]:
        """The sessions Discord sends a server's events to (DMs: shard 0's)."""
        return [s for s in self.sessions.values() if s.handles(guild_id)]

    def dispatch(
        self, event: str, payload: Callable[[], dict[str, Any]], guild_id: int | None
    ) -> None:
        """Tell every session that handles the server (none connected: nobody hears it)."""
        for session in self.sessions_for(guild_id):
            self._queue(session, event, payload())

    async def send(self, session: Session, event: str, data: dict[str, Any]) -> None:
        """Dispatch to one session and wait until its socket was written."""
        self._queue(session, event, data)
        await session.outbox.join()

    def _queue(self, session: Session, event: str, data: dict[str, Any]) -> None:
        """Number the event now and let the session's writer send it: frames keep their order."""
        session.sequence += 1
        event_frame = {"op": Opcode.DISPATCH, "t": event, "s": session.sequence, "d": data}
        session.backlog = [*session.backlog[-(BACKLOG - 1) :], event_frame]
        if session.socket is not None:
            session.outbox.put_nowait(event_frame)

    async def _write(self, session: Session, socket: web.WebSocketResponse) -> None:
        """The only writer of dispatches to `socket`, in sequence order."""
        while True:
            event_frame = await session.outbox.get()
            try:
                if not socket.closed:
                    with contextlib.suppress(ConnectionError, RuntimeError):
                        await socket.send_json(event_frame)
            finally:
                session.outbox.task_done()

    def _attach(self, session: Session, socket: web.WebSocketResponse) -> None:
        if session.writer is not None:
            session.writer.cancel()
        session.outbox = asyncio.Queue()
        session.socket = socket
        session.writer = asyncio.get_running_loop().create_task(self._write(session, socket))

    # --- the socket --------------------------------------------------------------------------

    async def handle(self, request: web.Request) -> web.StreamResponse:
        if self.down:
            return web.Response(status=503, text="upstream connect error")
        socket = web.WebSocketResponse(autoping=True, max_msg_size=0)
        await socket.prepare(request)
        self._sockets.add(socket)
        try:
            await socket.send_json(frame(Opcode.HELLO, {"heartbeat_interval": HEARTBEAT_INTERVAL}))
            async for message in socket:
                if message.type is WSMsgType.TEXT:
                    await self._on_frame(socket, json.loads(message.data))
        finally:
            self._sockets.discard(socket)
            for session in self.sessions.values():
                if session.socket is socket:
                    session.socket = None
                    if session.writer is not None:
                        session.writer.cancel()
                        session.writer = None
        return socket

    async def _on_frame(self, socket: web.WebSocketResponse, received: dict[str, Any]) -> None:
        op, data = received.get("op"), received.get("d")
        if op == Opcode.HEARTBEAT:
            await socket.send_json(frame(Opcode.HEARTBEAT_ACK))
        elif op == Opcode.IDENTIFY:
            await self._identify(socket, data or {})
        elif op == Opcode.RESUME:
            await self._resume(socket, data or {})

    async def _resume(self, socket: web.WebSocketResponse, data: dict[str, Any]) -> None:
        session = self.sessions.get(str(data.get("session_id")))
        if session is None:
            await socket.send_json(frame(Opcode.INVALID_SESSION, False))
            return
        self.resume_count += 1
        self._attach(session, socket)
        for event in session.backlog:
            if event["s"] > int(data.get("seq") or 0):
                session.outbox.put_nowait(event)
        await self.send(session, "RESUMED", {"_trace": []})
        await self.changes.notify()

    async def _identify(self, socket: web.WebSocketResponse, data: dict[str, Any]) -> None:
        if data.get("token") != self.valid_token:
            await socket.close(code=CloseCode.AUTHENTICATION_FAILED)
            return
        shard = data.get("shard") or [0, 1]
        if (
            not isinstance(shard, list)
            or len(shard) != 2
            or not all(isinstance(n, int) for n in shard)
            or not 0 <= shard[0] < shard[1]
        ):
            await socket.close(code=CloseCode.INVALID_SHARD, message=b"Invalid shard")
            return
        shard_id, shard_count = shard
        if self._identify_gate is not None:
            self.identifies_waiting += 1
            await self.changes.notify()
            try:
                await self._identify_gate.wait()
            finally:
                self.identifies_waiting -= 1
        if not self._identify_allowed(shard_id):
            # over the identify limit: Discord answers "invalid session, not resumable"
            self.invalid_session_count += 1
            await socket.send_json(frame(Opcode.INVALID_SESSION, False))
            await self.changes.notify()
            return
        self.identify_count += 1
        session = self.new_session(shard_id, shard_count)
        self._attach(session, socket)
        await self.send(session, "READY", self._ready_payload(session))
        for guild in self.world.bot_guilds():
            if session.handles(guild.id):
                await self.send(session, "GUILD_CREATE", self.world.guild_payload(guild))
        self.ready_count += 1
        await self.changes.notify()

    def _identify_allowed(self, shard_id: int) -> bool:
        """One identify per window in each bucket `shard_id % max_concurrency`."""
        bucket = shard_id % self.max_concurrency
        now = self.identify_clock()
        last = self._identified_at.get(bucket)
        if last is not None and now - last < IDENTIFY_WINDOW:
            return False
        self._identified_at[bucket] = now
        return True

    def _ready_payload(self, session: Session) -> dict[str, Any]:
        world = self.world
        return {
            "v": 10,
            "user": world.bot_user.payload(bot=True),
            "guilds": [
                {"id": str(g.id), "unavailable": True}
                for g in world.bot_guilds()
                if session.handles(g.id)
            ],
            "session_id": session.id,
            "resume_gateway_url": self.url,
            "application": {"id": str(world.application_id), "flags": 0},
            "private_channels": [],
            "relationships": [],
            "user_settings": {},
            "session_type": "normal",
            "shard": [session.shard_id, session.shard_count],
            "_trace": [],
        }
