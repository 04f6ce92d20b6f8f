"""The local Discord itself: it must reject what Discord rejects, or the e2e suite proves little."""

import ast
import asyncio
import json
from pathlib import Path

import aiohttp
import pytest
import yarl

from bot import localdiscord
from bot.localdiscord import FakeDiscord, limits
from bot.localdiscord.constants import (
    ButtonStyle,
    ChannelType,
    CloseCode,
    CommandType,
    ComponentType,
    ErrorCode,
    IntegrationType,
    InteractionType,
    MessageFlag,
    Opcode,
    OptionType,
    Permission,
)
from bot.localdiscord.constants import InteractionCallbackType as Callback
from bot.localdiscord.constants import InteractionContextType as Context
from bot.localdiscord.limits import command_problems, components_problems, message_problems
from bot.localdiscord.models import EventKind, NotOffered, shard_of

BUTTON, ROW = ComponentType.BUTTON, ComponentType.ACTION_ROW
CHAT_INPUT, STRING = CommandType.CHAT_INPUT, OptionType.STRING
SEND = Permission.SEND_MESSAGES

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
    button = {"type": BUTTON, "style": ButtonStyle.PRIMARY, "label": "b", "custom_id": "x"}
    assert components_problems([{"type": ROW, "components": [button]}] * 6)
    six = [dict(button, custom_id=str(i)) for i in range(6)]
    assert any("6 buttons" in p for p in components_problems([{"type": ROW, "components": six}]))
    assert any(
        "custom_id" in p
        for p in components_problems(
            [{"type": ROW, "components": [dict(button, custom_id="c" * 101)]}]
        )
    )
    select = {
        "type": ComponentType.STRING_SELECT,
        "custom_id": "s",
        "options": [{"label": "l", "value": str(i)} for i in range(26)],
    }
    assert any(
        "26 options" in p for p in components_problems([{"type": ROW, "components": [select]}])
    )
    assert components_problems([{"type": ROW, "components": [dict(button, custom_id="a")]}]) == []


