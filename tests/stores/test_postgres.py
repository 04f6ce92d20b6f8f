"""What only the PostgreSQL backend does: placeholders, migrations under the advisory lock,
the schema mirroring SQLite's, notes between processes, claims of two dispatchers and leases.

Two `PostgresDatabase` objects on one schema stand in for two processes sharing a database."""

import asyncio
import sqlite3
from datetime import UTC, datetime, time

import asyncpg
import pytest

from bot.core.guild_config import GuildConfigCache
from bot.scheduling.dispatcher import delivery_nonce
from bot.scheduling.planning import plan_reminder
from bot.scheduling.recurrence import WeeklySchedule, schedule_to_json
from bot.storage import DatabaseError, PostgresDatabase, Stores
from bot.storage.events import DmsClosed, GuildSettingsChanged, RemindersChanged
from bot.storage.ledger import LEASE
from bot.storage.postgres import MIGRATIONS_DIR, redact, rowcount, to_dollar
from bot.storage.schema import migration_files
from bot.storage.sqlite import SqliteDatabase
from tests.support.helpers import eventually

DAILY = schedule_to_json(WeeklySchedule(time(8, 0), frozenset(range(7)), "UTC"))
EIGHT = int(datetime(2026, 3, 2, 8, 0, tzinfo=UTC).timestamp())


def test_placeholders_become_numbered_outside_quotes_and_comments():
    assert to_dollar("SELECT a FROM t WHERE b = ? AND c IN (?, ?)") == (
        "SELECT a FROM t WHERE b = $1 AND c IN ($2, $3)"
    )
    assert to_dollar("SELECT '?', \"we?ird\" FROM t WHERE x = ? -- why?\nAND y = ?") == (
        "SELECT '?', \"we?ird\" FROM t WHERE x = $1 -- why?\nAND y = $2"
    )
    assert to_dollar("SELECT 'it''s ?' WHERE a = ?") == "SELECT 'it''s ?' WHERE a = $1"
    hits = to_dollar.cache_info().hits
    to_dollar("SELECT a FROM t WHERE b = ? AND c IN (?, ?)")
    assert to_dollar.cache_info().hits == hits + 1  # translated once per statement


def test_rowcounts_and_redacted_urls():
    assert [rowcount(s) for s in ("UPDATE 3", "INSERT 0 1", "DELETE 0", "CREATE TABLE")] == [
        3,
        1,
        0,
        0,
    ]
    assert redact("postgresql://bot:s3cret@db:5432/x") == "postgresql://bot:***@db:5432/x"
    assert redact("postgresql://bot@db/x") == "postgresql://bot@db/x"


@pytest.fixture
async def database(postgres_url):
    database = await PostgresDatabase.open(postgres_url)
    yield database
    await database.close()


@pytest.fixture
async def other(postgres_url, database):
    """A second process on the same database."""
    other = await PostgresDatabase.open(postgres_url)
    yield other
    await other.close()


async def test_migrates_a_new_schema_and_records_every_version(database):
    latest = len(migration_files(MIGRATIONS_DIR))
    assert await database.schema_version() == latest
    rows = await database.fetch_all("SELECT version FROM schema_migrations ORDER BY version")
    assert [row[0] for row in rows] == list(range(1, latest + 1))
    assert await database.migrate() == latest  # nothing applied twice


async def test_processes_starting_together_migrate_once(postgres_url):
    opened = await asyncio.gather(*(PostgresDatabase.open(postgres_url) for _ in range(4)))
    try:
        rows = await opened[0].fetch_all("SELECT version FROM schema_migrations")
        assert sorted(row[0] for row in rows) == list(range(1, len(rows) + 1))
        assert len(rows) == len(migration_files(MIGRATIONS_DIR))
    finally:
        for database in opened:
            await database.close()


async def test_snowflakes_and_times_are_bigint(database):
    rows = await database.fetch_all(
        "SELECT table_name, column_name, data_type FROM information_schema.columns"
        " WHERE table_schema = current_schema() AND table_name != 'schema_migrations'"
        " AND (column_name LIKE '%\\_id' OR column_name LIKE '%\\_at' OR column_name = 'id'"
        " OR column_name = 'lease_until')"
    )
    assert len(rows) > 15
    assert {(r[0], r[1]): r[2] for r in rows if r[2] != "bigint"} == {}


