"""RequestObserver: per request, the HTTP metrics and one `request` log event.

It wraps the application's whole ASGI handler, outside routing, instead of sitting in
`Litestar(middleware=...)`: Litestar builds that list into each route's own stack after the
router has matched, so a request for an unknown path (404) or with the wrong method (405)
would never reach it, and probing for paths is exactly what an audit wants to see. Being
outermost, it also sees every answer the security middleware gives itself (401, 403, 429),
and reads the principal that middleware stored in the scope once the response started.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping

from litestar import Litestar
from litestar.enums import ScopeType
from litestar.types import ASGIApp, HTTPScope, Message, Receive, Scope, Send

from trustsvc.auth.principal import principal_of
from trustsvc.observability.metrics import UNMATCHED_ROUTE, Metrics

log = logging.getLogger("trustsvc.events.request")

_MAX_PATH = 512


class RequestObserver:
    """An ASGI app that times `app`, captures its status, and records the request."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request through; record it however it ends (an exception counts as 500)."""
        if scope["type"] != ScopeType.HTTP:
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def send_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_status)
        finally:
            self._record(scope, status, time.perf_counter() - started)

    def _record(self, scope: HTTPScope, status: int, duration_s: float) -> None:
        method = str(scope["method"])
        # The router stores the template only once it matched; the raw path is unbounded.
        stored: Mapping[str, object] = scope
        template = stored.get("path_template") if "route_handler" in stored else None
        route = template if isinstance(template, str) and template else UNMATCHED_ROUTE
        self.metrics.request(method=method, route=route, status=status, duration_s=duration_s)
        if not log.isEnabledFor(logging.INFO):
            return
        principal = principal_of(scope)
        client = scope.get("client")
        duration_ms = round(duration_s * 1000, 2)
        log.info(
            "%s %s %d %.1f ms",
            method,
            route,
            status,
            duration_ms,
            extra={
                "event": "request",
                "method": method,
                "route": route,
                "path": scope.get("path", "")[:_MAX_PATH],
                "status": status,
                "duration_ms": duration_ms,
                "client": client[0] if client else None,
                "who": principal.name if principal else None,
                "key_id": principal.key_id if principal else None,
            },
        )


def observe_requests(app: Litestar, metrics: Metrics) -> Litestar:
    """Wrap the app's ASGI handler (inside lifespan handling, outside routing) and return it."""
    app.asgi_handler = RequestObserver(app.asgi_handler, metrics)
    return app
