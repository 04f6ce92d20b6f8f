"""The sign catalogue (data/signs.toml): every emergency and urgent sign, once, with its sources.

Each review of the quick-check has found one more sign that was listed on a leaflet but asked
nowhere. The catalogue makes the list explicit: the quick-check loader refuses to start unless
every sign is asked, and tests check the phrases each sign must show on the cards and nets.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bot.content.files import ContentError, read_toml
from bot.content.library import Publishers, Source, _Reader, publishers_beside

SIGN_LEVELS = ("emergency", "urgent")


@dataclass(frozen=True)
class Sign:
    """One sign; `card`, `help` and `net` are phrases that must appear in those texts."""

    id: str
    level: str
    wording: str
    cauda_equina: bool
    sources: tuple[Source, ...]
    card: str
    help: str
    net: str


def load_signs(path: Path, publishers: Publishers | None = None) -> dict[str, Sign]:
    publishers = publishers or publishers_beside(path)
    raw = read_toml(path)
    pages: dict[str, Source] = {}
    for key, entry in (raw.get("page") or {}).items():
        reader = _Reader(path.name, f"page.{key}", {"sources": [entry]}, publishers)
        [pages[key]] = reader.sources()
    signs: dict[str, Sign] = {}
    for index, entry in enumerate(raw.get("sign") or []):
        reader = _Reader(path.name, f"sign #{index + 1}", entry)
        sign_id = reader.text("id", 40)
        level = reader.text("level", 20)
        if level not in SIGN_LEVELS:
            raise reader.fail("level", "must be emergency or urgent")
        cauda_equina = entry.get("cauda_equina", False) is True
        keys = entry.get("sources")
        if not isinstance(keys, list) or not keys or any(k not in pages for k in keys):
            raise reader.fail("sources", "must list page ids from the [page] tables")
        emergency = level == "emergency"
        sign = Sign(
            id=sign_id,
            level=level,
            wording=reader.text("wording", 200),
            cauda_equina=cauda_equina,
            sources=tuple(pages[key] for key in keys),
            card=reader.text("card", 100, required=cauda_equina),
            help=reader.text("help", 100),
            net=reader.text("net", 100, required=emergency),
        )
        if sign_id in signs:
            raise reader.fail("id", f"{sign_id!r} is listed twice")
        signs[sign_id] = sign
    if not signs:
        raise ContentError(f"{path.name}: no [[sign]] entries")
    return signs
