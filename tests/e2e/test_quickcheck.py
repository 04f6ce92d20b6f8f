"""/quickcheck end to end: each outcome, Back, Cancel, time-out and other members' presses."""

from bot import views as bot_views
from bot.triage import Level
from tests.conftest import eventually, run_bot


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
        assert response.type == 7
        message = click.message()
    return response, message


def questions_of(content, level):
    return [q for q in content.quickcheck.questions if q.level == level]


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


async def test_a_soon_yes_offers_massage_information(discord_server, bot, world, content):
    total = len(content.quickcheck.questions)
    ix = await start(discord_server, world)
    response, message = await answer_all(discord_server, world, ix, ["No"] * (total - 1) + ["Yes"])
    assert response.embeds[0]["title"] == content.quickcheck.levels[Level.SOON].title
    labels = [c.get("label") for row in message["components"] for c in row["components"]]
    assert content.quickcheck.ui["massage_info"] in labels


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
    assert response.type == 7 and response.components == []
    assert response.content == content.quickcheck.ui["cancelled"]


async def test_someone_else_cannot_answer(discord_server, bot, world):
    ix = await start(discord_server, world)
    intrusion = await discord_server.click(world.bob, ix.message(), label="Yes")
    response = await intrusion.response(timeout=5)
    assert response.type == 4 and response.ephemeral and "/quickcheck" in response.content
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


async def test_without_a_region_it_says_local_emergency_number(discord_server, bot, world, content):
    ix = await start(discord_server, world)
    response, _ = await answer_all(discord_server, world, ix, ["Yes"])
    assert content.quickcheck.ui["no_region"] in str(response.embeds)


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
