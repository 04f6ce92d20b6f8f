"""/progress figures and the report: what judging a member's sessions and drawing their
12-week report cost, for a heavy year of history.

    python -m benchmarks.progress_figures [--runs 5]

The member has three stretch reminders (every day at 08:00 and 18:00, and after-done every 3
hours): the ledger's 30 days of DMs (3 a day, snoozes among them), a year of Done presses
(about 2 a day) and a year of kept marks. Judging runs on every /progress, Done and
/reminders list; the report (PDF and its first page as a PNG) on /progress report, off the
event loop. Reported: median and slowest milliseconds over the runs, and the report's sizes.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time

from bot.content.messages import Messages
from bot.core.settings import DEFAULT_DATA_DIR
from bot.health.report import (
    ReportData,
    first_day_of,
    pain_rows,
    report_pdf,
    week_rows,
)
from bot.health.report_picture import first_page_png
from bot.health.sessions import (
    Completion,
    Delivered,
    Mark,
    Outcome,
    best_streak,
    current_streak,
    sessions,
)
from bot.scheduling.recurrence import EVERY_DAY, AfterDoneSchedule, Schedule, WeeklySchedule

ZONE = "Europe/London"
TODAY = date(2026, 3, 4)
SCHEDULES: dict[int, Schedule] = {
    1: WeeklySchedule(clock_time(8), EVERY_DAY, ZONE),
    2: WeeklySchedule(clock_time(18), EVERY_DAY, ZONE),
    3: AfterDoneSchedule(3, ZONE),
}


def history() -> tuple[list[Delivered], list[Completion], list[Mark]]:
    delivered: list[Delivered] = []
    completions: list[Completion] = []
    marks: list[Mark] = []
    for n in range(365):
        day = TODAY - timedelta(days=n)
        morning = datetime.combine(day, clock_time(8), UTC)
        evening = datetime.combine(day, clock_time(18), UTC)
        if n < 30:  # the ledger keeps 30 days
            delivered += [Delivered(1, morning), Delivered(2, evening)]
            delivered.append(Delivered(3, morning + timedelta(hours=3)))
            if n % 4 == 0:  # a snooze
                delivered.append(Delivered(1, morning + timedelta(minutes=30)))
        if n % 9 == 4:
            marks.append(Mark(2, evening, Outcome.MISSED if n % 2 else Outcome.SKIPPED))
        else:
            completions.append(Completion(2, evening + timedelta(minutes=5), day))
        completions.append(Completion(1, morning + timedelta(minutes=40), day))
    return delivered, completions, marks


def timed(action: Callable[[], object], runs: int) -> list[float]:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        samples.append((time.perf_counter() - started) * 1e3)
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    delivered, completions, marks = history()
    judged = sessions(SCHEDULES, delivered, completions, marks, ZONE)
    texts = Messages.load(DEFAULT_DATA_DIR)
    first = first_day_of(TODAY, 12)
    scores = {TODAY - timedelta(days=n): (n * 7) % 11 for n in range(365)}
    data = ReportData(
        today=TODAY,
        first_day=first,
        weeks=12,
        zone=ZONE,
        plan=("Every day at 08:00 (Europe/London)", "Every day at 18:00 (Europe/London)"),
        summary=(f"Current streak: {current_streak(judged)}", f"Best: {best_streak(judged)}"),
        week_rows=week_rows(judged, first, TODAY),
        checkins_on=True,
        pain=pain_rows(scores, first, TODAY),
        stretches=(("Knee-to-chest", 40), ("Knee rolls", 38), ("Pelvic tilt", 35)),
    )
    report = report_pdf(data, texts)
    png = first_page_png(data, texts, report.pages)
    cases = {
        "judge a year of sessions": timed(
            lambda: sessions(SCHEDULES, delivered, completions, marks, ZONE), args.runs
        ),
        "12-week report PDF": timed(lambda: report_pdf(data, texts), args.runs),
        "its first page PNG": timed(lambda: first_page_png(data, texts, report.pages), args.runs),
    }
    results = {
        name: {"median_ms": round(statistics.median(s), 1), "max_ms": round(max(s), 1)}
        for name, s in cases.items()
    }
    print(
        f"history: {len(delivered)} DMs, {len(completions)} Done presses, {len(marks)} marks"
        f" -> {len(judged)} sessions"
    )
    print(f"{'case':<28} {'median ms':>10} {'max ms':>10}")
    for name, row in results.items():
        print(f"{name:<28} {row['median_ms']:>10.1f} {row['max_ms']:>10.1f}")
    print(f"report: {report.pages} pages, {len(report.pdf) / 1024:.1f} KiB PDF,")
    print(f"        {len(png) / 1024:.1f} KiB PNG of the first page")
    print(json.dumps({"benchmark": "progress_figures", "cases": results}))


if __name__ == "__main__":
    main()
