"""/quickcheck end to end: each outcome, Back, Cancel, time-out and other members' presses."""

import json

import pytest

from bot import views as bot_views
from bot.localdiscord.constants import InteractionCallbackType as Callback
from bot.triage import Level
from tests.helpers import eventually, run_bot


async def start(server, world, user=None, **options):
    ix = await server.invoke(user or world.alice, "quickcheck", options, guild_id=world.guild.id)
    response = await ix.response(timeout=5)
    assert response.ephemeral
    return ix


async def answer_all(server, world, ix, answers):
    """Press one button per question; returns the last response."""
    message = ix.message()
    response = None
    for label in answers:
        click = await server.click(world.alice, message, label=label)
        response = await click.response(timeout=5)
        assert response.type == Callback.UPDATE_MESSAGE
        message = click.message()
    return response, message


def questions_of(content, level):
    return [q for q in content.quickcheck.questions if q.level == level]


BOOKING = "https://booking.example/massage"


async def config(server, world, command, **options):
    ix = await server.invoke(world.moderator, command, options, guild_id=world.guild.id)
    assert "Saved" in (await ix.response(timeout=5)).content


def answers_for(content, level):
    """Button labels that end the check at `level`: one "Yes" at its first question."""
    questions = content.quickcheck.questions
    if level is Level.SELF_CARE:
        return ["No"] * len(questions)
    first = next(i for i, q in enumerate(questions) if q.level is level)
    rest = [] if level is Level.EMERGENCY else ["No"] * (len(questions) - first - 1)
    return ["No"] * first + ["Yes"] + rest


def numbers_field(response, content):
    [embed] = response.embeds
    title = content.quickcheck.ui["numbers_title"]
    return next(field["value"] for field in embed["fields"] if field["name"] == title)


async def test_first_emergency_yes_ends_the_check_with_emergency_advice_only(
    discord_server, bot, world, content
):
    ix = await start(discord_server, world)
    first = str(ix.message()["embeds"])
    assert "1 of" in first
    response, message = await answer_all(discord_server, world, ix, ["Yes"])
    [embed] = response.embeds
    assert embed["title"] == content.quickcheck.levels[Level.EMERGENCY].title
    assert message.get("components", []) == []  # no stretch or booking prompts
    assert "not a diagnosis" in str(embed).lower()


async def test_not_sure_on_an_emergency_question_counts_as_yes(discord_server, bot, world, content):
    ix = await start(discord_server, world)
    response, _ = await answer_all(discord_server, world, ix, ["No", "Not sure"])
    assert response.embeds[0]["title"] == content.quickcheck.levels[Level.EMERGENCY].title


async def test_an_urgent_yes_gives_urgent_today(discord_server, bot, world, content):
    emergency = len(questions_of(content, Level.EMERGENCY))
    urgent = len(questions_of(content, Level.URGENT))
    soon = len(questions_of(content, Level.SOON))
    ix = await start(discord_server, world)
    answers = ["No"] * emergency + ["Yes"] + ["No"] * (urgent - 1 + soon)
    response, _ = await answer_all(discord_server, world, ix, answers)
    assert response.embeds[0]["title"] == content.quickcheck.levels[Level.URGENT].title


async def test_a_soon_yes_sends_to_a_clinician_not_a_booking(discord_server, bot, world, content):
    await config(discord_server, world, "config booking-link", url=BOOKING)
    total = len(content.quickcheck.questions)
    ix = await start(discord_server, world)
    response, message = await answer_all(discord_server, world, ix, ["No"] * (total - 1) + ["Yes"])
    assert response.embeds[0]["title"] == content.quickcheck.levels[Level.SOON].title
    assert "GP or physiotherapist" in str(response.embeds)
    assert message.get("components", []) == []  # no massage follow-up
    assert BOOKING not in str(message)


@pytest.mark.parametrize("level", list(Level))
async def test_no_result_or_follow_up_carries_the_booking_link(
    discord_server, bot, world, content, level
):
    await config(discord_server, world, "config booking-link", url=BOOKING)
    ix = await start(discord_server, world)
    response, message = await answer_all(discord_server, world, ix, answers_for(content, level))
    assert response.embeds[0]["title"] == content.quickcheck.levels[level].title
    seen = [str(message)]
    for row in message.get("components", []):
        for button in row["components"]:
            click = await discord_server.click(world.alice, message, label=button["label"])
            seen.append(str((await click.response(timeout=5)).data))
    assert all(BOOKING not in text for text in seen)
    assert content.quickcheck.ui["safety_net"] in seen[0]


async def test_all_no_is_self_care_with_a_safety_net_and_stretches(
    discord_server, bot, world, content
):
    total = len(content.quickcheck.questions)
    ix = await start(discord_server, world)
    response, message = await answer_all(discord_server, world, ix, ["No"] * total)
    info = content.quickcheck.levels[Level.SELF_CARE]
    assert response.embeds[0]["title"] == info.title
    stretches = await discord_server.click(
        world.alice, message, label=content.quickcheck.ui["show_stretches"]
    )
    routine = await stretches.response(timeout=5)
    assert routine.ephemeral and routine.embeds


async def test_back_returns_to_the_previous_question(discord_server, bot, world):
    ix = await start(discord_server, world)
    response, message = await answer_all(discord_server, world, ix, ["No"])
    assert "2 of" in str(response.embeds)
    back = await discord_server.click(world.alice, message, label="Back")
    response = await back.response(timeout=5)
    assert "1 of" in str(response.embeds)


