"""/sciatica, /stretch, /help and /about through the local Discord, as members use them."""

import asyncio

import pytest

from bot.localdiscord.constants import InteractionCallbackType as Callback
from bot.ui.embeds import embed_limit_problems
from tests.support.helpers import eventually

DEADLINE = 3.0


async def test_every_topic_answers_privately_within_limits(discord_server, bot, world, content):
    for slug, topic in content.library.topics.items():
        ix = await discord_server.invoke(
            world.alice, f"sciatica {slug}", {}, guild_id=world.guild.id
        )
        response = await ix.response(timeout=5)
        assert response.type == Callback.CHANNEL_MESSAGE_WITH_SOURCE
        assert response.ephemeral, slug
        assert response.latency < DEADLINE
        [embed] = response.embeds
        assert embed["title"] == topic.title
        assert embed_limit_problems(response.embeds) == []
        assert any(source.url in str(embed) for source in topic.sources)
        assert "not medical advice" in embed["footer"]["text"].lower()


async def test_private_answers_with_a_menu_leave_no_task_behind(discord_server, bot, world):
    """Their menus answer from the custom_id alone, so nothing waits 15 minutes for them."""

    async def overview():
        ix = await discord_server.invoke(
            world.alice, "sciatica overview", {}, guild_id=world.guild.id
        )
        response = await ix.response(timeout=5)
        assert response.ephemeral and response.components

    await overview()
    await eventually(lambda: all(task.done() for task in bot._interactions), timeout=2)
    before = len(asyncio.all_tasks())
    for _ in range(5):
        await overview()
    await eventually(lambda: len(asyncio.all_tasks()) <= before, timeout=2)


async def test_a_topic_shown_again_carries_the_servers_new_note_and_booking_link(
    discord_server, bot, world
):
    """A topic's answer is built once and sent again; a moderator's change shows at once."""

    async def massage() -> str:
        ix = await discord_server.invoke(
            world.alice, "sciatica massage", {}, guild_id=world.guild.id
        )
        response = await ix.response(timeout=5)
        assert response.components  # its related-topics menu, the second time too
        return str((response.embeds, response.components))

    before = await massage()
    assert await massage() == before
    changes = [
        ("config disclaimer", {"text": "Ask the front desk first"}),
        ("config booking-link", {"url": "https://clinic.example/book"}),
    ]
    for command, options in changes:
        ix = await discord_server.invoke(world.moderator, command, options, guild_id=world.guild.id)
        assert "Saved" in (await ix.response(timeout=5)).content
    after = await massage()
    assert "Ask the front desk first" not in before and "clinic.example" not in before
    assert "Ask the front desk first" in after and "https://clinic.example/book" in after


async def test_share_posts_publicly(discord_server, bot, world):
    ix = await discord_server.invoke(
        world.alice, "sciatica overview", {"share": True}, guild_id=world.guild.id
    )
    response = await ix.response(timeout=5)
    assert not response.ephemeral


async def test_related_topic_menu_swaps_the_private_answer(discord_server, bot, world, content):
    ix = await discord_server.invoke(world.alice, "sciatica overview", {}, guild_id=world.guild.id)
    await ix.response(timeout=5)
    target = content.library.topic("overview").related[0]
    picked = await discord_server.select(world.alice, ix.message(), values=[target])
    response = await picked.response(timeout=5)
    assert response.type == Callback.UPDATE_MESSAGE  # updated in place
    assert response.embeds[0]["title"] == content.library.topic(target).title


async def test_related_topic_menu_on_a_shared_answer_replies_privately(
    discord_server, bot, world, content
):
    ix = await discord_server.invoke(
        world.alice, "sciatica overview", {"share": True}, guild_id=world.guild.id
    )
    await ix.response(timeout=5)
    target = content.library.topic("overview").related[0]
    picked = await discord_server.select(world.bob, ix.message(), values=[target])
    response = await picked.response(timeout=5)
    assert response.type == Callback.CHANNEL_MESSAGE_WITH_SOURCE and response.ephemeral
    assert response.embeds[0]["title"] == content.library.topic(target).title


async def test_when_to_get_help_lists_emergency_signs(discord_server, bot, world):
    ix = await discord_server.invoke(
        world.alice, "sciatica when-to-get-help", {}, guild_id=world.guild.id
    )
    text = str((await ix.response(timeout=5)).embeds).lower()
    for sign in ("both legs", "bowel", "emergency"):
        assert sign in text


