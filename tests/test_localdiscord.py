"""The local Discord itself: it must reject what Discord rejects, or the e2e suite proves little."""

import asyncio

import aiohttp
import pytest

from tests.localdiscord import FakeDiscord
from tests.localdiscord.limits import command_problems, components_problems, message_problems
from tests.localdiscord.models import Session, shard_of

AUTH = {"Authorization": "Bot test-token"}


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ({"content": "x" * 2001}, "content"),
        ({"embeds": [{"title": "t" * 257}]}, "title"),
        ({"embeds": [{"description": "d" * 4097}]}, "description"),
        ({"embeds": [{"fields": [{"name": "n", "value": "v"}] * 26}]}, "26 fields"),
        ({"embeds": [{"fields": [{"name": "n", "value": "v" * 1025}]}]}, "value"),
        ({"embeds": [{"footer": {"text": "f" * 2049}}]}, "footer"),
        ({"embeds": [{"description": "d" * 4000}, {"description": "d" * 2001}]}, "6000"),
        ({"nonce": "n" * 26}, "nonce"),
    ],
)
def test_message_limits(body, problem):
    assert any(problem in p for p in message_problems(body))


def test_component_limits():
    button = {"type": 2, "style": 1, "label": "b", "custom_id": "x"}
    assert components_problems([{"type": 1, "components": [button]}] * 6)
    six = [dict(button, custom_id=str(i)) for i in range(6)]
    assert any("6 buttons" in p for p in components_problems([{"type": 1, "components": six}]))
    assert any(
        "custom_id" in p
        for p in components_problems(
            [{"type": 1, "components": [dict(button, custom_id="c" * 101)]}]
        )
    )
    select = {
        "type": 3,
        "custom_id": "s",
        "options": [{"label": "l", "value": str(i)} for i in range(26)],
    }
    assert any(
        "26 options" in p for p in components_problems([{"type": 1, "components": [select]}])
    )
    assert components_problems([{"type": 1, "components": [dict(button, custom_id="a")]}]) == []


def test_command_limits():
    good = {"name": "ok", "description": "fine", "options": []}
    assert command_problems([good]) == []
    assert command_problems([{**good, "name": "Bad Name"}])
    assert command_problems([{**good, "description": "d" * 101}])
    optional_first = [
        {"type": 3, "name": "a", "description": "a"},
        {"type": 3, "name": "b", "description": "b", "required": True},
    ]
    assert command_problems([{**good, "options": optional_first}])


@pytest.fixture
async def server():
    fake = FakeDiscord()
    await fake.start()
    yield fake
    await fake.stop()


async def test_rejections_look_like_discords(server):
    user = server.add_user("u")
    channel = server.dm_channel(user.id)
    async with aiohttp.ClientSession(headers=AUTH) as http:
        url = f"{server.api_base}/channels/{channel}/messages"
        async with http.post(url, json={"content": "x" * 2001}) as response:
            assert response.status == 400
            assert response.headers["Content-Type"] == "application/json"
            assert (await response.json())["code"] == 50035
        for _ in range(2):
            async with http.post(
                url, json={"content": "hi", "nonce": "n1", "enforce_nonce": True}
            ) as r:
                assert r.status == 200
        assert len(server.dm_messages(user.id)) == 1  # the nonce deduped the second send
        server.set_dms_open(user.id, False)
        async with http.post(url, json={"content": "hi"}) as response:
            assert response.status == 403 and (await response.json())["code"] == 50007


async def test_global_rate_limit_answers_429_with_discords_headers(server):
    server.global_rate_limit = 3
    async with aiohttp.ClientSession(headers=AUTH) as http:
        statuses = []
        for _ in range(5):
            async with http.get(f"{server.api_base}/gateway/bot") as response:
                statuses.append(response.status)
                if response.status == 429:
                    assert (
                        response.headers["Via"] and response.headers["X-RateLimit-Global"] == "true"
                    )
                    assert (await response.json())["retry_after"] > 0
    assert statuses.count(429) >= 1


