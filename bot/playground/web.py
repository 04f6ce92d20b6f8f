"""The playground's web server, on 127.0.0.1 in the bot's own event loop: the page, its files
(all served from this package: nothing is fetched from elsewhere) and one WebSocket per open
page that carries what the person does and, live, what the bot answers."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import tempfile
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from aiohttp import WSMsgType, web

from bot.core.bundle import Content
from bot.playground import layout, render
from bot.playground.commandline import LineProblem
from bot.playground.session import DMS, GENERAL, Person, Update, World

log = logging.getLogger("bot.playground")
STATIC = Path(__file__).resolve().parent / "static"
TYPES = {".css": "text/css", ".js": "text/javascript", ".svg": "image/svg+xml"}
LOCAL_HOSTS = ("127.0.0.1", "localhost")
DATABASE = "playground.db"
Send = Callable[[dict[str, Any]], None]


class Playground:
    """`await start(port)` gives the address; `await stop()` ends everything. `data_dir` keeps
    the database (None: a temporary folder, gone at the end)."""

    def __init__(self, content: Content, data_dir: Path | None = None) -> None:
        self.content = content
        self._temporary: tempfile.TemporaryDirectory[str] | None = None
        if data_dir is None:
            self._temporary = tempfile.TemporaryDirectory()
            data_dir = Path(self._temporary.name)
        self.data_dir = data_dir
        self.world: World | None = None
        self._pages: set[Page] = set()
        self._runner: web.AppRunner | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    async def start(self, port: int = 8080) -> str:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.world = await World.open(self.content, self.data_dir / DATABASE)
        self.world.listeners.append(self._to_pages)
        app = web.Application()
        app.router.add_get("/", self._page)
        app.router.add_get("/ws", self._socket)
        app.router.add_get("/static/{name}", self._static)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", port)
        await site.start()
        return f"http://127.0.0.1:{self._runner.addresses[0][1]}/"

    async def stop(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        if self._runner is not None:
            await self._runner.cleanup()
        if self.world is not None:
            await self.world.close()
        if self._temporary is not None:
            self._temporary.cleanup()

    async def reset(self) -> None:
        """A fresh world: a new local Discord, an empty database, the bot started anew."""
        if self.world is not None:
            await self.world.close()
        for stale in self.data_dir.glob(f"{DATABASE}*"):
            stale.unlink()
        self.world = await World.open(self.content, self.data_dir / DATABASE)
        self.world.listeners.append(self._to_pages)
        for page in list(self._pages):
            page.send({"type": "reload"})

    # --- HTTP --------------------------------------------------------------------------------

    def _person(self, request: web.Request) -> tuple[World, Person]:
        """Only pages of this computer's playground are answered: a page elsewhere cannot
        drive it (its Origin), nor a name that merely points here (its Host)."""
        origin = urlparse(request.headers.get("Origin", "http://127.0.0.1")).hostname
        if request.host.rsplit(":", 1)[0] not in LOCAL_HOSTS or origin not in LOCAL_HOSTS:
            raise web.HTTPForbidden(text="the playground answers only on this computer")
        assert self.world is not None
        person = self.world.people.get(request.query.get("as", ""))
        return self.world, person or self.world.people["member"]

    async def _page(self, request: web.Request) -> web.Response:
        world, person = self._person(request)
        place = DMS if request.query.get("in") == DMS else GENERAL
        return web.Response(text=layout.page(world, person, place), content_type="text/html")

    async def _static(self, request: web.Request) -> web.FileResponse:
        path = (STATIC / request.match_info["name"]).resolve()
        if path.parent != STATIC or not path.is_file():
            raise web.HTTPNotFound()
        return web.FileResponse(path, headers={"Content-Type": TYPES.get(path.suffix, "")})

    # --- the live page -----------------------------------------------------------------------

    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        _, person = self._person(request)
        socket = web.WebSocketResponse(heartbeat=30)
        await socket.prepare(request)
        outbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue()

        def send(update: dict[str, Any]) -> None:
            outbox.put_nowait(update)

        async def write() -> None:
            while True:
                await socket.send_json(await outbox.get())

        writer = asyncio.create_task(write())
        page = Page(person, send)
        self._pages.add(page)
        try:
            async for frame in socket:
                if frame.type is WSMsgType.TEXT:
                    self._spawn(self._act(person, json.loads(frame.data), send))
        finally:
            self._pages.discard(page)
            writer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await writer
        return socket

    def _to_pages(self, update: Update) -> None:
        assert self.world is not None
        for page in list(self._pages):
            shown = _for_page(self.world, page.person, update)
            if shown is not None:
                page.send(shown)

    def _spawn(self, work: Awaitable[None]) -> None:
        task = asyncio.ensure_future(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _act(self, person: Person, action: dict[str, Any], send: Send) -> None:
        world = self.world
        assert world is not None
        kind, place = action.get("type"), action.get("place", GENERAL)
        try:
            if kind == "suggest":
                title, found = await world.suggest(person, place, str(action.get("text", "")))
                items = [vars(item) for item in found]
                seq = action.get("seq")
                send({"type": "suggestions", "seq": seq, "title": title, "items": items})
            elif kind == "send":
                await world.run(person, place, str(action.get("text", "")))
                send({"type": "sent"})
            elif kind == "click":
                await world.click(person, str(action["message"]), str(action["custom_id"]))
            elif kind == "select":
                values = [str(v) for v in action.get("values") or []]
                await world.select(person, str(action["message"]), str(action["custom_id"]), values)
            elif kind == "submit":
                fields = {str(k): str(v) for k, v in (action.get("values") or {}).items()}
                await world.submit(str(action["interaction"]), fields)
            elif kind == "fast_forward":
                moved = await world.fast_forward()
                offset = int(world.clock.offset.total_seconds() * 1000)
                note = "" if moved else "No reminder is set yet: try /reminders stretch first."
                send({"type": "clock", "offset": offset, "note": note})
            elif kind == "reset":
                await self.reset()
        except (LineProblem, AssertionError) as refused:
            # Discord's client would not send this (a missing option, a command not offered
            # here): it says so under the box, and the bot never hears of it
            send({"type": "problem", "text": str(refused)})
        except Exception:
            log.exception("the playground could not do %s", kind)
            send({"type": "problem", "text": "The playground could not do that; see its log."})


@dataclass(eq=False)
class Page:
    """One open page: the person it acts as, and its outbox."""

    person: Person
    send: Send


def _for_page(world: World, person: Person, update: Update) -> dict[str, Any] | None:
    """The update as this person's page shows it, or None where they do not see it."""
    kind, detail = update
    if kind == "modal":
        user_id, interaction_id, data = detail
        if user_id != person.user.id:
            return None
        return {"type": "modal", "html": render.modal(str(interaction_id), data)}
    place = world.place_of(person, detail)
    if place is None:
        return None
    if kind == "gone":
        return {"type": "gone", "id": detail.id}
    html = layout.entry_html(world, person, detail)
    return {"type": "entry", "place": place, "id": detail.id, "html": html}