async def test_stretch_routine_to_the_end(discord_server, bot, world, content):
    routine = content.library.routine
    ix = await discord_server.invoke(world.alice, "stretch routine", {}, guild_id=world.guild.id)
    response = await ix.response(timeout=5)
    assert response.ephemeral
    message = ix.message()
    seen = []
    for _ in routine.stretches:
        click = await discord_server.click(world.alice, message, label="Next")
        step = await click.response(timeout=5)
        assert step.type == Callback.UPDATE_MESSAGE
        seen.append(step.embeds[0]["title"])
        message = click.message()
    assert all(any(s.name in title for title in seen) for s in routine.stretches)
    # Next is disabled on the last step; Back goes one step back
    with pytest.raises(AssertionError):
        await discord_server.click(world.alice, message, label="Next")
    back = await discord_server.click(world.alice, message, label="Back")
    assert (await back.response(timeout=5)).type == Callback.UPDATE_MESSAGE
    finish = await discord_server.click(world.alice, back.message(), label="Finish")
    done = await finish.response(timeout=5)
    assert done.type == Callback.UPDATE_MESSAGE and done.components == []


async def test_only_the_owner_drives_the_routine(discord_server, bot, world):
    ix = await discord_server.invoke(world.alice, "stretch routine", {}, guild_id=world.guild.id)
    await ix.response(timeout=5)
    intrusion = await discord_server.click(world.bob, ix.message(), label="Next")
    response = await intrusion.response(timeout=5)
    assert response.type == Callback.CHANNEL_MESSAGE_WITH_SOURCE and response.ephemeral
    assert "/stretch routine" in response.content


async def test_a_routine_an_older_version_showed_says_it_expired(discord_server, bot, world):
    """The version before this one kept the step in memory: its buttons carried no step."""
    ix = await discord_server.invoke(world.alice, "stretch routine", {}, guild_id=world.guild.id)
    await ix.response(timeout=5)
    [row] = ix.message()["components"]
    older = ("routine:back", "routine:next", "routine:finish")
    for button, old in zip(row["components"], older, strict=True):
        button["custom_id"] = old
    click = await discord_server.click(world.alice, ix.message(), label="Next")
    response = await click.response(timeout=5)
    assert response.type == Callback.UPDATE_MESSAGE and response.components == []
    assert "timed out" in response.content and "/stretch routine" in response.content
    assert response.embeds == [] and not ix.message().get("attachments")


async def test_stretch_show_with_autocomplete(discord_server, bot, world):
    choices = await discord_server.autocomplete(
        world.alice, "stretch show", focused="name", value="pir", guild_id=world.guild.id
    )
    assert choices and "piriformis" in choices[0]["name"].lower()
    assert len(choices) <= 25
    ix = await discord_server.invoke(
        world.alice, "stretch show", {"name": choices[0]["value"]}, guild_id=world.guild.id
    )
    response = await ix.response(timeout=5)
    assert response.ephemeral and "piriformis" in response.embeds[0]["title"].lower()


async def test_unknown_stretch_gets_a_clear_private_error(discord_server, bot, world):
    ix = await discord_server.invoke(
        world.alice, "stretch show", {"name": "zzzz-not-a-stretch"}, guild_id=world.guild.id
    )
    response = await ix.response(timeout=5)
    assert response.ephemeral and "don't know a stretch" in response.content


async def test_help_lists_every_synced_command_to_a_moderator(discord_server, bot, world):
    ix = await discord_server.invoke(world.moderator, "help", {}, guild_id=world.guild.id)
    response = await ix.response(timeout=5)
    assert response.ephemeral
    text = str(response.embeds)
    for command in discord_server.synced_commands():
        assert f"/{command['name']}" in text


async def test_about_reports_version_and_storage(discord_server, bot, world):
    ix = await discord_server.invoke(world.alice, "about", {}, guild_id=world.guild.id)
    response = await ix.response(timeout=5)
    assert response.ephemeral and response.latency < DEADLINE
    text = str(response.embeds)
    assert bot.version in text and "/privacy" in text


async def test_learning_works_in_dms(discord_server, bot, world):
    ix = await discord_server.invoke(world.alice, "sciatica symptoms", {}, guild_id=None)
    response = await ix.response(timeout=5)
    assert response.type == Callback.CHANNEL_MESSAGE_WITH_SOURCE and response.embeds


async def test_default_allowed_mentions_ping_nobody(discord_server, bot, world):
    ix = await discord_server.invoke(
        world.alice, "sciatica overview", {"share": True}, guild_id=world.guild.id
    )
    await ix.response(timeout=5)
    callback = next(r for r in discord_server.rest.requests if r.path.endswith("/callback"))
    assert callback.json["data"]["allowed_mentions"] == {"parse": []}


