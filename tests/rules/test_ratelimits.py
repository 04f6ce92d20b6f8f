"""The HTTP layer: every unprompted request paced, interaction traffic not; and discord.py's
bucket cleanup, amortised: linear in the number of channels the bot sends to."""

import asyncio
from contextlib import asynccontextmanager
from types import SimpleNamespace

import aiohttp
import discord.http
import yarl
from aiohttp import web

from bot.core.discord_internals import amortise_bucket_cleanup, pace_requests, pacing_middleware
from bot.core.pacing import RateLimiter
from tests.support.timing import busiest_window


def count_scans(monkeypatch):
    calls = [0]
    original = discord.http.Ratelimit.is_inactive

    def counted(self):
        calls[0] += 1
        return original(self)

    monkeypatch.setattr(discord.http.Ratelimit, "is_inactive", counted)
    return calls


async def test_ten_thousand_new_buckets_cost_a_linear_number_of_checks(monkeypatch):
    calls = count_scans(monkeypatch)
    http = discord.http.HTTPClient(asyncio.get_running_loop())
    amortise_bucket_cleanup(http)
    for channel in range(10_000):
        http.get_ratelimit(f"POST /channels/{{channel_id}}/messages:{channel}")
    assert len(http._buckets) == 10_000
    assert calls[0] < 3 * 10_000  # discord.py alone: about 50 million


async def test_idle_buckets_are_still_cleared(monkeypatch):
    http = discord.http.HTTPClient(asyncio.get_running_loop())
    amortise_bucket_cleanup(http)
    for channel in range(300):
        http.get_ratelimit(f"route:{channel}")
    for bucket in http._buckets.values():
        bucket._last_request -= 301  # unused for more than five minutes
    for channel in range(300, 700):
        http.get_ratelimit(f"route:{channel}")
    assert len(http._buckets) < 700
    assert all(f"route:{channel}" not in http._buckets for channel in range(300))


