"""Time zone lookup: what one autocomplete answer and one resolve cost, per kind of query.

    python -m benchmarks.zones [--runs 5] [--rounds 200]

Autocomplete runs on every keystroke, inside Discord's 3-second deadline shared with everything
else the bot does, so a query must stay far under a millisecond or two. Each case runs `rounds`
times per run, with the member's locale; reported: median and p99 microseconds per call over
all runs, and the one-off cost of loading data/zones.toml.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime

from bot.content.messages import InputError
from bot.core.settings import DEFAULT_DATA_DIR
from bot.scheduling.zones import Zones, load_zones

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
CASES = [
    ("suggest: empty", ""),
    ("suggest: city prefix 'lon'", "lon"),
    ("suggest: abbreviation 'est'", "est"),
    ("suggest: name 'pacific'", "pacific"),
    ("suggest: ambiguous 'ist'", "ist"),
    ("suggest: offset 'UTC+5'", "UTC+5"),
    ("suggest: broad 'a'", "a"),
    ("suggest: no match, 64 chars", "e" * 64),
]
RESOLVE_CASES = [
    ("resolve: 'Europe/London'", "Europe/London"),
    ("resolve: 'EST'", "EST"),
    ("resolve: 'IST' (refused)", "IST"),
    ("resolve: 'UTC+5' (refused)", "UTC+5"),
    ("resolve: 'atlantis' (refused)", "atlantis"),
]


def per_call(action: Callable[[], object], rounds: int) -> list[float]:
    """Microseconds per call, one sample per call."""
    samples = []
    for _ in range(rounds):
        started = time.perf_counter()
        action()
        samples.append((time.perf_counter() - started) * 1e6)
    return samples


def resolver(zones: Zones, text: str) -> Callable[[], object]:
    def resolve() -> None:
        with contextlib.suppress(InputError):
            zones.resolve(text, now=NOW, locale="en-US")

    return resolve


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=200)
    args = parser.parse_args()

    started = time.perf_counter()
    zones = load_zones(DEFAULT_DATA_DIR / "zones.toml")
    load_ms = (time.perf_counter() - started) * 1e3

    results: dict[str, dict[str, float]] = {}
    cases = [
        *(
            (name, lambda q=query: zones.suggest(q, now=NOW, locale="en-US", limit=25))
            for name, query in CASES
        ),
        *((name, resolver(zones, text)) for name, text in RESOLVE_CASES),
    ]
    for name, action in cases:
        samples: list[float] = []
        for _ in range(args.runs):
            samples += per_call(action, args.rounds)
        samples.sort()
        results[name] = {
            "median_us": statistics.median(samples),
            "p99_us": samples[int(len(samples) * 0.99) - 1],
        }

    print(f"data/zones.toml loaded in {load_ms:.1f} ms")
    print(f"{'case':<32} {'median µs':>10} {'p99 µs':>10}")
    for name, row in results.items():
        print(f"{name:<32} {row['median_us']:>10.0f} {row['p99_us']:>10.0f}")
    print(json.dumps({"benchmark": "zones", "load_ms": round(load_ms, 1), "cases": results}))


if __name__ == "__main__":
    main()
