"""Connection limits uvicorn lacks: header and body read deadlines, a per-client cap.

uvicorn arms a timer only between requests (keep-alive), and any byte cancels it: a client
that trickles a header byte every few seconds, or declares a 100-byte body and sends 7,
holds its connection, a file descriptor and its memory for as long as it likes, and 3,000
such connections all stayed open (issue 16). An ASGI middleware cannot help, since the app
is called only once the head is complete; the guard has to sit in the HTTP protocol. So
`guarded_protocol` subclasses uvicorn's httptools protocol (the parser `trustsvc serve`
runs) and adds, per connection:

- a head deadline, armed when the connection opens and when a new request's first byte
  arrives after an idle keep-alive; the connection is closed if the head is not complete;
- a body deadline, armed when a head announces a body and cleared when the body is whole;
- a cap on open connections per client address, checked as each opens (trusted proxies
  exempt), so one address cannot take every descriptor;
- TCP_NODELAY on every accepted socket. uvicorn writes a response's head and body
  separately; without it Nagle's algorithm holds the body until the client's delayed ACK
  (40 ms on Linux), which capped `serve` on asyncio's loop at 1,400 req/s with every answer
  about 45 ms late. asyncio sets the option itself only on sockets made with IPPROTO_TCP,
  and a socket handed in by the caller need not be one.

A connection over a deadline is closed without an answer: a client that cannot send a
request head in ten seconds is broken or hostile, and a partial body is not a request.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import weakref
from collections import Counter
from typing import Any

from uvicorn.config import Config
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
from uvicorn.server import ServerState

from trustsvc.config.serving import ServingSettings

_OPEN_BY_SERVER: weakref.WeakKeyDictionary[ServerState, Counter[str]] = weakref.WeakKeyDictionary()
"""Open connections per client address, per server (one process may run several)."""


class GuardedProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol with read deadlines and a per-client connection cap."""

    serving: ServingSettings = ServingSettings()

    def __init__(
        self,
        config: Config,
        server_state: ServerState,
        app_state: dict[str, Any],
        _loop: asyncio.AbstractEventLoop | None = None,
    ) -> None:
        super().__init__(config, server_state, app_state, _loop)
        self._open = _OPEN_BY_SERVER.setdefault(server_state, Counter())
        self._counted: str | None = None
        self._deadline: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override] # uvicorn narrows it too
        """Refuse a client over its cap; otherwise start the clock on the first request head."""
        super().connection_made(transport)
        _no_delay(transport)
        address = self.client[0] if self.client else ""
        cap = self.serving.max_connections_per_client
        if cap and not self.serving.is_trusted_proxy(address):
            if self._open[address] >= cap:
                self.transport.close()
                return
            self._open[address] += 1
            self._counted = address
        self._arm(self.serving.header_timeout_s)

    def connection_lost(self, exc: Exception | None) -> None:
        """Forget the connection: its deadline and its place under the cap."""
        self._disarm()
        if self._counted is not None:
            self._open[self._counted] -= 1
            if self._open[self._counted] <= 0:
                del self._open[self._counted]
            self._counted = None
        super().connection_lost(exc)

    def on_message_begin(self) -> None:
        """A request's first byte: its head must be complete within the head deadline."""
        super().on_message_begin()
        if self._deadline is None:
            self._arm(self.serving.header_timeout_s)

    def on_headers_complete(self) -> None:
        """The head is in: the body, if one is announced, gets its own deadline."""
        self._disarm()
        super().on_headers_complete()
        if self.transport.is_closing():
            return
        length = next((value for name, value in self.headers if name == b"content-length"), None)
        chunked = any(name == b"transfer-encoding" for name, _ in self.headers)
        if chunked or (length is not None and length.strip() not in {b"", b"0"}):
            self._arm(self.serving.body_timeout_s)

    def on_message_complete(self) -> None:
        """The body is whole: no deadline until the next request begins."""
        self._disarm()
        super().on_message_complete()

    def _arm(self, seconds: float) -> None:
        self._disarm()
        self._deadline = self.loop.call_later(seconds, self._expire)

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _expire(self) -> None:
        self._deadline = None
        if not self.transport.is_closing():
            self.transport.close()


def _no_delay(transport: asyncio.BaseTransport) -> None:
    """Send each write at once (see the module's docstring); a non-TCP socket is left as is."""
    sock = transport.get_extra_info("socket")
    if sock is not None and sock.family in {socket.AF_INET, socket.AF_INET6}:
        with contextlib.suppress(OSError):  # the peer may already be gone
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


def guarded_protocol(serving: ServingSettings) -> type[GuardedProtocol]:
    """The protocol class for `uvicorn.Config(http=...)`, with these limits."""
    return type("GuardedHttpProtocol", (GuardedProtocol,), {"serving": serving})
