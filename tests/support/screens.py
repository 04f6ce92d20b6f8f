"""Pictures of the playground for the README, taken by the browser tests."""

from __future__ import annotations

import os
from pathlib import Path

from playwright.async_api import Locator, Page

IMAGES = Path(__file__).resolve().parents[2] / "docs" / "images"
SAVE_IMAGES = os.environ.get("SAVE_SCREENSHOTS") == "1"
"""The README's pictures are retaken only on request (`SAVE_SCREENSHOTS=1`), so a test run
leaves the checkout as it found it; otherwise each picture is still taken, into memory."""


async def screenshot(page: Page, name: str, top: Locator | None = None) -> None:
    """A picture for the README, at a laptop's size; `top` is scrolled to the top first."""
    if top is not None:
        await top.evaluate(
            "element => { const log = element.closest('.log');"
            " log.scrollTop = element.offsetTop - 8; }"
        )
    if not SAVE_IMAGES:
        await page.screenshot()
        return
    IMAGES.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=IMAGES / f"playground-{name}.png")
