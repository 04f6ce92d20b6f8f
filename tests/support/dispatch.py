"""The dispatcher in the stores tier: a recording send, the dispatcher wired as
the bot wires it, a reminder added, the loop let settle."""

import asyncio
from datetime import UTC, datetime, time

from bot.core.delivery import sort_failure
from bot.scheduling.dispatcher import Scheduler, delivery_nonce
from bot.scheduling.planning import plan_reminder
from bot.scheduling.recurrence import WeeklySchedule, schedule_to_json
from bot.storage import Claim

DAILY_8 = WeeklySchedule(time(8, 0), frozenset(range(7)), "UTC")


class Recorder:
    """Stands in for the Discord send: records claims, can fail on demand."""

    def __init__(self):
        self.claims: list[Claim] = []
        self.nonces: list[str] = []
        self.failures: list[BaseException] = []
        self.sent = asyncio.Event()

    async def __call__(self, claim: Claim) -> int:
        self.nonces.append(delivery_nonce(claim))
        if self.failures:
            raise self.failures.pop(0)
        self.claims.append(claim)
        self.sent.set()
        return 1000 + len(self.claims)

    async def wait(self, count: int) -> None:
        async with asyncio.timeout(5):
            while len(self.claims) < count:
                self.sent.clear()
                await self.sent.wait()


def scheduler_on(stores, clock, **options):
    """Wired as the bot wires it: woken by the reminders store's announcements."""
    return Scheduler(
        stores.ledger,
        clock,
        plan_reminder,
        woken_by=stores.reminders.changes,
        sort_failure=sort_failure,
        **options,
    )


async def add(stores, clock, user_id=1, due=None, schedule=DAILY_8):
    due = due or datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
    await stores.members.save_member(user_id, 0, dm_channel_id=500 + user_id)
    return await stores.reminders.create(
        kind="stretch",
        user_id=user_id,
        guild_id=None,
        schedule=schedule_to_json(schedule),
        next_due_at=int(due.timestamp()),
        now=int(clock.now().timestamp()),
        limit=10,
    )


async def settle():
    for _ in range(20):
        await asyncio.sleep(0)
    await asyncio.sleep(0.05)
