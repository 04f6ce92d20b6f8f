"""User-facing core texts, loaded from data/messages.toml so they are edited in one place."""

from __future__ import annotations

import tomllib
from pathlib import Path


class Messages:
    """Look up `section.key` texts and fill their `{placeholders}`."""

    def __init__(self, texts: dict[str, str]) -> None:
        self._texts = texts

    @classmethod
    def load(cls, path: Path) -> Messages:
        with path.open("rb") as handle:
            raw = tomllib.load(handle)
        texts: dict[str, str] = {}
        for section, entries in raw.items():
            for key, value in entries.items():
                if not isinstance(value, str):
                    raise ValueError(f"{path.name}: {section}.{key} must be text")
                texts[f"{section}.{key}"] = value
        return cls(texts)

    def __call__(self, key: str, **values: object) -> str:
        return self._texts[key].format(**values)

    def __contains__(self, key: str) -> bool:
        return key in self._texts
