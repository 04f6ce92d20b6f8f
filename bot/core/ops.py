"""The operator's HTTP endpoints on OPS_PORT, served from the bot's own event loop:

- `/healthz`: 200 whenever the process and its event loop answer (a liveness probe: restart
  the bot when it does not);
- `/readyz`: 200, or 503 with one reason a line (a shard's gateway is down, the database
  cannot be reached, the dispatcher is failing);
- `/metrics`: Prometheus's text format (bot.core.metrics).

It knows nothing of Discord: the bot hands it the readiness check and the exposition.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST

log = logging.getLogger("bot.ops")


class OpsPortError(Exception):
    """OPS_HOST:OPS_PORT cannot be listened on (in use, or not an address of this machine)."""


class OpsServer:
    def __init__(
        self,
        host: str,
        port: int,
        *,
        readiness: Callable[[], Awaitable[list[str]]],
        metrics: Callable[[], bytes],
    ) -> None:
        self.host = host
        self.port = port
        self._readiness = readiness
        self._metrics = metrics
        self._runner: web.AppRunner | None = None

    async def start(self) -> None:
        """Listen; with port 0 the system picks a free port, kept in `port`."""
        app = web.Application()
        app.router.add_get("/healthz", self._healthz)
        app.router.add_get("/readyz", self._readyz)
        app.router.add_get("/metrics", self._exposition)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        try:
            await site.start()
        except OSError as exc:
            await self._runner.cleanup()
            where = f"{self.host}:{self.port}"
            raise OpsPortError(f"cannot listen on {where} (OPS_HOST, OPS_PORT): {exc}") from exc
        self.port = int(self._runner.addresses[0][1])
        log.info(
            "health and metrics on http://%s:%d (/healthz, /readyz, /metrics)",
            self.host,
            self.port,
        )

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _healthz(self, request: web.Request) -> web.Response:
        return web.Response(text="ok\n")

    async def _readyz(self, request: web.Request) -> web.Response:
        problems = await self._readiness()
        if problems:
            return web.Response(status=503, text="".join(f"{p}\n" for p in problems))
        return web.Response(text="ready\n")

    async def _exposition(self, request: web.Request) -> web.Response:
        response = web.Response(body=self._metrics())
        response.headers["Content-Type"] = CONTENT_TYPE_LATEST
        return response
