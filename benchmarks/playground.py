"""The playground as a person starts it: time to its ready line and to a served page, and its
memory at rest and after a session of commands sent through the page's WebSocket.

    python -m benchmarks.playground [--runs 3] [--commands 30]

Each run is a fresh `python -m bot playground --port 0` process (temporary database).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import signal
import statistics
import sys
import time

import aiohttp

from benchmarks.delivery import process_figures
from tests.support.helpers import process_env

SESSION = [
    "/sciatica overview",
    "/quickcheck",
    "/reminders stretch time:8:00 days:every day timezone:London",
    "/stretch routine",
    "/reminders list",
    "/about",
    "/help",
    "/progress",
]


async def one_run(commands: int) -> dict[str, float]:
    started = time.monotonic()
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        *("-m", "bot", "playground", "--port", "0"),
        env=process_env(),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.DEVNULL,
    )
    assert process.stdout is not None
    try:
        line = (await process.stdout.readline()).decode()
        ready = time.monotonic() - started
        [address] = re.findall(r"http://127\.0\.0\.1:\d+/", line)
        async with aiohttp.ClientSession() as http:
            async with http.get(address) as response:
                await response.read()
            page = time.monotonic() - started
            _, rest_mb, _ = process_figures(process.pid)
            async with http.ws_connect(f"{address}ws?as=member") as socket:
                for number in range(commands):
                    text = SESSION[number % len(SESSION)]
                    await socket.send_str(json.dumps({"type": "send", "text": text}))
                    async with asyncio.timeout(15):
                        while json.loads((await socket.receive()).data).get("type") != "entry":
                            pass
        cpu, busy_mb, peak_mb = process_figures(process.pid)
    finally:
        process.send_signal(signal.SIGTERM)
        await process.wait()
    return {
        "ready_s": ready,
        "page_s": page,
        "rest_mb": rest_mb,
        "busy_mb": busy_mb,
        "peak_mb": peak_mb,
        "cpu_s": cpu,
    }


async def main(runs: int, commands: int) -> None:
    results = [await one_run(commands) for _ in range(runs)]
    print(f"playground: {runs} fresh processes, {commands} commands each")
    for key, label in (
        ("ready_s", "to the ready line (s)"),
        ("page_s", "to the first page served (s)"),
        ("rest_mb", "resident at rest (MB)"),
        ("busy_mb", f"resident after {commands} commands (MB)"),
        ("peak_mb", "peak resident (MB)"),
        ("cpu_s", "CPU used in all (s)"),
    ):
        values = [result[key] for result in results]
        print(f"  {label:<36} median {statistics.median(values):6.2f}  max {max(values):6.2f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--commands", type=int, default=30)
    arguments = parser.parse_args()
    asyncio.run(main(arguments.runs, arguments.commands))
