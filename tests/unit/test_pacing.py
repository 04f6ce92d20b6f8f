"""The limiter never lets more than `ceiling` sends into any 1-second window."""

import pytest

from bot.pacing import RateLimiter


class FakeTime:
    def __init__(self) -> None:
        self.now = 1000.37  # not aligned to a window boundary

    def monotonic(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += seconds


@pytest.mark.parametrize("ceiling", [2, 40, 50, 500])
async def test_no_window_exceeds_the_ceiling_and_throughput_stays_close(ceiling):
    clock = FakeTime()
    limiter = RateLimiter(ceiling, monotonic=clock.monotonic, sleep=clock.sleep)
    stamps = []
    for _ in range(ceiling * 5):
        await limiter.acquire()
        stamps.append(clock.now)
    windows: dict[int, int] = {}
    for stamp in stamps:
        windows[int(stamp)] = windows.get(int(stamp), 0) + 1
    assert max(windows.values()) <= ceiling
    elapsed = stamps[-1] - stamps[0]
    assert len(stamps) / elapsed >= 0.9 * ceiling if ceiling >= 10 else True


def test_a_ceiling_below_two_is_refused():
    with pytest.raises(ValueError):
        RateLimiter(1)
