"""Every place the bot reaches past discord.py's public API, kept together.

Where Discord is (the REST base and the gateway URL, for a REST proxy or the local test
Discord), the voice warnings a text-only bot does not need, the two raw requests it makes
(GET /gateway/bot, opening a DM channel by user id), the pacing hook on its HTTP session and
its rate-limit buckets, the tasks an interaction's handling runs in, which sent views
discord.py keeps, and an option's choices set after its command is declared. A discord.py
upgrade that moves any of these is checked here, and nowhere else.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import aiohttp
import discord
import yarl
from discord import app_commands
from discord.gateway import DiscordWebSocket
from discord.http import HTTPClient, Route

from bot.core.pacing import RateLimiter, is_paced

if TYPE_CHECKING:  # imported at run time from here, discord.types trips a circular import
    from discord.types.gateway import SessionStartLimit

log = logging.getLogger("bot")

FIRST_SCAN_AT = 256  # discord.py's own threshold


def use_api_base(url: str) -> None:
    """Send every REST request to `url` (".../api/v10") instead of discord.com: discord.py
    reads it from the class for each request, so this holds for every client in the process."""
    Route.BASE = url


def api_base() -> str:
    """Where REST requests go now, for messages that name it."""
    return Route.BASE


def use_gateway(url: str) -> None:
    """Connect the gateway to `url`, the one GET /gateway/bot named (behind a REST proxy or
    on the local test Discord, not Discord's own)."""
    DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(url)


async def bot_gateway(http: HTTPClient) -> tuple[int, str, SessionStartLimit]:
    """GET /gateway/bot: Discord's recommended shard count, the gateway URL and the identify
    limits (`max_concurrency`, `remaining` session starts today)."""
    return await http.get_bot_gateway()


async def open_dm_channel(http: HTTPClient, user_id: int) -> int:
    """The id of the DM channel with a user, from the user id alone: no fetch of the user."""
    data = await http.start_private_message(user_id)
    return int(data["id"])


def silence_voice_warnings() -> None:
    """A text-only bot: no warning at every start that the voice libraries are missing."""
    discord.VoiceClient.warn_nacl = False
    discord.VoiceClient.warn_dave = False


def pacing_middleware(
    limiter: RateLimiter,
    application_id: Callable[[], int | None],
    on_rate_limited: Callable[[str], None],
) -> aiohttp.ClientMiddlewareType:
    """A middleware for discord.py's HTTP session that holds each request until the limiter
    allows it.

    Every REST call discord.py makes goes through that one session, including each retry it
    makes by itself after a 429 or a 5xx, so pacing there covers every feature, present or
    future, without any call site having to remember it. Interaction callbacks and followups
    pass straight through (see `is_paced`): Discord does not count them toward the global
    limit, and a member's answer must not wait behind a fan-out. Every 429 that comes back
    is told to `on_rate_limited` with its scope (user, global, shared), for the metrics.
    """

    async def pace(
        request: aiohttp.ClientRequest, send: aiohttp.ClientHandlerType
    ) -> aiohttp.ClientResponse:
        app = application_id()
        if is_paced(request.method, request.url, api_base=api_base(), application_id=app):
            await limiter.acquire()
        response = await send(request)
        if response.status == 429:
            on_rate_limited(response.headers.get("X-RateLimit-Scope", "unknown"))
        return response

    return pace


def pace_requests(http: HTTPClient, middleware: aiohttp.ClientMiddlewareType) -> None:
    """Add `middleware` to discord.py's HTTP session, which it creates at login (only then).

    A middleware rather than a trace: aiohttp's traces rebuild each request's URL twice and
    await a signal per step, which cost every answer more than the pacing itself."""
    session: aiohttp.ClientSession = http._HTTPClient__session  # type: ignore[attr-defined]
    session._middlewares = (*session._middlewares, middleware)


def amortise_bucket_cleanup(http: HTTPClient) -> None:
    """Scan for idle rate-limit buckets only when their number has doubled since the last scan.

    discord.py keeps one bucket per (route, channel) and, once it holds 256, rescans all of
    them every time it creates another. A reminder fan-out opens one bucket per member's DM
    channel, none idle yet (idle means 5 minutes unused), so N DMs cost O(N²) scans: 10,000
    reminders spent most of their time there. Doubling the threshold after each scan keeps the
    same cleanup at amortised O(1) per new bucket, and memory within twice the live buckets.
    """
    clear = getattr(http, "_try_clear_expired_ratelimits", None)
    buckets = getattr(http, "_buckets", None)
    if clear is None or not isinstance(buckets, dict):
        log.warning("discord.py's rate-limit internals changed; bucket cleanup left as it is")
        return
    threshold = FIRST_SCAN_AT

    def clear_when_doubled() -> None:
        nonlocal threshold
        if len(buckets) < threshold:
            return
        clear()
        threshold = max(FIRST_SCAN_AT, 2 * len(buckets))

    # the one client's own method is replaced on purpose: that is the whole fix
    http._try_clear_expired_ratelimits = clear_when_doubled  # type: ignore[method-assign]


def global_limit_event(http: HTTPClient | None) -> asyncio.Event | None:
    """The event discord.py clears while a global 429 holds every request, so pacing can wait.

    discord.py creates it at login, so it is looked up at each use rather than kept."""
    event = getattr(http, "_global_over", None)
    return event if isinstance(event, asyncio.Event) else None


def track_interactions(
    client: discord.Client, admit: Callable[[dict[str, Any]], bool]
) -> set[asyncio.Task[Any]]:
    """The tasks handling interactions, each kept in the returned set until it ends, so a
    shutdown can let them answer first. discord.py starts them as it parses INTERACTION_CREATE
    (a command, a view's or a dynamic item's callback, a modal): whatever that parse starts is
    the interaction's. `admit(payload)` False: discord.py never sees that interaction."""
    state = client._connection
    parse = state.parsers["INTERACTION_CREATE"]
    in_flight: set[asyncio.Task[Any]] = set()

    def tracked(payload: dict[str, Any]) -> None:
        if not admit(payload):
            return
        # the tasks the parse creates, caught as they are made: comparing every task before and
        # after costs time in proportion to all tasks alive (each ephemeral view keeps one)
        loop = asyncio.get_running_loop()
        factory = loop.get_task_factory()
        started: list[asyncio.Future[Any]] = []

        def catching(
            loop: asyncio.AbstractEventLoop, coro: Any, **options: Any
        ) -> asyncio.Future[Any]:
            task = (
                factory(loop, coro, **options)
                if factory is not None
                else asyncio.Task(coro, loop=loop, **options)
            )
            started.append(task)
            return task

        loop.set_task_factory(catching)
        try:
            parse(payload)
        finally:
            loop.set_task_factory(factory)
        for task in started:
            in_flight.add(task)  # type: ignore[arg-type]
            task.add_done_callback(in_flight.discard)

    state.parsers["INTERACTION_CREATE"] = tracked
    return in_flight


def keep_only_views_with_state(client: discord.Client) -> None:
    """Don't keep views whose buttons and menus all answer from their custom_id.

    discord.py keeps every view it sends, and gives each one sent privately a 15-minute timer
    task, to route presses to the view's own callbacks. The bot's items are dynamic: a press is
    routed by its custom_id's pattern (registered once per cog), never through the kept view.
    Keeping them anyway held about twenty objects and a task per answer for 15 minutes, which
    the garbage collector then scanned while members waited. A view with any other kind of
    item is still kept as discord.py does. A view not kept is emptied once sent (see below).
    """
    state = client._connection
    store_view = state.store_view

    def store_if_needed(view: discord.ui.view.BaseView, message_id: int | None = None) -> None:
        items = list(view.walk_children())
        if any(
            item.is_dispatchable() and not isinstance(item, discord.ui.DynamicItem)
            for item in items
        ):
            store_view(view, message_id)
            return
        # what keeping the view would have done besides: its item patterns are routed
        state.store_dynamic_items(
            *{type(item) for item in items if isinstance(item, discord.ui.DynamicItem)}
        )
        # the view and its items point at each other: left so, every answer would leave a
        # cycle only the garbage collector frees, and its pauses came twice as often as a
        # bare bot's. Nothing uses a view again once its message is sent.
        view.clear_items()

    state.store_view = store_if_needed  # type: ignore[method-assign]


def interaction_from(client: discord.Client, payload: dict[str, Any]) -> discord.Interaction[Any]:
    """An interaction built from its INTERACTION_CREATE payload, to answer it directly."""
    return discord.Interaction(data=payload, state=client._connection)  # type: ignore[arg-type]


def set_choices(
    command: app_commands.Command[Any, ..., Any],
    option: str,
    choices: list[app_commands.Choice[str | int | float]],
) -> None:
    """Offer `choices` for `option`, known only after the command was declared (discord.py sets
    them by a decorator only). The option is replaced, not changed: the class's own command
    shares it with every copy a cog makes."""
    params = command._params
    params[option] = dataclasses.replace(params[option], choices=choices)
