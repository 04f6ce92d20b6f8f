"""The durable dispatcher: one task fires every reminder and stretch break at its time.

Design: the earliest due time is read from an index, the task sleeps until then (or until
woken because something changed), claims a batch in one transaction, and sends it. The sends
are paced below Discord's global limit where every request the bot makes is (the HTTP layer,
see bot.core.discord_internals), so a batch is about one second's worth. The next batch is claimed
while one is still sending, so the pace holds across batches; at most two batches are in memory, so
memory stays flat in the number of stored reminders.

The planner (bot.scheduling.planning) decides each claimed row: send, skip a stale slot, or hold it
for the owner's quiet hours (no delivery row; the row is due again when they end and then sends
that same occurrence, once). Pauses with an end and after-done waits are plain due times too:
nothing here polls, and no reminder has a task of its own.

Delivery is at most once: a claim moves the row to its next occurrence in the same commit,
each send carries a nonce derived from (reminder, occurrence) so Discord drops a resend,
and claims a crash left behind are resent with that same nonce only while Discord still
remembers it.

Where several processes share the database only the one holding the lead runs this (see
bot.core.leadership); its claims are leased to it and renewed while it works on them, and a new
leader resends another's claims only once their lease has expired.

The dispatcher outlives its own errors: a turn that fails (the database full, read-only or
locked for a while) is logged and tried again after a back-off of 1 s doubling to a minute,
and what was due then is claimed once the database takes writes again. A delivery's outcome
that cannot be recorded is retried the same way. Meanwhile `healthy` is False and `problem`
says why, for the readiness check.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections import defaultdict
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import TypeVar

from bot.scheduling.clock import Clock
from bot.scheduling.failures import Failure, only_timeouts
from bot.storage import (
    LEASE,
    Announcer,
    Claim,
    DeliveryLedger,
    DeliveryState,
    PauseReason,
    Planner,
    ReminderKind,
    RemindersChanged,
)
from bot.tasks import spawn

log = logging.getLogger("bot.scheduler")

T = TypeVar("T")

Handler = Callable[[Claim], Awaitable[int | None]]
Chore = Callable[[datetime], Awaitable[None]]
"""Housekeeping run once a day by the dispatcher (e.g. deleting what is past its keeping time);
it is given the clock's now."""

NONCE_WINDOW = timedelta(minutes=2)
DELIVERY_RETENTION = timedelta(days=30)
IDLE_WAKE = timedelta(hours=1)
CHORE_INTERVAL = timedelta(days=1)
BATCHES_IN_FLIGHT = 2
FIRST_BACKOFF_SECONDS = 1.0
MAX_BACKOFF_SECONDS = 60.0


def backoff_seconds(failures: int) -> float:
    """The wait after `failures` failures in a row: 1 s, doubling, at most a minute."""
    return min(MAX_BACKOFF_SECONDS, FIRST_BACKOFF_SECONDS * 2.0 ** max(0, failures - 1))


def delivery_nonce(claim: Claim) -> str:
    """A stable nonce of at most 25 characters for one occurrence of one reminder."""
    return f"r{_base36(claim.reminder.id)}.{_base36(claim.due_at)}"


