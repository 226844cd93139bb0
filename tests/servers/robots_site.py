"""An MCP endpoint on 127.0.0.1 with a robots.txt the test sets, recording every request.

The MCP side is the demo's lab responder on any POSTed path. `GET /robots.txt` answers
`robots` (status, body, optional redirect target); `GET /hop/<n>` redirects n more times
and then to `/robots-final.txt`, which serves the body, for redirect-chain cases.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import TracebackType
from typing import Self

from aiohttp import web
from aiohttp.typedefs import Handler

from trustsvc.lab.mcp import HONEST_TOOLS, answer_post

HOST = "127.0.0.1"


@dataclass(frozen=True, slots=True)
class Seen:
    """One request as the site saw it."""

    method: str
    path: str
    user_agent: str
    authorization: str | None


@dataclass(kw_only=True)
class RobotsAnswer:
    """What `/robots.txt` answers: a status and body, or a redirect to `location`."""

    status: int = 404
    body: bytes = b""
    location: str | None = None


@dataclass
class RobotsSite:
    """Use `async with RobotsSite() as site`; `site.url(path)` is an endpoint on it."""

    robots: RobotsAnswer = field(default_factory=RobotsAnswer)
    seen: list[Seen] = field(default_factory=list)
    port: int = 0
    _runner: web.AppRunner | None = None

    def url(self, path: str = "/mcp") -> str:
        """An endpoint URL on this site."""
        return f"http://{HOST}:{self.port}{path}"

    def paths(self, method: str | None = None) -> list[str]:
        """The paths asked for, in order (of one method when given)."""
        return [s.path for s in self.seen if method is None or s.method == method]

    @web.middleware
    async def _record(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        self.seen.append(
            Seen(
                request.method,
                request.path_qs,
                request.headers.get("User-Agent", ""),
                request.headers.get("Authorization"),
            )
        )
        return await handler(request)

    async def _robots(self, request: web.Request) -> web.StreamResponse:
        del request
        answer = self.robots
        if answer.location is not None:
            raise web.HTTPFound(answer.location)
        return web.Response(status=answer.status, body=answer.body, content_type="text/plain")

    async def _hop(self, request: web.Request) -> web.StreamResponse:
        left = int(request.match_info["n"])
        raise web.HTTPFound(f"/hop/{left - 1}" if left > 1 else "/robots-final.txt")

    async def _final(self, request: web.Request) -> web.StreamResponse:
        del request
        return web.Response(status=200, body=self.robots.body, content_type="text/plain")

    async def _post(self, request: web.Request) -> web.StreamResponse:
        raw = await request.read()
        headers = {k.lower(): v for k, v in request.headers.items()}
        reply = answer_post(HONEST_TOOLS, headers, raw)
        if reply.body is None:
            return web.Response(status=reply.status, headers=reply.headers)
        return web.json_response(reply.body, status=reply.status, headers=reply.headers)

    async def _other(self, request: web.Request) -> web.StreamResponse:
        del request
        return web.Response(status=405, headers={"Allow": "POST"})

    async def __aenter__(self) -> Self:
        app = web.Application(middlewares=[self._record])
        app.router.add_get("/robots.txt", self._robots)
        app.router.add_get("/hop/{n:\\d+}", self._hop)
        app.router.add_get("/robots-final.txt", self._final)
        app.router.add_post("/{tail:.*}", self._post)
        app.router.add_route("*", "/{tail:.*}", self._other)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, HOST, 0)
        await site.start()
        self.port = int(self._runner.addresses[0][1])
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
