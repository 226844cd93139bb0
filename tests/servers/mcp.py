"""Real MCP servers for tests, built on the official SDK 2.x and served by uvicorn on 127.0.0.1.

`mcp_server(...)` starts one in a background thread and stops it cleanly on exit. Its tools are
plain callables described by ToolSpec, so other tests can build honest, poisoned or destructive
servers; `configure` gets the MCPServer for anything else (prompts, resources, removing a tool
between two scans for a rug pull). No pytest imports here.

Modes (landscape.md 4.1-4.3):
- "sse" / "json": Streamable HTTP sessions with SSE-framed or application/json replies;
- "stateless": the SDK's stateless HTTP app (JSON replies, no sessions);
- "legacy_sse": the 2024-11-05 HTTP+SSE transport (GET /sse, POST /messages/).
SDK 2.x also answers the 2026-07-28 `server/discover` on every Streamable HTTP app. A client that
tries it first never sees the session era, so for "sse" and "json" `modern` defaults to False:
an ASGI wrapper then answers 2026-07-28 requests as an SDK 1.x server does (400 "Missing session
ID"), and the server behaves as a session-era deployment. `modern=True` keeps the SDK default.
"""

from __future__ import annotations

import json
import socket
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any, Literal, Self

import uvicorn
from mcp.server.auth.provider import AccessToken
from mcp.server.auth.settings import AuthSettings
from mcp.server.extension import Extension
from mcp.server.mcpserver import MCPServer
from mcp.server.transport_security import TransportSecuritySettings
from mcp.types import ToolAnnotations
from mcp_types.version import HANDSHAKE_PROTOCOL_VERSIONS
from pydantic import AnyHttpUrl
from starlette.types import ASGIApp, Receive, Scope, Send

from tests.servers.threaded import ThreadedUvicorn

Mode = Literal["sse", "json", "stateless", "legacy_sse"]
HOST = "127.0.0.1"
GOOD_TOKEN = "good-token"  # noqa: S105 - the one bearer token the auth server accepts
SCOPE = "mcp:tools"


@dataclass(frozen=True, slots=True, kw_only=True)
class ToolSpec:
    """One tool: the SDK derives its input schema from `fn`'s signature and type hints."""

    name: str
    description: str
    fn: Callable[..., Any]
    annotations: Mapping[str, object] | None = None  # camelCase hint names, e.g. readOnlyHint
    title: str | None = None
    meta: Mapping[str, object] | None = None


def echo(text: str) -> str:
    """Return the text unchanged."""
    return text


def add(a: int, b: int) -> int:
    """Add two integers."""
    return a + b


DEFAULT_TOOLS: tuple[ToolSpec, ...] = (
    ToolSpec(
        name="echo",
        description="Echo the given text back",
        fn=echo,
        annotations={"readOnlyHint": True, "openWorldHint": False},
    ),
    ToolSpec(name="add", description="Add two integers", fn=add),
)


class StaticTokenVerifier:
    """The SDK's TokenVerifier protocol: accept exactly GOOD_TOKEN."""

    async def verify_token(self, token: str) -> AccessToken | None:
        """Return an access token for GOOD_TOKEN, None for anything else."""
        if token == GOOD_TOKEN:
            return AccessToken(token=token, client_id="trustsvc-test", scopes=[SCOPE])
        return None


@dataclass(kw_only=True)
class McpTestServer:
    """A running SDK server; `url` is its MCP endpoint (/mcp, or /sse for legacy_sse)."""

    mcp: MCPServer[Any]
    mode: Mode
    port: int
    auth: bool
    _runner: ThreadedUvicorn
    tls: bool = False

    @property
    def base_url(self) -> str:
        """Scheme, host and port (https://localhost, the lab certificates' name, with TLS)."""
        if self.tls:
            return f"https://localhost:{self.port}"
        return f"http://{HOST}:{self.port}"

    @property
    def url(self) -> str:
        """The MCP endpoint."""
        return f"{self.base_url}{'/sse' if self.mode == 'legacy_sse' else '/mcp'}"

    @property
    def resource_metadata_url(self) -> str:
        """Where the auth server serves RFC 9728 metadata (path-suffixed, section 3.1)."""
        return f"{self.base_url}/.well-known/oauth-protected-resource/mcp"

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


