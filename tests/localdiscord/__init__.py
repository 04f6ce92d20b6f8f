"""A local fake Discord for end-to-end tests (REST + gateway + a driver playing users)."""

from tests.localdiscord.server import FakeDiscord

__all__ = ["FakeDiscord"]
