"""An ASGI wrapper that echoes each request's `Authorization` header back in its answer.

Wrap a real MCP server (the SDK's, in "json" mode) whose serverInfo name and tool
descriptions contain PLACEHOLDER: every JSON answer then carries the header the client sent,
as a server that reflects its request into what it reports would. `echoed` counts the
answers that carried a real header value. No pytest imports here.
"""

from __future__ import annotations

import json
import threading

from starlette.types import ASGIApp, Message, Receive, Scope, Send

PLACEHOLDER = "@@AUTHORIZATION@@"


class EchoAuthorization:
    """`wrap(app)` gives the echoing app; `echoed` is how many answers carried a header."""

    def __init__(self) -> None:
        self.echoed = 0
        self._lock = threading.Lock()

    def wrap(self, app: ASGIApp) -> ASGIApp:
        """The app behind the echo."""

        async def echoing(scope: Scope, receive: Receive, send: Send) -> None:
            if scope["type"] != "http":
                await app(scope, receive, send)
                return
            headers = dict(scope["headers"])
            value = headers.get(b"authorization", b"").decode("latin-1")
            # JSON-escaped without its quotes, so it drops into a JSON string as is.
            escaped = json.dumps(value)[1:-1].encode()
            start: Message | None = None
            body = b""

            async def buffered(message: Message) -> None:
                nonlocal start, body
                if message["type"] == "http.response.start":
                    kind = dict(message["headers"]).get(b"content-type", b"")
                    if kind.startswith(b"application/json"):
                        start = message
                        return
                if start is None:  # not JSON (an event stream): passed through untouched
                    await send(message)
                    return
                body += message.get("body", b"")
                if message.get("more_body", False):
                    return
                if value and PLACEHOLDER.encode() in body:
                    with self._lock:
                        self.echoed += 1
                out = body.replace(PLACEHOLDER.encode(), escaped)
                kept = [(k, v) for k, v in start["headers"] if k.lower() != b"content-length"]
                await send({**start, "headers": [*kept, (b"content-length", b"%d" % len(out))]})
                await send({"type": "http.response.body", "body": out})

            await app(scope, receive, buffered)

        return echoing
