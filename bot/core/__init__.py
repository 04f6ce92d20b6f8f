"""The core: the client, settings, per-server config, feature contracts, errors,
leadership, shards, pacing, the sorting of Discord's errors and every reach into
discord.py's internals. May import Discord, health, scheduling, pictures, content and
storage; never ui or a cog."""
