"""Embeds built from content: one place for colours, footers, sources and Discord's limits."""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import Any

import discord

from bot.content.library import EVIDENCE_LEVELS, Library, Routine, Source, Stretch, Topic
from bot.content.member_text import neutralise, neutralise_link
from bot.pictures.cards import Picture

COLOUR_INFO = discord.Colour(0x4F8A8B)
COLOUR_STRETCH = discord.Colour(0x6AA84F)
COLOUR_REMINDER = discord.Colour(0x3D85C6)

TITLE_LIMIT, DESCRIPTION_LIMIT, FIELD_LIMIT, FIELD_COUNT_LIMIT = 256, 4096, 1024, 25
FOOTER_LIMIT, AUTHOR_LIMIT, TOTAL_LIMIT = 2048, 256, 6000
# beyond embeds: a message's text, an autocomplete choice (name, and how many per answer) and
# a select menu option's label or description
CONTENT_LIMIT, CHOICE_NAME_LIMIT, CHOICE_COUNT_LIMIT, OPTION_TEXT_LIMIT = 2000, 100, 25, 100


def source_links(sources: Iterable[Source], limit: int = FIELD_LIMIT) -> str:
    """Whole links only: a link cut at the limit would send a member to a truncated URL."""
    lines: list[str] = []
    used = 0
    for source in sources:
        line = f"[{source.label}]({source.url})"
        if used + len(line) + (1 if lines else 0) > limit:
            break
        lines.append(line)
        used += len(line) + (1 if len(lines) > 1 else 0)
    return "\n".join(lines)


def topic_embed(
    library: Library,
    topic: Topic,
    *,
    extra_disclaimer: str | None = None,
    booking_link: str | None = None,
) -> discord.Embed:
    texts = library.texts
    embed = discord.Embed(title=topic.title, description=topic.body, colour=COLOUR_INFO)
    for section in topic.sections:
        embed.add_field(name=section.name, value=section.value, inline=False)
    if booking_link and topic.slug == "massage":
        # the link gets what the text as written leaves of the field, its placeholder counted
        written = texts("topics.ui.booking_value", link="{link}")
        link = neutralise_link(booking_link, FIELD_LIMIT - len(written))
        embed.add_field(
            name=texts("topics.ui.booking"),
            value=texts("topics.ui.booking_value", link=link),
            inline=False,
        )
    # a note of only invisible characters or spaces shows nothing: Discord refuses an
    # empty field, which would turn the whole answer into an error
    note = neutralise(extra_disclaimer, FIELD_LIMIT) if extra_disclaimer else ""
    if note.strip():
        embed.add_field(name=texts("topics.ui.server_note"), value=note, inline=False)
    embed.add_field(
        name=texts("topics.ui.sources"), value=source_links(topic.sources), inline=False
    )
    embed.set_footer(text=texts("topics.ui.footer"))
    return embed


def picture_file(picture: Picture) -> discord.File:
    """A fresh attachment for each message (discord.py closes a File once it is sent)."""
    return discord.File(io.BytesIO(picture.png), filename=picture.filename, description=picture.alt)


def stretch_embed(
    library: Library,
    stretch: Stretch,
    *,
    step: int | None = None,
    total: int | None = None,
    picture: Picture | None = None,
) -> discord.Embed:
    """`picture`: the message carries it as an attachment, and the embed shows it."""
    texts = library.texts
    steps = "\n".join(f"{number}. {text}" for number, text in enumerate(stretch.steps, start=1))
    embed = discord.Embed(title=stretch.name, description=steps, colour=COLOUR_STRETCH)
    if step is not None and total is not None:
        embed.set_author(name=texts("stretches.ui.step", step=step, total=total))
    embed.add_field(name=texts("stretches.ui.target"), value=stretch.target)
    embed.add_field(name=texts("stretches.ui.dose"), value=stretch.dose)
    cautions = (*stretch.cautions, *library.routine.general_rules)
    embed.add_field(
        name=texts("stretches.ui.cautions"),
        value="\n".join(f"• {c}" for c in cautions)[:FIELD_LIMIT],
        inline=False,
    )
    evidence = texts("stretches.ui.evidence", level=texts(EVIDENCE_LEVELS[stretch.evidence]))
    embed.add_field(
        name=texts("topics.ui.sources"),
        value=f"{evidence}\n{source_links(stretch.sources, FIELD_LIMIT - len(evidence) - 1)}",
        inline=False,
    )
    embed.set_footer(text=texts("topics.ui.footer"))
    if picture is not None:
        embed.set_image(url=f"attachment://{picture.filename}")
    return embed


def routine_intro_embed(library: Library, routine: Routine) -> discord.Embed:
    rules = "\n".join(f"• {rule}" for rule in routine.general_rules)
    embed = discord.Embed(
        title=library.texts("topics.ui.routine_title"),
        description=f"{routine.intro}\n\n{rules}",
        colour=COLOUR_STRETCH,
    )
    embed.set_footer(text=library.texts("topics.ui.footer"))
    return embed


def routine_outro_embed(library: Library, routine: Routine) -> discord.Embed:
    embed = discord.Embed(description=routine.outro, colour=COLOUR_STRETCH)
    embed.set_footer(text=library.texts("topics.ui.footer"))
    return embed


def embed_limit_problems(embeds: list[dict[str, Any]]) -> list[str]:
    """Discord's embed limits, checked on `Embed.to_dict()` output; empty means it fits."""
    problems: list[str] = []
    total = 0
    for index, embed in enumerate(embeds):
        where = f"embed {index}"
        for key, limit in (("title", TITLE_LIMIT), ("description", DESCRIPTION_LIMIT)):
            length = len(embed.get(key) or "")
            total += length
            if length > limit:
                problems.append(f"{where} {key}: {length} > {limit}")
        fields = embed.get("fields") or []
        if len(fields) > FIELD_COUNT_LIMIT:
            problems.append(f"{where}: {len(fields)} fields > {FIELD_COUNT_LIMIT}")
        for field in fields:
            name, value = field.get("name") or "", field.get("value") or ""
            total += len(name) + len(value)
            if not name or len(name) > TITLE_LIMIT:
                problems.append(f"{where} field name {name[:20]!r}: length {len(name)}")
            if not value or len(value) > FIELD_LIMIT:
                problems.append(f"{where} field {name[:20]!r} value: length {len(value)}")
        footer = (embed.get("footer") or {}).get("text") or ""
        author = (embed.get("author") or {}).get("name") or ""
        total += len(footer) + len(author)
        if len(footer) > FOOTER_LIMIT:
            problems.append(f"{where} footer: {len(footer)} > {FOOTER_LIMIT}")
        if len(author) > AUTHOR_LIMIT:
            problems.append(f"{where} author: {len(author)} > {AUTHOR_LIMIT}")
    if total > TOTAL_LIMIT:
        problems.append(f"all embeds: {total} characters > {TOTAL_LIMIT}")
    return problems
