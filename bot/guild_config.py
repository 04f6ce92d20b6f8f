"""Typed per-server settings with defaults, cached for reads and written through."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bot.database import AuditEntry, GuildSettingsStore

FEATURES = ("learn", "quickcheck", "reminders", "stretch_breaks")
SETTING_KEYS = (
    "region",
    "booking_link",
    "disclaimer",
    "log_channel_id",
    *(f"feature_{name}" for name in FEATURES),
)


@dataclass(frozen=True)
class GuildConfig:
    """A server's settings; anything a moderator never set takes its default here."""

    region: str | None = None
    booking_link: str | None = None
    disclaimer: str | None = None
    log_channel_id: int | None = None
    disabled_features: frozenset[str] = frozenset()

    @classmethod
    def from_raw(cls, raw: dict[str, str]) -> GuildConfig:
        log_channel = raw.get("log_channel_id")
        return cls(
            region=raw.get("region"),
            booking_link=raw.get("booking_link"),
            disclaimer=raw.get("disclaimer"),
            log_channel_id=int(log_channel) if log_channel else None,
            disabled_features=frozenset(
                name for name in FEATURES if raw.get(f"feature_{name}") == "off"
            ),
        )

    def enabled(self, feature: str) -> bool:
        return feature not in self.disabled_features


DEFAULTS = GuildConfig()


class GuildConfigCache:
    """Reads hit memory after the first load; every write goes to the database first."""

    def __init__(self, store: GuildSettingsStore, now: Callable[[], int]) -> None:
        self.store = store
        self._now = now
        self._raw: dict[int, dict[str, str]] = {}

    async def raw(self, guild_id: int) -> dict[str, str]:
        if guild_id not in self._raw:
            self._raw[guild_id] = await self.store.load(guild_id)
        return dict(self._raw[guild_id])

    async def get(self, guild_id: int | None) -> GuildConfig:
        if guild_id is None:
            return DEFAULTS
        return GuildConfig.from_raw(await self.raw(guild_id))

    async def set(
        self,
        guild_id: int,
        moderator_id: int,
        values: dict[str, str | None],
        *,
        drop_stretch_break: bool = False,
    ) -> dict[str, tuple[str | None, str | None]]:
        """Store the changed keys (None clears one) with their audit rows; returns old -> new."""
        unknown = set(values) - set(SETTING_KEYS)
        if unknown:
            raise KeyError(f"unknown settings: {sorted(unknown)}")
        current = await self.raw(guild_id)
        changes = {
            key: (current.get(key), value)
            for key, value in values.items()
            if current.get(key) != value
        }
        if changes or drop_stretch_break:
            await self.store.change(
                guild_id, moderator_id, changes, self._now(), drop_stretch_break=drop_stretch_break
            )
            for key, (_, new) in changes.items():
                if new is None:
                    current.pop(key, None)
                else:
                    current[key] = new
            self._raw[guild_id] = current
        return changes

    async def reset(
        self, guild_id: int, moderator_id: int
    ) -> dict[str, tuple[str | None, str | None]]:
        """Every setting back to its default, and the stretch break off, in one transaction."""
        current = await self.raw(guild_id)
        return await self.set(
            guild_id, moderator_id, dict.fromkeys(current), drop_stretch_break=True
        )

    async def recent_changes(self, guild_id: int, limit: int = 5) -> list[AuditEntry]:
        return await self.store.recent_changes(guild_id, limit)

    async def forget(self, guild_id: int) -> None:
        await self.store.forget_guild(guild_id)
        self._raw.pop(guild_id, None)
