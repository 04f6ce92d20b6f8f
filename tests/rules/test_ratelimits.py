"""The HTTP layer: every unprompted request paced, interaction traffic not; and discord.py's
bucket cleanup, amortised: linear in the number of channels the bot sends to."""

import asyncio
from types import SimpleNamespace

import aiohttp
import discord.http
import yarl
from aiohttp import web
from multidict import CIMultiDict

from bot.core.discord_internals import amortise_bucket_cleanup, pace_unprompted_requests
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


def start_params(method, path):
    return aiohttp.TraceRequestStartParams(method, yarl.URL(API + path), CIMultiDict())


async def test_a_fan_out_is_paced_and_answers_to_interactions_pass_it(monkeypatch):
    """At the HTTP layer, with a fake clock: 300 queued sends never exceed the ceiling in any
    1-second window and go out in the order they were asked for, while the interaction
    callbacks and followups asked for behind them do not wait at all."""
    monkeypatch.setattr(discord.http.Route, "BASE", API)
    clock = SteppingTime()
    limiter = RateLimiter(50, monotonic=clock.monotonic, sleep=clock.sleep)
    trace = pace_unprompted_requests(limiter, lambda: APP, lambda scope: None)
    [on_start] = trace.on_request_start
    started = clock.now
    stamps: dict[str, float] = {}

    async def request(name, method, path):
        await on_start(None, SimpleNamespace(), start_params(method, path))
        stamps[name] = clock.now

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


async def test_the_trace_holds_the_request_itself_until_the_pacer_allows_it(monkeypatch):
    """Through a real aiohttp session to a real socket: while a global 429 holds the pacer,
    a message send does not leave the bot, an interaction callback does."""
    arrived: list[str] = []

    async def record(request: web.Request) -> web.Response:
        arrived.append(request.path)
        return web.json_response({})

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", record)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]
    base = f"http://127.0.0.1:{port}/api/v10"
    monkeypatch.setattr(discord.http.Route, "BASE", base)
    held = asyncio.Event()  # cleared: discord.py is waiting out a global 429
    limiter = RateLimiter(50, global_gate=lambda: held)
    trace = pace_unprompted_requests(limiter, lambda: APP, lambda scope: None)
    session = aiohttp.ClientSession(trace_configs=[trace])
    try:
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
    finally:
        await session.close()
        await runner.cleanup()