async def test_cancel_ends_it(discord_server, bot, world, content):
    ix = await start(discord_server, world)
    cancel = await discord_server.click(world.alice, ix.message(), label="Cancel")
    response = await cancel.response(timeout=5)
    assert response.type == Callback.UPDATE_MESSAGE and response.components == []
    assert content.quickcheck.ui["cancelled"] in response.content
    assert content.quickcheck.ui["safety_net"] in response.content


async def test_someone_else_cannot_answer(discord_server, bot, world):
    ix = await start(discord_server, world)
    intrusion = await discord_server.click(world.bob, ix.message(), label="Yes")
    response = await intrusion.response(timeout=5)
    assert (
        response.type == Callback.CHANNEL_MESSAGE_WITH_SOURCE
        and response.ephemeral
        and "/quickcheck" in response.content
    )
    assert "1 of" in str(ix.message()["embeds"])


async def test_region_numbers_from_the_server_setting(discord_server, bot, world, content):
    setting = await discord_server.invoke(
        world.moderator, "config region", {"region": "australia"}, guild_id=world.guild.id
    )
    assert "Saved" in (await setting.response(timeout=5)).content
    ix = await start(discord_server, world)
    response, _ = await answer_all(discord_server, world, ix, ["Yes"])
    assert "000" in str(response.embeds)


async def test_region_option_when_the_server_has_none(discord_server, bot, world):
    ix = await start(discord_server, world, region="us")
    response, _ = await answer_all(discord_server, world, ix, ["Yes"])
    assert "911" in str(response.embeds)


async def test_the_members_region_beats_the_servers(discord_server, bot, world, content):
    await config(discord_server, world, "config region", region="uk")
    ix = await start(discord_server, world, region="us")
    response, _ = await answer_all(discord_server, world, ix, ["Yes"])
    numbers = numbers_field(response, content)
    assert "US numbers" in numbers and "911" in numbers and "999" not in numbers
    assert content.quickcheck.ui["elsewhere"] in numbers


async def test_a_remembered_region_is_used_next_time_and_forgotten_on_delete(
    discord_server, bot, world, content
):
    await config(discord_server, world, "config region", region="new-zealand")
    first = await start(discord_server, world, region="uk")
    response, _ = await answer_all(discord_server, world, first, ["Yes"])
    assert "UK numbers" in numbers_field(response, content)
    member = await bot.stores.members.member(world.alice.id)
    assert member is not None and member.region == "uk"

    again = await start(discord_server, world)  # no region typed: the earlier choice wins
    response, _ = await answer_all(discord_server, world, again, ["Yes"])
    numbers = numbers_field(response, content)
    assert "UK numbers" in numbers and content.quickcheck.ui["source_remembered"] in numbers
    assert "111" not in numbers  # New Zealand's emergency number, the server's setting

    shown = await discord_server.invoke(world.alice, "privacy show", {}, guild_id=world.guild.id)
    assert "United Kingdom" in str((await shown.response(timeout=5)).embeds)
    export = await discord_server.invoke(world.alice, "privacy export", {}, guild_id=world.guild.id)
    await export.response(timeout=5)
    [(_, upload)] = export.files
    assert json.loads(upload)["members"][0]["region"] == "uk"

    delete = await discord_server.invoke(world.alice, "privacy delete", {}, guild_id=world.guild.id)
    await delete.response(timeout=5)
    confirm = await discord_server.click(world.alice, delete.message(), label="Delete everything")
    await confirm.response(timeout=5)
    assert await bot.stores.members.member(world.alice.id) is None
    after = await start(discord_server, world)
    response, _ = await answer_all(discord_server, world, after, ["Yes"])
    numbers = numbers_field(response, content)
    assert "New Zealand numbers" in numbers and "this server's setting" in numbers


async def test_without_a_region_it_lists_the_main_emergency_numbers(
    discord_server, bot, world, content
):
    ix = await start(discord_server, world)
    response, _ = await answer_all(discord_server, world, ix, ["Yes"])
    numbers = numbers_field(response, content)
    assert content.quickcheck.ui["no_region"] in numbers
    for number in ("999", "911", "112", "000", "111"):
        assert number in numbers


async def test_only_less_feeling_when_peeing_is_an_emergency(discord_server, bot, world, content):
    """The review's critical case: every other answer "No", this one "Yes"."""
    ids = [q.id for q in content.quickcheck.questions]
    answers = ["No"] * ids.index("bladder-feeling") + ["Yes"]
    ix = await start(discord_server, world)
    response, message = await answer_all(discord_server, world, ix, answers)
    [embed] = response.embeds
    assert embed["title"] == content.quickcheck.levels[Level.EMERGENCY].title
    assert "feeling when peeing" in str(embed)
    assert message.get("components", []) == []


async def test_an_idle_check_times_out_with_disabled_buttons(
    discord_server, world, tmp_path, content, clock, monkeypatch
):
    """discord.py times views out on real time, so the test shortens the idle limit."""
    monkeypatch.setattr(bot_views, "IDLE_TIMEOUT", 0.2)
    async with run_bot(discord_server, tmp_path / "bot.db", content, clock):
        ix = await start(discord_server, world)

        def disabled() -> bool:
            buttons = [c for row in ix.message()["components"] for c in row["components"]]
            return all(button.get("disabled") for button in buttons)

        await eventually(disabled, timeout=5)
        assert content.quickcheck.ui["timeout"] in ix.message()["content"]
        assert content.quickcheck.ui["safety_net"] in ix.message()["content"]
