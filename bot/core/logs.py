"""Log output: readable text by default, or one JSON object per line (LOG_FORMAT=json) for log
shippers. Both carry only what the code put in the message; no feature logs what a member
typed, answered or scored, so neither format can."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from contextlib import nullcontext
from datetime import UTC, datetime
from typing import Any, TextIO

LOG_FORMATS = ("text", "json")
TEXT_FORMAT = "%(asctime)s %(levelname)-7s %(name)s: %(message)s"
_NO_LOCK = nullcontext()
BATCH_SECONDS = 0.05
"""How long a routine line made on the event loop may wait to be written with the next ones."""


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


class TextFormatter(logging.Formatter):
    """TEXT_FORMAT's lines, written out directly: the general formatter reads its format and
    formats the date afresh for each record, which cost every interaction's line."""

    def __init__(self) -> None:
        super().__init__(TEXT_FORMAT)
        self._second: tuple[int, str] = (-1, "")

    def format(self, record: logging.LogRecord) -> str:
        record.message = record.getMessage()
        second, stamp = self._second
        if int(record.created) != second:
            second = int(record.created)
            stamp = time.strftime("%Y-%m-%d %H:%M:%S", self.converter(record.created))
            self._second = (second, stamp)
        line = f"{stamp},{int(record.msecs):03d} {record.levelname:<7} {record.name}: "
        line += record.message
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        for extra in (record.exc_text, record.stack_info and self.formatStack(record.stack_info)):
            if extra:
                line = (line if line.endswith("\n") else line + "\n") + extra
        return line


class BatchingStreamHandler(logging.StreamHandler[TextIO]):
    """Routine lines made on the event loop are written together, at most BATCH_SECONDS later.

    Every interaction makes one line, and writing each at once cost a system call that wakes
    the log's reader while the next member waits. A warning or worse, a line from another
    thread or from outside a loop, and a flush (at exit too) write what waits first, in order.
    A process killed outright (SIGKILL) loses the routine lines of its last BATCH_SECONDS.
    """

    def __init__(self, stream: TextIO | None = None) -> None:
        super().__init__(stream)
        self._waiting: list[str] = []
        self._flush_on: asyncio.AbstractEventLoop | None = None

    def emit(self, record: logging.LogRecord) -> None:
        try:
            line = self.format(record) + self.terminator
        except Exception:
            self.handleError(record)
            return
        self._waiting.append(line)
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            loop = None
        if loop is None or record.levelno >= logging.WARNING:
            self._write_waiting(record)
        elif self._flush_on is not loop:
            self._flush_on = loop
            loop.call_later(BATCH_SECONDS, self._flush_batch)

    def flush(self) -> None:
        with self.lock or _NO_LOCK:
            self._write_waiting(None)
            super().flush()

    def _flush_batch(self) -> None:
        with self.lock or _NO_LOCK:
            self._flush_on = None
            self._write_waiting(None)

    def _write_waiting(self, record: logging.LogRecord | None) -> None:
        text, self._waiting = "".join(self._waiting), []
        if not text:
            return
        try:
            self.stream.write(text)
            self.stream.flush()
        except Exception:
            self.handleError(record or logging.makeLogRecord({"msg": "log lines"}))


def setup_logging(level: str, log_format: str = "text") -> None:
    """One format for every logger; discord.py's own loggers follow the same level (never
    DEBUG: there they print whole gateway payloads, what members typed included). No format
    shows the calling line, thread or process, so records don't look them up (the logging
    HOWTO's optimisations)."""
    logging.logThreads = False
    logging.logProcesses = False
    logging.logMultiprocessing = False
    logging._srcfile = None
    handler = BatchingStreamHandler()
    handler.setFormatter(
        JsonFormatter() if log_format == "json" else TextFormatter()
    )
    logging.basicConfig(level=level, handlers=[handler])
    logging.getLogger("discord").setLevel(max(logging.getLevelName(level), logging.INFO))


def flush_logs() -> None:
    """Write the log lines that wait, before a line printed straight to stderr follows them."""
    for handler in logging.getLogger().handlers:
        handler.flush()
