"""The quick-check as a member takes it through the local Discord."""

from bot.localdiscord.constants import InteractionCallbackType as Callback


async def start(server, world, user=None, **options):
    ix = await server.invoke(user or world.alice, "quickcheck", options, guild_id=world.guild.id)
    response = await ix.response(timeout=5)
    assert response.ephemeral
    return ix


async def answer_all(server, world, ix, labels):
    """Press one answer button per single-question screen; returns the last response."""
    message = ix.message()
    response = None
    for label in labels:
        click = await server.click(world.alice, message, label=label)
        response = await click.response(timeout=5)
        assert response.type == Callback.UPDATE_MESSAGE
        message = click.message()
    return response, message