async def test_cauda_equina_card_answers_with_every_sign_and_sources(
    discord_server, bot, world, content
):
    topic = content.library.topic("cauda-equina")
    ix = await discord_server.invoke(
        world.alice, "sciatica cauda-equina", {}, guild_id=world.guild.id
    )
    response = await ix.response(timeout=5)
    assert response.type == Callback.CHANNEL_MESSAGE_WITH_SOURCE and response.ephemeral
    assert embed_limit_problems(response.embeds) == []
    [embed] = response.embeds
    text = embed["description"].lower()
    for sign in ("lost feeling when you pee", "full or empty", "wipe", "erection", "both"):
        assert sign in text, sign
    assert "**new**" in text and "even at night or at a weekend" in text
    assert "worried about cauda equina syndrome" in text
    assert all(source.url in str(embed) for source in topic.sources)
    assert "not medical advice" in embed["footer"]["text"].lower()


async def test_appointment_topic_answers_within_limits_with_sources(
    discord_server, bot, world, content
):
    topic = content.library.topic("appointment")
    ix = await discord_server.invoke(
        world.alice, "sciatica appointment", {"share": True}, guild_id=world.guild.id
    )
    response = await ix.response(timeout=5)
    assert response.type == Callback.CHANNEL_MESSAGE_WITH_SOURCE and not response.ephemeral
    assert embed_limit_problems(response.embeds) == []
    [embed] = response.embeds
    assert embed["title"] == topic.title
    assert "before you go, note" in embed["description"].lower()
    assert all(source.url in str(embed) for source in topic.sources)


async def test_when_to_get_help_leads_to_the_warning_card(discord_server, bot, world, content):
    ix = await discord_server.invoke(
        world.alice, "sciatica when-to-get-help", {}, guild_id=world.guild.id
    )
    await ix.response(timeout=5)
    picked = await discord_server.select(world.alice, ix.message(), values=["cauda-equina"])
    response = await picked.response(timeout=5)
    assert response.type == Callback.UPDATE_MESSAGE
    assert response.embeds[0]["title"] == content.library.topic("cauda-equina").title
    assert embed_limit_problems(response.embeds) == []


def assert_shows_picture(server, ix, message, picture):
    """The callback uploaded the picture, and the message's embed displays that attachment."""
    assert ix.files == [(picture.filename, picture.png)]
    [attachment] = message["attachments"]
    assert attachment["filename"] == picture.filename
    assert attachment["size"] == len(picture.png)
    assert attachment["description"] == picture.alt  # what a screen reader says
    [embed] = message["embeds"]
    assert embed["image"]["url"] == attachment["url"]
    [sent] = [r.json for r in server.rest.requests if r.path.endswith(f"/{ix.token}/callback")]
    assert sent["data"]["embeds"][0]["image"]["url"] == f"attachment://{picture.filename}"


async def test_stretch_show_carries_the_stretch_picture(discord_server, bot, world, content):
    for slug in content.library.stretches:
        ix = await discord_server.invoke(
            world.alice, "stretch show", {"name": slug}, guild_id=world.guild.id
        )
        response = await ix.response(timeout=5)
        assert response.ephemeral
        assert_shows_picture(discord_server, ix, ix.message(), content.pictures.picture(slug))


async def test_every_routine_step_shows_its_picture_and_back_swaps_it(
    discord_server, bot, world, content
):
    stretches = content.library.routine.stretches
    ix = await discord_server.invoke(world.alice, "stretch routine", {}, guild_id=world.guild.id)
    await ix.response(timeout=5)
    assert ix.files == [] and ix.message()["attachments"] == []  # the intro has no picture
    message = ix.message()
    for stretch in stretches:
        click = await discord_server.click(world.alice, message, label="Next")
        assert (await click.response(timeout=5)).type == Callback.UPDATE_MESSAGE
        message = click.message()
        assert_shows_picture(discord_server, click, message, content.pictures.picture(stretch.slug))
    back = await discord_server.click(world.alice, message, label="Back")
    await back.response(timeout=5)
    assert_shows_picture(
        discord_server, back, back.message(), content.pictures.picture(stretches[-2].slug)
    )
    finish = await discord_server.click(world.alice, back.message(), label="Finish")
    await finish.response(timeout=5)
    assert finish.message()["attachments"] == []  # the outro drops the last picture
    assert "image" not in finish.message()["embeds"][0]
