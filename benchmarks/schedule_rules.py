"""Schedule rules: what planning one due reminder costs, with and without quiet hours, and
what the rules a member's press runs cost (snooze targets). An every-N-days schedule finds its
next day by arithmetic from its start day, however long ago that was; an appointment works out
its two reminders (the day before at the same time, two hours before).

    python -m benchmarks.schedule_rules [--runs 5] [--rounds 2000]

The planner runs for every claimed row inside the claim transaction, while the database is
locked; a claim takes one batch (as many rows as SEND_RATE_PER_SECOND, 40 by default). Quiet
hours add the windows' DST arithmetic to each row. Reported: median and p99 microseconds per
call over all runs, and what a default batch of holds costs (the scheduler's planner on stored
rows: reading the schedule and the quiet hours, then plan_delivery). A snooze target is worked
out once per press, outside any transaction: "this evening" tries the evening's half hours
against quiet hours, "tomorrow" finds the wall-clock time across a clock change.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time

from bot.scheduling.one_offs import AppointmentSchedule
from bot.scheduling.planning import plan_reminder
from bot.scheduling.quiet_hours import QuietHours, plan_delivery
from bot.scheduling.recurrence import (
    EVERY_DAY,
    AfterDoneSchedule,
    ClockSchedule,
    EveryNDaysSchedule,
    WeeklySchedule,
    next_occurrence,
    plan_due,
    schedule_to_json,
)
from bot.scheduling.snooze import SnoozeChoice, snooze_target
from bot.storage import ReminderKind, ReminderRow, ReminderStatus

ZONE = "Europe/London"
DAILY = WeeklySchedule(clock_time(8), EVERY_DAY, ZONE)
DAILY_SEVEN = WeeklySchedule(clock_time(7), EVERY_DAY, ZONE)
AFTER_DONE = AfterDoneSchedule(3, ZONE)
NIGHT = QuietHours(clock_time(22), clock_time(7, 30))
MORNING = datetime(2026, 3, 2, 8, tzinfo=UTC)  # 08:00 in London
EARLY = datetime(2026, 3, 2, 7, tzinfo=UTC)  # 07:00, inside quiet hours
RELEASE = datetime(2026, 3, 2, 7, 30, tzinfo=UTC)
BATCH = 40
APPOINTMENT = AppointmentSchedule(date(2026, 3, 30), clock_time(9), ZONE)  # after a clock change
EVERY_THREE_DAYS = EveryNDaysSchedule(3, clock_time(8), ZONE, date(2006, 3, 2))  # 20 years back
EARLY_NIGHT = QuietHours(clock_time(17, 15), clock_time(7))  # "this evening" tries 19:00 to 17:00
BEFORE_DST = datetime(2026, 3, 28, 8, tzinfo=UTC)  # tomorrow 08:00 is summer time


def stored(schedule: ClockSchedule, due: datetime) -> ReminderRow:
    """A member's reminder as the claim reads it."""
    return ReminderRow(
        1, ReminderKind.STRETCH, 1, None, None, None, schedule_to_json(schedule), None, None,
        ReminderStatus.ACTIVE,
        None, int(due.timestamp()), 0,
    )  # fmt: skip


ROW_EIGHT = stored(DAILY, MORNING)
ROW_SEVEN = stored(DAILY_SEVEN, EARLY)
ROW_EVERY_THREE = stored(EVERY_THREE_DAYS, MORNING)


def per_call(action: Callable[[], object], rounds: int) -> list[float]:
    """Microseconds per call, one sample per call."""
    samples = []
    for _ in range(rounds):
        started = time.perf_counter()
        action()
        samples.append((time.perf_counter() - started) * 1e6)
    return samples


CASES: list[tuple[str, Callable[[], object]]] = [
    ("plan_due (today's planner)", lambda: plan_due(MORNING, MORNING, DAILY)),
    ("plan_delivery, no quiet hours", lambda: plan_delivery(DAILY, MORNING, MORNING)),
    (
        "plan_delivery, due outside quiet",
        lambda: plan_delivery(DAILY, MORNING, MORNING, quiet=NIGHT, zone=ZONE),
    ),
    (
        "plan_delivery, due inside: hold",
        lambda: plan_delivery(DAILY_SEVEN, EARLY, EARLY, quiet=NIGHT, zone=ZONE),
    ),
    (
        "plan_delivery, held send",
        lambda: plan_delivery(DAILY_SEVEN, RELEASE, RELEASE, held=EARLY, quiet=NIGHT, zone=ZONE),
    ),
    (
        "plan_delivery, after-done",
        lambda: plan_delivery(AFTER_DONE, MORNING, MORNING, quiet=NIGHT, zone=ZONE),
    ),
    (
        "plan_reminder, row, no quiet hours",
        lambda: plan_reminder(ROW_EIGHT, int(MORNING.timestamp())),
    ),
    (
        "plan_reminder, row, hold",
        lambda: plan_reminder(ROW_SEVEN, int(EARLY.timestamp()), quiet=NIGHT.stored(), zone=ZONE),
    ),
    ("QuietHours.release, inside", lambda: NIGHT.release(EARLY, ZONE)),
    (
        "QuietHours.release, DST night",
        lambda: NIGHT.release(datetime(2026, 3, 29, 5, 45, tzinfo=UTC), ZONE),
    ),
    (
        "next_occurrence, every 3 days",
        lambda: next_occurrence(EVERY_THREE_DAYS, MORNING),
    ),
    (
        "plan_reminder, row, every 3 days",
        lambda: plan_reminder(ROW_EVERY_THREE, int(MORNING.timestamp())),
    ),
    (
        "next_occurrence, appointment",
        lambda: next_occurrence(APPOINTMENT, MORNING),
    ),
    (
        "snooze_target, 1 hour",
        lambda: snooze_target(
            SnoozeChoice.HOUR, now=MORNING, occurrence=MORNING, zone=ZONE, quiet=NIGHT
        ),
    ),
    (
        "snooze_target, evening, early quiet",
        lambda: snooze_target(
            SnoozeChoice.EVENING, now=MORNING, occurrence=MORNING, zone=ZONE, quiet=EARLY_NIGHT
        ),
    ),
    (
        "snooze_target, tomorrow, DST day",
        lambda: snooze_target(
            SnoozeChoice.TOMORROW, now=BEFORE_DST, occurrence=BEFORE_DST, zone=ZONE, quiet=None
        ),
    ),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=2000)
    args = parser.parse_args()

    results: dict[str, dict[str, float]] = {}
    for name, action in CASES:
        samples: list[float] = []
        for _ in range(args.runs):
            samples += per_call(action, args.rounds)
        samples.sort()
        results[name] = {
            "median_us": round(statistics.median(samples), 1),
            "p99_us": round(samples[int(len(samples) * 0.99) - 1], 1),
        }
    batch = BATCH * timedelta(microseconds=results["plan_reminder, row, hold"]["median_us"])
    print(f"{'case':<36} {'median µs':>10} {'p99 µs':>10}")
    for name, row in results.items():
        print(f"{name:<36} {row['median_us']:>10.1f} {row['p99_us']:>10.1f}")
    print(f"a batch of {BATCH} holds planned in one claim: {batch.total_seconds() * 1e3:.1f} ms")
    print(json.dumps({"benchmark": "schedule_rules", "cases": results}))


if __name__ == "__main__":
    main()
