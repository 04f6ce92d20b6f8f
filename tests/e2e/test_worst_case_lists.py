"""The longest answers the limits allow, end to end: a member at the reminder limit with the
longest notes (markdown that escaping doubles), the longest zone name, named days, everything
paused and quiet hours on sees their whole list — in pages within Discord's embed limits, whose
buttons still turn after a restart — and /privacy show and /progress fit too. The local
Discord refuses an embed over any limit, as Discord does."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from bot.localdiscord.constants import InteractionCallbackType as Callback
from bot.ui.embeds import embed_limit_problems
from tests.support.discord_markdown import render
from tests.support.helpers import run_bot

LONGEST_ZONE = "America/North_Dakota/New_Salem"
NAMED_DAYS = "mon, tue, wed, thu, fri, sat"  # every day named: the longest schedule in words
LIMIT = 10  # reminders one member may keep (the default)


def note(number: int) -> str:
    """200 characters, each one escaped when shown: the longest a shown note gets."""
    return f"#{number:02d}" + "*_" * 98 + "|"


async def ask(server: Any, world: Any, command: str, options: dict[str, Any]) -> Any:
    ix = await server.invoke(world.alice, command, options, guild_id=world.guild.id)
    response = await ix.response(timeout=10)
    if response.type == Callback.DEFERRED_CHANNEL_MESSAGE:
        await ix.wait_for_followups(1, timeout=10)
    return ix


async def fill_up(server: Any, world: Any) -> None:
    await ask(server, world, "reminders timezone", {"zone": LONGEST_ZONE})
    await ask(server, world, "reminders quiet-hours", {"start": "22:00", "end": "07:30"})
    for number in range(1, LIMIT + 1):
        values = {"time": "8:00", "days": NAMED_DAYS, "note": note(number)}
        ix = await ask(server, world, "reminders stretch", values)
        assert "Saved" in ix.followups[0]["content"], ix.followups[0]["content"]
    await ask(server, world, "reminders pause", {"reminder": "all", "days": 60})


def shown_list(message: dict[str, Any]) -> tuple[str, str]:
    [embed] = message["embeds"]
    assert embed_limit_problems([embed]) == []
    return embed["description"], embed["footer"]["text"]


async def test_a_full_list_is_shown_whole_in_pages_that_turn_after_a_restart(
    discord_server, world, tmp_path, content, clock
):
    database = tmp_path / "bot.db"
    async with run_bot(discord_server, database, content, clock):
        await fill_up(discord_server, world)
        listing = await ask(discord_server, world, "reminders list", {})
        first = listing.message()
        description, footer = shown_list(first)
        assert footer.endswith("Page 1 of 2"), footer

    async with run_bot(discord_server, database, content, clock):
        turned = await discord_server.click(world.alice, first, label="Next page ▶")
        assert (await turned.response(timeout=5)).type == Callback.UPDATE_MESSAGE
        second, footer = shown_list(listing.message())
        assert footer.endswith("Page 2 of 2"), footer
        pages = [description, second]
        back = await discord_server.click(world.alice, listing.message(), label="◀ Back")
        await back.response(timeout=5)
        assert shown_list(listing.message())[0] == description

    everything = render("\n\n".join(pages)).visible
    for number in range(1, LIMIT + 1):
        assert everything.count(f"#{number} Stretch") == 1, number
        assert everything.count(note(number)) == 1, number  # whole, as typed
    assert everything.count("Quiet hours:") == 2  # on every page
    assert LONGEST_ZONE in everything


async def test_a_page_button_is_for_its_member_alone(
    discord_server, world, tmp_path, content, clock
):
    async with run_bot(discord_server, tmp_path / "bot.db", content, clock):
        await fill_up(discord_server, world)
        listing = await ask(discord_server, world, "reminders list", {})
        pressed = await discord_server.click(world.bob, listing.message(), label="Next page ▶")
        answer = await pressed.response(timeout=5)
        assert answer.ephemeral and "belong to someone else" in answer.content
        assert shown_list(listing.message())[1].endswith("Page 1 of 2")


async def test_privacy_show_and_progress_fit_for_the_fullest_member(
    discord_server, world, tmp_path, content, clock
):
    async with run_bot(discord_server, tmp_path / "bot.db", content, clock) as bot:
        await fill_up(discord_server, world)
        await ask(discord_server, world, "progress", {"check-ins": "on"})
        user = world.alice.id
        first = (await bot.stores.reminders.of_member(user))[0]
        today = date(2026, 3, 2)
        for back in range(84):  # every day of the 12 weeks shown: stretched, and a score
            day = (today - timedelta(days=back)).isoformat()
            await bot.stores.members.record_completion(user, first.id, day, 1_772_000_000)
            assert await bot.stores.checkins.record(user, day, back % 11, 1_772_000_000)

        shown = await ask(discord_server, world, "privacy show", {})
        [embed] = shown.message()["embeds"]
        assert embed_limit_problems([embed]) == []
        assert LONGEST_ZONE in render(embed["description"]).visible

        progress = await ask(discord_server, world, "progress", {})
        [answer] = progress.followups
        [embed] = answer["embeds"]
        assert embed_limit_problems([embed]) == []
        assert "84" in embed["description"] and LONGEST_ZONE in embed["footer"]["text"]
        assert len(answer["attachments"]) == 1  # the chart


async def test_a_page_of_a_list_since_emptied_says_there_are_none(
    discord_server, world, tmp_path, content, clock
):
    async with run_bot(discord_server, tmp_path / "bot.db", content, clock):
        await fill_up(discord_server, world)
        listing = await ask(discord_server, world, "reminders list", {})
        await ask(discord_server, world, "reminders delete", {"reminder": "all"})
        pressed = await discord_server.click(world.alice, listing.message(), label="Next page ▶")
        assert (await pressed.response(timeout=5)).type == Callback.UPDATE_MESSAGE
        emptied = listing.message()
        assert emptied["embeds"] == [] and emptied["components"] == []
        assert "You have no reminders" in emptied["content"]
