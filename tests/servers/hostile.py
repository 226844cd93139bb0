"""Hostile HTTP peers on 127.0.0.1 for the SafeHttp and MCP client tests (aiohttp.web).

One app serves every misbehaviour at its own path, on two ports so a second origin exists
without a second host name. It runs in the test's own event loop, records every request it
receives (`seen`), and bounds every handler so nothing outlives the test by much. Private
addresses (10.0.0.1) appear only in Location headers and `endpoint` events: the client must
refuse them before connecting, and nothing here ever connects anywhere.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from dataclasses import dataclass, field
from types import TracebackType
from typing import Self

from aiohttp import web
from aiohttp.typedefs import Handler

from tests.servers.fake_mcp import ToolCatalogue, reply

HOST = "127.0.0.1"
PRIVATE_URL = "http://10.0.0.1/mcp"
_DRIP_INTERVAL_S = 0.1
_HANDLER_LIMIT_S = 20.0
CATALOGUES = {
    "honest": ToolCatalogue(),
    "many": ToolCatalogue(count=5000, page_size=100),
    "huge": ToolCatalogue(count=1, description_bytes=512 * 1024),
    "cursor-loop": ToolCatalogue(count=3, page_size=3, loop_cursor=True),
}


@dataclass(frozen=True, slots=True, kw_only=True)
class Seen:
    """One request a hostile server received."""

    port: int
    method: str
    path: str
    headers: dict[str, str]


@dataclass(kw_only=True)
class HostileServer:
    """Start with `async with HostileServer() as server`; `url(path)` names a scenario."""

    seen: list[Seen] = field(default_factory=list)
    ports: list[int] = field(default_factory=list)
    _streams: dict[str, asyncio.Queue[object]] = field(default_factory=dict)
    _runner: web.AppRunner | None = None

    def url(self, path: str, *, other: bool = False) -> str:
        """The URL of a path on the main origin, or on the second one (another port)."""
        return f"http://{HOST}:{self.ports[1 if other else 0]}{path}"

    async def __aenter__(self) -> Self:
        app = web.Application(middlewares=[self._record])
        app.add_routes(
            [
                web.route("*", "/slow-drip", _slow_drip),
                web.route("*", "/endless-sse", _endless_sse),
                web.post("/invalid-json", _invalid_json),
                web.route("*", "/wrong-type", _wrong_type),
                web.route("*", "/redirect-loop", _redirect_to("/redirect-loop")),
                web.route("*", "/redirect-private", _redirect_to(PRIVATE_URL)),
                web.route("*", "/headers", _headers),
                web.route("*", "/redirect-other", self._redirect_other),
                web.post("/mcp/{scenario}", _fake_mcp),
                web.get("/legacy/{kind}", self._legacy_stream),
                web.post("/legacy-messages", self._legacy_message),
            ]
        )
        self._runner = web.AppRunner(app, shutdown_timeout=0.5, handle_signals=False)
        await self._runner.setup()
        for _ in range(2):
            site = web.TCPSite(self._runner, HOST, 0)
            await site.start()
            server = site._server
            assert server is not None
            self.ports.append(int(server.sockets[0].getsockname()[1]))  # type: ignore[attr-defined]
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        for queue in self._streams.values():
            queue.put_nowait(None)
        if self._runner is not None:
            await self._runner.cleanup()

    @web.middleware
    async def _record(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        port = request.transport.get_extra_info("sockname")[1] if request.transport else 0
        headers = {name.lower(): value for name, value in request.headers.items()}
        self.seen.append(Seen(port=port, method=request.method, path=request.path, headers=headers))
        response: web.StreamResponse = await handler(request)
        return response

    async def _redirect_other(self, _request: web.Request) -> web.Response:
        raise web.HTTPTemporaryRedirect(self.url("/headers", other=True))

    async def _legacy_stream(self, request: web.Request) -> web.StreamResponse:
        """2024-11-05 GET stream whose `endpoint` event points where the scenario says."""
        session = uuid.uuid4().hex
        queue: asyncio.Queue[object] = asyncio.Queue()
        self._streams[session] = queue
        endpoint = {
            "foreign": self.url(f"/legacy-messages?session={session}", other=True),
            "private": f"http://10.0.0.1/messages?session={session}",
            "scheme": "file:///etc/passwd",
        }[request.match_info["kind"]]
        response = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
        await response.prepare(request)
        await response.write(f"event: endpoint\ndata: {endpoint}\n\n".encode())
        async with asyncio.timeout(_HANDLER_LIMIT_S):
            while (message := await queue.get()) is not None:
                await response.write(f"event: message\ndata: {json.dumps(message)}\n\n".encode())
        return response

    async def _legacy_message(self, request: web.Request) -> web.Response:
        queue = self._streams.get(request.query.get("session", ""))
        if queue is None:
            return web.Response(status=404)
        answer = reply(await request.json(), CATALOGUES["honest"], version="2024-11-05")
        if answer is not None:
            queue.put_nowait(answer)
        return web.Response(status=202, text="Accepted")


async def _slow_drip(request: web.Request) -> web.StreamResponse:
    """Headers at once, then one byte per tick: each read is within the idle timeout."""
    response = web.StreamResponse(headers={"Content-Type": "application/json"})
    await response.prepare(request)
    async with asyncio.timeout(_HANDLER_LIMIT_S):
        while True:
            await response.write(b" ")
            await asyncio.sleep(_DRIP_INTERVAL_S)


async def _endless_sse(request: web.Request) -> web.StreamResponse:
    """An SSE stream of notifications that never carries a reply (or an endpoint event)."""
    response = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
    await response.prepare(request)
    note = json.dumps({"jsonrpc": "2.0", "method": "notifications/message", "params": "x" * 1000})
    async with asyncio.timeout(_HANDLER_LIMIT_S):
        while True:
            await response.write(f"event: message\ndata: {note}\n\n".encode())
            await asyncio.sleep(0.001)


async def _invalid_json(request: web.Request) -> web.Response:
    return web.Response(
        body=b'{"jsonrpc": "2.0", "id": 1, "result": {', content_type="application/json"
    )


async def _wrong_type(request: web.Request) -> web.Response:
    return web.Response(text="<html><body>Welcome</body></html>", content_type="text/html")


def _redirect_to(location: str) -> Handler:
    async def handler(request: web.Request) -> web.Response:
        raise web.HTTPFound(location)

    return handler


async def _headers(request: web.Request) -> web.Response:
    return web.json_response(sorted(name.lower() for name in request.headers))


async def _fake_mcp(request: web.Request) -> web.Response:
    """A stateless-era MCP endpoint serving one of CATALOGUES."""
    catalogue = CATALOGUES[request.match_info["scenario"]]
    answer = reply(await request.json(), catalogue)
    if answer is None:
        return web.Response(status=202)
    return web.json_response(answer)
