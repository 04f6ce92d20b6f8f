"""A small Discord on 127.0.0.1 for the real discord.py client: `FakeDiscord` puts its parts
together — the world, the REST API, the gateway, interactions — and is what tests hold. Its
methods act as Discord's people do (a moderator adds a channel, a member runs a command) and
wait for what the bot does; each part's own state is read and tuned on the part
(`server.gateway.max_concurrency`, `server.rest.requests`, `server.world.commands`)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

from aiohttp import web

from .constants import MEMBER_PERMISSIONS
from .driver import Driver
from .gateway import Gateway
from .interactions import Interactions
from .models import Changes, Channel, Guild, Listener, Role, User
from .rest import API_PREFIX, Rest
from .world import World

UPLOADS = 32 * 1024 * 1024  # over Discord's 25 MiB, so Discord's own answer is what tests see


class FakeDiscord(Driver):
    """Start with `await start()`, stop with `await stop()`; every socket is on loopback."""

    def __init__(
        self, valid_token: str = "test-token", *, application_name: str = "Sciatica Companion"
    ) -> None:
        self.changes = Changes()
        world = World(application_name)
        self.gateway = Gateway(world, self.changes, valid_token)
        interactions = Interactions(world, self.gateway, self.changes)
        self.rest = Rest(world, self.gateway, self.changes, valid_token, interactions.routes())
        super().__init__(world, interactions)
        self.port = 0
        self._runner: web.AppRunner | None = None

    # --- lifecycle -------------------------------------------------------------------------

    async def start(self) -> None:
        app = web.Application(middlewares=[self.rest.middleware], client_max_size=UPLOADS)
        app.router.add_get("/gateway", self.gateway.handle)
        app.router.add_get("/attachments/{id:\\d+}/{name}", self._attachment)
        app.router.add_route("*", API_PREFIX + "/{tail:.*}", self.rest.handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = self._runner.addresses[0][1]
        self.gateway.url = self.gateway_url
        self.world.cdn_base = f"http://127.0.0.1:{self.port}"

    async def stop(self) -> None:
        await self.gateway.close()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def api_base(self) -> str:
        return f"http://127.0.0.1:{self.port}{API_PREFIX}"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    async def _attachment(self, request: web.Request) -> web.Response:
        """The CDN: an attachment's bytes at the address its message names."""
        data = self.world.files.get(int(request.match_info["id"]))
        if data is None:
            raise web.HTTPNotFound()
        name = request.match_info["name"]
        kind = "image/png" if name.endswith(".png") else "application/octet-stream"
        return web.Response(body=data, content_type=kind)

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Call `listener` with every Event as the bot's answers happen (messages, edits,
        deletions, interaction callbacks, interactions left unanswered); the returned function
        stops it. A listener runs inside the request that caused it: keep it quick."""
        self.world.listeners.append(listener)
        return lambda: self.world.listeners.remove(listener)

    async def wait_until(self, predicate: Callable[[], bool], timeout: float = 5) -> None:
        await self.changes.wait_until(predicate, timeout)

    # --- the world changes, and the bot hears of it ------------------------------------------

    def add_user(self, name: str) -> User:
        return self.world.add_user(name)

    def add_guild(
        self,
        name: str = "Wellness",
        *,
        bot_added: bool = True,
        shard: tuple[int, int] | None = None,
    ) -> Guild:
        """A server; with `bot_added=False` its moderators never added the app (members can
        still use it through their own user install) and the bot knows nothing of it.
        `shard=(shard_id, shard_count)`: an ID that Discord routes to that shard."""
        world = self.world
        guild_id = world.next_id() if shard is None else world.id_on_shard(*shard)
        guild = world.add_guild(name, guild_id)
        if bot_added:
            self.add_bot_to_guild(guild.id)
        return guild

    def add_bot_to_guild(self, guild_id: int) -> None:
        """A moderator adds the app to the server: the bot joins and gets GUILD_CREATE."""
        guild = self.world.guilds[guild_id]
        self.world.add_bot(guild)
        self.gateway.dispatch("GUILD_CREATE", lambda: self.world.guild_payload(guild), guild.id)

    def remove_guild(self, guild_id: int) -> None:
        if self.world.guilds.pop(guild_id).bot_added:
            self.gateway.dispatch("GUILD_DELETE", lambda: {"id": str(guild_id)}, guild_id)

    def add_text_channel(self, guild_id: int, name: str, bot_can_send: bool = True) -> Channel:
        channel = self.world.add_text_channel(guild_id, name, bot_can_send)
        if self.world.guilds[guild_id].bot_added:
            payload = self.world.channel_payload
            self.gateway.dispatch("CHANNEL_CREATE", lambda: payload(channel), guild_id)
        return channel

    def add_role(self, guild_id: int, name: str) -> Role:
        role = self.world.add_role(guild_id, name)
        if self.world.guilds[guild_id].bot_added:
            self.gateway.dispatch(
                "GUILD_ROLE_CREATE",
                lambda: {"guild_id": str(guild_id), "role": role.payload()},
                guild_id,
            )
        return role

    def add_member(
        self, guild_id: int, user_id: int, permissions: int = MEMBER_PERMISSIONS
    ) -> None:
        self.world.add_member(guild_id, user_id, permissions)

    def add_group_dm(self, *users: User) -> Channel:
        """A group DM between people; the bot is not in it (user installs reach it)."""
        return self.world.add_group_dm(*users)

    def set_dms_open(self, user_id: int, open_: bool) -> None:
        self.world.users[user_id].dms_open = open_

    def dm_channel(self, user_id: int) -> int:
        return self.world.dm_channel(user_id)

    # --- Discord having a bad day ------------------------------------------------------------

    def fail_next(self, method: str, path_pattern: str, status: int = 500, times: int = 1) -> None:
        self.rest.fail_next(method, path_pattern, status, times)

    def fail_every(
        self, method: str, path_pattern: str, every: int, statuses: tuple[int, ...]
    ) -> None:
        """Answer every `every`-th matching request with the next of `statuses` (deterministic)."""
        self.rest.fail_every(method, path_pattern, every, statuses)

    async def drop_gateway(self, shard_id: int | None = None) -> None:
        """Close the bot's socket (of one shard, or all); the bot should RESUME."""
        await self.gateway.drop(shard_id)

    def hold_identifies(self) -> None:
        """Keep every IDENTIFY waiting until `release_identifies`."""
        self.gateway.hold_identifies()

    def release_identifies(self) -> None:
        self.gateway.release_identifies()

    # --- what the bot did --------------------------------------------------------------------

    def synced_commands(self, guild_id: int | None = None) -> list[dict[str, Any]]:
        return list(self.world.commands.get(guild_id, []))

    def status_counts(self) -> Counter[int]:
        return self.rest.status_counts()

    def dm_messages(self, user_id: int) -> list[dict[str, Any]]:
        return self.world.dm_messages(user_id)

    def channel_messages(self, channel_id: int) -> list[dict[str, Any]]:
        return self.world.channel_messages(channel_id)

    def connected_shards(self) -> set[int]:
        return self.gateway.connected_shards()

    async def wait_for_dms(
        self, user_id: int, count: int, timeout: float = 5
    ) -> list[dict[str, Any]]:
        await self.wait_until(lambda: len(self.dm_messages(user_id)) >= count, timeout)
        return self.dm_messages(user_id)

    async def wait_for_channel_messages(
        self, channel_id: int, count: int, timeout: float = 5
    ) -> list[dict[str, Any]]:
        await self.wait_until(lambda: len(self.channel_messages(channel_id)) >= count, timeout)
        return self.channel_messages(channel_id)

    async def wait_until_ready(self, timeout: float = 10) -> None:
        await self.wait_until(lambda: self.gateway.ready_count > 0, timeout)

    async def wait_for_shards(self, shard_ids: set[int], timeout: float = 10) -> None:
        await self.wait_until(lambda: shard_ids <= self.gateway.connected_shards(), timeout)
