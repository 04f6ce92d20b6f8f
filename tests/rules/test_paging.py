"""Pages that fit a limit (bot.content.paging): every block once, in order, each page within it."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.content.paging import pages


@given(
    blocks=st.lists(st.text(min_size=1, max_size=50), max_size=40),
    limit=st.integers(min_value=50, max_value=400),
)
def test_every_block_once_in_order_and_every_page_within_the_limit(blocks, limit):
    result = pages(blocks, limit, "\n\n")
    assert [block for page in result for block in page] == blocks
    assert all(len("\n\n".join(page)) <= limit for page in result)
    # greedy: no page could have taken the first block of the next one
    for page, following in itertools.pairwise(result):
        assert len("\n\n".join([*page, following[0]])) > limit


def test_blocks_that_fit_together_share_one_page():
    assert pages(["a" * 10, "b" * 10], 22) == [["a" * 10, "b" * 10]]
    assert pages(["a" * 10, "b" * 10], 21) == [["a" * 10], ["b" * 10]]
    assert pages([], 10) == [[]]


def test_a_block_longer_than_a_page_is_refused():
    with pytest.raises(ValueError, match="cannot fit"):
        pages(["x" * 11], 10)
