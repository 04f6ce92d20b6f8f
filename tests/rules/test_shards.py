"""Identify pacing: Discord's buckets within one process, and a retry after a refusal."""

from bot.core.shards import IdentifyPacer, shard_of


def test_a_servers_shard_is_discords_formula():
    guild_id = 1_100_000_000_000_000_000
    assert shard_of(guild_id, 1) == 0
    assert shard_of(guild_id, 3) == (guild_id >> 22) % 3
    assert shard_of((7 << 22) | 12345, 4) == 3


def test_one_bucket_identifies_once_per_window_like_discord_py():
    pacer = IdentifyPacer(max_concurrency=1)
    assert [pacer.reserve(shard, now=100.0) for shard in range(3)] == [0.0, 5.0, 10.0]


def test_shards_in_different_buckets_identify_together():
    pacer = IdentifyPacer(max_concurrency=2)
    waits = {shard: pacer.reserve(shard, now=100.0) for shard in range(5)}
    assert waits == {0: 0.0, 1: 0.0, 2: 5.0, 3: 5.0, 4: 10.0}


def test_a_slot_frees_once_the_window_has_passed():
    pacer = IdentifyPacer(max_concurrency=1)
    assert pacer.reserve(0, now=100.0) == 0.0
    assert pacer.reserve(1, now=107.0) == 0.0
    assert pacer.reserve(2, now=108.0) == 4.0


def test_a_refused_identify_is_retried_a_full_window_later():
    """Another process took the bucket: the retry waits a window from the refused attempt,
    even when this process's own identify was long ago."""
    pacer = IdentifyPacer(max_concurrency=16)
    assert pacer.reserve(3, now=100.0) == 0.0
    assert pacer.reserve(3, now=100.2) == 5.0  # refused at once: a window after the request
    assert pacer.reserve(3, now=5000.0) == 5.0  # invalidated hours later: still a window
    assert pacer.reserve(4, now=5000.0) == 0.0  # other buckets are not held up


def test_max_concurrency_below_one_is_treated_as_one():
    pacer = IdentifyPacer(max_concurrency=0)
    assert pacer.max_concurrency == 1
    assert pacer.reserve(0, now=0.0) == 0.0 and pacer.reserve(1, now=0.0) == 5.0
