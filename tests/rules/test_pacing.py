"""The limiter never lets more than `ceiling` sends into any 1-second window."""

import asyncio

import pytest

from bot.core.pacing import RateLimiter, is_paced
from tests.support.timing import busiest_window


class FakeTime:
    """Monotonic time that sleeps advance, optionally waking late like a busy event loop."""

    def __init__(self, oversleep: float = 0.0) -> None:
        self.now = 1000.37  # not aligned to a window boundary
        self.oversleep = oversleep

    def monotonic(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += seconds + self.oversleep


async def acquisitions(ceiling, count, clock):
    limiter = RateLimiter(ceiling, monotonic=clock.monotonic, sleep=clock.sleep)
    stamps = []
    for _ in range(count):
        await limiter.acquire()
        stamps.append(clock.now)
    return stamps


@pytest.mark.parametrize("ceiling", [2, 40, 50, 500])
@pytest.mark.parametrize("oversleep", [0.0, 0.005])
async def test_no_window_exceeds_the_ceiling(ceiling, oversleep):
    stamps = await acquisitions(ceiling, ceiling * 5, FakeTime(oversleep))
    assert busiest_window(stamps) <= ceiling


@pytest.mark.parametrize("ceiling", [40, 50, 500])
@pytest.mark.parametrize("oversleep", [0.0, 0.001, 0.005])
async def test_throughput_stays_within_the_headroom_even_when_sleeps_run_late(ceiling, oversleep):
    stamps = await acquisitions(ceiling, ceiling * 5, FakeTime(oversleep))
    rate = (len(stamps) - 1) / (stamps[-1] - stamps[0])
    assert rate >= 0.9 * ceiling


async def test_the_queue_and_each_wait_are_reported():
    clock = FakeTime()
    limiter = RateLimiter(10, monotonic=clock.monotonic, sleep=clock.sleep)
    waits, queued = [], []
    limiter.on_wait = waits.append
    sleep = clock.sleep

    async def sleep_and_look(seconds):
        await asyncio.sleep(0)  # the others ask meanwhile, as on a running event loop
        queued.append(limiter.waiting)  # how many were waiting while the pace held one back
        await sleep(seconds)

    limiter._sleep = sleep_and_look
    await asyncio.gather(*(limiter.acquire() for _ in range(6)))
    assert queued == [4, 3, 2, 1] and limiter.waiting == 0  # two went through on the burst
    assert len(waits) == 6 and waits[0] == 0 and waits == sorted(waits) and waits[-1] > 0.3


class Schedule:
    """A shared schedule that answers from a list, or fails."""

    def __init__(self, waits, shared=True):
        self.shared = shared
        self.waits = list(waits)
        self.asked = []

    async def reserve(self, interval, tolerance):
        self.asked.append((interval, tolerance))
        if not self.waits:
            raise ConnectionError("the database went away")
        return self.waits.pop(0)


async def test_a_shared_schedule_sets_the_pace_while_others_are_alive():
    clock = FakeTime()
    limiter = RateLimiter(50, monotonic=clock.monotonic, sleep=clock.sleep)
    limiter.schedule = Schedule([0.0, 0.25])
    started = clock.now
    await limiter.acquire()
    await limiter.acquire()
    assert clock.now - started == pytest.approx(0.25)  # waited as the schedule said
    interval, tolerance = limiter.schedule.asked[0]
    assert interval == pytest.approx(1 / limiter.full_rate)
    assert tolerance == pytest.approx((limiter.burst - 1) / limiter.full_rate)
    await limiter.acquire()  # the database fails: paced alone, not stopped
    assert len(limiter.schedule.asked) == 3
    limiter.schedule.shared = False  # alone: not asked at all
    await limiter.acquire()
    assert len(limiter.schedule.asked) == 3


def test_a_ceiling_below_two_is_refused():
    with pytest.raises(ValueError):
        RateLimiter(1)


async def test_a_global_429_holds_acquisitions_then_halves_the_pace_and_regains_it():
    clock = FakeTime()
    gate = asyncio.Event()
    gate.set()
    limiter = RateLimiter(
        100, monotonic=clock.monotonic, sleep=clock.sleep, global_gate=lambda: gate
    )
    full = limiter.rate
    await limiter.acquire()

    gate.clear()  # discord.py got a global 429 and holds every request
    waiting = asyncio.create_task(limiter.acquire())
    await asyncio.sleep(0)
    assert not waiting.done()
    clock.now += 0.4
    gate.set()
    await asyncio.wait_for(waiting, 1)
    assert limiter.rate == pytest.approx(full / 2, rel=0.01)  # regaining from the first send

    stamps = []
    for _ in range(200):
        await limiter.acquire()
        stamps.append(clock.now)
    assert (len(stamps) - 1) / (stamps[-1] - stamps[0]) < 0.9 * full  # still easing back in
    clock.now += 60
    await limiter.acquire()
    assert limiter.rate == pytest.approx(full)  # a minute later: the full pace again


API = "https://discord.com/api/v10"
APP = 1_100_000_000_000_000_000


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/channels/42/messages"),  # reminder DMs, consent DMs, stretch-break posts
        ("POST", "/users/@me/channels"),  # opening a DM channel
        ("PATCH", "/channels/42/messages/7"),  # editing a message the bot posted
        ("GET", "/users/@me"),  # at login
        ("PUT", f"/applications/{APP}/commands"),  # command sync
        ("POST", "/webhooks/999/some-webhook-token"),  # a webhook that is not the application's
        ("GET", "/interactions/5/tok/callback"),  # not an answer to an interaction
        ("POST", "/interactions/5/tok/callback/extra"),
    ],
)
def test_requests_the_bot_makes_on_its_own_are_paced(method, path):
    assert is_paced(method, API + path, api_base=API, application_id=APP)


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/interactions/5/aW50ZXJhY3Rpb24.token_-x/callback"),
        ("POST", "/interactions/5/tok/callback?with_response=true"),
        ("post", "/interactions/5/tok/callback"),
        ("POST", f"/webhooks/{APP}/tok?wait=true"),  # a followup
        ("PATCH", f"/webhooks/{APP}/tok/messages/@original"),  # editing the first answer
        ("GET", f"/webhooks/{APP}/tok/messages/@original"),
        ("DELETE", f"/webhooks/{APP}/tok/messages/123"),  # a followup deleted
    ],
)
def test_answers_to_interactions_are_never_paced(method, path):
    assert not is_paced(method, API + path, api_base=API, application_id=APP)


