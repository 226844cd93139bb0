"""A Server Card lab on 127.0.0.1: cards, catalogs and hostile documents, by host and path.

One aiohttp app answers for any number of host names (they all resolve to 127.0.0.1 through
`resolver`, a fake: nothing here asks the real DNS) and routes on the request's Host header
and path, so `mcp.acme.com`, `acme.com` and `cards.evil.io` are three origins on one port.
Documents are set per test (`serve`), everything else is 404, and every request is recorded.
`card_middleware` serves the same documents in front of an ASGI app (the SDK MCP server),
for the scans that need a live serverInfo.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, Self

from aiohttp import web
from starlette.types import ASGIApp, Receive, Scope, Send

HOST = "127.0.0.1"
CARD_TYPE = "application/mcp-server-card+json"
CARD_SCHEMA = "https://static.modelcontextprotocol.io/schemas/v1/server-card.schema.json"


@dataclass(frozen=True, slots=True, kw_only=True)
class Document:
    """One answer: status, content type, body, and extra headers (a Location, say)."""

    body: bytes = b""
    status: int = 200
    content_type: str = CARD_TYPE
    headers: Mapping[str, str] = field(default_factory=dict)
    hang: bool = False  # never answer (until the lab stops): a tarpit


def card(
    name: str, remotes: list[str], *, version: str = "1.0.0", repository: str | None = None
) -> dict[str, Any]:
    """A card of the extension's shape."""
    document: dict[str, Any] = {
        "$schema": CARD_SCHEMA,
        "name": name,
        "version": version,
        "description": "A lab server card",
        "remotes": [{"type": "streamable-http", "url": url} for url in remotes],
    }
    if repository is not None:
        document["repository"] = {"url": repository, "source": "github"}
    return document


def as_json(document: object, content_type: str = CARD_TYPE) -> Document:
    return Document(body=json.dumps(document).encode(), content_type=content_type)


def catalog(*entries: dict[str, Any]) -> Document:
    """An AI Catalog of these entries."""
    return as_json({"specVersion": "1.0", "entries": list(entries)}, "application/json")


def card_entry(url: str | None = None, data: object = None) -> dict[str, Any]:
    entry: dict[str, Any] = {"identifier": f"urn:air:lab:{url or 'inline'}", "type": CARD_TYPE}
    if data is not None:
        entry["data"] = data
    else:
        entry["url"] = url
    return entry


@dataclass(kw_only=True)
class CardLab:
    """`async with CardLab() as lab`; `lab.serve(host, path, document)`; `lab.url(host, path)`."""

    documents: dict[tuple[str, str], Document] = field(default_factory=dict)
    seen: list[tuple[str, str, str]] = field(default_factory=list)  # (host, path, accept)
    port: int = 0
    _runner: web.AppRunner | None = None
    _stopping: asyncio.Event = field(default_factory=asyncio.Event)

    def url(self, host: str, path: str) -> str:
        return f"http://{host}:{self.port}{path}"

    def serve(self, host: str, path: str, document: Document) -> None:
        self.documents[host, path] = document

    def paths(self, host: str) -> list[str]:
        return [path for seen_host, path, _ in self.seen if seen_host == host]

    async def resolver(self, host: str, port: int) -> list[str]:
        """Every lab name is 127.0.0.1 (the SafeHttp `resolver`)."""
        del host, port
        return [HOST]

    async def __aenter__(self) -> Self:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._answer)
        self._runner = web.AppRunner(app, shutdown_timeout=0.5, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, HOST, 0)
        await site.start()
        server = site._server
        assert server is not None
        self.port = int(server.sockets[0].getsockname()[1])  # type: ignore[attr-defined]
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._stopping.set()
        if self._runner is not None:
            await self._runner.cleanup()

    async def _answer(self, request: web.Request) -> web.StreamResponse:
        host = request.host.rsplit(":", 1)[0]
        self.seen.append((host, request.path, request.headers.get("Accept", "")))
        document = self.documents.get((host, request.path))
        if document is None:
            return web.Response(status=404, text="not found")
        if document.hang:
            await self._stopping.wait()
        return web.Response(
            status=document.status,
            body=document.body,
            headers={"Content-Type": document.content_type, **document.headers},
        )


def card_middleware(documents: Mapping[str, Document]) -> type[Any]:
    """An ASGI wrapper class answering GETs of `documents` (by path) before the app."""

    class Cards:
        def __init__(self, app: ASGIApp) -> None:
            self.app = app

        async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
            document = documents.get(scope.get("path", "")) if scope["type"] == "http" else None
            if document is None or scope["method"] != "GET":
                await self.app(scope, receive, send)
                return
            headers = [(b"content-type", document.content_type.encode())]
            headers += [(k.encode(), v.encode()) for k, v in document.headers.items()]
            await send(
                {"type": "http.response.start", "status": document.status, "headers": headers}
            )
            await send({"type": "http.response.body", "body": document.body})

    return Cards
