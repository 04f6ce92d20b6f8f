"""/quickcheck end to end: each outcome, Back, Cancel and other members' presses."""

import json

import pytest

from bot.health.triage import Level
from bot.localdiscord.constants import InteractionCallbackType as Callback
from tests.support.quickcheck import answer_all, start

CODES = {"Yes": "y", "No": "n", "Not sure": "u"}


def current_screen(message, content):
    """The question ids the message asks now, read from its buttons' custom ids."""
    ids = []
    for row in message.get("components", []):
        for button in row["components"]:
            parts = button.get("custom_id", "").split(":")
            if len(parts) == 7:  # qc:owner:shown:region:answers:question:answer
                question = content.quickcheck.questions[int(parts[5])].id
                if question not in ids:
                    ids.append(question)
    return ids


def answer_button(message, index, code):
    """The custom id of the button that answers question `index` with `code`."""
    return next(
        button["custom_id"]
        for row in message["components"]
        for button in row["components"]
        if button.get("custom_id", "").endswith(f":{index}:{code}")
    )


async def run_check(server, world, ix, content, answers=None):
    """Answer screen by screen as a member would: each question with its label in `answers`
    ("No" when not named), then Next on a shared screen. Returns the last response, the
    message and the screens shown."""
    answers = answers or {}
    ids = [q.id for q in content.quickcheck.questions]
    message, response, screens = ix.message(), None, []
    while screen := current_screen(message, content):
        screens.append(screen)
        for question in screen:
            index = ids.index(question)
            code = CODES[answers.get(question, "No")]
            click = await server.click(
                world.alice, message, custom_id=answer_button(message, index, code)
            )
            response = await click.response(timeout=5)
            assert response.type == Callback.UPDATE_MESSAGE
            message = click.message()
        if len(screen) > 1:
            next_label = content.messages("quickcheck.ui.next")
            click = await server.click(world.alice, message, label=next_label)
            response = await click.response(timeout=5)
            message = click.message()
    return response, message, screens


BOOKING = "https://booking.example/massage"


async def config(server, world, command, **options):
    ix = await server.invoke(world.moderator, command, options, guild_id=world.guild.id)
    assert "Saved" in (await ix.response(timeout=5)).content


def answers_for(content, level):
    """Answers that end the check at `level`: "Yes" to the first question of that level."""
    if level is Level.SELF_CARE:
        return {}
    first = next(q for q in content.quickcheck.questions if q.level is level)
    return {first.id: "Yes"}


def numbers_field(response, content):
    [embed] = response.embeds
    title = content.messages("quickcheck.ui.numbers_title")
    return next(field["value"] for field in embed["fields"] if field["name"] == title)


def field(response, content, key):
    [embed] = response.embeds
    title = content.messages(f"quickcheck.ui.{key}")
    return next(f["value"] for f in embed["fields"] if f["name"] == title)


async def test_chest_pain_is_asked_first_and_sends_for_an_ambulance_without_nerve_words(
    discord_server, bot, world, content
):
    ix = await start(discord_server, world)
    first = str(ix.message()["embeds"])
    assert "Screen 1 of at most" in first and "chest pain" in first
    response, message = await answer_all(discord_server, world, ix, ["Yes"])
    [embed] = response.embeds
    assert embed["title"] == content.quickcheck.levels[Level.EMERGENCY].title
    steps = field(response, content, "next_steps_title")
    assert "emergency number **for an ambulance now**" in steps
    assert "Don't drive yourself, and don't go on your own." in steps
    assert "nerve" not in str(embed).lower()
    assert message.get("components", []) == []  # no stretch or booking prompts
    assert "not a diagnosis" in str(embed).lower()


async def test_not_sure_on_an_emergency_question_counts_as_yes(discord_server, bot, world, content):
    ix = await start(discord_server, world)
    response, _ = await answer_all(discord_server, world, ix, ["No", "Not sure"])
    assert response.embeds[0]["title"] == content.quickcheck.levels[Level.EMERGENCY].title
    assert "rare but serious nerve problem" in field(response, content, "next_steps_title")


