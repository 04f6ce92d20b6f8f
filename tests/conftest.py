"""Shared fixtures: a local fake Discord and the real bot connected to it (the pieces they are
made of live in tests/support/helpers.py)."""

from __future__ import annotations

import os
import zoneinfo
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings

from bot.core.bundle import Content
from bot.core.client import SciaticaBot
from bot.core.settings import DEFAULT_DATA_DIR
from bot.localdiscord import FakeDiscord
from bot.localdiscord.constants import MEMBER_PERMISSIONS as MEMBER
from bot.localdiscord.constants import Permission
from bot.scheduling.clock import FakeClock
from tests.support.helpers import TOKEN, Community, fresh_postgres_schema, run_bot

# The bot reads every zone from the tzdata package whatever the host has
# (bot.scheduling.zone_rules); the tests' own ZoneInfo(...) references read it too, so no expected
# time depends on the host's zone files. test_zone_rules proves that a host's files never decide the
# bot's rules.
zoneinfo.reset_tzpath(to=[])

# CI runs the property tests with a fixed seed so a run is repeatable; developers get new random
# examples each run (and hypothesis replays any failure it found before)
hypothesis_settings.register_profile("ci", derandomize=True, print_blob=True)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


@pytest.fixture
async def postgres_url() -> AsyncIterator[str]:
    """A fresh PostgreSQL schema for this test alone."""
    async with fresh_postgres_schema() as url:
        yield url


@pytest.fixture(params=["sqlite", "postgres"])
async def database_target(
    request: pytest.FixtureRequest, tmp_path: Path
) -> AsyncIterator[Path | str]:
    """Each backend in turn: a SQLite file in a temporary folder, a fresh PostgreSQL schema."""
    if request.param == "sqlite":
        yield tmp_path / "bot.db"
        return
    async with fresh_postgres_schema() as url:
        yield url


@pytest.fixture(scope="session")
def content() -> Content:
    return Content.load(DEFAULT_DATA_DIR)


@pytest.fixture
async def discord_server(request: pytest.FixtureRequest) -> AsyncIterator[FakeDiscord]:
    """Also proves, after each test, that the bot never sent a body Discord would reject."""
    server = FakeDiscord(valid_token=TOKEN)
    await server.start()
    try:
        yield server
    finally:
        await server.stop()
    if not request.node.get_closest_marker("allow_rejections"):
        rejected = [(r.method, r.path, r.status, r.response) for r in server.rest.rejections]
        assert rejected == [], "the bot sent requests Discord would reject"
        assert server.rest.unknown_routes == [], "the bot called routes the fake does not know"


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2026, 3, 2, 7, 0, tzinfo=UTC))  # a Monday morning


@pytest.fixture
async def bot(
    discord_server: FakeDiscord, tmp_path: Path, content: Content, clock: FakeClock
) -> AsyncIterator[SciaticaBot]:
    async with run_bot(discord_server, tmp_path / "bot.db", content, clock) as running:
        yield running


@pytest.fixture
async def world(discord_server: FakeDiscord) -> Community:
    """A server with a moderator and two members, all with open DMs."""
    guild = discord_server.add_guild(name="Wellness Circle")
    moderator = discord_server.add_user("mod")
    alice = discord_server.add_user("alice")
    bob = discord_server.add_user("bob")
    discord_server.add_member(guild.id, moderator.id, permissions=Permission.MANAGE_GUILD | MEMBER)
    discord_server.add_member(guild.id, alice.id, permissions=MEMBER)
    discord_server.add_member(guild.id, bob.id, permissions=MEMBER)
    return Community(guild=guild, moderator=moderator, alice=alice, bob=bob)