def mcp_server(
    tools: Sequence[ToolSpec] = DEFAULT_TOOLS,
    *,
    mode: Mode = "sse",
    auth: bool = False,
    modern: bool | None = None,
    name: str = "trustsvc-test",
    version: str = "1.0.0",
    instructions: str | None = "A test server for trustsvc.",
    issuer_url: str = "https://127.0.0.1:1/issuer",
    configure: Callable[[MCPServer[Any]], None] | None = None,
    port: int = 0,
    tls: tuple[Path, Path] | None = None,
    wrap: Callable[[ASGIApp], ASGIApp] | None = None,
    extensions: Sequence[str] = (),
) -> McpTestServer:
    """Build (not start) a test server; enter it as a context manager to run it.

    Args:
        port: listen here (a server replacing another on the same URL); 0 picks one.
        tls: (certificate chain, key) PEM files to serve HTTPS with.
        wrap: an ASGI wrapper around the whole app (tests/servers/request_log.py counts).
        auth: require `Authorization: Bearer good-token` and serve RFC 9728 metadata naming
            `issuer_url` as the authorization server (an IP literal: nothing resolves it).
        modern: answer 2026-07-28 requests; default True only for "stateless" (see module doc).
        extensions: SEP-2133 identifiers advertised under capabilities.extensions (no behaviour).
    """
    listener = socket.create_server((HOST, port), reuse_port=False)
    port = int(listener.getsockname()[1])
    origin = f"https://localhost:{port}" if tls else f"http://{HOST}:{port}"
    resource_url = f"{origin}{'/sse' if mode == 'legacy_sse' else '/mcp'}"
    server = _build(
        tools,
        name=name,
        version=version,
        instructions=instructions,
        auth_settings=_auth_settings(issuer_url, resource_url) if auth else None,
        extensions=extensions,
    )
    if configure is not None:
        configure(server)
    app = _app(server, mode, modern=mode == "stateless" if modern is None else modern)
    if wrap is not None:
        app = wrap(app)
    config = uvicorn.Config(
        app,
        log_level="warning",
        lifespan="on",
        timeout_graceful_shutdown=2,
        access_log=False,
        ssl_certfile=tls[0] if tls else None,
        ssl_keyfile=tls[1] if tls else None,
    )
    return McpTestServer(
        mcp=server,
        mode=mode,
        port=port,
        auth=auth,
        _runner=ThreadedUvicorn(config, listener),
        tls=tls is not None,
    )


def _auth_settings(issuer_url: str, resource_url: str) -> AuthSettings:
    return AuthSettings(
        issuer_url=AnyHttpUrl(issuer_url),
        resource_server_url=AnyHttpUrl(resource_url),
        required_scopes=[SCOPE],
        validate_token_resource=False,  # set explicitly: unset warns (MCPDeprecationWarning)
    )


def _build(
    tools: Sequence[ToolSpec],
    *,
    name: str,
    version: str,
    instructions: str | None,
    auth_settings: AuthSettings | None,
    extensions: Sequence[str] = (),
) -> MCPServer[Any]:
    verifier = StaticTokenVerifier() if auth_settings is not None else None
    server: MCPServer[Any] = MCPServer(
        name=name,
        version=version,
        instructions=instructions,
        token_verifier=verifier,
        log_level="WARNING",
        auth=auth_settings,
        extensions=[_declared(identifier) for identifier in extensions],
    )
    for spec in tools:
        server.add_tool(
            spec.fn,
            name=spec.name,
            title=spec.title,
            description=spec.description,
            annotations=None
            if spec.annotations is None
            else ToolAnnotations.model_validate(dict(spec.annotations)),
            meta=None if spec.meta is None else dict(spec.meta),
        )
    return server


def _declared(identifier: str) -> Extension:
    """An extension that only advertises itself (empty settings, contributes nothing)."""
    extension = Extension()
    extension.identifier = identifier  # per-instance ids are validated when applied
    return extension


def _app(server: MCPServer[Any], mode: Mode, *, modern: bool) -> ASGIApp:
    security = TransportSecuritySettings(
        enable_dns_rebinding_protection=True,
        allowed_hosts=[f"{HOST}:*", "localhost:*", "[::1]:*"],
        allowed_origins=[f"http://{HOST}:*", "http://localhost:*", "http://[::1]:*"],
    )
    if mode == "legacy_sse":
        return server.sse_app(transport_security=security)
    app = server.streamable_http_app(
        json_response=mode in ("json", "stateless"),
        stateless_http=mode == "stateless",
        transport_security=security,
    )
    return app if modern else _SessionEraOnly(app, auth=server.settings.auth is not None)


class _SessionEraOnly:
    """Answer 2026-07-28 requests as SDK 1.x does, hiding the SDK 2.x stateless handler."""

    def __init__(self, app: ASGIApp, *, auth: bool) -> None:
        self._app = app
        self._auth = auth

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            headers = dict(scope["headers"])
            version = headers.get(b"mcp-protocol-version")
            # Authentication runs first on a real server: an anonymous request gets its 401.
            anonymous = self._auth and b"authorization" not in headers
            modern = version is not None and version.decode() not in HANDSHAKE_PROTOCOL_VERSIONS
            if modern and not anonymous:
                await _missing_session(send)
                return
        await self._app(scope, receive, send)


async def _missing_session(send: Send) -> None:
    body = json.dumps(
        {
            "jsonrpc": "2.0",
            "id": "server-error",
            "error": {"code": -32600, "message": "Bad Request: Missing session ID"},
        }
    ).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 400,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
