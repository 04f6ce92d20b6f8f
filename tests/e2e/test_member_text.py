"""Member text shown back, end to end: a masked link, code fences, a right-to-left override and
mentions typed by a member (or a moderator) read as typed wherever the bot shows them — the
answer to an unknown stretch, /reminders list, the reminder DM, server settings and health
answers, autocomplete — and nothing the bot sends pings anyone."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from tests.support.discord_markdown import BIDI_CONTROLS, render

EIGHT = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


def attack(world: Any) -> tuple[str, str]:
    """What a member types, and what a reader must see of it."""
    typed = (
        "[click me](https://evil.example) ```py \u202eevil\u202c @everyone @here "
        f"<@{world.bob.id}> <@&{world.guild.id}> <#{world.guild.general}> **bold** ||x||"
    )
    reads = typed.replace("\u202e", "").replace("\u202c", "")
    return typed, reads


def assert_reads_as_typed(shown: str, reads: str) -> None:
    """The member's words are there as typed; no link, mention or code came of them."""
    rendered = render(shown)
    assert reads in rendered.visible, (shown, rendered.visible)
    pings = [m for m in rendered.mentions if not m.startswith("<t:")]  # the bot's own times
    assert pings == [], pings
    assert rendered.code == [], rendered.code
    assert not any("evil.example" in url for _, url in rendered.links), rendered.links
    assert not BIDI_CONTROLS & set(shown)


def assert_nothing_pinged(server: Any) -> None:
    messages = list(server.world.messages.values())
    assert messages
    for message in messages:
        assert message["mentions"] == [] and message["mention_roles"] == [], message
        assert message["mention_everyone"] is False, message


async def test_an_unknown_stretch_name_is_repeated_inert(discord_server, bot, world):
    typed, reads = attack(world)
    ix = await discord_server.invoke(
        world.alice, "stretch show", {"name": typed}, guild_id=world.guild.id
    )
    response = await ix.response(timeout=5)
    assert response.ephemeral and "I don't know a stretch called" in response.content
    assert_reads_as_typed(response.content, reads[:40])
    assert render(response.content).visible.endswith("Pick one from the list as you type.")
    assert_nothing_pinged(discord_server)


async def test_a_note_reads_as_typed_in_the_list_and_the_dm(discord_server, bot, world, clock):
    typed, reads = attack(world)
    assert len(typed) <= 200
    values = {"time": "8:00", "days": "every day", "timezone": "UTC", "note": typed}
    ix = await discord_server.invoke(
        world.alice, "reminders stretch", values, guild_id=world.guild.id
    )
    await ix.response(timeout=5)
    [saved] = await ix.wait_for_followups(1, timeout=5)
    assert "Saved" in saved["content"]

    listing = await discord_server.invoke(
        world.alice, "reminders list", {}, guild_id=world.guild.id
    )
    [embed] = (await listing.response(timeout=5)).embeds
    assert_reads_as_typed(embed["description"], reads)

    await discord_server.wait_for_dms(world.alice.id, 1, timeout=5)
    clock.set(EIGHT)
    dms = await discord_server.wait_for_dms(world.alice.id, 2, timeout=10)
    [note] = [f for f in dms[-1]["embeds"][0]["fields"] if f["name"] == "Your note"]
    assert_reads_as_typed(note["value"], reads)
    assert_nothing_pinged(discord_server)


async def test_server_settings_read_as_typed_in_health_answers_and_config(
    discord_server, bot, world
):
    typed, reads = attack(world)
    link = "https://clinic.example/book_now)[free](https://evil.example)|x"
    for command, options in (
        ("config disclaimer", {"text": typed}),
        ("config booking-link", {"url": link}),
    ):
        ix = await discord_server.invoke(world.moderator, command, options, guild_id=world.guild.id)
        saved = await ix.response(timeout=5)
        assert "Saved" in saved.content, saved.content
        assert render(saved.content).mentions == [] and not BIDI_CONTROLS & set(saved.content)

    ix = await discord_server.invoke(world.alice, "sciatica massage", {}, guild_id=world.guild.id)
    [embed] = (await ix.response(timeout=5)).embeds
    fields = {f["name"]: f["value"] for f in embed["fields"]}
    assert_reads_as_typed(fields["A note from this server"], reads)
    booking = render(fields["Book a massage"])
    assert booking.masked_links == [] and booking.formatting == [] and booking.code == []
    [(shown_link, _)] = booking.links
    assert shown_link.startswith("https://clinic.example/book_now%29%5Bfree%5D")

    ix = await discord_server.invoke(world.moderator, "config show", {}, guild_id=world.guild.id)
    [shown] = (await ix.response(timeout=5)).embeds
    values = {f["name"]: f["value"] for f in shown["fields"]}
    assert_reads_as_typed(values["Extra disclaimer"], reads[:40])
    shown_booking = render(values["Massage booking link"])
    assert shown_booking.links == [(shown_link, shown_link)] and shown_booking.formatting == []
    assert_nothing_pinged(discord_server)


async def test_what_was_typed_is_offered_back_in_autocomplete_without_controls(
    discord_server, bot, world
):
    choices = await discord_server.autocomplete(
        world.alice,
        "reminders stretch",
        focused="days",
        value="\u202etuesdays\u2066 @everyone\x07",
        guild_id=world.guild.id,
    )
    [choice] = choices
    assert choice["name"] == "tuesdays @everyone"
