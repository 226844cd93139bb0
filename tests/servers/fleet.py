"""Many MCP endpoints on one loopback port: every path answers as its own minimal server.

Built on the demo's lab responder (`trustsvc.lab.mcp`), served by aiohttp on 127.0.0.1 in the
test's own event loop. `delay_s` slows every answer so a scan lasts long enough to kill the
worker holding it. It records which paths were asked for `initialize`, so a test can tell
which endpoints a worker actually probed.
"""

from __future__ import annotations

import asyncio
import collections
from types import TracebackType
from typing import Self

from aiohttp import web

from trustsvc.lab.mcp import HONEST_TOOLS, answer_post

HOST = "127.0.0.1"


class McpFleet:
    """An aiohttp server answering MCP on any path; use `async with`."""

    def __init__(self, *, delay_s: float = 0.0) -> None:
        self.delay_s = delay_s
        self.initialized: collections.Counter[str] = collections.Counter()
        self._runner: web.AppRunner | None = None
        self.port = 0

    def url(self, index: int) -> str:
        """The URL of endpoint number `index`."""
        return f"http://{HOST}:{self.port}/mcp/{index:04d}"

    async def _post(self, request: web.Request) -> web.StreamResponse:
        raw = await request.read()
        if self.delay_s:
            await asyncio.sleep(self.delay_s)
        headers = {k.lower(): v for k, v in request.headers.items()}
        if b'"initialize"' in raw:
            self.initialized[request.path] += 1
        reply = answer_post(HONEST_TOOLS, headers, raw)
        if reply.body is None:
            return web.Response(status=reply.status, headers=reply.headers)
        return web.json_response(reply.body, status=reply.status, headers=reply.headers)

    async def _other(self, request: web.Request) -> web.StreamResponse:
        del request
        return web.Response(status=405, headers={"Allow": "POST"})

    async def __aenter__(self) -> Self:
        app = web.Application()
        app.router.add_post("/{tail:.*}", self._post)
        app.router.add_route("*", "/{tail:.*}", self._other)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, HOST, 0)
        await site.start()
        self.port = int(self._runner.addresses[0][1])
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
