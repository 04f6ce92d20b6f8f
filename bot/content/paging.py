"""Splitting a list into pages that each fit a Discord limit, so a long list is shown in
pages instead of being refused by Discord."""

from __future__ import annotations

from collections.abc import Sequence


def pages(blocks: Sequence[str], limit: int, separator: str = "\n\n") -> list[list[str]]:
    """The blocks in order, as few pages as greedy packing makes, each page's blocks joined by
    `separator` at most `limit` characters long. A block alone over the limit is a bug in
    whoever made it (every block's size is bounded by construction), so it raises."""
    result: list[list[str]] = []
    page: list[str] = []
    used = 0
    for block in blocks:
        if len(block) > limit:
            raise ValueError(f"a block of {len(block)} characters cannot fit a page of {limit}")
        needed = len(block) + (len(separator) if page else 0)
        if page and used + needed > limit:
            result.append(page)
            page, used, needed = [], 0, len(block)
        page.append(block)
        used += needed
    if page or not result:
        result.append(page)
    return result