async def test_less_feeling_when_pooing_alone_is_an_emergency(discord_server, bot, world, content):
    """The review's critical case: every other answer "No", this one "Yes"."""
    ix = await start(discord_server, world)
    response, message, screens = await run_check(
        discord_server, world, ix, content, {"bowel-feeling": "Yes"}
    )
    [embed] = response.embeds
    assert embed["title"] == content.quickcheck.levels[Level.EMERGENCY].title
    assert "Less feeling when pooing" in field(response, content, "reasons_title")
    assert screens[-1] == ["bowel-feeling"]
    assert message.get("components", []) == []


async def test_a_no_red_flag_check_takes_at_most_16_screens_with_chest_pain_first(
    discord_server, bot, world, content
):
    ix = await start(discord_server, world)
    intro = (await ix.response(timeout=5)).content
    assert f"At most {content.quickcheck.most_screens} short screens" in intro
    response, message, screens = await run_check(discord_server, world, ix, content)
    assert len(screens) <= 16 and len(screens) == content.quickcheck.most_screens
    assert screens[0] == ["chest-pain"]
    emergency = [q.id for q in content.quickcheck.questions if q.level is Level.EMERGENCY]
    for alone in [*emergency, "weak-leg", "walking", "cancer-now"]:
        assert [alone] in screens, alone
    assert max(len(screen) for screen in screens) == 4
    assert response.embeds[0]["title"] == content.quickcheck.levels[Level.SELF_CARE].title
    stretches = await discord_server.click(
        world.alice, message, label=content.messages("quickcheck.ui.show_stretches")
    )
    routine = await stretches.response(timeout=5)
    assert routine.ephemeral and routine.embeds


async def test_a_shared_screen_asks_each_item_on_its_own_row_and_waits_for_all(
    discord_server, bot, world, content
):
    texts = content.messages
    ix = await start(discord_server, world)
    singles = [q for q in content.quickcheck.questions if not q.group]
    message = (await answer_all(discord_server, world, ix, ["No"] * len(singles)))[1]
    screen = current_screen(message, content)
    assert screen == ["fever", "infection", "immune", "injecting"]
    assert "Do any of these apply to you?" in str(message["embeds"])
    rows = message["components"]
    assert len(rows) == 5  # one row per item, then Next / Back / Cancel
    assert [b["label"] for b in rows[0]["components"]] == ["1. Yes", "1. No", "1. Not sure"]
    nav = {b["label"]: b for b in rows[4]["components"]}
    assert nav[texts("quickcheck.ui.next")].get("disabled") is True  # nothing answered yet
    click = await discord_server.click(world.alice, message, label="2. Not sure")
    await click.response(timeout=5)
    message = click.message()
    not_sure = texts("quickcheck.ui.not_sure")
    assert f"— **{not_sure}**" in str(message["embeds"])  # the answer is shown per item
    for label in ("1. No", "3. No", "4. No"):
        click = await discord_server.click(world.alice, message, label=label)
        await click.response(timeout=5)
        message = click.message()
    done = await discord_server.click(world.alice, message, label=texts("quickcheck.ui.next"))
    response = await done.response(timeout=5)
    assert response.embeds[0]["title"] == content.quickcheck.levels[Level.URGENT].title
    assert "A recent infection that needed antibiotics" in field(response, content, "reasons_title")


async def test_cancer_now_with_a_weaker_leg_is_an_emergency(discord_server, bot, world, content):
    ix = await start(discord_server, world)
    answers = {"weak-leg": "Yes", "cancer-now": "Yes"}
    response, _, screens = await run_check(discord_server, world, ix, content, answers)
    assert response.embeds[0]["title"] == content.quickcheck.levels[Level.EMERGENCY].title
    assert "cancer team's **24-hour line now**" in field(response, content, "next_steps_title")
    assert screens[-1] == ["cancer-now"]


async def test_injecting_with_fever_and_a_weaker_leg_is_an_emergency(
    discord_server, bot, world, content
):
    ix = await start(discord_server, world)
    answers = {"weak-leg": "Yes", "fever": "Yes", "injecting": "Yes"}
    response, _, screens = await run_check(discord_server, world, ix, content, answers)
    assert response.embeds[0]["title"] == content.quickcheck.levels[Level.EMERGENCY].title
    steps = field(response, content, "next_steps_title")
    assert "Fever or infection risk with new weakness needs checking in hospital today" in steps
    assert ["fever"] in screens  # asked on its own once it could complete the combination


