"""The content bundle: every curated data file, parsed and checked before the bot connects."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bot.content.library import Library, load_library
from bot.content.messages import Messages
from bot.health.progress import ProgressContent, load_progress_content
from bot.health.quickcheck_data import load_quickcheck
from bot.health.regions import Region, load_regions
from bot.health.report import check_report_texts
from bot.health.triage import QuickCheck
from bot.pictures.cards import StretchPictures
from bot.pictures.poses import load_poses
from bot.scheduling.zones import Zones, load_zones


@dataclass(frozen=True)
class Content:
    """Every curated data file, parsed and validated before the bot connects."""

    library: Library
    quickcheck: QuickCheck
    regions: dict[str, Region]
    messages: Messages
    zones: Zones
    pictures: StretchPictures
    progress: ProgressContent

    @classmethod
    def load(cls, data_dir: Path) -> Content:
        library = load_library(data_dir)
        poses = load_poses(data_dir / "poses.toml", library.stretches)
        messages = Messages.load(data_dir)
        check_report_texts(messages)
        return cls(
            library=library,
            quickcheck=load_quickcheck(data_dir / "quickcheck.toml"),
            regions=load_regions(data_dir / "regions.toml"),
            messages=messages,
            zones=load_zones(data_dir / "zones.toml"),
            # drawn here, before the bot connects: no member ever waits for a picture
            pictures=StretchPictures.render_all(poses),
            progress=load_progress_content(data_dir / "progress.toml"),
        )
