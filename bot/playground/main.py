"""`python -m bot playground [--port 8080] [--data DIR]`: the playground from the command line."""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import sys
import time
from pathlib import Path

from bot.core.bundle import Content
from bot.core.logs import flush_logs, setup_logging
from bot.core.settings import DEFAULT_DATA_DIR
from bot.playground.web import Playground


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bot playground",
        description="Try the bot in your browser: the real bot against a local Discord, "
        "on this computer only, with no Discord account or token.",
    )
    parser.add_argument("--port", type=int, default=8080, help="the page's port (default 8080)")
    parser.add_argument(
        "--data", type=Path, help="keep the playground's database here (default: a temporary one)"
    )
    started = time.monotonic()
    args = parser.parse_args(argv)
    if os.environ.get("DISCORD_TOKEN", "").strip():
        print(
            "sciatica-companion: the playground never talks to Discord, so it will not run with "
            "DISCORD_TOKEN set; unset it here, or use `python -m bot` to run against Discord.",
            file=sys.stderr,
        )
        return 2
    setup_logging(os.environ.get("LOG_LEVEL", "WARNING").upper())
    content = Content.load(DEFAULT_DATA_DIR)
    try:
        return asyncio.run(serve(content, args.port, args.data, started))
    except KeyboardInterrupt:
        return 0


async def serve(content: Content, port: int, data: Path | None, started: float) -> int:
    """Run until Ctrl+C or SIGTERM; `started` is when the command began, for the ready line."""
    playground = Playground(content, data)
    try:
        address = await playground.start(port)
    except OSError as exc:
        await playground.stop()
        flush_logs()
        print(
            f"sciatica-companion: cannot serve the playground on port {port}: {exc.strerror}"
            "; choose another with --port",
            file=sys.stderr,
        )
        return 2
    print(
        f"Sciatica Companion playground: open {address} in your browser "
        f"(ready in {time.monotonic() - started:.1f} s; Ctrl+C stops it)",
        flush=True,
    )
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stopping.set)
    await stopping.wait()
    await playground.stop()
    return 0