async def test_late_first_response_is_an_unknown_interaction(server):
    server.interaction_deadline = 0.05
    guild = server.add_guild()
    user = server.add_user("u")
    server.add_member(guild.id, user.id)
    server.commands[None] = [
        {"id": "1", "name": "ping", "description": "p", "type": 1, "options": []}
    ]
    server._session = Session("no-bot")  # the deadline is checked without a connected client
    ix = await server.invoke(user, "ping", {}, guild_id=guild.id)
    await asyncio.sleep(0.1)
    async with aiohttp.ClientSession() as http:
        url = f"{server.api_base}/interactions/{ix.id}/{ix.token}/callback"
        async with http.post(url, json={"type": 4, "data": {"content": "late"}}) as response:
            assert response.status == 404 and (await response.json())["code"] == 10062
    server.rejections.clear()


async def test_unknown_commands_and_options_fail_the_driver(server):
    guild = server.add_guild()
    user = server.add_user("u")
    server.add_member(guild.id, user.id)
    server.commands[None] = [
        {
            "id": "1",
            "name": "ping",
            "description": "p",
            "type": 1,
            "options": [{"type": 3, "name": "word", "description": "w", "required": True}],
        }
    ]
    with pytest.raises(AssertionError, match="no synced command"):
        await server.invoke(user, "pong", {}, guild_id=guild.id)
    with pytest.raises(AssertionError, match="required option"):
        await server.invoke(user, "ping", {}, guild_id=guild.id)
    with pytest.raises(AssertionError, match="unknown options"):
        await server.invoke(user, "ping", {"word": "a", "typo": 1}, guild_id=guild.id)


async def identify(http, server, shard, token="test-token"):
    """A bare gateway client: connect, read HELLO, IDENTIFY as `shard`; returns the socket."""
    socket = await http.ws_connect(server.gateway_url)
    assert (await socket.receive_json(timeout=5))["op"] == 10
    await socket.send_json(
        {"op": 2, "d": {"token": token, "shard": list(shard), "intents": 1, "properties": {}}}
    )
    return socket


async def next_frame(socket):
    return await socket.receive_json(timeout=5)


def sent(server, shard_id, event):
    """What shard `shard_id`'s session was sent of `event`, as the fake recorded it."""
    [session] = [s for s in server.sessions.values() if s.shard_id == shard_id]
    return [frame["d"] for frame in session.backlog if frame["t"] == event]


async def test_gateway_bot_reports_shards_and_the_identify_limit(server):
    server.recommended_shards = 4
    server.max_concurrency = 2
    async with aiohttp.ClientSession(headers=AUTH) as http:
        async with http.get(f"{server.api_base}/gateway/bot") as response:
            info = await response.json()
        assert info["url"] == server.gateway_url and info["shards"] == 4
        limit = info["session_start_limit"]
        assert limit["max_concurrency"] == 2 and limit["remaining"] == limit["total"]
        async with http.get(f"{server.api_base}/gateway") as response:
            assert await response.json() == {"url": server.gateway_url}
        socket = await identify(http, server, (0, 4))
        assert (await next_frame(socket))["t"] == "READY"
        async with http.get(f"{server.api_base}/gateway/bot") as response:
            left = (await response.json())["session_start_limit"]["remaining"]
        assert left == limit["total"] - 1
        await socket.close()


