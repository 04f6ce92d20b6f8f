"""A process that takes the dispatcher's lead on a PostgreSQL database and holds it until it
is killed, for the takeover test (`python -m tests.support.lead_holder URL`): it prints one line,
`leading` or `not leading`, then waits."""

from __future__ import annotations

import asyncio
import sys

from bot.storage import PostgresDatabase


async def hold(url: str) -> None:
    database = await PostgresDatabase.open(url)
    lead = await database.try_lead("dispatcher")
    print("leading" if lead is not None else "not leading", flush=True)
    await asyncio.Event().wait()


if __name__ == "__main__":
    asyncio.run(hold(sys.argv[1]))
