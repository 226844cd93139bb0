"""A configurable HTTPS server on 127.0.0.1 for the demo and the tests (Python's `ssl` module).

Local lab servers for the demo and the tests bind 127.0.0.1 only. Each one runs in a background
thread, answers GET/POST on any path with a tiny response, and can be made deliberately weak
(old protocol versions, NULL or anonymous suites, weak certificates, no HSTS) so probes have
something real to find.

Debian's OpenSSL 3.0 refuses weak material at its default security level 2, so a server asking
for TLS 1.0/1.1, NULL or anonymous suites, or loading an RSA-1024 or SHA-1 certificate, runs at
`@SECLEVEL=0`. It has no RC4, DES, 3DES or export suites and no SSLv2/SSLv3 at all.
"""

from __future__ import annotations

import json
import socket
import ssl
import threading
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any, Self

from trustsvc.lab.mcp import answer_post

LAB_HOST = "127.0.0.1"
# Bounds every connection thread, so stopping the server never waits long for a silent peer.
_CONNECTION_TIMEOUT_S = 5.0
_BODY = b'{"lab": "trustsvc"}\n'
MCP_PATH = "/mcp"


@dataclass(frozen=True, slots=True, kw_only=True)
class LabTlsConfig:
    """How a lab server behaves.

    Attributes:
        chain: PEM file the server sends, leaf first; None for anonymous-only servers.
        key: PEM private key of the leaf.
        minimum_version / maximum_version: the protocol range offered.
        ciphers: OpenSSL cipher string for TLS 1.2 and below (TLS 1.3 suites are fixed).
        hsts_max_age: Strict-Transport-Security max-age to send; None sends no header.
        weak: run at @SECLEVEL=0 (implied by versions below TLS 1.2 and by `ciphers`).
        mcp_tools: when set, POST /mcp speaks minimal MCP (trustsvc.lab.mcp) and lists
            these tools; every other request still gets the small JSON page.
    """

    chain: Path | None
    key: Path | None
    minimum_version: ssl.TLSVersion = ssl.TLSVersion.TLSv1_2
    maximum_version: ssl.TLSVersion = ssl.TLSVersion.MAXIMUM_SUPPORTED
    ciphers: str | None = None
    hsts_max_age: int | None = 31536000
    weak: bool = False
    mcp_tools: tuple[Mapping[str, Any], ...] | None = None

    @property
    def needs_seclevel0(self) -> bool:
        """Whether OpenSSL must drop to security level 0 to honour this configuration."""
        legacy = self.minimum_version < ssl.TLSVersion.TLSv1_2
        return self.weak or legacy or self.ciphers is not None


