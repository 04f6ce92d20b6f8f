"""Zone files for the tests: the tzdata package's own rules, and a fake host folder of
deliberately wrong ones."""

import zoneinfo
from importlib.resources import files
from pathlib import Path

PACKAGE = files("tzdata").joinpath("zoneinfo")


def package_rules(name: str) -> zoneinfo.ZoneInfo:
    """The zone straight from the package's file: the reference the bot must agree with."""
    with PACKAGE.joinpath(*name.split("/")).open("rb") as rules:
        return zoneinfo.ZoneInfo.from_file(rules, key=name)


def fake_host(folder: Path, zone: str, rules_of: str, version: str) -> Path:
    """A host zone folder whose `zone` file holds `rules_of`'s rules (deliberately wrong)."""
    target = folder.joinpath(*zone.split("/"))
    target.parent.mkdir(parents=True)
    target.write_bytes(PACKAGE.joinpath(*rules_of.split("/")).read_bytes())
    (folder / "tzdata.zi").write_text(f"# version {version}\n")
    return folder
