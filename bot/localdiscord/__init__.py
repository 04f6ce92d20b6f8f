"""A local Discord on 127.0.0.1 that the real, unmodified discord.py client connects to, for
the playground and the end-to-end tests: the world (world.py), REST routes (rest.py), the
gateway (gateway.py), interactions (interactions.py, places.py) and a driver playing Discord's
users (driver.py), put together by `FakeDiscord` (server.py), which a caller subscribes to for
what the bot sends as it happens; Discord's numbers are named in constants.py and its body
limits checked in limits.py. It imports nothing of the bot's."""

from .server import FakeDiscord

__all__ = ["FakeDiscord"]
