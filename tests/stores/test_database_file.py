"""The SQLite file at DATABASE_PATH must stay the one open: once it is deleted or replaced, no
write goes into the lost file, and what it held is saved without touching a file put there."""

import hashlib
import sqlite3

import pytest

from bot.storage import DatabaseError, SqliteDatabase


async def test_a_replaced_file_refuses_writes_and_is_left_alone(tmp_path):
    path = tmp_path / "bot.db"
    database = await SqliteDatabase.open(path)
    await database.execute("INSERT INTO bot_state (key, value) VALUES ('kept', 'yes')")
    other = tmp_path / "restored-backup.db"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE something_else (x)")
    other.replace(path)  # an operator moves another database into place
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    with pytest.raises(DatabaseError, match="was replaced while the bot ran"):
        await database.execute("INSERT INTO bot_state (key, value) VALUES ('lost', 'no')")
    assert database.file.lost.is_set()
    copy = await database.save_open_copy()
    await database.close()
    assert database.file.saved_to == copy != path
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before
    with sqlite3.connect(copy) as conn:
        assert conn.execute("SELECT key FROM bot_state").fetchall() == [("kept",)]


async def test_reads_and_writes_go_on_while_the_file_is_the_same(tmp_path):
    database = await SqliteDatabase.open(tmp_path / "bot.db")
    try:
        for number in range(3):
            await database.execute(
                "INSERT INTO bot_state (key, value) VALUES (?, 'x')", (f"k{number}",)
            )
        assert database.file.check() is None
        assert not database.file.lost.is_set()
    finally:
        await database.close()
    assert database.file.saved_to is None
