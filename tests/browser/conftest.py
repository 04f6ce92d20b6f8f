"""The playground in this event loop, and the system's Chromium looking at it (Playwright
drives it; it never downloads a browser of its own). The page may only ever ask 127.0.0.1."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

import pytest
from playwright.async_api import Page, ViewportSize, async_playwright

from bot.core.bundle import Content
from bot.playground.web import Playground

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LAPTOP = ViewportSize(width=1366, height=768)


@dataclass
class Running:
    playground: Playground
    address: str


@pytest.fixture
async def running(content: Content, tmp_path: Path) -> AsyncIterator[Running]:
    playground = Playground(content, tmp_path)
    address = await playground.start(port=0)
    try:
        yield Running(playground, address)
    finally:
        await playground.stop()


@pytest.fixture(scope="session")
def chromium() -> Path:
    if not CHROMIUM.is_file():
        pytest.fail(f"no Chromium at {CHROMIUM}: install the chromium package (.ci/run does)")
    return CHROMIUM


@pytest.fixture
async def page(running: Running, chromium: Path) -> AsyncIterator[Page]:
    asked: list[str] = []
    errors: list[str] = []
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(chromium), args=ARGS)
        context = await browser.new_context(viewport=LAPTOP)
        opened = await context.new_page()
        opened.on("request", lambda request: asked.append(request.url))
        opened.on("pageerror", lambda error: errors.append(str(error)))
        await opened.goto(running.address)
        try:
            yield opened
        finally:
            await browser.close()
    assert errors == [], "the page's script failed"
    elsewhere = [url for url in asked if urlparse(url).hostname != "127.0.0.1"]
    assert elsewhere == [], "the page asked for something outside this computer"


