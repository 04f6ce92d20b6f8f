"""The curated learning library (data/topics.toml, data/stretches.toml), parsed and validated.

Validation runs at start-up so a broken content edit stops the bot with a message that names
the file, the item and the field, instead of failing in front of a member.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SLUG = re.compile(r"^[a-z][a-z-]{0,31}$")
EVIDENCE_LEVELS = ("solid", "moderate", "weak", "unverified")


class ContentError(Exception):
    """A content file is missing something or breaks a limit; the message says where."""


@dataclass(frozen=True)
class Source:
    label: str
    url: str


@dataclass(frozen=True)
class Section:
    name: str
    value: str


@dataclass(frozen=True)
class Topic:
    slug: str
    title: str
    summary: str
    body: str
    related: tuple[str, ...]
    sources: tuple[Source, ...]
    sections: tuple[Section, ...] = ()


@dataclass(frozen=True)
class Stretch:
    slug: str
    name: str
    target: str
    steps: tuple[str, ...]
    dose: str
    cautions: tuple[str, ...]
    evidence: str
    sources: tuple[Source, ...]
    in_routine: bool


@dataclass(frozen=True)
class Routine:
    intro: str
    outro: str
    general_rules: tuple[str, ...]
    stretches: tuple[Stretch, ...]


@dataclass(frozen=True)
class Library:
    topics: dict[str, Topic]
    stretches: dict[str, Stretch]
    routine: Routine
    topic_ui: Mapping[str, str]
    stretch_ui: Mapping[str, str]

    def topic(self, slug: str) -> Topic:
        return self.topics[slug]

    def search_stretches(self, query: str, limit: int = 25) -> list[Stretch]:
        """Autocomplete: names or slugs starting with the query first, then containing it."""
        needle = query.strip().lower()
        stretches = list(self.stretches.values())
        if not needle:
            return stretches[:limit]

        def rank(stretch: Stretch) -> int | None:
            words = f"{stretch.slug} {stretch.name.lower()}"
            if stretch.slug.startswith(needle) or stretch.name.lower().startswith(needle):
                return 0
            if any(word.startswith(needle) for word in re.split(r"[\s\-\u2013]+", words)):
                return 1
            return 2 if needle in words else None

        ranked = [(r, i, s) for i, s in enumerate(stretches) if (r := rank(s)) is not None]
        return [stretch for _, _, stretch in sorted(ranked)][:limit]

    def stretch_of_the_day(self, index: int) -> Stretch:
        """Rotate through the routine's stretches so reminders suggest something different."""
        stretches = self.routine.stretches
        return stretches[index % len(stretches)]


class _Reader:
    """Typed access to one TOML table, with errors naming file, item and field."""

    def __init__(self, file: str, item: str, table: Mapping[str, Any]) -> None:
        self.file, self.item, self.table = file, item, table

    def fail(self, field: str, problem: str) -> ContentError:
        return ContentError(f"{self.file}: {self.item}: field '{field}' {problem}")

    def text(self, field: str, limit: int, *, required: bool = True) -> str:
        value = self.table.get(field)
        if value is None and not required:
            return ""
        if not isinstance(value, str) or not value.strip():
            raise self.fail(field, "must be non-empty text")
        value = value.strip()
        if len(value) > limit:
            raise self.fail(field, f"is {len(value)} characters; the limit is {limit}")
        return value

    def texts(self, field: str, limit: int, *, minimum: int = 1) -> tuple[str, ...]:
        values = self.table.get(field)
        if not isinstance(values, list) or len(values) < minimum:
            raise self.fail(field, f"must be a list of at least {minimum} texts")
        for value in values:
            if not isinstance(value, str) or not value.strip() or len(value) > limit:
                raise self.fail(field, f"must hold non-empty texts of at most {limit} characters")
        return tuple(value.strip() for value in values)

    def slug(self) -> str:
        slug = self.text("slug", 32)
        if not SLUG.match(slug):
            raise self.fail("slug", "must be lowercase letters and dashes")
        return slug

    def sources(self) -> tuple[Source, ...]:
        raw = self.table.get("sources")
        if not isinstance(raw, list) or not raw:
            raise self.fail("sources", "must list at least one source")
        sources = []
        for entry in raw:
            if not isinstance(entry, dict):
                raise self.fail("sources", "entries need a label and a url")
            source = _Reader(self.file, self.item, entry)
            url = source.text("url", 512)
            if not url.startswith("https://") or any(c.isspace() for c in url):
                raise self.fail("sources", f"url {url!r} must be an https:// link")
            sources.append(Source(source.text("label", 100), url))
        return tuple(sources)


