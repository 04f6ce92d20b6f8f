"""Draw the README's pictures with the bot's own code, so they show what members see.

    .venv/bin/python docs/make_images.py

Writes docs/images/: the first two stretches of the routine (as /stretch routine shows them)
and /progress for an example member with pain check-ins on (12 weeks of made-up but typical
data: stretching most days, pain easing, one flare-up).
"""

from __future__ import annotations

import sys
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.content.library import load_library  # noqa: E402
from bot.core.settings import DEFAULT_DATA_DIR  # noqa: E402
from bot.health.progress import load_progress_content, shown_since, summarise  # noqa: E402
from bot.health.sessions import Outcome, Session  # noqa: E402
from bot.pictures.cards import StretchPictures  # noqa: E402
from bot.pictures.charts import progress_chart  # noqa: E402
from bot.pictures.poses import load_poses  # noqa: E402

IMAGES = ROOT / "docs" / "images"
TODAY = date(2026, 3, 4)  # a Wednesday


def example_member() -> tuple[list[Session], dict[date, int]]:
    """Sessions and pain scores of a member who started 12 weeks ago: most days done, one a
    week with nothing planned, now and then one skipped or missed, a flare with its pause."""
    first = shown_since(TODAY)
    sessions: list[Session] = []
    scores: dict[date, int] = {}
    day = first
    while day <= TODAY:
        n = (day - first).days
        at = datetime.combine(day, time(8), UTC)
        if n % 7 != 5 and not 44 <= n <= 47:  # nothing planned, or paused for a flare
            outcome = Outcome.MISSED if n % 11 == 3 else Outcome.DONE
            outcome = Outcome.SKIPPED if n % 13 == 6 else outcome
            sessions.append(Session(1, at, outcome, day))
        if n % 2 == 0 or 42 <= n <= 48:
            base = 6 - 3 * n / 80  # easing over the weeks
            flare = 3 if 42 <= n <= 46 else 0
            scores[day] = max(0, min(10, round(base + flare + (n % 3 - 1) * 0.6)))
        day += timedelta(days=1)
    return sessions, scores


def main() -> None:
    IMAGES.mkdir(parents=True, exist_ok=True)
    library = load_library(DEFAULT_DATA_DIR)
    pictures = StretchPictures.render_all(
        load_poses(DEFAULT_DATA_DIR / "poses.toml", library.stretches)
    )
    for stretch in library.routine.stretches[:2]:
        picture = pictures.picture(stretch.slug)
        (IMAGES / picture.filename).write_bytes(picture.png)
        print(f"docs/images/{picture.filename}: {picture.alt}")
    content = load_progress_content(DEFAULT_DATA_DIR / "progress.toml")
    sessions, scores = example_member()
    summary = summarise(TODAY, sessions, scores)
    png = progress_chart(
        TODAY,
        summary.done_days,
        content.chart,
        dict(summary.scores),
        skipped=summary.skipped_days,
        missed=summary.missed_days,
    )
    (IMAGES / "progress.png").write_bytes(png)
    print(
        f"docs/images/progress.png: {len(summary.done_days)} days with a Done,"
        f" {len(summary.skipped_days)} Not today, {len(summary.missed_days)} missed,"
        f" streak {summary.current_streak} (best {summary.best_streak}),"
        f" {len(summary.scores)} check-ins"
    )


if __name__ == "__main__":
    main()
