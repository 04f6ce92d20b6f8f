"""SIGTERM to a real `python -m bot` process while a member's button press is being handled:
the press is answered before the bot closes its connections, an interaction arriving meanwhile
is told the bot is restarting, and nothing fails in the log."""

import asyncio
import signal
import sqlite3
import time

from tests.support.actions import create_stretch
from tests.support.helpers import BotProcess, bot_env


async def test_sigterm_during_a_button_press_lets_it_answer_then_stops_cleanly(
    discord_server, world, tmp_path
):
    path = tmp_path / "bot.db"
    process = BotProcess(bot_env(discord_server, path), cwd=tmp_path)
    await process.start()
    holder = sqlite3.connect(path, isolation_level=None, timeout=10)
    try:
        await discord_server.wait_until_ready(timeout=30)
        await create_stretch(discord_server, world)
        ask = await discord_server.invoke(
            world.alice, "privacy delete", {}, guild_id=world.guild.id
        )
        await ask.response(timeout=5)
        # another program holds the write lock for a moment: the deletion the press starts
        # waits for it, so the press is still being handled when SIGTERM arrives
        holder.execute("BEGIN IMMEDIATE")
        pressed = await discord_server.click(world.alice, ask.message(), label="Delete everything")
        await asyncio.sleep(0.3)
        process.process.send_signal(signal.SIGTERM)
        signalled = time.monotonic()
        await asyncio.sleep(0.3)
        late = await discord_server.invoke(world.bob, "help", {}, guild_id=world.guild.id)
        declined = await late.response(timeout=3)
        await asyncio.sleep(0.5)
        holder.execute("ROLLBACK")
        answer = await pressed.response(timeout=3)
        code, log = await process.wait(timeout=15)
    finally:
        holder.close()
        process.kill()
    stopped = time.monotonic() - signalled
    print(f"\nSIGTERM during a button press: answered, then stopped {stopped:.1f} s after it")
    assert "everything I kept about you is deleted" in answer.content
    assert declined.ephemeral and "restarting" in declined.content
    assert code == 0, log
    assert "Traceback" not in log and "Session is closed" not in log, log
    assert "stopped cleanly" in log
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT COUNT(*) FROM reminders").fetchone() == (0,)
