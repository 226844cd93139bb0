"""A webhook receiver on 127.0.0.1: records every request and answers as a test scripts it.

Replies are queued with `answer(...)` and used in order, one per request; once the queue is
empty the receiver answers 200. A reply may hang (never answer until the server closes), so
the sender's timeout is what ends the exchange.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import TracebackType
from typing import Self

from aiohttp import web

HOST = "127.0.0.1"


@dataclass(frozen=True, slots=True, kw_only=True)
class Reply:
    """How to answer one request."""

    status: int = 200
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes = b"ok"
    hang: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class Received:
    """One request as it arrived."""

    method: str
    path: str
    headers: Mapping[str, str]  # lowercased names
    body: bytes


def failing(times: int, status: int = 500) -> list[Reply]:
    """`times` error answers."""
    return [Reply(status=status, body=b"boom")] * times


def throttled(retry_after: str) -> Reply:
    """A 429 asking the sender to come back later."""
    return Reply(status=429, headers={"Retry-After": retry_after})


HANG = Reply(hang=True)


class WebhookReceiver:
    """Use as `async with WebhookReceiver() as receiver`; post to `receiver.url`."""

    def __init__(self, path: str = "/hook") -> None:
        self.path = path
        self.requests: list[Received] = []
        self.url = ""
        self._replies: deque[Reply] = deque()
        self._closing = asyncio.Event()
        self._runner: web.AppRunner | None = None

    def answer(self, *replies: Reply) -> None:
        """Queue replies for the next requests, in order."""
        self._replies.extend(replies)

    async def __aenter__(self) -> Self:
        app = web.Application()
        app.router.add_route("*", self.path, self._handle)
        self._runner = web.AppRunner(app, shutdown_timeout=0.5, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, HOST, 0)
        await site.start()
        server = site._server
        assert server is not None
        port = int(server.sockets[0].getsockname()[1])  # type: ignore[attr-defined]
        self.url = f"http://{HOST}:{port}{self.path}"
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._closing.set()
        if self._runner is not None:
            await self._runner.cleanup()

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        body = await request.read()
        self.requests.append(
            Received(
                method=request.method,
                path=request.path,
                headers={name.lower(): value for name, value in request.headers.items()},
                body=body,
            )
        )
        reply = self._replies.popleft() if self._replies else Reply()
        if reply.hang:
            await self._closing.wait()
        return web.Response(status=reply.status, headers=dict(reply.headers), body=reply.body)
