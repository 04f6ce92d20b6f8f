"""Where an interaction happens and through which install: its `context`, the
`authorizing_integration_owners`, `app_permissions`, and the member or user and channel it
comes from, as Discord fills them — or NotOffered where Discord would not show the command."""

from __future__ import annotations

from typing import Any

from .constants import (
    BOT_PERMISSIONS,
    PRIVATE_CHANNEL_PERMISSIONS,
    USER_APP_PERMISSIONS,
    IntegrationType,
    Permission,
)
from .constants import InteractionContextType as Where
from .models import Channel, Guild, NotOffered, User
from .world import World

GUILD_INSTALL, USER_INSTALL = IntegrationType.GUILD_INSTALL, IntegrationType.USER_INSTALL
PLACE_NAMES: dict[int, str] = {
    Where.GUILD: "a server",
    Where.BOT_DM: "the bot's DMs",
    Where.PRIVATE_CHANNEL: "a group DM",
}


def offered_where(command: dict[str, Any]) -> tuple[set[int], set[int]]:
    """The installs and contexts a synced command is offered in, with Discord's defaults for
    fields left out (the app's default install is a server install). Server-scoped commands
    exist only in that server, through its install."""
    if command.get("guild_id"):
        return {GUILD_INSTALL}, {Where.GUILD}
    types = set(command.get("integration_types") or [GUILD_INSTALL])
    contexts = command.get("contexts")
    if contexts is None:
        everywhere = [Where.GUILD, Where.BOT_DM, Where.PRIVATE_CHANNEL]
        contexts = everywhere if command.get("dm_permission", True) else [Where.GUILD]
    return types, set(contexts)


def app_permissions(context: int, owners: dict[str, str], channel: Channel) -> int:
    """The bot's own permissions where it is present; elsewhere only what answers need."""
    if context == Where.GUILD and str(GUILD_INSTALL) in owners:
        if channel.bot_can_send:
            return BOT_PERMISSIONS
        return BOT_PERMISSIONS & ~Permission.SEND_MESSAGES
    if context == Where.PRIVATE_CHANNEL:
        return PRIVATE_CHANNEL_PERMISSIONS
    return USER_APP_PERMISSIONS


class Places:
    """The where-fields of interactions in one world."""

    def __init__(self, world: World) -> None:
        self.world = world

    def where(
        self, guild_id: int | None, context: int | None, installed: str | None
    ) -> tuple[int, str]:
        """The invocation's context and the member's install, defaulted as things usually are:
        a server's own install where it added the app, the member's own install elsewhere."""
        if context is None:
            context = Where.GUILD if guild_id is not None else Where.BOT_DM
        if (context == Where.GUILD) != (guild_id is not None):
            raise AssertionError("guild_id goes with context 0 (a server) and only with it")
        if installed is None:
            if context == Where.GUILD:
                installed = "guild" if self.world.guilds[guild_id or 0].bot_added else "user"
            else:
                installed = "user" if context == Where.PRIVATE_CHANNEL else "guild"
        if installed not in ("guild", "user"):
            raise AssertionError(f"installed is 'guild' or 'user', not {installed!r}")
        return context, installed

    def owners(
        self,
        command: dict[str, Any],
        user: User,
        guild_id: int | None,
        context: int,
        installed: str,
    ) -> dict[str, str]:
        """`authorizing_integration_owners` as Discord fills it: one entry per install that
        offers the command here. Where none does, Discord never shows the command."""
        name = f"/{command['name']}"
        types, contexts = offered_where(command)
        if context not in contexts:
            raise NotOffered(
                f"Discord does not offer {name} in {PLACE_NAMES[context]}: its contexts are "
                f"{sorted(contexts)}"
            )
        owners: dict[str, str] = {}
        if GUILD_INSTALL in types:
            if context == Where.GUILD and self.world.guilds[guild_id or 0].bot_added:
                owners[str(GUILD_INSTALL)] = str(guild_id)
            elif context == Where.BOT_DM and installed == "guild":
                owners[str(GUILD_INSTALL)] = "0"  # a server install reaches the bot's DMs
        if USER_INSTALL in types and installed == "user":
            owners[str(USER_INSTALL)] = str(user.id)
        if not owners:
            raise NotOffered(
                f"Discord does not offer {name} to a {installed} install in "
                f"{PLACE_NAMES[context]}: its integration_types are {sorted(types)}"
            )
        return owners

    def fields(
        self,
        user: User,
        guild_id: int | None,
        channel_id: int | None,
        *,
        context: int | None = None,
        owners: dict[str, str] | None = None,
    ) -> dict[str, Any]:
        """An interaction's where-fields; `owners` defaults to the server's own install (or,
        in the bot's DMs, a server install), as for the bot's own messages."""
        if context is None:
            context = Where.GUILD if guild_id is not None else Where.BOT_DM
        if owners is None:
            owners = {str(GUILD_INSTALL): str(guild_id) if context == Where.GUILD else "0"}
        place, channel = self._place(user, context, guild_id, channel_id)
        return {
            **place,
            "context": context,
            "authorizing_integration_owners": owners,
            "app_permissions": str(app_permissions(context, owners, channel)),
        }

    def of_message(self, user: User, message: dict[str, Any]) -> dict[str, Any]:
        """A component on a message answers to the install that authorised the interaction
        the message answers (whoever clicks); on the bot's own posts, to the server's."""
        channel = self.world.channels[int(message["channel_id"])]
        origin = self.world.origins.get(int(message["id"]))
        owners = origin["authorizing_integration_owners"] if origin else None
        if channel.group_members:
            private = Where.PRIVATE_CHANNEL
            return self.fields(user, None, channel.id, context=private, owners=owners)
        if channel.guild_id is None:
            if channel.recipient_id is not None and channel.recipient_id != user.id:
                raise AssertionError("only the DM's recipient can see this message")
            return self.fields(user, None, None, owners=owners)
        return self.fields(user, channel.guild_id, channel.id, owners=owners)

    def _place(
        self, user: User, context: int, guild_id: int | None, channel_id: int | None
    ) -> tuple[dict[str, Any], Channel]:
        """Who invokes where: the payload's user or member, guild and channel fields."""
        world = self.world
        if context == Where.GUILD:
            return self._guild_place(user, world.guilds[guild_id or 0], channel_id)
        if context == Where.BOT_DM:
            channel = world.channels[world.dm_channel(user.id)]
        else:
            channel = world.channels[channel_id or world.default_group_dm(user).id]
            if user.id not in channel.group_members:
                raise AssertionError(f"{user.name} is not in that group DM")
        return {
            "user": user.payload(),
            "channel_id": str(channel.id),
            "channel": world.channel_payload(channel),
        }, channel

    def _guild_place(
        self, user: User, guild: Guild, channel_id: int | None
    ) -> tuple[dict[str, Any], Channel]:
        member = guild.members.get(user.id)
        if member is None:
            raise AssertionError(f"{user.name} is not a member of {guild.name}")
        world = self.world
        channel = world.channels[channel_id or guild.general]
        permissions = member.permissions | guild.roles[guild.id].permissions
        return {
            "guild_id": str(guild.id),
            "guild": {"id": str(guild.id), "locale": "en-US", "features": []},
            "guild_locale": "en-US",
            "member": {**world.member_payload(member), "permissions": str(permissions)},
            "channel_id": str(channel.id),
            "channel": {**world.channel_payload(channel), "permissions": str(permissions)},
        }, channel