class SteppingTime:
    """Monotonic time that sleeps advance; each sleep yields, so waiting tasks interleave."""

    def __init__(self) -> None:
        self.now = 500.61

    def monotonic(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(0)
        self.now += seconds


API = "http://127.0.0.1:1/api/v10"
APP = 77


async def test_a_fan_out_is_paced_and_answers_to_interactions_pass_it(monkeypatch):
    """At the HTTP layer, with a fake clock: 300 queued sends never exceed the ceiling in any
    1-second window and go out in the order they were asked for, while the interaction
    callbacks and followups asked for behind them do not wait at all."""
    monkeypatch.setattr(discord.http.Route, "BASE", API)
    clock = SteppingTime()
    limiter = RateLimiter(50, monotonic=clock.monotonic, sleep=clock.sleep)
    pace = pacing_middleware(limiter, lambda: APP, lambda scope: None)
    started = clock.now
    stamps: dict[str, float] = {}

    async def request(name, method, path):
        async def send(request):
            stamps[name] = clock.now  # the moment the request leaves the middleware
            return SimpleNamespace(status=200, headers={})

        await pace(SimpleNamespace(method=method, url=yarl.URL(API + path)), send)

    sends = [f"dm{i}" for i in range(300)]
    answers = [f"ix{i}" for i in range(20)]
    await asyncio.gather(
        *(request(name, "POST", f"/channels/{i}/messages") for i, name in enumerate(sends)),
        *(request(name, "POST", f"/interactions/{i}/t/callback") for i, name in enumerate(answers)),
        request("followup", "POST", f"/webhooks/{APP}/t?wait=true"),
        request("edit", "PATCH", f"/webhooks/{APP}/t/messages/@original"),
    )
    paced = [stamps[name] for name in sends]
    assert busiest_window(paced) <= 50
    assert paced == sorted(paced)  # first asked, first sent
    assert paced[-1] - started > 5  # the fan-out really was held back
    unpaced = [stamps[name] for name in (*answers, "followup", "edit")]
    assert max(unpaced) - started < 0.1


@asynccontextmanager
async def local_server(monkeypatch, answer):
    """A real HTTP server on a local port answering every request with `answer(request)`,
    and discord.py's REST base pointed at it; yields that base."""
    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", answer)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    try:
        port = runner.addresses[0][1]
        base = f"http://127.0.0.1:{port}/api/v10"
        monkeypatch.setattr(discord.http.Route, "BASE", base)
        yield base
    finally:
        await runner.cleanup()


def recording(arrived: list[str]):
    async def record(request: web.Request) -> web.Response:
        arrived.append(request.path)
        return web.json_response({})

    return record


async def test_the_middleware_holds_the_request_itself_until_the_pacer_allows_it(monkeypatch):
    """Through a real aiohttp session to a real socket: while a global 429 holds the pacer,
    a message send does not leave the bot, an interaction callback does."""
    arrived: list[str] = []
    held = asyncio.Event()  # cleared: discord.py is waiting out a global 429
    limiter = RateLimiter(50, global_gate=lambda: held)
    middleware = pacing_middleware(limiter, lambda: APP, lambda scope: None)
    async with (
        local_server(monkeypatch, recording(arrived)) as base,
        aiohttp.ClientSession(middlewares=(middleware,)) as session,
    ):
        send = asyncio.create_task(session.post(base + "/channels/1/messages", json={}))
        answer = await asyncio.wait_for(
            session.post(base + "/interactions/9/t/callback", json={}), 5
        )
        answer.release()
        assert arrived == ["/api/v10/interactions/9/t/callback"]
        assert not send.done()
        held.set()
        (await asyncio.wait_for(send, 5)).release()
        assert arrived[-1] == "/api/v10/channels/1/messages"


async def test_each_429_is_told_with_its_scope(monkeypatch):
    """Every 429 that comes back, paced request or interaction answer, reaches the metrics
    with the scope Discord named, "unknown" when it named none; a success is not told."""
    replies = iter([(429, {"x-ratelimit-scope": "global"}), (429, {}), (200, {})])

    async def answer(request: web.Request) -> web.Response:
        status, headers = next(replies)
        return web.json_response({}, status=status, headers=headers)

    scopes: list[str] = []
    middleware = pacing_middleware(RateLimiter(50), lambda: APP, scopes.append)
    statuses = []
    async with (
        local_server(monkeypatch, answer) as base,
        aiohttp.ClientSession(middlewares=(middleware,)) as session,
    ):
        # aiohttp does not retry a 429 by itself: each request gets the next reply
        for path in ("/channels/1/messages", "/interactions/9/t/callback", "/channels/1/messages"):
            async with session.post(base + path, json={}) as response:
                statuses.append(response.status)
    assert statuses == [429, 429, 200]
    assert scopes == ["global", "unknown"]


async def test_pace_requests_paces_discord_py_s_own_requests(monkeypatch):
    """Installed on a real discord.py HTTP client after its login (against a local server):
    while the pacer is held, the client's message send does not leave the bot, its
    interaction callback does, and the send goes once the pacer lets it."""
    arrived: list[str] = []
    held = asyncio.Event()
    limiter = RateLimiter(50, global_gate=lambda: held)
    http = discord.http.HTTPClient(asyncio.get_running_loop())
    try:
        async with local_server(monkeypatch, recording(arrived)):
            await asyncio.wait_for(http.static_login("token"), 5)  # creates the session
            pace_requests(http, pacing_middleware(limiter, lambda: APP, lambda scope: None))
            message = discord.http.Route("POST", "/channels/{channel_id}/messages", channel_id=1)
            callback = discord.http.Route(
                "POST",
                "/interactions/{interaction_id}/{interaction_token}/callback",
                interaction_id=9,
                interaction_token="t",
            )
            send = asyncio.create_task(http.request(message, json={}))
            await asyncio.wait_for(http.request(callback, json={}), 5)
            assert arrived == ["/api/v10/users/@me", "/api/v10/interactions/9/t/callback"]
            assert not send.done()
            held.set()
            await asyncio.wait_for(send, 5)
            assert arrived[-1] == "/api/v10/channels/1/messages"
    finally:
        await http.close()
