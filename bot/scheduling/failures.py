"""How a failed send is sorted for the dispatcher, in its own words: the dispatcher knows no
Discord, so the core sorts Discord's errors into these (bot.core.delivery)."""

from __future__ import annotations

from enum import Enum


class Failure(Enum):
    """What a failed send means for the reminder."""

    CLOSED_DMS = "closed_dms"
    CANNOT_POST = "cannot_post"
    TRANSIENT = "transient"
    UNEXPECTED = "unexpected"


def only_timeouts(error: BaseException) -> Failure:
    """The sorting a dispatcher does alone: a timeout is worth retrying, nothing else is known."""
    return Failure.TRANSIENT if isinstance(error, TimeoutError) else Failure.UNEXPECTED
