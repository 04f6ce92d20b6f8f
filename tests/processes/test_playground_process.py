"""`python -m bot playground` as a person starts it: one line with the address, a page served
from the package alone, a clean stop; never with a real token about. And `dev.py run` picks
the playground only when no token is set."""

import asyncio
import re
import signal
import sys

import aiohttp

import dev
from tests.support.helpers import TOKEN, BotProcess, process_env


async def test_the_playground_serves_its_page_on_this_computer_and_stops_cleanly(tmp_path):
    data = tmp_path / "kept"
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "playground",
        "--port",
        "0",
        "--data",
        str(data),
        cwd=tmp_path,
        env=process_env(),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    assert process.stdout is not None
    try:
        async with asyncio.timeout(60):
            line = (await process.stdout.readline()).decode()
        [address] = re.findall(r"http://127\.0\.0\.1:\d+/", line)
        async with aiohttp.ClientSession() as http:
            async with http.get(address) as response:
                assert response.status == 200
                page = await response.text()
            assert 'aria-label="Command"' in page and 'aria-label="#general"' in page
            assets = re.findall(r'(?:src|href)="([^"?#]+)"', page)
            assert assets and all(asset.startswith("/static/") for asset in assets), assets
            for asset in set(assets):
                async with http.get(address + asset.lstrip("/")) as response:
                    assert response.status == 200, asset
            elsewhere = {"Origin": "https://example.com"}  # a page elsewhere may not drive it
            async with http.get(f"{address}ws?as=member", headers=elsewhere) as response:
                assert response.status == 403
        assert (data / "playground.db").is_file()  # the bot's own SQLite, where asked
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
        async with asyncio.timeout(20):
            await process.wait()
    assert process.returncode == 0


async def test_the_playground_will_not_run_with_a_discord_token_about(tmp_path):
    process = BotProcess(process_env(DISCORD_TOKEN=TOKEN), cwd=tmp_path, args=("playground",))
    await process.start()
    code, stderr = await process.wait()
    assert code == 2
    assert "DISCORD_TOKEN" in stderr and "Traceback" not in stderr


def test_dev_run_starts_the_playground_only_without_a_token(tmp_path, monkeypatch):
    monkeypatch.delenv("DISCORD_TOKEN", raising=False)
    monkeypatch.setattr(dev, "ROOT", tmp_path)
    assert not dev.has_token()
    (tmp_path / ".env").write_text("LOG_LEVEL=INFO\nDISCORD_TOKEN=\n")
    assert not dev.has_token()
    (tmp_path / ".env").write_text('export DISCORD_TOKEN="abc.def"\n')
    assert dev.has_token()
    (tmp_path / ".env").unlink()
    monkeypatch.setenv("DISCORD_TOKEN", "abc.def")
    assert dev.has_token()
