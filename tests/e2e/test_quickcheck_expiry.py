"""A quick-check screen waits 10 minutes by the bot's clock (the same before and after a
restart): a later press is told the check expired, an emergency Yes never is, and every
press gives the next screen its own 10 minutes."""

from datetime import timedelta

from bot.health.triage import Level
from bot.localdiscord.constants import InteractionCallbackType as Callback
from tests.support.quickcheck import answer_all, start


async def test_a_screen_left_over_ten_minutes_has_expired_but_an_emergency_yes_still_counts(
    discord_server, bot, world, content, clock
):
    texts = content.messages
    late = await start(discord_server, world)
    _, message = await answer_all(discord_server, world, late, ["No"])  # on to screen 2
    clock.advance(timedelta(minutes=10, seconds=30))
    click = await discord_server.click(world.alice, message, label="No")
    response = await click.response(timeout=5)
    assert response.type == Callback.UPDATE_MESSAGE and response.components == []
    assert texts("quickcheck.ui.expired") in response.content
    assert texts("quickcheck.ui.safety_net") in response.content
    assert response.embeds == []

    emergency = await start(discord_server, world)
    _, message = await answer_all(discord_server, world, emergency, ["No"])
    clock.advance(timedelta(hours=2))
    click = await discord_server.click(world.alice, message, label="Yes")
    response = await click.response(timeout=5)
    assert response.embeds[0]["title"] == content.quickcheck.levels[Level.EMERGENCY].title


async def test_each_press_gives_the_next_screen_another_ten_minutes(
    discord_server, bot, world, content, clock
):
    ix = await start(discord_server, world)
    message = ix.message()
    for _ in range(3):
        clock.advance(timedelta(minutes=9))
        click = await discord_server.click(world.alice, message, label="No")
        response = await click.response(timeout=5)
        message = click.message()
    assert "Screen 4 of" in str(response.embeds)
