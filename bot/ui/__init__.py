"""Shared Discord pieces the cogs are built from: views, embeds, autocomplete, checks,
where commands are offered, moderation, the stretch routine. May import core and
everything below it; never a cog."""