def test_followups_are_paced_until_the_application_is_known():
    """Before login there is no interaction to answer; an unknown id exempts nothing."""
    assert is_paced("POST", f"{API}/webhooks/{APP}/tok", api_base=API, application_id=None)


@pytest.mark.parametrize(
    "url",
    [
        "wss://gateway.discord.gg/?v=10&encoding=json",  # the gateway, reconnects included
        "https://cdn.discordapp.com/avatars/1/a.png",
        "https://discord.com/api/v9/channels/42/messages",  # not below this base
        "https://discord.com/api/v10",
        "http://discord.com/api/v10/channels/42/messages",  # another origin
    ],
)
def test_what_is_not_the_rest_api_is_not_paced(url):
    assert not is_paced("POST", url, api_base=API, application_id=APP)


def test_the_base_may_be_a_local_api_or_a_proxy_with_a_port():
    base = "http://127.0.0.1:8123/api/v10"
    assert is_paced("POST", base + "/channels/1/messages", api_base=base, application_id=APP)
    assert not is_paced(
        "POST", base + "/interactions/1/t/callback", api_base=base, application_id=APP
    )
    assert not is_paced(
        "POST",
        "http://127.0.0.1:9999/api/v10/channels/1/messages",
        api_base=base,
        application_id=APP,
    )
