"""Reading a data file: the one way every TOML file is opened, and the error a bad one gives."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any


class ContentError(Exception):
    """A content file is missing something or breaks a limit; the message says where."""


def read_toml(path: Path) -> dict[str, Any]:
    """Every data file is read here, so a missing or broken one is the same one-line error."""
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError as exc:
        raise ContentError(f"{path.name}: file is missing") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ContentError(f"{path.name}: not valid TOML ({exc})") from exc
