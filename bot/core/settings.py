"""Settings read from the environment (and `.env`), validated before the bot connects."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from bot.core.logs import LOG_FORMATS

PACKAGE_DIR = Path(__file__).resolve().parent.parent  # bot/, this file is in bot/core
# relative to the directory the bot is started from, like .env: an installed bot never writes
# into its own package
DEFAULT_DATABASE_PATH = Path("data") / "sciatica.db"


def _bundled_data_dir() -> Path:
    """The content files: inside the package when installed, data/ beside bot/ in a checkout."""
    installed = PACKAGE_DIR / "data"
    return installed if (installed / "topics.toml").is_file() else PACKAGE_DIR.parent / "data"


DEFAULT_DATA_DIR = _bundled_data_dir()

_TOKEN_SHAPE = re.compile(r"^[A-Za-z0-9_.\-]{10,200}$")
_LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
MAX_SHARDS = 1024


class ConfigError(Exception):
    """Settings are missing or malformed; each problem names its setting."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Settings:
    token: str
    database_path: Path
    dev_guild_id: int | None
    log_level: str
    api_base: str | None
    max_reminders_per_member: int
    send_rate_per_second: float
    shard_count: int | None = None
    shard_ids: tuple[int, ...] | None = None
    data_dir: Path = DEFAULT_DATA_DIR
    database_url: str | None = None
    """A PostgreSQL database (several processes may share it); None: the SQLite file."""
    log_format: str = "text"
    ops_port: int | None = None
    """Where /healthz, /readyz and /metrics listen (0: any free port); None: not at all."""
    ops_host: str = "127.0.0.1"

    def __repr__(self) -> str:  # never let the token (or a database password) reach a log line
        where = "postgresql" if self.database_url else str(self.database_path)
        return f"Settings(database={where}, dev_guild_id={self.dev_guild_id})"

    @property
    def database(self) -> Path | str:
        """What to open: the PostgreSQL URL when one is set, else the SQLite file."""
        return self.database_url or self.database_path


def load_settings(env: Mapping[str, str]) -> Settings:
    """Build Settings from an environment mapping, or raise ConfigError naming every bad value."""
    problems: list[str] = []
    token = env.get("DISCORD_TOKEN", "").strip()
    if not token:
        problems.append("DISCORD_TOKEN is not set")
    elif not _TOKEN_SHAPE.match(token):
        problems.append("DISCORD_TOKEN does not look like a bot token")

    log_level = env.get("LOG_LEVEL", "INFO").strip().upper() or "INFO"
    if log_level not in _LOG_LEVELS:
        problems.append(f"LOG_LEVEL must be one of {', '.join(_LOG_LEVELS)}")

    log_format = env.get("LOG_FORMAT", "text").strip().lower() or "text"
    if log_format not in LOG_FORMATS:
        problems.append(f"LOG_FORMAT must be one of {', '.join(LOG_FORMATS)}")

    api_base = env.get("DISCORD_API_BASE", "").strip().rstrip("/") or None
    if api_base is not None and not re.match(r"^https?://[^\s/]+(/\S*)?$", api_base):
        problems.append(
            "DISCORD_API_BASE must be an http(s) URL such as https://proxy.example/api/v10"
        )

    url = database_url(env, "DATABASE_URL", problems)
    dev_guild_id = _optional_snowflake(env, "DEV_GUILD_ID", problems)
    max_reminders = _int_in_range(env, "MAX_REMINDERS_PER_MEMBER", 10, 1, 100, problems)
    send_rate = _int_in_range(env, "SEND_RATE_PER_SECOND", 40, 2, 1000, problems)
    shard_count, shard_ids = _shards(env, problems)
    ops_port = (
        _int_in_range(env, "OPS_PORT", 0, 0, 65535, problems)
        if env.get("OPS_PORT", "").strip()
        else None
    )
    ops_host = env.get("OPS_HOST", "").strip() or "127.0.0.1"
    if not re.match(r"^[\w.:-]+$", ops_host):
        problems.append("OPS_HOST must be an address or host name such as 127.0.0.1 or 0.0.0.0")
    if problems:
        raise ConfigError(problems)
    return Settings(
        token=token,
        database_path=database_path(env),
        database_url=url,
        dev_guild_id=dev_guild_id,
        log_level=log_level,
        log_format=log_format,
        api_base=api_base,
        max_reminders_per_member=max_reminders,
        send_rate_per_second=float(send_rate),
        shard_count=shard_count,
        shard_ids=shard_ids,
        ops_port=ops_port,
        ops_host=ops_host,
    )


def database_path(env: Mapping[str, str]) -> Path:
    database = env.get("DATABASE_PATH", "").strip()
    return Path(database) if database else DEFAULT_DATABASE_PATH


def database_url(
    env: Mapping[str, str], name: str = "DATABASE_URL", problems: list[str] | None = None
) -> str | None:
    """A postgresql:// URL, or None when the setting is empty (SQLite then); a malformed one
    is added to `problems` (raised at once without a list)."""
    raw = env.get(name, "").strip()
    if not raw:
        return None
    if not re.match(r"^postgres(ql)?://\S+$", raw):
        problem = f"{name} must be a PostgreSQL URL such as postgresql://user@host/db"
        if problems is None:
            raise ConfigError([problem])
        problems.append(problem)
        return None
    return raw


def _shards(
    env: Mapping[str, str], problems: list[str]
) -> tuple[int | None, tuple[int, ...] | None]:
    """SHARD_COUNT alone runs every shard here; SHARD_IDS picks this process's share of them."""
    raw_count = env.get("SHARD_COUNT", "").strip()
    raw_ids = env.get("SHARD_IDS", "").strip()
    before = len(problems)
    count = _int_in_range(env, "SHARD_COUNT", 0, 1, MAX_SHARDS, problems) if raw_count else None
    if len(problems) > before:
        return None, None
    if not raw_ids:
        return count, None
    if count is None:
        problems.append("SHARD_IDS needs SHARD_COUNT (the total number of shards) as well")
        return None, None
    parts = [part.strip() for part in raw_ids.split(",")]
    if not all(part.isdigit() and int(part) < count for part in parts):
        problems.append(
            f"SHARD_IDS must be shard numbers from 0 to {count - 1} separated by commas, "
            "such as 0,1"
        )
        return None, None
    ids = tuple(int(part) for part in parts)
    if len(set(ids)) != len(ids):
        problems.append("SHARD_IDS lists a shard more than once")
        return None, None
    return count, ids


def _optional_snowflake(env: Mapping[str, str], name: str, problems: list[str]) -> int | None:
    raw = env.get(name, "").strip()
    if not raw:
        return None
    if not raw.isdigit() or not 15 <= len(raw) <= 21:
        problems.append(f"{name} must be a server ID (a 17-20 digit number)")
        return None
    return int(raw)


def _int_in_range(
    env: Mapping[str, str], name: str, default: int, low: int, high: int, problems: list[str]
) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or not low <= int(raw) <= high:
        problems.append(f"{name} must be a whole number from {low} to {high}")
        return default
    return int(raw)