async def test_cancer_now_alone_is_urgent_with_the_cancer_teams_line(
    discord_server, bot, world, content
):
    ix = await start(discord_server, world)
    response, _, _ = await run_check(discord_server, world, ix, content, {"cancer-now": "Yes"})
    assert response.embeds[0]["title"] == content.quickcheck.levels[Level.URGENT].title
    steps = field(response, content, "next_steps_title")
    assert "Call your cancer team's 24-hour line now" in steps
    assert "111 in the UK" in steps


async def test_india_shows_112_and_108(discord_server, bot, world, content):
    ix = await start(discord_server, world, region="india")
    response, _ = await answer_all(discord_server, world, ix, ["Yes"])
    numbers = numbers_field(response, content)
    assert "India numbers" in numbers and "**112**" in numbers and "**108**" in numbers


async def test_an_urgent_yes_gives_urgent_today(discord_server, bot, world, content):
    ix = await start(discord_server, world)
    response, _, _ = await run_check(discord_server, world, ix, content, {"weak-leg": "Yes"})
    assert response.embeds[0]["title"] == content.quickcheck.levels[Level.URGENT].title


async def test_a_soon_yes_sends_to_a_clinician_not_a_booking(discord_server, bot, world, content):
    await config(discord_server, world, "config booking-link", url=BOOKING)
    ix = await start(discord_server, world)
    response, message, _ = await run_check(
        discord_server, world, ix, content, {"daily-life": "Yes"}
    )
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
    response, message, _ = await run_check(
        discord_server, world, ix, content, answers_for(content, level)
    )
    assert response.embeds[0]["title"] == content.quickcheck.levels[level].title
    seen = [str(message)]
    for row in message.get("components", []):
        for button in row["components"]:
            click = await discord_server.click(world.alice, message, label=button["label"])
            seen.append(str((await click.response(timeout=5)).data))
    assert all(BOOKING not in text for text in seen)
    assert content.messages("quickcheck.ui.safety_net") in seen[0]


async def test_back_returns_to_the_previous_question(discord_server, bot, world):
    ix = await start(discord_server, world)
    response, message = await answer_all(discord_server, world, ix, ["No"])
    assert "Screen 2 of" in str(response.embeds)
    back = await discord_server.click(world.alice, message, label="Back")
    response = await back.response(timeout=5)
    assert "Screen 1 of" in str(response.embeds) and "chest pain" in str(response.embeds)


async def test_cancel_ends_it(discord_server, bot, world, content):
    ix = await start(discord_server, world)
    cancel = await discord_server.click(world.alice, ix.message(), label="Cancel")
    response = await cancel.response(timeout=5)
    assert response.type == Callback.UPDATE_MESSAGE and response.components == []
    assert content.messages("quickcheck.ui.cancelled") in response.content
    assert content.messages("quickcheck.ui.safety_net") in response.content


async def test_someone_else_cannot_answer(discord_server, bot, world):
    ix = await start(discord_server, world)
    intrusion = await discord_server.click(world.bob, ix.message(), label="Yes")
    response = await intrusion.response(timeout=5)
    assert (
        response.type == Callback.CHANNEL_MESSAGE_WITH_SOURCE
        and response.ephemeral
        and "/quickcheck" in response.content
    )
    assert "Screen 1 of" in str(ix.message()["embeds"])


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
    assert content.messages("quickcheck.ui.elsewhere") in numbers


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
    assert "UK numbers" in numbers
    assert content.messages("quickcheck.ui.source_remembered") in numbers
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
    assert content.messages("quickcheck.ui.no_region") in numbers
    for number in ("999", "911", "112", "000", "111"):
        assert number in numbers


async def test_only_less_feeling_when_peeing_is_an_emergency(discord_server, bot, world, content):
    """Last review's critical case: every other answer "No", this one "Yes"."""
    ix = await start(discord_server, world)
    response, message, _ = await run_check(
        discord_server, world, ix, content, {"bladder-feeling": "Yes"}
    )
    [embed] = response.embeds
    assert embed["title"] == content.quickcheck.levels[Level.EMERGENCY].title
    assert "feeling when peeing" in str(embed)
    assert message.get("components", []) == []
