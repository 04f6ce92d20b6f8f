"""Pictures: how long drawing every stretch's picture takes at start-up, and how big they are.

    python -m benchmarks.pictures [--runs 5]

Each run empties the in-memory cache and draws the whole library as the bot does before it
connects (`StretchPictures.render_all`). Reported: the median and slowest run, the slowest
single picture, and the PNG sizes.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time

from bot.content.library import load_library
from bot.core.settings import DEFAULT_DATA_DIR
from bot.pictures import cards as pictures
from bot.pictures.cards import StretchPictures, render_pose
from bot.pictures.poses import load_poses


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    library = load_library(DEFAULT_DATA_DIR)
    started = time.perf_counter()
    poses = load_poses(DEFAULT_DATA_DIR / "poses.toml", library.stretches)
    load_ms = (time.perf_counter() - started) * 1000
    runs = []
    for _ in range(args.runs):
        pictures._CACHE.clear()
        started = time.perf_counter()
        drawn = StretchPictures.render_all(poses)
        runs.append(time.perf_counter() - started)
    single = []
    for pose in poses.poses.values():
        started = time.perf_counter()
        render_pose(pose, poses.labels)
        single.append((time.perf_counter() - started) * 1000)
    sizes = [len(drawn.picture(slug).png) for slug in drawn]
    print("| pictures | load + check poses | draw all: median | slowest run | slowest picture |")
    print("|---|---|---|---|---|")
    print(
        f"| {len(sizes)} | {load_ms:.0f} ms | {statistics.median(runs):.2f} s "
        f"| {max(runs):.2f} s | {max(single):.0f} ms |"
    )
    print(
        f"PNG sizes: {min(sizes) / 1024:.0f}-{max(sizes) / 1024:.0f} KB "
        f"(median {statistics.median(sizes) / 1024:.0f} KB), {pictures.WIDTH}x{pictures.HEIGHT}"
    )
    print(
        json.dumps(
            {
                "pictures": len(sizes),
                "load_ms": round(load_ms, 1),
                "draw_all_median_s": round(statistics.median(runs), 3),
                "draw_all_max_s": round(max(runs), 3),
                "slowest_picture_ms": round(max(single), 1),
                "png_bytes_min": min(sizes),
                "png_bytes_max": max(sizes),
            }
        )
    )


if __name__ == "__main__":
    main()
