"""Log output: readable text by default, or one JSON object per line (LOG_FORMAT=json) for log
shippers. Both carry only what the code put in the message; no feature logs what a member
typed, answered or scored, so neither format can."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import Any

LOG_FORMATS = ("text", "json")
TEXT_FORMAT = "%(asctime)s %(levelname)-7s %(name)s: %(message)s"


class JsonFormatter(logging.Formatter):
    """time (UTC, ISO 8601), level, logger, message, and error_id, shard and traceback when
    the record has them (a log call gives the first two with `extra=`)."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for field in ("error_id", "shard"):
            value = getattr(record, field, None)
            if value is not None:
                entry[field] = value
        if record.exc_info:
            entry["traceback"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def setup_logging(level: str, log_format: str = "text") -> None:
    """One format for every logger; discord.py's own loggers follow the same level (never
    DEBUG: there they print whole gateway payloads, what members typed included)."""
    handler = logging.StreamHandler()
    handler.setFormatter(
        JsonFormatter() if log_format == "json" else logging.Formatter(TEXT_FORMAT)
    )
    logging.basicConfig(level=level, handlers=[handler])
    logging.getLogger("discord").setLevel(max(logging.getLevelName(level), logging.INFO))
