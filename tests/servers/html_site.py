"""An HTTPS web site on 127.0.0.1 that answers every request, MCP ones too, with text/html.

What a parked domain or a marketing page behind a listed remote looks like to an MCP client:
200 and a page, whatever the method or path. Runs in a background thread beside the test's
event loop (the app under test probes from its own), like the lab TLS server.
"""

from __future__ import annotations

import socket
import ssl
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Self

HOST = "127.0.0.1"
PAGE = b"<!doctype html><html><head><title>Clauxel</title></head><body>Soon.</body></html>"
MAX_BODY = 65536


class _Page(BaseHTTPRequestHandler):
    server: _Site

    def _page(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(min(length, MAX_BODY))
        self.server.count()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(PAGE)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(PAGE)

    do_GET = do_POST = do_HEAD = do_DELETE = _page  # noqa: N815 - http.server's names

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - base signature
        del format, args


class _Site(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, context: ssl.SSLContext) -> None:
        super().__init__((HOST, 0), _Page)
        self._context = context
        self._lock = threading.Lock()
        self.requests = 0

    def count(self) -> None:
        with self._lock:
            self.requests += 1

    def get_request(self) -> tuple[socket.socket, tuple[str, int]]:
        conn, address = super().get_request()
        conn.settimeout(5.0)
        return self._context.wrap_socket(conn, server_side=True), address

    def handle_error(self, request: object, client_address: object) -> None:
        """Probes hang up mid-handshake on purpose; that is no error worth printing."""


class HtmlSite:
    """Use as a context manager; `url(path)` names a page on it."""

    def __init__(self, chain: Path, key: Path) -> None:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(chain, key)
        self._server = _Site(context)
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="html-site", daemon=True
        )

    @property
    def port(self) -> int:
        """The port it listens on."""
        return int(self._server.server_address[1])

    @property
    def requests(self) -> int:
        """Requests answered so far."""
        return self._server.requests

    def url(self, path: str) -> str:
        """An https URL of this site."""
        return f"https://{HOST}:{self.port}{path}"

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()
