"""discord.py's bucket cleanup, amortised: linear in the number of channels the bot sends to."""

import asyncio

import discord.http

from bot.ratelimits import amortise_bucket_cleanup


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