async def test_the_schema_mirrors_sqlites_table_by_table(database, tmp_path):
    sqlite = await SqliteDatabase.open(tmp_path / "bot.db")
    await sqlite.close()
    with sqlite3.connect(tmp_path / "bot.db") as conn:
        tables = [
            r[0]
            for r in conn.execute(
                "SELECT name FROM sqlite_master"
                " WHERE type = 'table' AND name != 'schema_migrations'"
            )
        ]
        expected = {t: [r[1] for r in conn.execute(f"PRAGMA table_info({t})")] for t in tables}
        indexes = {
            r[0]
            for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
            )
        }
    rows = await database.fetch_all(
        "SELECT table_name, column_name FROM information_schema.columns"
        " WHERE table_schema = current_schema() AND table_name != 'schema_migrations'"
        " ORDER BY table_name, ordinal_position"
    )
    found: dict[str, list[str]] = {}
    for table, column in rows:
        found.setdefault(table, []).append(column)
    assert found == expected
    rows = await database.fetch_all(
        "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()"
        " AND indexname NOT LIKE '%\\_pkey'"
    )
    assert {row[0] for row in rows} == indexes


async def test_an_unreachable_server_or_missing_schema_is_one_line(postgres_url):
    with pytest.raises(DatabaseError, match="cannot connect to PostgreSQL") as refused:
        await PostgresDatabase.open("postgresql://bot:s3cret@127.0.0.1:1/nowhere")
    assert "s3cret" not in str(refused.value) and "\n" not in str(refused.value)
    missing = postgres_url.rsplit("=", 1)[0] + "=no_such_schema"
    with pytest.raises(DatabaseError, match="no schema"):
        await PostgresDatabase.open(missing)


async def test_a_failed_transaction_leaves_nothing_and_sends_no_note(database, other):
    heard: list[str] = []
    other.on_remote_change(heard.append)
    stores = Stores(database)
    with pytest.raises(RuntimeError):
        async with stores.transaction() as tx:
            await stores.guild_settings.change(1, 42, {"region": "uk"}, 0, tx)
            raise RuntimeError("boom")
    await stores.guild_settings.change(2, 42, {"region": "ie"}, 0)  # this one is heard
    await eventually(lambda: heard != [], timeout=1)
    assert heard == ["guild_settings 2"]
    assert await stores.guild_settings.load(1) == {}


async def test_changes_in_one_process_are_announced_in_the_other_within_a_second(database, other):
    here, there = Stores(database), Stores(other)
    reminders_there: list[object] = []
    settings_there: list[object] = []
    reminders_here: list[object] = []
    there.reminders.changes.subscribe(reminders_there.append)
    there.guild_settings.changes.subscribe(settings_there.append)
    here.reminders.changes.subscribe(reminders_here.append)
    cache_there = GuildConfigCache(there.guild_settings, now=lambda: 0)
    assert (await cache_there.get(7)).region is None  # cached there

    await here.reminders.create(
        kind="stretch",
        user_id=1,
        guild_id=None,
        schedule=DAILY,
        next_due_at=EIGHT,
        now=0,
        limit=10,
    )
    await GuildConfigCache(here.guild_settings, now=lambda: 0).set(7, 42, {"region": "uk"})
    await eventually(lambda: reminders_there and settings_there, timeout=1)
    assert reminders_there == [RemindersChanged()]
    assert settings_there == [GuildSettingsChanged(7)]
    assert (await cache_there.get(7)).region == "uk"
    assert reminders_here == [RemindersChanged()]  # its own note is not heard a second time


