"""Loopback RDAP (aiohttp) and WHOIS (asyncio TCP, RFC 3912) servers with recorded answers."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from aiohttp import web

from tests.integration.domain_registration.documents import DOCUMENTS, WHOIS_ANSWER

RDAP_JSON = "application/rdap+json"
QUERIES = web.AppKey("queries", list[tuple[str, str]])
SLOW_S = 5.0


def _rdap(body: str, status: int = 200, content_type: str = RDAP_JSON) -> web.Response:
    return web.Response(text=body, status=status, content_type=content_type)


# Hostile or failing answers, by queried name; everything else is a recorded document or 404.
_CANNED: dict[str, Callable[[], web.Response]] = {
    "malformed.com": lambda: _rdap('{"objectClassName": "domain", "events": ['),
    "array.com": lambda: _rdap("[1, 2, 3]"),
    "html.com": lambda: _rdap("<html>maintenance</html>", content_type="text/html"),
    "huge.com": lambda: _rdap('{"x": "' + "a" * 200_000 + '"}'),
    "limited.com": lambda: web.Response(status=429, headers={"Retry-After": "60"}),
    "broken.com": lambda: _rdap('{"errorCode": 500}', status=500),
}


async def _truncated(request: web.Request) -> web.StreamResponse:
    """Promise 500 bytes, send 100, hang up."""
    response = web.StreamResponse(headers={"Content-Type": RDAP_JSON, "Content-Length": "500"})
    await response.prepare(request)
    await response.write(json.dumps(DOCUMENTS["old.com"]).encode()[:100])
    if request.transport is not None:
        request.transport.close()
    return response


async def _domain(request: web.Request) -> web.StreamResponse:
    name = request.match_info["name"].lower()
    request.app[QUERIES].append((name, request.headers.get("Accept", "")))
    if name == "slow.com":
        await asyncio.sleep(SLOW_S)
        name = "old.com"
    if name == "truncated.com":
        return await _truncated(request)
    if name in _CANNED:
        return _CANNED[name]()
    if name in DOCUMENTS:
        return web.json_response(DOCUMENTS[name], content_type=RDAP_JSON)
    return _rdap('{"errorCode": 404, "title": "Not Found"}', status=404)


@asynccontextmanager
async def rdap_server() -> AsyncIterator[tuple[str, list[tuple[str, str]]]]:
    """Serve `/domain/<name>`; yields the base URL and the (name, Accept) queries seen."""
    app = web.Application()
    queries: list[tuple[str, str]] = []
    app[QUERIES] = queries
    app.router.add_get("/domain/{name}", _domain)
    runner = web.AppRunner(app, shutdown_timeout=0.1)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        yield f"http://127.0.0.1:{port}/", queries
    finally:
        await runner.cleanup()


@asynccontextmanager
async def whois_server(answer: str = WHOIS_ANSWER) -> AsyncIterator[tuple[int, list[str]]]:
    """RFC 3912: read one query line, write the recorded answer, close; yields port and queries."""
    queries: list[str] = []

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        line = await reader.readline()
        queries.append(line.decode("ascii", "replace").strip())
        writer.write(answer.replace("\n", "\r\n").encode())
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        yield port, queries
    finally:
        server.close()
        await server.wait_closed()
