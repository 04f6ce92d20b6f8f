"""OPS_PORT: /healthz, /readyz and /metrics of the real bot, read over HTTP as an operator's
probes and Prometheus read them; the metrics parsed by the Prometheus client's own parser."""

import socket
from contextlib import AsyncExitStack
from datetime import UTC, datetime

import aiohttp
from prometheus_client.parser import text_string_to_metric_families

from tests.support.actions import EIGHT, create_stretch
from tests.support.helpers import (
    EX_CONFIG,
    BotProcess,
    bot_env,
    eventually,
    eventually_async,
    run_bot,
    running_bot,
)
from tests.support.seeding import create_database, seed_reminders

DUE = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


async def get(bot_or_port, path):
    port = bot_or_port if isinstance(bot_or_port, int) else bot_or_port.ops.port
    url = f"http://127.0.0.1:{port}{path}"
    async with aiohttp.ClientSession() as session, session.get(url) as response:
        return response.status, await response.text(), response.headers.get("Content-Type")


async def scrape(bot_or_port):
    """Every sample, keyed by its name and its labels."""
    status, text, content_type = await get(bot_or_port, "/metrics")
    assert status == 200 and content_type.startswith("text/plain"), (status, content_type)
    return text, {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


async def test_the_metrics_move_as_the_bot_works_and_name_nobody(
    discord_server, world, tmp_path, content, clock
):
    users = [discord_server.add_user(f"member{i}") for i in range(40)]
    database = tmp_path / "bot.db"
    await create_database(database)
    seed_reminders(database, [(u.id, discord_server.dm_channel(u.id)) for u in users], DUE)
    discord_server.rest.global_rate_limit = 10  # under the bot's pace: some 429s come back
    async with run_bot(discord_server, database, content, clock, OPS_PORT="0") as bot:
        _, before = await scrape(bot)
        assert before[("sciatica_dispatcher_leader", ())] == 1
        assert before.get(("sciatica_reminders_total", (("outcome", "sent"),)), 0) == 0
        assert ("sciatica_gateway_latency_seconds", (("shard", "0"),)) in before

        about = await discord_server.invoke(world.alice, "about", {}, guild_id=world.guild.id)
        await about.response(timeout=5)
        clock.set(DUE)
        await discord_server.wait_until(
            lambda: all(discord_server.dm_messages(u.id) for u in users), timeout=30
        )
        await eventually_async(lambda: sent_recorded(bot, len(users)), timeout=10)
        text, after = await scrape(bot)

    about_ok = ("sciatica_interactions_total", (("command", "/about"), ("outcome", "ok")))
    assert after[about_ok] == before.get(about_ok, 0) + 1
    assert after[("sciatica_interaction_latency_seconds_count", (("command", "/about"),))] == 1
    assert after[("sciatica_reminders_total", (("outcome", "sent"),))] == len(users)
    assert after[("sciatica_discord_responses_429_total", (("scope", "global"),))] >= 1
    assert discord_server.status_counts()[429] == sum(
        value
        for (name, _), value in after.items()
        if name == "sciatica_discord_responses_429_total"
    )
    # every DM, its DM channel and each retry after a 429 waited for the pace
    assert after[("sciatica_pacer_wait_seconds_count", ())] >= len(users)
    assert ("sciatica_pacer_queue_depth", ()) in after
    assert after[("sciatica_reminders_late_total", ())] == 0
    for somebody in (*users, world.alice):
        assert str(somebody.id) not in text
    assert str(world.guild.id) not in text


async def sent_recorded(bot, count):
    _, samples = await scrape(bot)
    return samples.get(("sciatica_reminders_total", (("outcome", "sent"),)), 0) >= count


async def test_readyz_goes_503_when_the_gateway_drops_and_back_when_it_returns(
    discord_server, world, tmp_path, content, clock
):
    async with run_bot(discord_server, tmp_path / "bot.db", content, clock, OPS_PORT="0") as bot:
        assert await get(bot, "/healthz") == (200, "ok\n", "text/plain; charset=utf-8")
        assert (await get(bot, "/readyz"))[:2] == (200, "ready\n")

        await discord_server.gateway.begin_outage()
        await eventually_async(lambda: answers(bot, "/readyz", 503), timeout=10)
        status, reason, _ = await get(bot, "/readyz")
        assert status == 503 and reason == "gateway not connected on shard 0\n"
        assert (await get(bot, "/healthz"))[0] == 200  # alive all the same: no restart

        discord_server.gateway.end_outage()
        await eventually_async(lambda: answers(bot, "/readyz", 200), timeout=30)
        await create_stretch(discord_server, world)  # and it works again
        clock.set(EIGHT)
        await discord_server.wait_for_dms(world.alice.id, 2, timeout=5)


async def answers(bot, path, status):
    return (await get(bot, path))[0] == status


async def test_readyz_names_a_failing_dispatcher(
    discord_server, world, tmp_path, content, clock, monkeypatch
):
    async with run_bot(discord_server, tmp_path / "bot.db", content, clock, OPS_PORT="0") as bot:
        await eventually(lambda: bot.scheduler.running)
        assert (await get(bot, "/readyz"))[0] == 200

        async def unreadable(*args, **kwargs):
            raise RuntimeError("disk I/O error")

        monkeypatch.setattr(bot.stores.ledger, "earliest_due", unreadable)
        bot.scheduler.wake()
        await eventually_async(lambda: answers(bot, "/readyz", 503), timeout=10)
        status, reason, _ = await get(bot, "/readyz")
        assert status == 503 and reason.strip() and "gateway" not in reason


async def test_each_bot_counts_on_its_own_and_only_the_leader_says_it_leads(
    discord_server, world, postgres_url, content, clock
):
    discord_server.gateway.max_concurrency = 2  # both shards identify at once
    async with AsyncExitStack() as stack:
        bots = [
            await stack.enter_async_context(
                run_bot(
                    discord_server,
                    postgres_url,
                    content,
                    clock,
                    OPS_PORT="0",
                    SHARD_COUNT="2",
                    SHARD_IDS=str(shard),
                )
            )
            for shard in (0, 1)
        ]
        await eventually(lambda: any(bot.leadership.leading for bot in bots), timeout=10)
        leader = next(bot for bot in bots if bot.leadership.leading)
        about = await discord_server.invoke(world.alice, "about", {}, guild_id=world.guild.id)
        await about.response(timeout=5)
        scraped = [(await scrape(bot))[1] for bot in bots]

    about_ok = ("sciatica_interactions_total", (("command", "/about"), ("outcome", "ok")))
    assert sorted(samples.get(about_ok, 0) for samples in scraped) == [0, 1]
    leading = [samples[("sciatica_dispatcher_leader", ())] for samples in scraped]
    assert leading == [1.0 if bot is leader else 0.0 for bot in bots]
    for shard, samples in enumerate(scraped):  # each process reports the shard it runs
        shards = {
            dict(labels)["shard"]
            for name, labels in samples
            if name == "sciatica_gateway_latency_seconds"
        }
        assert shards == {str(shard)}


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


async def test_a_real_process_answers_on_ops_port_and_a_taken_port_stops_the_next(
    discord_server, tmp_path
):
    port = free_port()
    async with running_bot(discord_server, tmp_path, OPS_PORT=str(port)) as first:
        await eventually_async(lambda: answers(port, "/readyz", 200), timeout=10)
        _, samples = await scrape(port)
        assert samples[("sciatica_dispatcher_leader", ())] == 1

        (tmp_path / "second").mkdir()
        env = bot_env(discord_server, tmp_path / "second" / "bot.db", OPS_PORT=str(port))
        second = BotProcess(env, cwd=tmp_path)
        await second.start()
        code, stderr = await second.wait(timeout=30)
        assert code == EX_CONFIG and f"127.0.0.1:{port}" in stderr and "OPS_PORT" in stderr
        assert "Traceback" not in stderr
        assert stderr.strip().splitlines()[-1].startswith("sciatica-companion: cannot listen")
    code, stderr = first.exited
    assert code == 0, stderr


async def test_nothing_else_is_served(discord_server, tmp_path, content, clock):
    async with run_bot(discord_server, tmp_path / "bot.db", content, clock, OPS_PORT="0") as bot:
        for path in ("/", "/metrics/x", "/debug"):
            assert (await get(bot, path))[0] == 404, path
