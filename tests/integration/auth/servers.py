"""Servers for the auth integration tests, on 127.0.0.1 only, optionally behind lab TLS.

- `UvicornServer`: an ASGI app (an MCP SDK 2.x app here) in a background thread, over https
  when given a lab leaf, so RFC 9728 metadata can name https URLs as it must.
- `sdk_app`: an SDK MCPServer app: optional OAuth resource-server mode (AuthSettings, the test
  token verifier), optional Origin checking (TransportSecuritySettings), icons.
- `ApiKeyGate`: answers 401 with no challenge unless X-Api-Key is right (auth without discovery).
- `json_server`: an aiohttp server for authorization server metadata and odd 401s, in the
  test's event loop.
"""

from __future__ import annotations

import json
import socket
import ssl
import warnings
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Self

import uvicorn
from aiohttp import web
from mcp.server.auth.settings import AuthSettings
from mcp.server.mcpserver import MCPServer
from mcp.server.transport_security import TransportSecuritySettings
from mcp.shared.exceptions import MCPDeprecationWarning
from mcp.types import Icon
from pydantic import AnyHttpUrl
from starlette.types import ASGIApp, Receive, Scope, Send

from tests.servers.mcp import DEFAULT_TOOLS, SCOPE, StaticTokenVerifier
from tests.servers.threaded import ThreadedUvicorn
from trustsvc.lab.pki import LeafFiles

HOST = "127.0.0.1"
API_KEY = "lab-api-key"
Documents = Mapping[str, tuple[int, Mapping[str, str], object]]
"""path -> (status, headers, JSON body) served by json_server; other paths are 404."""


class UvicornServer:
    """Run the app `build(base_url)` returns; the port is bound first so the app knows it."""

    def __init__(self, build: Callable[[str], ASGIApp], *, tls: LeafFiles | None = None) -> None:
        self._socket = socket.create_server((HOST, 0))
        port = int(self._socket.getsockname()[1])
        self.base_url = f"{'https' if tls else 'http'}://{HOST}:{port}"
        config = uvicorn.Config(
            build(self.base_url),
            log_level="warning",
            lifespan="on",
            access_log=False,
            timeout_graceful_shutdown=2,
            ssl_certfile=str(tls.chain) if tls else None,
            ssl_keyfile=str(tls.key) if tls else None,
        )
        self._runner = ThreadedUvicorn(config, self._socket)

    @property
    def url(self) -> str:
        """The MCP endpoint."""
        return f"{self.base_url}/mcp"

    def __enter__(self) -> Self:
        self._runner.__enter__()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._runner.__exit__(exc_type, exc, tb)


def sdk_app(
    base_url: str,
    *,
    issuer: str | None = None,
    check_origin: bool = True,
    icons: tuple[str, ...] = (),
    stateless: bool = False,
) -> ASGIApp:
    """An SDK 2.x Streamable HTTP app at /mcp; an OAuth resource server when given an issuer."""
    auth = None
    if issuer is not None:
        auth = AuthSettings(
            issuer_url=AnyHttpUrl(issuer),
            resource_server_url=AnyHttpUrl(f"{base_url}/mcp"),
            required_scopes=[SCOPE],
            validate_token_resource=False,  # set explicitly: unset warns (MCPDeprecationWarning)
        )
    server: MCPServer[Any] = MCPServer(
        name="auth-lab",
        version="1.0.0",
        icons=[Icon(src=src) for src in icons] or None,
        token_verifier=StaticTokenVerifier() if auth else None,
        auth=auth,
    )
    for spec in DEFAULT_TOOLS:
        server.add_tool(spec.fn, name=spec.name, description=spec.description)
    security = TransportSecuritySettings(
        enable_dns_rebinding_protection=check_origin,
        allowed_hosts=[f"{HOST}:*"],
        allowed_origins=[f"https://{HOST}:*", f"http://{HOST}:*"],
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MCPDeprecationWarning)
        return server.streamable_http_app(
            transport_security=security, stateless_http=stateless, json_response=stateless
        )


class ApiKeyGate:
    """A gateway in front of an app: 401 without WWW-Authenticate unless X-Api-Key matches."""

    def __init__(self, app: ASGIApp) -> None:
        self._app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and dict(scope["headers"]).get(b"x-api-key") != API_KEY.encode():
            body = b'{"error": "unauthorized"}'
            headers = [
                (b"content-type", b"application/json"),
                (b"content-length", b"%d" % len(body)),
            ]
            await send({"type": "http.response.start", "status": 401, "headers": headers})
            await send({"type": "http.response.body", "body": body})
            return
        await self._app(scope, receive, send)


@dataclass(frozen=True, slots=True)
class JsonServer:
    """A running json_server: where it listens and every request it saw (path, headers)."""

    base_url: str
    requests: list[tuple[str, Mapping[str, str]]]


@asynccontextmanager
async def json_server(
    build: Callable[[str], Documents], *, tls: ssl.SSLContext | None = None
) -> AsyncIterator[JsonServer]:
    """Serve `build(base_url)` (path -> status, headers, body) from aiohttp, in this loop."""
    listener = socket.create_server((HOST, 0))
    base_url = f"{'https' if tls else 'http'}://{HOST}:{listener.getsockname()[1]}"
    documents = build(base_url)
    seen = JsonServer(base_url=base_url, requests=[])

    async def handle(request: web.Request) -> web.Response:
        seen.requests.append((request.path, dict(request.headers)))
        status, headers, body = documents.get(request.path, (404, {}, {"error": "not found"}))
        return web.Response(
            status=status, headers=headers, text=json.dumps(body), content_type="application/json"
        )

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.SockSite(runner, listener, ssl_context=tls).start()
    try:
        yield seen
    finally:
        await runner.cleanup()
        listener.close()


def server_tls(leaf: LeafFiles) -> ssl.SSLContext:
    """A server-side TLS context for a lab leaf (chain first, as TLS servers send it)."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(leaf.chain, leaf.key)
    return context
