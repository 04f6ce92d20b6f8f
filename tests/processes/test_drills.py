"""Fault drills: reminders are delivered once each through rate limits, server errors, closed
DMs, gateway drops and a SIGKILL. Small N here; `DRILL_SCALE=10` runs them ten times larger."""

import asyncio
import os
import signal
import sqlite3
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest

from tests.support.actions import create_stretch_reminders
from tests.support.helpers import (
    BotProcess,
    bot_env,
    eventually,
    posted_by_the_bot,
    run_bot,
)
from tests.support.seeding import create_database, seed_reminders

SCALE = int(os.environ.get("DRILL_SCALE", "1"))
DUE = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)

pytestmark = pytest.mark.timeout(120 * SCALE)


def members(server, count, closed_every=0):
    users = [server.add_user(f"member{i}") for i in range(count)]
    if closed_every:
        for user in users[::closed_every]:
            server.set_dms_open(user.id, False)
    return users


async def seeded(server, tmp_path, users, due=DUE):
    path = tmp_path / "bot.db"
    await create_database(path)
    seed_reminders(path, [(u.id, server.dm_channel(u.id)) for u in users], due)
    return path


def delivered(server, users):
    return Counter({u.id: len(server.dm_messages(u.id)) for u in users})


def count_messages(server):
    """A running count of messages created: O(1) per send, where rechecking every member's DMs
    after each request would make the larger drills quadratic. Checked per member at the end."""
    created = [0]

    def count(event):
        if posted_by_the_bot(event):
            created[0] += 1

    server.subscribe(count)
    return created


async def fan_out(server, tmp_path, content, clock, count, *, server_limit, send_rate):
    """`count` reminders due at once, sent by the bot at `send_rate` to a server enforcing
    `server_limit` per second; returns once as many messages arrived, checked per member."""
    users = members(server, count)
    path = await seeded(server, tmp_path, users)
    server.rest.global_rate_limit = server_limit
    created = count_messages(server)
    clock.set(DUE)
    async with run_bot(server, path, content, clock, SEND_RATE_PER_SECOND=str(send_rate)):
        await server.wait_until(lambda: created[0] >= len(users), timeout=60 * SCALE)
    assert set(delivered(server, users).values()) == {1}


async def test_a_thousand_due_at_once_arrive_once_each_without_a_429(
    discord_server, tmp_path, content, clock
):
    """The fake enforces a global limit just above the bot's own pace (raised from Discord's
    50/s to keep the drill short); a bot that did not pace itself would draw 429s."""
    await fan_out(
        discord_server, tmp_path, content, clock, 1000 * SCALE, server_limit=250, send_rate=200
    )
    assert discord_server.status_counts()[429] == 0


async def test_a_ceiling_above_discords_limit_costs_a_few_429s_not_one_a_second(
    discord_server, tmp_path, content, clock
):
    """SEND_RATE_PER_SECOND set to twice what the server allows: after each global 429 the
    bot halves its pace and regains it slowly, instead of drawing 429s every second."""
    await fan_out(
        discord_server, tmp_path, content, clock, 300 * SCALE, server_limit=50, send_rate=100
    )
    assert 0 < discord_server.status_counts()[429] <= 10 * SCALE


async def test_server_errors_lose_nothing_and_double_nothing(
    discord_server, tmp_path, content, clock
):
    discord_server.fail_every("POST", r"/channels/\d+/messages", every=20, statuses=(500, 502, 503))
    await fan_out(
        discord_server, tmp_path, content, clock, 100 * SCALE, server_limit=250, send_rate=200
    )
    assert discord_server.status_counts()[500] + discord_server.status_counts()[502] > 0


async def test_closed_dms_cost_one_403_each_and_pause_only_those_members(
    discord_server, tmp_path, content, clock
):
    users = members(discord_server, 100 * SCALE, closed_every=5)
    closed = [u for u in users if not u.dms_open]
    path = await seeded(discord_server, tmp_path, users)
    discord_server.rest.global_rate_limit = 250
    created = count_messages(discord_server)
    clock.set(DUE)
    async with run_bot(discord_server, path, content, clock, SEND_RATE_PER_SECOND="200"):
        await discord_server.wait_until(
            lambda: (
                created[0] >= len(users) - len(closed)
                and discord_server.status_counts()[403] >= len(closed)
            ),
            timeout=60 * SCALE,
        )
        clock.set(DUE + timedelta(days=1))  # the next day: paused members get nothing
        await discord_server.wait_until(
            lambda: created[0] >= 2 * (len(users) - len(closed)), timeout=60 * SCALE
        )
    invalid = [r for r in discord_server.rest.requests if r.status in (401, 403, 429)]
    assert len(invalid) == len(closed) == 20 * SCALE
    with sqlite3.connect(path) as conn:
        paused = {
            row[0] for row in conn.execute("SELECT user_id FROM reminders WHERE status = 'paused'")
        }
    assert paused == {u.id for u in closed}
    discord_server.rest.rejections.clear()  # the 403s were the point of this drill