async def test_dms_found_closed_by_one_process_are_told_by_the_other(database, other):
    dispatching, answering = Stores(database), Stores(other)
    await seed_due(dispatching, 1)
    assert await answering.members.take_closed_dms_notice(1) is False  # remembered there
    heard: list[object] = []
    answering.ledger.dms_closed.subscribe(heard.append)
    [claim] = await dispatching.ledger.claim_due(EIGHT, 10, ["stretch"], plan_reminder)
    await dispatching.ledger.pause_for_closed_dms(claim, 1, EIGHT)
    await eventually(lambda: heard != [], timeout=1)
    assert heard == [DmsClosed(1)]
    assert await answering.members.take_closed_dms_notice(1) is True
    assert await answering.members.take_closed_dms_notice(1) is False


async def test_a_lost_listening_connection_reconnects_and_drops_every_cached_copy(database, other):
    there = Stores(other)
    settings_there: list[object] = []
    there.guild_settings.changes.subscribe(settings_there.append)
    pid = other._listening.get_server_pid()
    await database.execute("SELECT pg_terminate_backend(?)", (pid,))
    await eventually(lambda: settings_there == [GuildSettingsChanged(None)], timeout=5)
    await Stores(database).guild_settings.change(3, 42, {"region": "uk"}, 0)
    await eventually(lambda: GuildSettingsChanged(3) in settings_there, timeout=1)


async def seed_due(stores, count):
    for user_id in range(1, count + 1):
        await stores.members.save_member(user_id, 0, dm_channel_id=500 + user_id)
        await stores.reminders.create(
            kind="stretch",
            user_id=user_id,
            guild_id=None,
            schedule=DAILY,
            next_due_at=EIGHT,
            now=0,
            limit=10,
        )


async def test_two_dispatchers_claiming_at_once_never_claim_the_same_occurrence(database, other):
    first, second = Stores(database), Stores(other)
    await seed_due(first, 60)
    batches = await asyncio.gather(
        *(
            ledger.claim_due(EIGHT, 7, ["stretch"], plan_reminder)
            for _ in range(6)
            for ledger in (first.ledger, second.ledger)
        )
    )
    claimed = [claim.reminder.id for batch in batches for claim in batch]
    assert len(claimed) == len(set(claimed)) == 60


async def test_a_claim_is_taken_over_only_once_its_lease_expired_and_recorded_once(database, other):
    stale, fresh = Stores(database).ledger, Stores(other).ledger
    await seed_due(Stores(database), 1)
    [claim] = await stale.claim_due(EIGHT, 10, ["stretch"], plan_reminder)

    lease = int(LEASE.total_seconds())
    assert await fresh.take_over_claims(EIGHT + lease - 1) == []  # still the stale one's
    assert await fresh.next_foreign_expiry() == EIGHT + lease
    [(taken, claimed_at)] = await fresh.take_over_claims(EIGHT + lease)
    assert (taken.reminder.id, taken.due_at, claimed_at) == (claim.reminder.id, claim.due_at, EIGHT)
    assert delivery_nonce(taken) == delivery_nonce(claim)  # resent with the same nonce

    await fresh.record_sent([(taken, 111)], EIGHT + lease)
    await stale.record_sent([(claim, 222)], EIGHT + lease + 1)  # woke up too late
    await stale.finish_delivery(claim, "failed", EIGHT + lease + 2)
    rows = await database.fetch_all("SELECT state, message_id, finished_at FROM deliveries")
    assert [tuple(row) for row in rows] == [("sent", 111, EIGHT + lease)]


async def test_a_renewed_lease_keeps_a_claim_from_being_taken_over(database, other):
    mine, theirs = Stores(database).ledger, Stores(other).ledger
    await seed_due(Stores(database), 2)
    await mine.claim_due(EIGHT, 10, ["stretch"], plan_reminder)
    lease = int(LEASE.total_seconds())
    assert await mine.renew_leases(EIGHT + lease - 1) == 2
    assert await theirs.take_over_claims(EIGHT + lease) == []
    assert len(await theirs.take_over_claims(EIGHT + 2 * lease - 1)) == 2


async def test_the_connection_pool_refuses_a_dead_server_cleanly(postgres_url):
    database = await PostgresDatabase.open(postgres_url)
    await database.close()
    with pytest.raises((asyncpg.InterfaceError, asyncpg.PostgresError)):
        await database.fetch_one("SELECT 1")