def _load(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError as exc:
        raise ContentError(f"{path.name}: file is missing") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ContentError(f"{path.name}: not valid TOML ({exc})") from exc


def _ui(file: str, raw: dict[str, Any]) -> dict[str, str]:
    table = raw.get("ui")
    if not isinstance(table, dict) or not all(isinstance(v, str) for v in table.values()):
        raise ContentError(f"{file}: [ui] must be a table of texts")
    return dict(table)


def load_topics(path: Path) -> tuple[dict[str, Topic], dict[str, str]]:
    raw = _load(path)
    topics: dict[str, Topic] = {}
    for index, entry in enumerate(raw.get("topic") or []):
        reader = _Reader(path.name, f"topic #{index + 1}", entry)
        slug = reader.slug()
        reader.item = f"topic '{slug}'"
        if slug in topics:
            raise reader.fail("slug", "is used twice")
        sections = tuple(
            Section(
                _Reader(path.name, reader.item, s).text("name", 256),
                _Reader(path.name, reader.item, s).text("value", 1024),
            )
            for s in entry.get("section") or []
        )
        related = entry.get("related") or []
        if not isinstance(related, list) or len(related) > 5:
            raise reader.fail("related", "must list at most 5 topic slugs")
        topics[slug] = Topic(
            slug=slug,
            title=reader.text("title", 256),
            summary=reader.text("summary", 100),
            body=reader.text("body", 4000),
            related=tuple(related),
            sources=reader.sources(),
            sections=sections,
        )
    if not topics:
        raise ContentError(f"{path.name}: no [[topic]] entries")
    for topic in topics.values():
        for slug in topic.related:
            if slug not in topics or slug == topic.slug:
                where = f"{path.name}: topic '{topic.slug}'"
                raise ContentError(f"{where}: field 'related' names unknown topic {slug!r}")
    return topics, _ui(path.name, raw)


def load_stretches(path: Path) -> tuple[dict[str, Stretch], Routine, dict[str, str]]:
    raw = _load(path)
    stretches: dict[str, Stretch] = {}
    for index, entry in enumerate(raw.get("stretch") or []):
        reader = _Reader(path.name, f"stretch #{index + 1}", entry)
        slug = reader.slug()
        reader.item = f"stretch '{slug}'"
        if slug in stretches:
            raise reader.fail("slug", "is used twice")
        evidence = reader.text("evidence", 20)
        if evidence not in EVIDENCE_LEVELS:
            raise reader.fail("evidence", f"must be one of {', '.join(EVIDENCE_LEVELS)}")
        in_routine = entry.get("in_routine", False)
        if not isinstance(in_routine, bool):
            raise reader.fail("in_routine", "must be true or false")
        stretches[slug] = Stretch(
            slug=slug,
            name=reader.text("name", 100),
            target=reader.text("target", 100),
            steps=reader.texts("steps", 300),
            dose=reader.text("dose", 300),
            cautions=reader.texts("cautions", 300),
            evidence=evidence,
            sources=reader.sources(),
            in_routine=in_routine,
        )
    routine_table = raw.get("routine")
    if not isinstance(routine_table, dict):
        raise ContentError(f"{path.name}: [routine] table is missing")
    routine_reader = _Reader(path.name, "[routine]", routine_table)
    in_routine = tuple(s for s in stretches.values() if s.in_routine)
    if not 1 <= len(in_routine) <= 20:
        raise ContentError(f"{path.name}: between 1 and 20 stretches must have in_routine = true")
    routine = Routine(
        intro=routine_reader.text("intro", 1000),
        outro=routine_reader.text("outro", 1000),
        general_rules=routine_reader.texts("general_rules", 300),
        stretches=in_routine,
    )
    return stretches, routine, _ui(path.name, raw)


def load_library(data_dir: Path) -> Library:
    topics, topic_ui = load_topics(data_dir / "topics.toml")
    stretches, routine, stretch_ui = load_stretches(data_dir / "stretches.toml")
    return Library(topics, stretches, routine, topic_ui, stretch_ui)
