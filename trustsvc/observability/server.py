"""A worker's `/metrics` endpoint: a tiny aiohttp server on the worker's own event loop.

prometheus_client's `start_http_server` would serve from a thread, but the queue depth is
an async database query, and answering it from another thread would mean a second engine
or a blocking hop back onto the loop. On the loop, a scrape is one more coroutine, and the
server stops with the worker. aiohttp is already a dependency (the probes' HTTP client).
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Callable
from datetime import datetime

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from trustsvc.observability.metrics import CONTENT_TYPE, Metrics
from trustsvc.observability.scrape import scrape


@contextlib.asynccontextmanager
async def metrics_server(
    metrics: Metrics,
    sessions: async_sessionmaker[AsyncSession],
    clock: Callable[[], datetime],
    *,
    host: str,
    port: int,
) -> AsyncIterator[tuple[str, int]]:
    """Serve `GET /metrics` on host:port until exit; yields the bound address (port 0 picks)."""

    async def handle(_request: web.Request) -> web.Response:
        body = await scrape(metrics, sessions, clock)
        return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE})

    app = web.Application()
    app.router.add_get("/metrics", handle)
    runner = web.AppRunner(app, access_log=None, handle_signals=False)
    await runner.setup()
    try:
        site = web.TCPSite(runner, host, port)
        await site.start()
        bound = runner.addresses[0]
        yield str(bound[0]), int(bound[1])
    finally:
        await runner.cleanup()
