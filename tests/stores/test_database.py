import sqlite3

import pytest

from bot.core.guild_config import GuildConfigCache, Toggle
from bot.storage import BotStateStore, DatabaseError, GuildSettingsStore
from bot.storage.sqlite import MIGRATIONS_DIR, migration_files
from bot.storage.sqlite import SqliteDatabase as Database


async def test_migrates_a_new_file_and_records_the_version(tmp_path):
    path = tmp_path / "bot.db"
    database = await Database.open(path)
    latest = len(migration_files(MIGRATIONS_DIR))
    assert await database.schema_version() == latest
    await database.close()

    with sqlite3.connect(path) as conn:
        rows = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        tables = {row[0] for row in rows}
        versions = [row[0] for row in conn.execute("SELECT version FROM schema_migrations")]
        mode = conn.execute("PRAGMA journal_mode").fetchone()[0]
    assert {"reminders", "deliveries", "members", "guild_settings", "audit_log"} <= tables
    assert versions == list(range(1, latest + 1))
    assert mode == "wal"


async def test_reopening_applies_nothing_twice(tmp_path):
    path = tmp_path / "bot.db"
    first = await Database.open(path)
    await BotStateStore(first).set("k", "v")
    await first.close()
    second = await Database.open(path)
    assert await BotStateStore(second).get("k") == "v"
    assert await second.migrate() == len(migration_files(MIGRATIONS_DIR))
    await second.close()


async def test_a_failed_transaction_leaves_nothing(tmp_path):
    database = await Database.open(tmp_path / "bot.db")
    with pytest.raises(RuntimeError):
        async with database.transaction() as conn:
            await conn.execute("INSERT INTO bot_state (key, value) VALUES ('a', '1')")
            raise RuntimeError("boom")
    assert await BotStateStore(database).get("a") is None
    await database.close()


async def test_a_second_process_on_the_same_file_is_refused_until_the_first_closes(tmp_path):
    path = tmp_path / "bot.db"
    first = await Database.open(path)
    try:
        # a second open holds its own descriptor, as a second process would
        with pytest.raises(DatabaseError, match="in use by another running bot") as refused:
            await Database.open(path)
        assert "\n" not in str(refused.value) and "DATABASE_URL" in str(refused.value)
        await BotStateStore(first).set("still", "works")  # the refusal left the first alone
    finally:
        await first.close()
    second = await Database.open(path)  # closing released the lock
    assert await BotStateStore(second).get("still") == "works"
    await second.close()


async def test_not_a_database_is_a_clear_error(tmp_path):
    path = tmp_path / "bot.db"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(DatabaseError, match="cannot use database file"):
        await Database.open(path)


async def test_guild_settings_write_through_with_audit(tmp_path):
    database = await Database.open(tmp_path / "bot.db")
    cache = GuildConfigCache(GuildSettingsStore(database), now=lambda: 1_700_000_000)
    learn = Toggle("learn", "features.learn")
    quickcheck = Toggle("quickcheck", "features.quickcheck")
    with pytest.raises(KeyError, match="feature_learn"):  # no loaded feature declared it
        await cache.set(1, 42, {"feature_learn": "off"})
    cache.toggles = (learn, quickcheck)
    changes = await cache.set(1, 42, {"region": "uk", "feature_learn": "off"})
    assert changes == {"region": (None, "uk"), "feature_learn": (None, "off")}
    config = await cache.get(1)
    assert config.region == "uk"
    assert not config.enabled(learn)
    assert config.enabled(quickcheck)

    # a fresh cache reads what was written
    fresh = GuildConfigCache(GuildSettingsStore(database), now=lambda: 0)
    assert (await fresh.get(1)).region == "uk"
    audit = await fresh.recent_changes(1)
    assert {(a.setting, a.old_value, a.new_value) for a in audit} == {
        ("region", None, "uk"),
        ("feature_learn", None, "off"),
    }
    assert await cache.set(1, 42, {"region": "uk"}) == {}

    async with database.transaction() as tx:
        await cache.reset(1, 42, tx)
    assert (await cache.get(1)).region is None
    async with database.transaction() as tx:
        await cache.forget(1, tx)
    assert await cache.recent_changes(1) == []
    await database.close()


async def test_reads_take_the_read_only_connection_and_wait_out_a_busy_file(tmp_path):
    """A read outside a transaction can't write; told the file is busy, it is read again in
    the writer's thread (which waits for the file) instead of failing."""
    path = tmp_path / "bot.db"
    database = await Database.open(path)
    state = BotStateStore(database)
    await state.set("k", "v")
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        await database.fetch_all("INSERT INTO bot_state (key, value) VALUES ('x', 'y')")

    class Busy:
        def execute(self, sql, params):
            error = sqlite3.OperationalError("database is locked")
            error.sqlite_errorcode = sqlite3.SQLITE_BUSY
            raise error

        def close(self):
            reader.close()

    reader, database._reader = database._reader, Busy()
    try:
        assert await state.get("k") == "v"
    finally:
        await database.close()
