"""A local Discord for end-to-end tests: the world (world.py), REST routes (rest.py), the
gateway (gateway.py), interactions (interactions.py, places.py) and a driver playing Discord's
users (driver.py), put together by `FakeDiscord` (server.py); Discord's numbers are named in
constants.py and its body limits checked in limits.py."""

from tests.localdiscord.server import FakeDiscord

__all__ = ["FakeDiscord"]
