"""Typed per-server settings with defaults, cached for reads; a write drops the cached copy."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bot.storage import AuditEntry, Changes, GuildSettingsChanged, GuildSettingsStore, Transaction

CORE_KEYS = ("region", "booking_link", "disclaimer", "log_channel_id")
FEATURE_PREFIX = "feature_"


@dataclass(frozen=True)
class Toggle:
    """A feature moderators can turn off for their server, declared once by the feature's own
    cog: `name` is the /config feature value and names the stored setting, `label_key` the text
    naming the feature in "turned off" answers."""

    name: str
    label_key: str

    @property
    def setting(self) -> str:
        return f"{FEATURE_PREFIX}{self.name}"

    @property
    def display_name(self) -> str:
        """How /config names it: its choice and its line in /config show."""
        return self.name.replace("_", " ")


@dataclass(frozen=True)
class GuildConfig:
    """A server's settings; anything a moderator never set takes its default here."""

    region: str | None = None
    booking_link: str | None = None
    disclaimer: str | None = None
    log_channel_id: int | None = None
    disabled_features: frozenset[str] = frozenset()
    """The names of the features turned off."""

    @classmethod
    def from_raw(cls, raw: dict[str, str]) -> GuildConfig:
        log_channel = raw.get("log_channel_id")
        return cls(
            region=raw.get("region"),
            booking_link=raw.get("booking_link"),
            disclaimer=raw.get("disclaimer"),
            log_channel_id=int(log_channel) if log_channel else None,
            disabled_features=frozenset(
                key.removeprefix(FEATURE_PREFIX)
                for key, value in raw.items()
                if key.startswith(FEATURE_PREFIX) and value == "off"
            ),
        )

    def enabled(self, toggle: Toggle) -> bool:
        return toggle.name not in self.disabled_features


DEFAULTS = GuildConfig()


class GuildConfigCache:
    """Reads hit memory after the first load; writes go to the store, whose announcement of
    the change (from this process or, with a shared backend, another) drops the cached copy."""

    def __init__(self, store: GuildSettingsStore, now: Callable[[], int]) -> None:
        self.store = store
        self.toggles: tuple[Toggle, ...] = ()
        """The loaded features moderators can turn off, by name: the client sets them once
        every extension is loaded. Each one's setting may be written."""
        self._now = now
        self._configs: dict[int, GuildConfig] = {}
        self._generation = 0
        store.changes.subscribe(self._invalidate)

    def _invalidate(self, event: GuildSettingsChanged) -> None:
        if event.guild_id is None:
            self._configs.clear()
        else:
            self._configs.pop(event.guild_id, None)
        self._generation += 1

    async def get(self, guild_id: int | None) -> GuildConfig:
        """The server's settings, read once and then kept parsed (every command asks)."""
        if guild_id is None:
            return DEFAULTS
        cached = self._configs.get(guild_id)
        if cached is None:
            generation = self._generation
            cached = GuildConfig.from_raw(await self.store.load(guild_id))
            # a change committed while this was loading makes what was read stale: don't keep it
            if generation == self._generation:
                self._configs[guild_id] = cached
        return cached

    async def set(self, guild_id: int, moderator_id: int, values: dict[str, str | None]) -> Changes:
        """Store the changed keys (None clears one) with their audit rows; returns old -> new."""
        unknown = set(values) - {*CORE_KEYS, *(toggle.setting for toggle in self.toggles)}
        if unknown:
            raise KeyError(f"unknown settings: {sorted(unknown)}")
        return await self.store.change(guild_id, moderator_id, values, self._now())

    async def reset(self, guild_id: int, moderator_id: int, tx: Transaction) -> Changes:
        """Every setting back to its default, in `tx`: every feature's own settings reset
        with them."""
        return await self.store.reset(tx, guild_id, moderator_id, self._now())

    async def recent_changes(self, guild_id: int, limit: int = 5) -> list[AuditEntry]:
        return await self.store.recent_changes(guild_id, limit)

    async def forget(self, guild_id: int, tx: Transaction) -> None:
        """The bot left the server: its settings and audit trail go, in `tx` with every
        feature's data about it."""
        await self.store.forget_guild(tx, guild_id)
