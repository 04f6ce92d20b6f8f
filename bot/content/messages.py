"""The bot's texts: one key space read from the data files, plural forms chosen by a count, and
the Text and InputError that pure code raises so the words are found only when shown."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from bot.content.files import ContentError, read_toml

PLURAL_FORMS = ("one", "other")
"""CLDR plural categories the texts use; English needs only these two ("1 day", "3 days")."""


def plural_form(count: int) -> str:
    """The CLDR plural category of `count` in English."""
    return "one" if count == 1 else "other"


TEXT_TABLES: dict[str, tuple[str, ...] | None] = {
    "messages.toml": None,
    "progress.toml": ("progress", "checkins"),
    "report.toml": ("report",),
    "quickcheck.toml": ("ui",),
    "topics.toml": ("ui",),
    "stretches.toml": ("ui",),
    "poses.toml": ("ui",),
    "charts.toml": ("ui",),
}
"""Where texts are written: every table of messages.toml, and the named tables of the other data
files (None: all of them). A `[ui]` table's keys carry its file's name: `quickcheck.ui.intro`."""


def file_texts(path: Path) -> dict[str, str]:
    """The texts one data file holds, keyed as in the bot's one key space, plurals checked."""
    raw = read_toml(path)
    texts: dict[str, str] = {}
    for section in TEXT_TABLES[path.name] or tuple(raw):
        entries = raw.get(section)
        if not isinstance(entries, dict):
            raise ContentError(f"{path.name}: [{section}] must be a table of texts")
        prefix = f"{path.stem}.ui" if section == "ui" else section
        for key, value in entries.items():
            if not isinstance(value, str):
                raise ContentError(f"{path.name}: {section}.{key} must be text")
            texts[f"{prefix}.{key}"] = value
    try:
        _check_plurals(texts)
    except ValueError as exc:
        raise ContentError(f"{path.name}: {exc}") from exc
    return texts


class Messages:
    """Look up texts by key (`section.key`, or `file.ui.key`) and fill their `{placeholders}`.

    A text that depends on a number is written as `key_one` and `key_other`; asking for `key`
    with `count=` picks the form, so callers never build plurals (or "day(s)") themselves.
    """

    def __init__(self, texts: dict[str, str]) -> None:
        _check_plurals(texts)
        self._texts = texts
        self._plurals = {key.removesuffix("_other") for key in texts if key.endswith("_other")}

    @classmethod
    def load(cls, data_dir: Path) -> Messages:
        """Every text of every data file, in one key space."""
        texts: dict[str, str] = {}
        for name in TEXT_TABLES:
            texts |= file_texts(data_dir / name)
        return cls(texts)

    def __call__(self, key: str, **values: object) -> str:
        if key in self._plurals:
            count = values.get("count")
            if not isinstance(count, int):
                raise TypeError(f"{key} depends on a number: pass count=")
            key = f"{key}_{plural_form(count)}"
        return self._texts[key].format(**values)

    def __contains__(self, key: str) -> bool:
        return key in self._texts or key in self._plurals

    def all_keys(self) -> set[str]:
        """Every key a caller may ask for (a plural text by its stem, not its forms)."""
        forms = {f"{stem}_{form}" for stem in self._plurals for form in PLURAL_FORMS}
        return (set(self._texts) - forms) | self._plurals

    def table(self, prefix: str) -> dict[str, str]:
        """The texts under `prefix` as written, by their last name, for a check over every one of
        them (the report's must print in Latin-1); words that are shown are looked up by key."""
        start = f"{prefix}."
        return {
            key.removeprefix(start): text
            for key, text in self._texts.items()
            if key.startswith(start)
        }


def _check_plurals(texts: dict[str, str]) -> None:
    """Every plural text has all its forms and no plain twin, so no count can miss a form."""
    for key in texts:
        stem, _, form = key.rpartition("_")
        if form not in PLURAL_FORMS or not stem:
            continue
        missing = [f"{stem}_{other}" for other in PLURAL_FORMS if f"{stem}_{other}" not in texts]
        if missing:
            raise ValueError(f"{key} needs its other plural forms too: {', '.join(missing)}")
        if stem in texts:
            raise ValueError(f"{stem} is written both plainly and as plural forms")


@dataclass(frozen=True)
class Text:
    """A text's key and its values, to be put in words when shown; a value may itself be a Text or a
    tuple of Texts (rendered as a list)."""

    key: str
    values: Mapping[str, object] = field(default_factory=dict)


Render = Callable[..., str]
"""How texts become words: `Messages.__call__(key, **values)`."""


class InputError(ValueError):
    """Something a member typed cannot be used; its parts say why and what is accepted."""

    def __init__(self, *parts: Text) -> None:
        super().__init__(" ".join(part.key for part in parts))
        self.parts = parts

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(part.key for part in self.parts)

    def render(self, messages: Render) -> str:
        return " ".join(_render(part, messages) for part in self.parts)


def render_text(text: Text, messages: Render) -> str:
    """The words for `text`, Texts inside it included (for texts that are not errors)."""
    return _render(text, messages)


def _render(text: Text, messages: Render) -> str:
    values: dict[str, object] = {}
    for name, value in text.values.items():
        if isinstance(value, Text):
            values[name] = _render(value, messages)
        elif isinstance(value, tuple) and all(isinstance(item, Text) for item in value):
            values[name] = ", ".join(_render(item, messages) for item in value)
        else:
            values[name] = value
    return messages(text.key, **values)