async def test_events_and_interactions_go_to_the_servers_shard_and_dms_to_shard_zero(server):
    server.max_concurrency = 2
    early = [server.add_guild("early 0", shard=(0, 2)), server.add_guild("early 1", shard=(1, 2))]
    assert [shard_of(g.id, 2) for g in early] == [0, 1]
    user = server.add_user("u")
    for guild in early:
        server.add_member(guild.id, user.id)
    server.commands[None] = [
        {"id": "1", "name": "ping", "description": "p", "type": 1, "options": []}
    ]
    async with aiohttp.ClientSession() as http:
        sockets = [await identify(http, server, (shard, 2)) for shard in (0, 1)]
        for shard, socket in enumerate(sockets):
            ready = await next_frame(socket)
            assert ready["t"] == "READY" and ready["d"]["shard"] == [shard, 2]
            assert ready["d"]["guilds"] == [{"id": str(early[shard].id), "unavailable": True}]
            created = await next_frame(socket)
            assert created["t"] == "GUILD_CREATE" and created["d"]["id"] == str(early[shard].id)
        await server.wait_for_shards({0, 1})

        late = server.add_guild("late 1", shard=(1, 2))
        server.add_text_channel(early[0].id, "zero")
        in_zero = await server.invoke(user, "ping", guild_id=early[0].id)
        in_one = await server.invoke(user, "ping", guild_id=early[1].id)
        in_dm = await server.invoke(user, "ping")
        assert (in_zero.shard_id, in_one.shard_id, in_dm.shard_id) == (0, 1, 0)

        assert [g["id"] for g in sent(server, 1, "GUILD_CREATE")] == [
            str(early[1].id),
            str(late.id),
        ]
        assert [c["name"] for c in sent(server, 0, "CHANNEL_CREATE")] == ["zero"]
        assert sent(server, 1, "CHANNEL_CREATE") == []
        assert [i["id"] for i in sent(server, 0, "INTERACTION_CREATE")] == [
            str(in_zero.id),
            str(in_dm.id),
        ]
        assert [i["id"] for i in sent(server, 1, "INTERACTION_CREATE")] == [str(in_one.id)]
        frame = await next_frame(sockets[1])  # and the socket really received it, in order
        assert frame["t"] == "GUILD_CREATE" and frame["d"]["id"] == str(late.id)
        frame = await next_frame(sockets[1])
        assert frame["t"] == "INTERACTION_CREATE" and frame["d"]["id"] == str(in_one.id)
        for socket in sockets:
            await socket.close()


async def test_a_server_on_a_shard_nobody_runs_gets_no_interaction(server):
    guild = server.add_guild("orphan", shard=(1, 2))
    user = server.add_user("u")
    server.add_member(guild.id, user.id)
    server.commands[None] = [
        {"id": "1", "name": "ping", "description": "p", "type": 1, "options": []}
    ]
    async with aiohttp.ClientSession() as http:
        socket = await identify(http, server, (0, 2))
        assert (await next_frame(socket))["t"] == "READY"
        with pytest.raises(AssertionError, match="not connected on the shard"):
            await server.invoke(user, "ping", guild_id=guild.id)
        await socket.close()


async def test_identifies_over_the_limit_get_an_invalid_session(server):
    """max_concurrency identifies per window, one per bucket shard_id % max_concurrency."""
    now = [1000.0]
    server.identify_clock = lambda: now[0]
    server.max_concurrency = 2
    async with aiohttp.ClientSession() as http:
        first = await identify(http, server, (0, 3))
        assert (await next_frame(first))["t"] == "READY"
        same_bucket = await identify(http, server, (2, 3))
        assert await next_frame(same_bucket) == {"op": 9, "d": False, "s": None, "t": None}
        other_bucket = await identify(http, server, (1, 3))
        assert (await next_frame(other_bucket))["t"] == "READY"
        assert server.invalid_session_count == 1 and server.connected_shards() == {0, 1}

        now[0] += 4.9
        await same_bucket.send_json(
            {"op": 2, "d": {"token": "test-token", "shard": [2, 3], "properties": {}}}
        )
        assert (await next_frame(same_bucket))["op"] == 9
        now[0] += 0.1  # a full window after shard 0's identify
        await same_bucket.send_json(
            {"op": 2, "d": {"token": "test-token", "shard": [2, 3], "properties": {}}}
        )
        assert (await next_frame(same_bucket))["t"] == "READY"
        assert server.invalid_session_count == 2 and server.connected_shards() == {0, 1, 2}
        assert server.identify_count == 3
        for socket in (first, same_bucket, other_bucket):
            await socket.close()


async def test_an_invalid_shard_is_closed_with_4010(server):
    async with aiohttp.ClientSession() as http:
        socket = await identify(http, server, (3, 3))
        closing = await socket.receive(timeout=5)
        assert closing.type is aiohttp.WSMsgType.CLOSE and closing.data == 4010
        assert server.identify_count == 0


async def test_held_identifies_wait_until_released(server):
    server.max_concurrency = 4
    server.hold_identifies()
    async with aiohttp.ClientSession() as http:
        sockets = [await identify(http, server, (shard, 2)) for shard in (0, 1)]
        await server.wait_until(lambda: server.identifies_waiting == 2)
        assert server.identify_count == 0
        server.release_identifies()
        for socket in sockets:
            assert (await next_frame(socket))["t"] == "READY"
            await socket.close()