def build_context(config: LabTlsConfig) -> ssl.SSLContext:
    """Make the server-side SSLContext for a configuration."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    if config.needs_seclevel0:
        # Set before loading the certificate: level 2 rejects RSA-1024 and SHA-1 at load time.
        ctx.set_ciphers("DEFAULT:@SECLEVEL=0")
    with warnings.catch_warnings():
        # Python deprecates TLS 1.0/1.1 versions; offering them is the point of a legacy server.
        warnings.simplefilter("ignore", DeprecationWarning)
        ctx.minimum_version = config.minimum_version
        ctx.maximum_version = config.maximum_version
    if config.ciphers is not None:
        ctx.set_ciphers(f"{config.ciphers}:@SECLEVEL=0")
    if config.chain is not None:
        ctx.load_cert_chain(certfile=config.chain, keyfile=config.key)
    return ctx


class _Handler(BaseHTTPRequestHandler):
    server: _LabHttpServer
    server_version = "trustsvc-lab/1"

    def _reply(
        self, status: int = 200, body: bytes = _BODY, headers: Mapping[str, str] | None = None
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        if self.server.hsts_max_age is not None:
            self.send_header("Strict-Transport-Security", f"max-age={self.server.hsts_max_age}")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _speaks_mcp(self) -> bool:
        return self.server.mcp_tools is not None and self.path.split("?")[0] == MCP_PATH

    def do_GET(self) -> None:
        """Answer any path; an MCP lab answers "/" only (no SSE stream, no metadata)."""
        if self._speaks_mcp():
            self._reply(405, b"")
        elif self.server.mcp_tools is not None and self.path != "/":
            self._reply(404, b'{"error": "not found"}')
        else:
            self._reply()

    def do_POST(self) -> None:
        """Answer any path, after draining the body; the MCP path speaks minimal MCP."""
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(min(length, 65536))
        if not self._speaks_mcp() or self.server.mcp_tools is None:
            self._reply()
            return
        headers = {name.lower(): value for name, value in self.headers.items()}
        reply = answer_post(self.server.mcp_tools, headers, raw)
        body = b"" if reply.body is None else json.dumps(reply.body).encode()
        self._reply(reply.status, body, reply.headers)

    def do_DELETE(self) -> None:
        """End an MCP session (the lab keeps no state, so there is nothing to forget)."""
        self._reply(200 if self._speaks_mcp() else 405, b"")

    def do_HEAD(self) -> None:
        """Answer any path without a body."""
        self._reply()

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - base signature
        """Stay quiet: scanners make hundreds of connections."""


class _LabHttpServer(ThreadingHTTPServer):
    # Non-daemon, tracked threads: server_close() joins every connection thread.
    daemon_threads = False
    block_on_close = True

    def __init__(
        self,
        ctx: ssl.SSLContext,
        hsts_max_age: int | None,
        mcp_tools: tuple[Mapping[str, Any], ...] | None = None,
    ) -> None:
        super().__init__((LAB_HOST, 0), _Handler)
        self.tls_context = ctx
        self.hsts_max_age = hsts_max_age
        self.mcp_tools = mcp_tools

    def get_request(self) -> tuple[socket.socket, tuple[str, int]]:
        sock, address = self.socket.accept()
        sock.settimeout(_CONNECTION_TIMEOUT_S)
        return sock, address

    def finish_request(
        self, request: socket.socket | tuple[bytes, socket.socket], client_address: object
    ) -> None:
        # The handshake runs in the connection's own thread, so a slow or hostile client
        # (sslyze sends hundreds, some malformed on purpose) never blocks the accept loop.
        if not isinstance(request, socket.socket):  # a TCP server never gets datagrams
            return
        try:
            tls = self.tls_context.wrap_socket(request, server_side=True)
        except (ssl.SSLError, OSError):
            return
        try:
            _Handler(tls, client_address, self)
        except (ssl.SSLError, OSError):
            return
        finally:
            tls.close()

    def handle_error(self, request: object, client_address: object) -> None:
        """Drop the connection silently; failed handshakes are expected here."""


class LabTlsServer:
    """A running lab server; use as a context manager, it listens on 127.0.0.1:`port`."""

    def __init__(self, config: LabTlsConfig) -> None:
        self.config = config
        self._server = _LabHttpServer(build_context(config), config.hsts_max_age, config.mcp_tools)
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"lab-tls-{self.port}",
            daemon=True,
        )
        self._started = False

    @property
    def host(self) -> str:
        """The loopback address the server listens on."""
        return LAB_HOST

    @property
    def port(self) -> int:
        """The ephemeral port the kernel assigned."""
        return int(self._server.server_address[1])

    def url(self, path: str = "/mcp", host: str = "localhost") -> str:
        """An https URL for this server under the given host name."""
        return f"https://{host}:{self.port}{path}"

    def start(self) -> Self:
        """Start serving in the background."""
        self._thread.start()
        self._started = True
        return self

    def stop(self) -> None:
        """Stop serving, join every thread and close the listening socket."""
        if self._started:
            self._server.shutdown()
            self._thread.join()
            self._started = False
        self._server.server_close()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
