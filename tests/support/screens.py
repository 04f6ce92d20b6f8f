"""Pictures of the playground for the README, taken by the browser tests."""

from __future__ import annotations

from pathlib import Path

from playwright.async_api import Locator, Page

IMAGES = Path(__file__).resolve().parents[2] / "docs" / "images"


async def screenshot(page: Page, name: str, top: Locator | None = None) -> None:
    """A picture for the README, at a laptop's size; `top` is scrolled to the top first."""
    if top is not None:
        await top.evaluate(
            "element => { const log = element.closest('.log');"
            " log.scrollTop = element.offsetTop - 8; }"
        )
    IMAGES.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=IMAGES / f"playground-{name}.png")
