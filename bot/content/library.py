"""The curated learning library (data/topics.toml, data/stretches.toml), parsed and validated.

Validation runs at start-up so a broken content edit stops the bot with a message that names
the file, the item and the field, instead of failing in front of a member. Every source link
must point at a publisher listed in data/sources.toml, so a mirror or a copy of a page cannot
slip into what members are shown.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from bot.content.files import ContentError, read_toml
from bot.content.messages import Messages, file_texts

SLUG = re.compile(r"^[a-z][a-z-]{0,31}$")
EVIDENCE_LEVELS = {
    "solid": "stretches.ui.evidence_solid",
    "moderate": "stretches.ui.evidence_moderate",
    "weak": "stretches.ui.evidence_weak",
    "unverified": "stretches.ui.evidence_unverified",
}
"""The evidence a stretch may claim, and the key of the words that tell a member."""
PUBLISHERS_FILE = "sources.toml"
URL_LIMIT = 512
# A link cut short by a copy-paste ("...") or swallowing the sentence's punctuation is broken.
TRUNCATION_MARKS = ("...", "\u2026")
TRAILING_PUNCTUATION = ".,;:!?'\")]}>"
HOST = re.compile(r"^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+$")


@dataclass(frozen=True)
class Publishers:
    """The hosts whose pages may be linked; a subdomain of a listed host counts as listed."""

    hosts: frozenset[str]

    def allows(self, host: str) -> bool:
        """Exact host or a true subdomain: "www.nhs.uk" is in "nhs.uk", "evilnhs.uk" is not."""
        return any(host == allowed or host.endswith("." + allowed) for allowed in self.hosts)

    def url_problem(self, url: str) -> str | None:
        """Why this url may not be shown to a member, or None when it may."""
        if not url or len(url) > URL_LIMIT:
            return f"must be 1 to {URL_LIMIT} characters"
        if any(c.isspace() or not c.isprintable() for c in url):
            return "must not contain spaces or control characters"
        if any(mark in url for mark in TRUNCATION_MARKS) or url[-1] in TRAILING_PUNCTUATION:
            return "looks cut short (ends in punctuation or contains an ellipsis)"
        parts = urlsplit(url)
        if parts.scheme != "https":
            return "must be an https:// link"
        try:
            port = parts.port
        except ValueError:
            port = -1
        if "@" in parts.netloc or port is not None:
            return "must not carry a user name or a port"
        host = (parts.hostname or "").rstrip(".")
        if not HOST.match(host):
            return "must name a plain host"
        if not self.allows(host):
            return f"host {host!r} is not a publisher listed in {PUBLISHERS_FILE}"
        return None


def load_publishers(path: Path) -> Publishers:
    """Read the allow-list; without it no source could be checked, so the bot must not start."""
    raw = read_toml(path)
    entries = raw.get("publisher")
    if not isinstance(entries, list) or not entries:
        raise ContentError(f"{path.name}: no [[publisher]] entries")
    hosts: set[str] = set()
    for index, entry in enumerate(entries):
        reader = _Reader(path.name, f"publisher #{index + 1}", entry)
        host = reader.text("host", 253).lower()
        reader.text("publisher", 200)
        if not HOST.match(host):
            raise reader.fail("host", f"{host!r} must be a bare host name such as nhs.uk")
        if host in hosts:
            raise reader.fail("host", f"{host!r} is listed twice")
        hosts.add(host)
    return Publishers(frozenset(hosts))


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
    texts: Messages
    """The words its embeds are shown with (topics.ui, stretches.ui), looked up by key."""

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

    def __init__(
        self,
        file: str,
        item: str,
        table: Mapping[str, Any],
        publishers: Publishers | None = None,
    ) -> None:
        self.file, self.item, self.table = file, item, table
        self.publishers = publishers

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
        """The item's sources, each link checked against the publishers allow-list."""
        if self.publishers is None:
            raise self.fail("sources", f"cannot be checked without {PUBLISHERS_FILE}")
        raw = self.table.get("sources")
        if not isinstance(raw, list) or not raw:
            raise self.fail("sources", "must list at least one source")
        sources = []
        for entry in raw:
            if not isinstance(entry, dict):
                raise self.fail("sources", "entries need a label and a url")
            url = entry.get("url")
            if not isinstance(url, str):
                raise self.fail("sources", "entries need a label and a url")
            problem = self.publishers.url_problem(url)
            if problem:
                raise self.fail("sources", f"url {url!r} {problem}")
            sources.append(Source(_Reader(self.file, self.item, entry).text("label", 100), url))
        return tuple(sources)


def publishers_beside(path: Path) -> Publishers:
    """The allow-list that governs a data file is the sources.toml in the same directory."""
    return load_publishers(path.parent / PUBLISHERS_FILE)


def load_topics(path: Path, publishers: Publishers | None = None) -> dict[str, Topic]:
    publishers = publishers or publishers_beside(path)
    raw = read_toml(path)
    topics: dict[str, Topic] = {}
    for index, entry in enumerate(raw.get("topic") or []):
        reader = _Reader(path.name, f"topic #{index + 1}", entry, publishers)
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
    return topics


def load_stretches(
    path: Path, publishers: Publishers | None = None
) -> tuple[dict[str, Stretch], Routine]:
    publishers = publishers or publishers_beside(path)
    raw = read_toml(path)
    stretches: dict[str, Stretch] = {}
    for index, entry in enumerate(raw.get("stretch") or []):
        reader = _Reader(path.name, f"stretch #{index + 1}", entry, publishers)
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
        general_rules=routine_reader.texts("general_rules", 400),
        stretches=in_routine,
    )
    return stretches, routine


def load_library(data_dir: Path) -> Library:
    publishers = load_publishers(data_dir / PUBLISHERS_FILE)
    topics = load_topics(data_dir / "topics.toml", publishers)
    stretches, routine = load_stretches(data_dir / "stretches.toml", publishers)
    texts = file_texts(data_dir / "topics.toml") | file_texts(data_dir / "stretches.toml")
    return Library(topics, stretches, routine, Messages(texts))