async def test_gateway_drops_resume_and_everything_keeps_working(discord_server, bot, world, clock):
    for round_number in range(1, 4):
        await discord_server.drop_gateway()
        await discord_server.wait_until(
            lambda expected=round_number: discord_server.gateway.resume_count >= expected,
            timeout=20,
        )
        ix = await discord_server.invoke(world.alice, "help", {}, guild_id=world.guild.id)
        assert (await ix.response(timeout=5)).latency < 3
    assert discord_server.gateway.identify_count == 1  # resumed every time, never re-identified
    reminder = await discord_server.invoke(
        world.alice,
        "reminders stretch",
        {"time": "8:00", "days": "every day", "timezone": "UTC"},
        guild_id=world.guild.id,
    )
    await reminder.response(timeout=5)
    await reminder.wait_for_followups(1)
    await discord_server.drop_gateway()
    clock.set(DUE)
    await discord_server.wait_for_dms(world.alice.id, 2, timeout=10)


@pytest.mark.parametrize("kill_after", [40 * SCALE])
async def test_sigkill_in_the_middle_of_a_fan_out_loses_and_doubles_nothing(
    discord_server, tmp_path, kill_after
):
    """A real `python -m bot` process with the real clock, killed right after a send lands."""
    users = members(discord_server, 300 * SCALE)
    path = await seeded(discord_server, tmp_path, users, due=datetime.now(UTC))
    discord_server.rest.global_rate_limit = 250
    env = bot_env(discord_server, path, SEND_RATE_PER_SECOND="100")
    first = BotProcess(env, cwd=tmp_path)
    sent = []

    def kill_once(event):
        if not posted_by_the_bot(event):
            return
        sent.append(event.message)
        if len(sent) == kill_after:
            first.kill()  # SIGKILL before the bot can read the reply or record the send

    discord_server.subscribe(kill_once)
    await first.start()
    code, _ = await first.wait(timeout=60 * SCALE)
    assert code == -signal.SIGKILL
    assert kill_after <= sum(delivered(discord_server, users).values()) < len(users)

    created = count_messages(discord_server)
    created[0] = len(sent)
    second = BotProcess(env, cwd=tmp_path)
    await second.start()
    try:
        await eventually(lambda: created[0] >= len(users), timeout=60 * SCALE)
        await asyncio.sleep(0.5)  # a duplicate would arrive now, if there were one
    finally:
        await second.stop()
    assert set(delivered(discord_server, users).values()) == {1}
    assert discord_server.status_counts()[429] == 0


def community(server, count):
    """A server with `count` members who have never had a DM from the bot."""
    guild = server.add_guild(name="Busy Circle")
    users = members(server, count)
    for user in users:
        server.add_member(guild.id, user.id)
    return guild, users


async def test_two_hundred_members_setting_up_reminders_at_once_draw_no_429(
    discord_server, tmp_path, content, clock
):
    """Each new reminder opens a DM and sends a consent DM: 400 requests in a few seconds,
    at Discord's own 50/s. Paced with everything else the bot sends, none draws a 429."""
    guild, users = community(discord_server, 200 * SCALE)
    created = count_messages(discord_server)
    async with run_bot(discord_server, tmp_path / "bot.db", content, clock):
        invoked = await create_stretch_reminders(discord_server, guild, users)
        await discord_server.wait_until(
            lambda: created[0] >= len(users) and all(ix.followups for ix in invoked),
            timeout=30 * SCALE,
        )
    assert discord_server.status_counts()[429] == 0
    assert set(delivered(discord_server, users).values()) == {1}
    assert all("<t:" in ix.followups[0]["content"] for ix in invoked)  # each was saved


async def test_a_fan_out_never_holds_back_answers_to_members(
    discord_server, tmp_path, content, clock
):
    """Reminders all due at once at Discord's 50/s and the default pace, while 50 members use
    commands (the first of which sends consent DMs, queued behind the fan-out): every
    interaction is answered inside the local Discord's 3-second deadline, which it enforces,
    with no 429, and every reminder and consent DM arrives once."""
    recipients = members(discord_server, 300 * SCALE)
    path = await seeded(discord_server, tmp_path, recipients)
    guild, users = community(discord_server, 50)
    created = count_messages(discord_server)
    clock.set(DUE)
    answers = []
    async with run_bot(discord_server, path, content, clock):
        # the fan-out is under way: the pacer has as many sends queued as it ever will
        await discord_server.wait_until(lambda: created[0] >= 80, timeout=30)
        stretch = await create_stretch_reminders(discord_server, guild, users, wave=len(users))
        answers += [ix.callbacks[0] for ix in stretch]
        for command in ("sciatica overview", "reminders list", "help", "reminders list"):
            invoked = await asyncio.gather(
                *(discord_server.invoke(user, command, {}, guild_id=guild.id) for user in users)
            )
            answers += await asyncio.gather(*(ix.response(timeout=5) for ix in invoked))
        assert created[0] < len(recipients)  # all of it happened during the fan-out
        await discord_server.wait_until(
            lambda: (
                created[0] >= len(recipients) + len(users) and all(ix.followups for ix in stretch)
            ),
            timeout=60 * SCALE,
        )
    assert len(answers) == 5 * len(users)
    assert max(answer.latency for answer in answers) < discord_server.interactions.deadline
    assert discord_server.status_counts()[429] == 0
    assert set(delivered(discord_server, recipients + users).values()) == {1}
