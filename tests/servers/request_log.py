"""An ASGI wrapper that records every request a lab server receives, and can stall one method.

Wrap a real app (the MCP SDK's) to count what a scan sends it: each request is kept with its
HTTP method, path, headers and the JSON-RPC method of its body. `answer` replies to a
JSON-RPC method with a bare HTTP status instead of the app (a server failing its handshake),
and `hold` keeps one method's requests unanswered until `release()` (a server that stalls
mid-listing). The server runs in another thread, so release crosses threads safely.
No pytest imports here.
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from starlette.types import ASGIApp, Message, Receive, Scope, Send


@dataclass(frozen=True, slots=True)
class SeenRequest:
    """One request as the server saw it (header names lowercased)."""

    http_method: str
    path: str
    headers: Mapping[str, str]
    message: Mapping[str, object] | None
    """The JSON-RPC message of a POST body; None for other bodies."""

    @property
    def rpc_method(self) -> str | None:
        """The JSON-RPC method, if the body was a request or notification."""
        method = None if self.message is None else self.message.get("method")
        return method if isinstance(method, str) else None

    @property
    def client_name(self) -> str | None:
        """The clientInfo name of an initialize request."""
        params = None if self.message is None else self.message.get("params")
        info = params.get("clientInfo") if isinstance(params, dict) else None
        name = info.get("name") if isinstance(info, dict) else None
        return name if isinstance(name, str) else None

    @property
    def credentialed(self) -> bool:
        """Whether it carried an Authorization header."""
        return "authorization" in self.headers


class RequestLog:
    """Records requests; `wrap(app)` gives the ASGI app to serve."""

    def __init__(self, *, answer: Mapping[str, int] | None = None, hold: str | None = None) -> None:
        self.requests: list[SeenRequest] = []
        self._lock = threading.Lock()
        self._answer = dict(answer or {})
        self._hold = hold
        self._released: asyncio.Event | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._done = False
        self.holding = threading.Event()
        """Set once a request is being held (a scan is in flight, stalled here)."""

    def reset(self, *, answer: Mapping[str, int] | None = None, hold: str | None = None) -> None:
        """Release held requests, forget every request, and behave as configured from now on.

        Lets one module-scoped server serve tests that each need their own behaviour.
        """
        self.release()
        with self._lock:
            self.requests.clear()
            self._answer = dict(answer or {})
            self._hold = hold
            self._released, self._loop, self._done = None, None, False
            self.holding.clear()

    def wrap(self, app: ASGIApp) -> ASGIApp:
        """The app behind this log."""

        async def logged(scope: Scope, receive: Receive, send: Send) -> None:
            if scope["type"] != "http":
                await app(scope, receive, send)
                return
            messages = await _body_messages(receive)
            seen = _seen(scope, messages)
            with self._lock:
                self.requests.append(seen)
                answer, hold = self._answer, self._hold
            if seen.rpc_method is not None and seen.rpc_method in answer:
                await _status(send, answer[seen.rpc_method])
                return
            if seen.rpc_method is not None and seen.rpc_method == hold:
                self.holding.set()
                await self._wait_for_release()
                await _status(send, 503)
                return
            await app(scope, _replay(messages, receive), send)

        return logged

    def release(self) -> None:
        """Let held requests end (with 503); call before the server stops."""
        with self._lock:
            self._done = True
            if self._loop is not None and self._released is not None:
                self._loop.call_soon_threadsafe(self._released.set)

    async def _wait_for_release(self) -> None:
        with self._lock:
            if self._done:
                return
            if self._released is None:
                self._loop = asyncio.get_running_loop()
                self._released = asyncio.Event()
            released = self._released
        await released.wait()

    def counts(self, key: Callable[[SeenRequest], object], since: int = 0) -> Counter[object]:
        """How often each `key(request)` occurs among the requests from index `since` on."""
        with self._lock:
            return Counter(key(request) for request in self.requests[since:])


async def _body_messages(receive: Receive) -> list[Message]:
    messages: list[Message] = []
    while True:
        message = await receive()
        messages.append(message)
        if message["type"] != "http.request" or not message.get("more_body", False):
            return messages


def _replay(messages: list[Message], receive: Receive) -> Receive:
    pending = list(messages)

    async def replayed() -> Message:
        if pending:
            return pending.pop(0)
        return await receive()

    return replayed


def _seen(scope: Scope, messages: list[Message]) -> SeenRequest:
    body = b"".join(m.get("body", b"") for m in messages if m["type"] == "http.request")
    headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
    return SeenRequest(
        http_method=scope["method"], path=scope["path"], headers=headers, message=_message(body)
    )


def _message(body: bytes) -> Mapping[str, object] | None:
    try:
        message = json.loads(body)
    except ValueError:
        return None
    return message if isinstance(message, dict) else None


async def _status(send: Send, status: int) -> None:
    body = b'{"error": "lab server answer"}'
    headers = [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(body))]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