def _base36(number: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    text = ""
    while True:
        number, remainder = divmod(number, 36)
        text = digits[remainder] + text
        if number == 0:
            return text


class Scheduler:
    def __init__(
        self,
        ledger: DeliveryLedger,
        clock: Clock,
        planner: Planner,
        *,
        batch_size: int,
        retry_delays: Sequence[float] = (2, 5, 15, 30, 60),
        woken_by: Announcer[RemindersChanged] | None = None,
        sort_failure: Callable[[BaseException], Failure] = only_timeouts,
    ) -> None:
        self.ledger = ledger
        self.clock = clock
        self.planner = planner
        self.batch_size = max(1, batch_size)
        # sends being prepared or waiting for the pacer: half a second's worth, taken in turn,
        # so a new batch is not prepared all at once (that stalled the event loop, and with it
        # the pace, for a moment every second) while the pacer always has sends queued
        self._in_flight = asyncio.Semaphore(max(1, self.batch_size // 2))
        self.retry_delays = tuple(retry_delays)
        self.sort_failure = sort_failure
        self._handlers: dict[ReminderKind, Handler] = {}
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._renewals: asyncio.Task[None] | None = None
        self._retries: set[asyncio.Task[None]] = set()
        self._batches: set[asyncio.Task[None]] = set()
        # the last delivery chain per recipient: a member's sends never overlap across batches
        self._recipients: dict[object, asyncio.Future[str]] = {}
        self.sent_count = 0
        self._chores: dict[str, Chore] = {}
        self._chores_due: dict[str, int] = {}
        self._problems: dict[str, str] = {}  # what is failing now -> why, for `problem`
        self.add_chore("prune-deliveries", self._prune_deliveries)
        if woken_by is not None:
            woken_by.subscribe(lambda _: self.wake())

    def register(self, kind: ReminderKind, handler: Handler) -> None:
        self._handlers[kind] = handler
        self.wake()

    def unregister(self, kind: ReminderKind) -> None:
        self._handlers.pop(kind, None)

    def add_chore(self, name: str, chore: Chore) -> None:
        """Run `chore` at the dispatcher's next turn (at start, for one added before), then
        once a day: housekeeping without a polling loop of its own."""
        self._chores[name] = chore
        self._chores_due[name] = 0
        self.wake()

    def remove_chore(self, name: str) -> None:
        self._chores.pop(name, None)
        self._chores_due.pop(name, None)

    def wake(self) -> None:
        """Reminders changed (new, resumed, snoozed, deleted): re-read the earliest due time."""
        self._wake.set()

    async def next_due(self) -> datetime | None:
        """When the earliest active reminder is due (the playground fast-forwards to it)."""
        due = await self.ledger.earliest_due(self._handlers)
        return None if due is None else datetime.fromtimestamp(due, UTC)

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    @property
    def healthy(self) -> bool:
        """False from a failed turn (or an outcome not yet recorded) until it succeeds."""
        return self.problem is None

    @property
    def problem(self) -> str | None:
        """Why the dispatcher is unhealthy, in a few words without member data; else None."""
        task = self._task
        if task is not None and task.done() and not task.cancelled() and task.exception():
            return f"the dispatcher stopped: {_reason(task.exception())}"
        return next(iter(self._problems.values()), None)

    def start(self) -> None:
        if not self.running:
            self.ledger.begin_term()
            self._task = spawn(self._run(), "scheduler")
            if self.ledger.shared:
                self._renewals = spawn(self._renew(), "scheduler-leases")

    async def stop(self) -> None:
        """Stop dispatching now (shutting down, or the lead was lost): sends in flight are
        dropped; their claims are resent by whoever dispatches next, once their lease ends."""
        tasks = [
            t for t in (self._task, self._renewals, *self._batches, *self._retries) if t is not None
        ]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self._task = self._renewals = None
        self._recipients.clear()
        self._problems.clear()

    def _now(self) -> int:
        return int(self.clock.now().timestamp())

    async def _run(self) -> None:
        """Turn after turn until stopped; a failed turn is retried after a back-off."""
        await self._retrying("dispatching", self._recover)
        while True:
            sleep_until = await self._retrying("dispatching", self._turn)
            if sleep_until is not None:
                await self.clock.sleep_until(sleep_until, self._wake)

    async def _turn(self) -> datetime | None:
        """Chores, then claim what is due and start sending it; returns when to look again
        (None: at once)."""
        self._wake.clear()
        next_chore = await self._run_chores()
        due = await self.ledger.earliest_due(self._handlers)
        now = self._now()
        if self.ledger.shared:
            # another dispatcher's claims: resend them once their lease ends
            expiry = await self.ledger.next_foreign_expiry()
            if expiry is not None and expiry <= now:
                await self._recover()
                return None
            if expiry is not None and (due is None or expiry < due):
                due = expiry
        if due is None or due > now:
            wake_at = [now + int(IDLE_WAKE.total_seconds()), due, next_chore]
            return datetime.fromtimestamp(min(w for w in wake_at if w is not None), UTC)
        claims = await self.ledger.claim_due(now, self.batch_size, self._handlers, self.planner)
        spawn(self._deliver_all(claims), "scheduler-batch", tracked=self._batches)
        if len(self._batches) >= BATCHES_IN_FLIGHT:
            await asyncio.wait(self._batches, return_when=asyncio.FIRST_COMPLETED)
        return None

    async def _retrying(self, what: str, step: Callable[[], Awaitable[T]]) -> T:
        """Run `step` until it succeeds: each failure is logged and marks the dispatcher
        unhealthy, and the next try waits a back-off on the clock (nothing wakes it sooner)."""
        failures = 0
        while True:
            try:
                result = await step()
            except Exception as exc:
                failures += 1
                delay = backoff_seconds(failures)
                reason = _reason(exc)
                self._problems[what] = f"{what} failed {failures}x in a row ({reason})"
                log.error(
                    "%s failed (%s), %d in a row; next try in %g s",
                    what,
                    reason,
                    failures,
                    delay,
                    exc_info=failures == 1,
                )
                until = self.clock.now() + timedelta(seconds=delay)
                await self.clock.sleep_until(until, asyncio.Event())
                continue
            if failures:
                log.warning("%s works again after %d failed tries", what, failures)
                self._problems.pop(what, None)
            return result

    async def _renew(self) -> None:
        """Renew this dispatcher's leases three times a lease, so they never lapse while it
        lives; a failed renewal is retried at the next beat (the lead's own check ends us)."""
        never = asyncio.Event()
        every = LEASE.total_seconds() / 3
        while True:
            await self.clock.sleep_until(self.clock.now() + timedelta(seconds=every), never)
            try:
                await self.ledger.renew_leases(self._now())
            except Exception as exc:
                log.exception("could not renew the dispatcher's leases")
                self._problems["lease renewal"] = f"lease renewal failed ({_reason(exc)})"
            else:
                self._problems.pop("lease renewal", None)

    async def _run_chores(self) -> int | None:
        """Run the chores whose day has come; returns when the next one is due. A chore that
        fails is logged and tried again the next day; the dispatcher carries on."""
        for name, chore in list(self._chores.items()):
            if self._chores_due.get(name, 0) > self._now():
                continue
            self._chores_due[name] = self._now() + int(CHORE_INTERVAL.total_seconds())
            try:
                await chore(self.clock.now())
            except Exception:
                log.exception("daily chore %s failed", name)
        return min(self._chores_due.values(), default=None)

    async def _prune_deliveries(self, now: datetime) -> None:
        await self.ledger.prune_deliveries(int((now - DELIVERY_RETENTION).timestamp()))

    async def _recover(self) -> None:
        """Resend claims a crash (or a lost lead) interrupted, but only while Discord's nonce
        dedupe holds; older ones are abandoned, as a resend could then arrive twice."""
        now = self._now()
        fresh: list[Claim] = []
        for claim, claimed_at in await self.ledger.take_over_claims(now):
            if now - claimed_at <= NONCE_WINDOW.total_seconds():
                fresh.append(claim)
            else:
                log.warning(
                    "abandoning reminder %s occurrence %s: too old to resend safely",
                    claim.reminder.id,
                    claim.due_at,
                )
                await self._record(self.ledger.finish_delivery, claim, DeliveryState.ABANDONED)
        if fresh:
            log.info("resending %d interrupted deliveries", len(fresh))
            await self._deliver_all(fresh)

    async def _deliver_all(self, claims: Sequence[Claim]) -> None:
        """Send a batch; one member's claims go in order so a closed DM costs one 403."""
        by_recipient: dict[object, list[Claim]] = defaultdict(list)
        for claim in claims:
            by_recipient[claim.reminder.user_id or ("channel", claim.reminder.id)].append(claim)
        sent: list[tuple[Claim, int | None]] = []
        await asyncio.gather(
            *(
                self._deliver_in_order(recipient, group, sent)
                for recipient, group in by_recipient.items()
            )
        )
        await self._record(self.ledger.record_sent, sent)
        self.sent_count += len(sent)

    async def _record(self, write: Callable[..., Awaitable[object]], *args: object) -> None:
        """How deliveries ended, written (with the time) even if the database refuses for a
        while: the writes only change claims still ours, so a retry never records one twice."""
        await self._retrying("recording deliveries", lambda: write(*args, self._now()))

    async def _deliver_in_order(
        self, recipient: object, claims: list[Claim], sent: list[tuple[Claim, int | None]]
    ) -> None:
        """After the recipient's sends from an earlier batch: once DMs are closed, send no more."""
        previous = self._recipients.get(recipient)
        outcome: asyncio.Future[str] = asyncio.get_running_loop().create_future()
        self._recipients[recipient] = outcome
        result = "sent"
        try:
            if previous is not None:
                result = await asyncio.shield(previous)
            for claim in claims:
                if result == "dms_closed":
                    await self._record(self.ledger.finish_delivery, claim, DeliveryState.FAILED)
                else:
                    result = await self._deliver(claim, sent)
        finally:
            outcome.set_result(result)
            if self._recipients.get(recipient) is outcome:
                del self._recipients[recipient]

    async def _deliver(
        self, claim: Claim, sent: list[tuple[Claim, int | None]], attempt: int = 0
    ) -> str:
        handler = self._handlers.get(claim.reminder.kind)
        if handler is None:
            return "pending"
        try:
            async with self._in_flight:
                message_id = await handler(claim)
        except Exception as exc:
            failure = self.sort_failure(exc)
            user_id = claim.reminder.user_id
            if failure is Failure.CLOSED_DMS and user_id:
                await self._record(self.ledger.pause_for_closed_dms, claim, user_id)
                return "dms_closed"
            if failure in (Failure.CLOSED_DMS, Failure.CANNOT_POST):
                await self._record(self.ledger.pause_reminder, claim, PauseReason.CANNOT_POST)
                return "failed"
            if failure is Failure.TRANSIENT and attempt < len(self.retry_delays):
                log.warning("reminder %s: transient failure (%s), retrying", claim.reminder.id, exc)
                self._retry_later(claim, attempt)
                return "retrying"
            if failure is Failure.TRANSIENT:
                attempts = attempt + 1
                log.error("reminder %s: giving up after %d attempts", claim.reminder.id, attempts)
            else:
                log.exception("reminder %s: delivery failed", claim.reminder.id)
            await self._record(self.ledger.finish_delivery, claim, DeliveryState.FAILED)
            return "failed"
        sent.append((claim, message_id))
        return "sent"

    def _retry_later(self, claim: Claim, attempt: int) -> None:
        async def retry() -> None:
            await asyncio.sleep(self.retry_delays[attempt])
            sent: list[tuple[Claim, int | None]] = []
            await self._deliver(claim, sent, attempt + 1)
            await self._record(self.ledger.record_sent, sent)
            self.sent_count += len(sent)

        spawn(retry(), f"retry-reminder-{claim.reminder.id}", tracked=self._retries)


def _reason(exc: BaseException | None) -> str:
    """An error in words fit for logs and the readiness check: the database's own message
    (it names no data), otherwise only the error's kind."""
    if isinstance(exc, sqlite3.Error | OSError):
        return f"{type(exc).__name__}: {exc}"
    return type(exc).__name__
