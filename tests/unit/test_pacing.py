"""The limiter never lets more than `ceiling` sends into any 1-second window."""

import asyncio

import pytest

from bot.pacing import RateLimiter


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


def busiest_window(stamps):
    """The most acquisitions in any half-open 1-second window, wherever it starts."""
    busiest, start = 0, 0
    for end, stamp in enumerate(stamps):
        while stamp - stamps[start] >= 1.0:
            start += 1
        busiest = max(busiest, end - start + 1)
    return busiest


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
