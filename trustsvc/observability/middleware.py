"""RequestObserver: per request, the HTTP metrics, and a `request` log event if it is notable.

It wraps the application's whole ASGI handler, outside routing, instead of sitting in
`Litestar(middleware=...)`: Litestar builds that list into each route's own stack after the
router has matched, so a request for an unknown path (404) or with the wrong method (405)
would never reach it, and probing for paths is exactly what an audit wants to see. Being
outermost, it also sees every answer the security middleware gives itself (401, 403, 429),
and reads the principal that middleware stored in the scope once the response started.

Which requests are logged is `TRUSTSVC_ACCESS_LOG` (config/observability.py): by default
not the routine reads, which are most of the traffic and which a line each made a third
slower; writes, refusals, errors, unmatched paths and slow reads are always worth a line.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping

from litestar import Litestar
from litestar.enums import ScopeType
from litestar.types import ASGIApp, HTTPScope, Message, Receive, Scope, Send

from trustsvc.auth.principal import principal_of
from trustsvc.config.observability import AccessLog
from trustsvc.observability.metrics import UNMATCHED_ROUTE, Metrics

log = logging.getLogger("trustsvc.events.request")

_MAX_PATH = 512
_READS = frozenset({"GET", "HEAD"})
_REFUSALS = frozenset({401, 403, 429})
SLOW_READ_S = 1.0
"""A read slower than this is logged even when routine reads are not."""


def notable(method: str, route: str, status: int, duration_s: float) -> bool:
    """Whether a request is worth a line when routine reads are not logged."""
    return (
        method not in _READS
        or status in _REFUSALS
        or status >= 500  # noqa: PLR2004 - the server error class
        or route == UNMATCHED_ROUTE
        or duration_s >= SLOW_READ_S
    )


class RequestObserver:
    """An ASGI app that times `app`, captures its status, and records the request."""

    def __init__(self, app: ASGIApp, metrics: Metrics, access_log: AccessLog = "all") -> None:
        self.app = app
        self.metrics = metrics
        self.access_log = access_log

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
        if self.access_log == "off" or not log.isEnabledFor(logging.INFO):
            return
        if self.access_log == "notable" and not notable(method, route, status, duration_s):
            return
        principal = principal_of(scope)
        client = scope.get("client")
        duration_ms = round(duration_s * 1000, 2)
        # makeRecord + handle: Logger.info would also walk the stack for a caller nobody reads.
        record = log.makeRecord(
            log.name,
            logging.INFO,
            __file__,
            0,
            "%s %s %d %.1f ms",
            (method, route, status, duration_ms),
            None,
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
        log.handle(record)


def observe_requests(app: Litestar, metrics: Metrics, access_log: AccessLog = "all") -> Litestar:
    """Wrap the app's ASGI handler (inside lifespan handling, outside routing) and return it."""
    app.asgi_handler = RequestObserver(app.asgi_handler, metrics, access_log)
    return app