def test_command_limits():
    good = {"name": "ok", "description": "fine", "options": []}
    assert command_problems([good]) == []
    assert command_problems([{**good, "name": "Bad Name"}])
    assert command_problems([{**good, "description": "d" * 101}])
    optional_first = [
        {"type": STRING, "name": "a", "description": "a"},
        {"type": STRING, "name": "b", "description": "b", "required": True},
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
            assert (await response.json())["code"] == ErrorCode.INVALID_FORM_BODY
        for _ in range(2):
            async with http.post(
                url, json={"content": "hi", "nonce": "n1", "enforce_nonce": True}
            ) as r:
                assert r.status == 200
        assert len(server.dm_messages(user.id)) == 1  # the nonce deduped the second send
        server.set_dms_open(user.id, False)
        async with http.post(url, json={"content": "hi"}) as response:
            assert response.status == 403 and (await response.json())["code"] == ErrorCode.CANNOT_DM


async def test_global_rate_limit_answers_429_with_discords_headers(server):
    server.rest.global_rate_limit = 3
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


async def ping_invoked(server):
    """/ping run by a member in a new server, with no connected client (the interaction is
    answered by hand): the interaction."""
    guild = server.add_guild()
    user = server.add_user("u")
    server.add_member(guild.id, user.id)
    server.world.commands[None] = [
        {"id": "1", "name": "ping", "description": "p", "type": CHAT_INPUT, "options": []}
    ]
    server.gateway.new_session()
    return await server.invoke(user, "ping", {}, guild_id=guild.id)


async def test_late_first_response_is_an_unknown_interaction(server):
    server.interactions.deadline = 0.05
    ix = await ping_invoked(server)
    await asyncio.sleep(0.1)
    async with aiohttp.ClientSession() as http:
        url = f"{server.api_base}/interactions/{ix.id}/{ix.token}/callback"
        async with http.post(
            url, json={"type": Callback.CHANNEL_MESSAGE_WITH_SOURCE, "data": {"content": "late"}}
        ) as response:
            assert (
                response.status == 404
                and (await response.json())["code"] == ErrorCode.UNKNOWN_INTERACTION
            )
    server.rest.rejections.clear()


async def test_the_turnaround_ends_when_the_callback_arrives_not_once_its_body_is_read(server):
    """What Discord takes to read and check an answer is not the bot's turnaround: a body that
    comes in after its headers still counts from when they arrived."""
    ix = await ping_invoked(server)
    answer = {"type": Callback.CHANNEL_MESSAGE_WITH_SOURCE, "data": {"content": "pong"}}
    body = json.dumps(answer).encode()
    api = yarl.URL(server.api_base)
    reader, writer = await asyncio.open_connection(api.host, api.port)
    try:
        writer.write(
            f"POST {api.path}/interactions/{ix.id}/{ix.token}/callback HTTP/1.1\r\n"
            f"Host: {api.host}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n\r\n".encode()
        )
        await writer.drain()
        await asyncio.sleep(0.3)
        writer.write(body)
        await writer.drain()
        response = await ix.response(timeout=5)
        assert (await reader.readline()).startswith(b"HTTP/1.1 204")
    finally:
        writer.close()
    assert response.content == "pong"
    assert response.latency < 0.3


async def test_unknown_commands_and_options_fail_the_driver(server):
    guild = server.add_guild()
    user = server.add_user("u")
    server.add_member(guild.id, user.id)
    server.world.commands[None] = [
        {
            "id": "1",
            "name": "ping",
            "description": "p",
            "type": CHAT_INPUT,
            "options": [{"type": STRING, "name": "word", "description": "w", "required": True}],
        }
    ]
    with pytest.raises(AssertionError, match="no synced command"):
        await server.invoke(user, "pong", {}, guild_id=guild.id)
    with pytest.raises(AssertionError, match="required option"):
        await server.invoke(user, "ping", {}, guild_id=guild.id)
    with pytest.raises(AssertionError, match="unknown options"):
        await server.invoke(user, "ping", {"word": "a", "typo": 1}, guild_id=guild.id)


EVERYWHERE = {"contexts": list(Context), "integration_types": list(IntegrationType)}
SERVER_ONLY = {
    "contexts": [Context.GUILD],
    "integration_types": [IntegrationType.GUILD_INSTALL],
    "dm_permission": False,
}


def _commands(server, **declared):
    server.world.commands[None] = [
        {
            "id": str(n),
            "name": name,
            "description": name,
            "type": CHAT_INPUT,
            "options": [],
            **fields,
        }
        for n, (name, fields) in enumerate(declared.items(), start=1)
    ]
    server.gateway.new_session()  # payloads are checked without a connected client


async def test_user_install_payloads_say_where_and_by_whom(server):
    added = server.add_guild("Added")
    elsewhere = server.add_guild("Not added", bot_added=False)
    user = server.add_user("u")
    server.add_member(added.id, user.id)
    server.add_member(elsewhere.id, user.id)
    _commands(server, ping=EVERYWHERE)

    there = (await server.invoke(user, "ping", guild_id=elsewhere.id)).payload
    assert there["context"] == Context.GUILD and there["guild_id"] == str(elsewhere.id)
    assert there["authorizing_integration_owners"] == {"1": str(user.id)}
    assert int(there["app_permissions"]) & SEND == 0  # the bot cannot post there
    assert int(there["member"]["permissions"])

    both = (await server.invoke(user, "ping", guild_id=added.id, installed="user")).payload
    assert both["authorizing_integration_owners"] == {"0": str(added.id), "1": str(user.id)}
    server_only = (await server.invoke(user, "ping", guild_id=added.id)).payload
    assert server_only["authorizing_integration_owners"] == {"0": str(added.id)}
    assert int(server_only["app_permissions"]) & SEND

    dm = (await server.invoke(user, "ping", context=Context.BOT_DM, installed="user")).payload
    assert (
        dm["context"] == Context.BOT_DM
        and "guild_id" not in dm
        and dm["channel"]["type"] == ChannelType.DM
    )
    assert dm["authorizing_integration_owners"] == {"1": str(user.id)}
    dm_by_server = (await server.invoke(user, "ping", context=Context.BOT_DM)).payload
    assert dm_by_server["authorizing_integration_owners"] == {"0": "0"}

    friend = server.add_user("friend")
    group = server.add_group_dm(user, friend)
    private = (
        await server.invoke(user, "ping", context=Context.PRIVATE_CHANNEL, channel_id=group.id)
    ).payload
    assert (
        private["context"] == Context.PRIVATE_CHANNEL
        and "guild_id" not in private
        and "member" not in private
    )
    assert private["channel"]["type"] == ChannelType.GROUP_DM
    assert private["channel_id"] == str(group.id)
    assert len(private["channel"]["recipients"]) == 2
    assert private["authorizing_integration_owners"] == {"1": str(user.id)}
    stranger = server.add_user("stranger")
    with pytest.raises(AssertionError, match="not in that group DM"):
        await server.invoke(stranger, "ping", context=Context.PRIVATE_CHANNEL, channel_id=group.id)


async def test_commands_are_refused_outside_their_contexts_and_installs(server):
    added = server.add_guild("Added")
    elsewhere = server.add_guild("Not added", bot_added=False)
    user = server.add_user("u")
    server.add_member(added.id, user.id)
    server.add_member(elsewhere.id, user.id)
    _commands(server, config=SERVER_ONLY, legacy={}, ping=EVERYWHERE)

    await server.invoke(user, "config", guild_id=added.id)
    await server.invoke(user, "config", guild_id=added.id, installed="user")
    for where in (
        {"guild_id": elsewhere.id},
        {"context": Context.BOT_DM},
        {"context": Context.BOT_DM, "installed": "user"},
        {"context": Context.PRIVATE_CHANNEL},
    ):
        with pytest.raises(NotOffered):
            await server.invoke(user, "config", **where)
    # nothing declared: Discord's defaults, a server install, offered in every context
    await server.invoke(user, "legacy", guild_id=added.id)
    await server.invoke(user, "legacy", context=Context.BOT_DM)
    with pytest.raises(NotOffered, match="integration_types"):
        await server.invoke(user, "legacy", guild_id=elsewhere.id)
    with pytest.raises(NotOffered, match="integration_types"):
        await server.invoke(user, "legacy", context=Context.PRIVATE_CHANNEL)
    with pytest.raises(NotOffered, match="integration_types"):  # a server install needs the bot
        await server.invoke(user, "ping", guild_id=elsewhere.id, installed="guild")
    with pytest.raises(NotOffered):
        await server.autocomplete(
            user, "config", focused="x", value="", context=Context.PRIVATE_CHANNEL
        )
    assert len(server.interactions.by_token) == 4  # the refused ones were never delivered


async def test_a_component_answers_to_the_install_of_its_interaction(server):
    elsewhere = server.add_guild("Not added", bot_added=False)
    author, other = server.add_user("author"), server.add_user("other")
    server.add_member(elsewhere.id, author.id)
    server.add_member(elsewhere.id, other.id)
    _commands(server, ping=EVERYWHERE)
    ix = await server.invoke(author, "ping", guild_id=elsewhere.id)
    button = {"type": BUTTON, "style": ButtonStyle.PRIMARY, "label": "Go", "custom_id": "go"}
    async with aiohttp.ClientSession() as http:
        url = f"{server.api_base}/interactions/{ix.id}/{ix.token}/callback"
        body = {
            "type": Callback.CHANNEL_MESSAGE_WITH_SOURCE,
            "data": {"content": "hi", "components": [button_row(button)]},
        }
        async with http.post(url, json=body) as response:
            assert response.status == 204
    click = await server.click(other, ix.message(), label="Go")
    assert click.payload["authorizing_integration_owners"] == {"1": str(author.id)}
    assert click.payload["member"]["user"]["id"] == str(other.id)
    assert click.payload["guild_id"] == str(elsewhere.id)


def button_row(button):
    return {"type": ROW, "components": [button]}


async def test_the_bot_cannot_reach_places_only_a_user_install_reaches(server):
    elsewhere = server.add_guild("Not added", bot_added=False)
    user, friend = server.add_user("u"), server.add_user("friend")
    group = server.add_group_dm(user, friend)
    async with aiohttp.ClientSession(headers=AUTH) as http:
        for channel in (elsewhere.general, group.id):
            url = f"{server.api_base}/channels/{channel}/messages"
            async with http.post(url, json={"content": "hi"}) as response:
                assert (
                    response.status == 403
                    and (await response.json())["code"] == ErrorCode.MISSING_ACCESS
                )
        async with http.get(f"{server.api_base}/guilds/{elsewhere.id}") as response:
            assert response.status == 403
    assert len(server.rest.rejections) == 3  # a test doing this fails, as it should
    server.rest.rejections.clear()
    assert elsewhere.id not in [g.id for g in server.world.bot_guilds()]
    server.add_bot_to_guild(elsewhere.id)
    assert elsewhere.id in [g.id for g in server.world.bot_guilds()]


def upload(payload, *files):
    form = aiohttp.FormData()
    form.add_field("payload_json", json.dumps(payload), content_type="application/json")
    for index, (name, data) in enumerate(files):
        form.add_field(f"files[{index}]", data, filename=name, content_type="image/png")
    return form


PICTURE = {"image": {"url": "attachment://a.png"}, "title": "t"}


async def test_uploads_are_recorded_with_alt_text_and_shown_by_the_embed(server):
    user = server.add_user("u")
    channel = server.dm_channel(user.id)
    payload = {
        "embeds": [PICTURE],
        "attachments": [{"id": 0, "filename": "a.png", "description": "a person lying down"}],
    }
    async with aiohttp.ClientSession(headers=AUTH) as http:
        url = f"{server.api_base}/channels/{channel}/messages"
        async with http.post(url, data=upload(payload, ("a.png", b"x" * 1234))) as response:
            assert response.status == 200
            message = await response.json()
    [attachment] = message["attachments"]
    assert attachment["filename"] == "a.png" and attachment["size"] == 1234
    assert attachment["description"] == "a person lying down"
    assert message["embeds"][0]["image"]["url"] == attachment["url"]  # as Discord returns it
    assert server.rest.requests[-1].json["embeds"][0]["image"]["url"] == "attachment://a.png"
    assert server.dm_messages(user.id)[0]["attachments"] == [attachment]


@pytest.mark.parametrize(
    ("payload", "files"),
    [
        ({"embeds": [PICTURE]}, []),  # shows a file nobody uploaded
        ({"embeds": [PICTURE]}, [("b.png", b"x")]),  # a name that matches no file
        ({"embeds": [{"thumbnail": {"url": "attachment://c.png"}}]}, [("a.png", b"x")]),
        ({"attachments": [{"id": 1, "filename": "a.png"}]}, [("a.png", b"x")]),  # no files[1]
        ({"attachments": [{"id": 0, "description": "d" * 1025}]}, [("a.png", b"x")]),
        ({}, [(f"{n}.png", b"x") for n in range(11)]),  # more than 10 files
    ],
)
async def test_attachments_that_discord_refuses_are_refused(server, payload, files):
    user = server.add_user("u")
    channel = server.dm_channel(user.id)
    async with aiohttp.ClientSession(headers=AUTH) as http:
        url = f"{server.api_base}/channels/{channel}/messages"
        body = upload(payload, *files) if files else None
        async with http.post(url, **({"data": body} if body else {"json": payload})) as response:
            assert response.status == 400
            assert (await response.json())["code"] == ErrorCode.INVALID_FORM_BODY
    assert server.dm_messages(user.id) == []


async def test_a_file_over_the_upload_limit_is_too_large(server):
    user = server.add_user("u")
    channel = server.dm_channel(user.id)
    big = b"x" * (limits.UPLOAD_LIMIT + 1)
    async with aiohttp.ClientSession(headers=AUTH) as http:
        url = f"{server.api_base}/channels/{channel}/messages"
        async with http.post(url, data=upload({}, ("big.png", big))) as response:
            assert response.status == 413
            assert (await response.json())["code"] == ErrorCode.ENTITY_TOO_LARGE
        just = b"x" * limits.UPLOAD_LIMIT
        async with http.post(url, data=upload({}, ("just.png", just))) as response:
            assert response.status == 200
    assert [r.status for r in server.rest.rejections] == [413]


async def test_edits_replace_keep_or_drop_attachments(server):
    user = server.add_user("u")
    channel = server.dm_channel(user.id)
    async with aiohttp.ClientSession(headers=AUTH) as http:
        url = f"{server.api_base}/channels/{channel}/messages"
        first = {"embeds": [PICTURE], "attachments": [{"id": 0, "filename": "a.png"}]}
        async with http.post(url, data=upload(first, ("a.png", b"1"))) as response:
            message = await response.json()
        edit = f"{url}/{message['id']}"
        kept = {"embeds": [PICTURE], "attachments": [{"id": message["attachments"][0]["id"]}]}
        async with http.patch(edit, json=kept) as response:
            assert response.status == 200
            assert [a["filename"] for a in (await response.json())["attachments"]] == ["a.png"]
        swapped = {
            "embeds": [{"image": {"url": "attachment://b.png"}}],
            "attachments": [{"id": 0, "filename": "b.png", "description": "second"}],
        }
        async with http.patch(edit, data=upload(swapped, ("b.png", b"22"))) as response:
            [attachment] = (await response.json())["attachments"]
            assert (attachment["filename"], attachment["size"]) == ("b.png", 2)
        # the old file is gone: an embed may no longer show it
        async with http.patch(edit, json={"embeds": [PICTURE]}) as response:
            assert response.status == 400
        async with http.patch(edit, json={"embeds": [], "attachments": []}) as response:
            assert (await response.json())["attachments"] == []


async def test_interaction_replies_and_webhook_edits_carry_attachments(server):
    ix = await ping_invoked(server)
    reply = {
        "type": Callback.CHANNEL_MESSAGE_WITH_SOURCE,
        "data": {
            "embeds": [PICTURE],
            "attachments": [{"id": 0, "filename": "a.png", "description": "alt"}],
        },
    }
    async with aiohttp.ClientSession() as http:
        callback = f"{server.api_base}/interactions/{ix.id}/{ix.token}/callback"
        async with http.post(callback, data=upload(reply, ("a.png", b"abc"))) as response:
            assert response.status == 204
        [attachment] = ix.message()["attachments"]
        assert attachment["description"] == "alt" and ix.files == [("a.png", b"abc")]
        app = server.world.application_id
        original = f"{server.api_base}/webhooks/{app}/{ix.token}/messages/@original"
        edit = {
            "embeds": [{"image": {"url": "attachment://b.png"}}],
            "attachments": [{"id": 0, "filename": "b.png"}],
        }
        async with http.patch(original, data=upload(edit, ("b.png", b"abcd"))) as response:
            assert response.status == 200
        assert [a["filename"] for a in ix.message()["attachments"]] == ["b.png"]
        async with http.patch(original, json={"embeds": [PICTURE]}) as response:
            assert response.status == 400  # a.png went with the edit


async def identify(http, server, shard, token="test-token"):
    """A bare gateway client: connect, read HELLO, IDENTIFY as `shard`; returns the socket."""
    socket = await http.ws_connect(server.gateway_url)
    assert (await socket.receive_json(timeout=5))["op"] == Opcode.HELLO
    await socket.send_json(
        {
            "op": Opcode.IDENTIFY,
            "d": {"token": token, "shard": list(shard), "intents": 1, "properties": {}},
        }
    )
    return socket


async def next_frame(socket):
    return await socket.receive_json(timeout=5)


def sent(server, shard_id, event):
    """What shard `shard_id`'s session was sent of `event`, as the fake recorded it."""
    [session] = [s for s in server.gateway.sessions.values() if s.shard_id == shard_id]
    return [frame["d"] for frame in session.backlog if frame["t"] == event]


async def test_gateway_bot_reports_shards_and_the_identify_limit(server):
    server.gateway.recommended_shards = 4
    server.gateway.max_concurrency = 2
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
    server.gateway.max_concurrency = 2
    early = [server.add_guild("early 0", shard=(0, 2)), server.add_guild("early 1", shard=(1, 2))]
    assert [shard_of(g.id, 2) for g in early] == [0, 1]
    user = server.add_user("u")
    for guild in early:
        server.add_member(guild.id, user.id)
    server.world.commands[None] = [
        {"id": "1", "name": "ping", "description": "p", "type": CHAT_INPUT, "options": []}
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
    server.world.commands[None] = [
        {"id": "1", "name": "ping", "description": "p", "type": CHAT_INPUT, "options": []}
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
    server.gateway.identify_clock = lambda: now[0]
    server.gateway.max_concurrency = 2
    async with aiohttp.ClientSession() as http:
        first = await identify(http, server, (0, 3))
        assert (await next_frame(first))["t"] == "READY"
        same_bucket = await identify(http, server, (2, 3))
        assert await next_frame(same_bucket) == {
            "op": Opcode.INVALID_SESSION,
            "d": False,
            "s": None,
            "t": None,
        }
        other_bucket = await identify(http, server, (1, 3))
        assert (await next_frame(other_bucket))["t"] == "READY"
        assert server.gateway.invalid_session_count == 1 and server.connected_shards() == {0, 1}

        now[0] += 4.9
        await same_bucket.send_json(
            {"op": Opcode.IDENTIFY, "d": {"token": "test-token", "shard": [2, 3], "properties": {}}}
        )
        assert (await next_frame(same_bucket))["op"] == Opcode.INVALID_SESSION
        now[0] += 0.1  # a full window after shard 0's identify
        await same_bucket.send_json(
            {"op": Opcode.IDENTIFY, "d": {"token": "test-token", "shard": [2, 3], "properties": {}}}
        )
        assert (await next_frame(same_bucket))["t"] == "READY"
        assert server.gateway.invalid_session_count == 2 and server.connected_shards() == {0, 1, 2}
        assert server.gateway.identify_count == 3
        for socket in (first, same_bucket, other_bucket):
            await socket.close()


async def test_an_invalid_shard_is_closed_with_4010(server):
    async with aiohttp.ClientSession() as http:
        socket = await identify(http, server, (3, 3))
        closing = await socket.receive(timeout=5)
        assert closing.type is aiohttp.WSMsgType.CLOSE and closing.data == CloseCode.INVALID_SHARD
        assert server.gateway.identify_count == 0


async def test_held_identifies_wait_until_released(server):
    server.gateway.max_concurrency = 4
    server.hold_identifies()
    async with aiohttp.ClientSession() as http:
        sockets = [await identify(http, server, (shard, 2)) for shard in (0, 1)]
        await server.wait_until(lambda: server.gateway.identifies_waiting == 2)
        assert server.gateway.identify_count == 0
        server.release_identifies()
        for socket in sockets:
            assert (await next_frame(socket))["t"] == "READY"
            await socket.close()


async def test_a_gateway_outage_closes_sockets_and_refuses_new_ones_until_it_ends(server):
    async with aiohttp.ClientSession() as http:
        socket = await identify(http, server, (0, 1))
        assert (await next_frame(socket))["t"] == "READY"
        await server.gateway.begin_outage()
        closing = await socket.receive(timeout=5)
        assert closing.type is aiohttp.WSMsgType.CLOSE and closing.data == CloseCode.UNKNOWN_ERROR
        with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
            await http.ws_connect(server.gateway_url)
        assert refused.value.status == 503
        server.gateway.end_outage()
        again = await http.ws_connect(server.gateway_url)
        assert (await again.receive_json(timeout=5))["op"] == Opcode.HELLO
        await again.close()


# --- what a caller observes: the subscription ------------------------------------------------


def _ping(server, **option):
    """A server with a member and one synced /ping command, no bot connected."""
    guild = server.add_guild()
    user = server.add_user("u")
    server.add_member(guild.id, user.id)
    options = [{"type": STRING, "name": "word", "description": "w", **option}] if option else []
    server.world.commands[None] = [
        {"id": "1", "name": "ping", "description": "p", "type": CHAT_INPUT, "options": options}
    ]
    server.gateway.new_session()
    return guild, user


async def test_a_subscriber_hears_each_answer_as_it_happens(server):
    guild, user = _ping(server)
    heard, contents = [], []

    def hear(event):  # an event carries the message as it is now: note what it said then
        heard.append(event)
        contents.append((event.kind, (event.message or {}).get("content")))

    stop = server.subscribe(hear)
    ix = await server.invoke(user, "ping", guild_id=guild.id)
    async with aiohttp.ClientSession(headers=AUTH) as http:
        callback = f"{server.api_base}/interactions/{ix.id}/{ix.token}/callback"
        secret = {"content": "only you", "flags": 64}
        body = {"type": Callback.CHANNEL_MESSAGE_WITH_SOURCE, "data": secret}
        async with http.post(callback, json=body) as response:
            assert response.status == 204
        hook = f"{server.api_base}/webhooks/{server.world.application_id}/{ix.token}"
        async with http.patch(f"{hook}/messages/@original", json={"content": "edited"}):
            pass
        async with http.post(hook, json={"content": "for everyone"}) as response:
            followup = await response.json()
        dm = server.dm_channel(user.id)
        async with http.post(f"{server.api_base}/channels/{dm}/messages", json={"content": "hi"}):
            pass
    stop()
    server.add_user("after")  # nothing more is heard once stopped
    assert contents == [
        (EventKind.MESSAGE_CREATED, "only you"),
        (EventKind.INTERACTION_CALLBACK, "only you"),
        (EventKind.MESSAGE_EDITED, "edited"),
        (EventKind.MESSAGE_CREATED, "for everyone"),
        (EventKind.MESSAGE_CREATED, "hi"),
    ]
    created, answered, edited, public, posted = heard
    assert created.interaction["id"] == str(ix.id) and public.interaction["id"] == str(ix.id)
    assert (
        answered.callback.ephemeral
        and answered.callback.type == Callback.CHANNEL_MESSAGE_WITH_SOURCE
    )
    assert edited.message["edited_timestamp"] is not None
    assert posted.interaction is None  # the bot's own DM answers no interaction
    # a public followup shows in the channel, the ephemeral answer does not
    assert [m["id"] for m in server.channel_messages(guild.general)] == [followup["id"]]


async def test_an_interaction_left_unanswered_expires_as_on_discord(server):
    server.interactions.deadline = 0.05
    guild, user = _ping(server)
    heard = []
    server.subscribe(heard.append)
    unanswered = await server.invoke(user, "ping", guild_id=guild.id)
    answered = await server.invoke(user, "ping", guild_id=guild.id)
    async with aiohttp.ClientSession() as http:
        url = f"{server.api_base}/interactions/{answered.id}/{answered.token}/callback"
        async with http.post(url, json={"type": Callback.DEFERRED_CHANNEL_MESSAGE}) as response:
            assert response.status == 204
    await asyncio.sleep(0.15)
    expired = [e.interaction["id"] for e in heard if e.kind is EventKind.INTERACTION_EXPIRED]
    assert expired == [str(unanswered.id)]
    [thinking] = [e.message for e in heard if e.kind is EventKind.MESSAGE_CREATED]
    assert thinking["flags"] & MessageFlag.LOADING


async def test_the_application_name_is_the_callers():
    fake = FakeDiscord(application_name="Pocket Physio")
    await fake.start()
    try:
        async with aiohttp.ClientSession(headers=AUTH) as http:
            async with http.get(f"{fake.api_base}/users/@me") as response:
                assert (await response.json())["username"] == "Pocket Physio"
            async with http.get(f"{fake.api_base}/applications/@me") as response:
                assert (await response.json())["name"] == "Pocket Physio"
        guild = fake.add_guild()
        assert [r.name for r in guild.roles.values()] == ["@everyone", "Pocket Physio"]
    finally:
        await fake.stop()


async def test_attachments_are_served_at_their_cdn_address(server):
    user = server.add_user("u")
    channel = server.dm_channel(user.id)
    payload = {"embeds": [PICTURE], "attachments": [{"id": 0, "filename": "a.png"}]}
    async with aiohttp.ClientSession(headers=AUTH) as http:
        url = f"{server.api_base}/channels/{channel}/messages"
        async with http.post(url, data=upload(payload, ("a.png", b"\x89PNG picture"))) as response:
            [attachment] = (await response.json())["attachments"]
        assert attachment["url"].startswith(f"http://127.0.0.1:{server.port}/")
        async with http.get(attachment["url"]) as response:
            assert response.status == 200 and response.content_type == "image/png"
            assert await response.read() == b"\x89PNG picture"
        async with http.get(f"http://127.0.0.1:{server.port}/attachments/1/none.png") as response:
            assert response.status == 404


async def test_a_modal_is_submitted_with_what_the_member_typed(server):
    guild, user = _ping(server)
    ix = await server.invoke(user, "ping", guild_id=guild.id)
    field = {"type": ComponentType.TEXT_INPUT, "custom_id": "note", "label": "Note", "style": 1}
    modal = {
        "custom_id": "diary",
        "title": "Diary",
        "components": [{"type": ROW, "components": [field]}],
    }
    async with aiohttp.ClientSession() as http:
        url = f"{server.api_base}/interactions/{ix.id}/{ix.token}/callback"
        async with http.post(url, json={"type": Callback.MODAL, "data": modal}) as response:
            assert response.status == 204
    with pytest.raises(AssertionError, match="'Note' is required"):
        await server.submit_modal(ix, {})
    submitted = (await server.submit_modal(ix, {"note": "a good day"})).payload
    assert submitted["type"] == InteractionType.MODAL_SUBMIT
    assert submitted["data"]["custom_id"] == "diary"
    [row] = submitted["data"]["components"]
    assert row["components"][0] == {
        "type": ComponentType.TEXT_INPUT,
        "custom_id": "note",
        "value": "a good day",
    }
    assert submitted["member"]["user"]["id"] == str(user.id)
    assert submitted["guild_id"] == str(guild.id)


def test_the_local_discord_imports_nothing_of_the_bot():
    """It plays Discord, so it may not lean on the bot it serves; and it moves as one piece."""
    package = Path(localdiscord.__file__).parent
    outside = []
    for module in package.glob("*.py"):
        for node in ast.walk(ast.parse(module.read_text())):
            if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            else:
                continue
            outside += [
                f"{module.name}: {n}" for n in names if n.split(".")[0] in ("bot", "cogs", "tests")
            ]
    assert outside == []
