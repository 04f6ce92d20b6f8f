"""The stores tier's fixture: the stores on a fresh database, each backend in turn."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.storage import Stores, open_database


@pytest.fixture
async def stores(database_target: Path | str) -> AsyncIterator[Stores]:
    """Every store over one database: a SQLite file, then a PostgreSQL schema."""
    database = await open_database(database_target)
    yield Stores(database)
    await database.close()


@pytest.hookimpl(tryfirst=True)  # before the parametrize marks and fixture params are spread
def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """A module marked `sqlite_only` runs its database tests on SQLite alone."""
    marked = metafunc.definition.get_closest_marker("sqlite_only")
    if marked and "database_target" in metafunc.fixturenames:
        sqlite = pytest.mark.parametrize("database_target", ["sqlite"], indirect=True)
        metafunc.definition.add_marker(sqlite)
