"""The lookup fast path: a held result answered without Litestar's routing and response.

`GET /v1/lookup` is what an agent gateway calls before every connection, so its tail
latency is the service's (issue 22). Through the router, a held result cost about 1.5 times
the trivial `/livez`: routing, the kwargs model, the Response object and its rendering, for
a body that is one small struct. This wrapper sits inside the request observer (metrics and
the access log see it as the routed request) and inside Litestar's `before_send` (the
security headers are added as for every answer), and answers only the plain case:

- exactly `GET /v1/lookup?url=...` (one parameter, parsed as Litestar parses it) with a
  valid Host;
- admitted by the same access middleware, with the same rate-limit buckets, keys and scope
  check (`AccessMiddleware.admit_read`);
- a URL whose result the lookup cache holds (`LookupService.cached`).

Everything else goes to the router unchanged: a malformed query, a refused URL, a URL not
held (the handler reads the database and remembers it), a refusal. A refusal or a principal
is handed on in the scope (`ADMITTED`), so the router's pass neither spends a token twice
nor authenticates twice, and the problem document is the router's own. The body and the
extra headers come from the handler's own `lookup_answer`; a test compares both paths'
answers byte for byte (tests/integration/api/test_lookup_fast.py).
"""

from __future__ import annotations

import functools
from urllib.parse import parse_qsl

from litestar import Litestar
from litestar._asgi.utils import is_valid_host
from litestar.enums import ScopeType
from litestar.handlers import HTTPRouteHandler
from litestar.routes import HTTPRoute
from litestar.serialization import encode_json
from litestar.types import ASGIApp, Receive, Scope, Send

from trustsvc.api.access import ADMITTED, AccessMiddleware
from trustsvc.api.controllers.lookup import LookupController, lookup_answer
from trustsvc.api.errors import ProblemError
from trustsvc.api.state import services
from trustsvc.lookup.cache import canonical_url

PATH = LookupController.path
_JSON = (b"content-type", b"application/json")


def _lookup_handler(app: Litestar) -> HTTPRouteHandler:
    """The routed GET handler of the lookup path (its opt declares the scope it needs)."""
    for route in app.routes:
        if isinstance(route, HTTPRoute) and route.path == PATH:
            return route.route_handler_map["GET"][0]
    raise LookupError(f"no GET route at {PATH}")


@functools.lru_cache(maxsize=4096)
def _the_url(query_string: bytes) -> str | None:
    """The `url` of a query that holds it alone, decoded as Litestar decodes queries.

    Memoised: gateways look the same URLs up again, and parse_qsl was a third of the path.
    """
    pairs = parse_qsl(query_string.decode("latin-1"), keep_blank_values=True, separator="&")
    if len(pairs) != 1 or pairs[0][0] != "url":
        return None
    return pairs[0][1]


def _host_is_valid(scope: Scope) -> bool:
    host = next((value for name, value in scope["headers"] if name == b"host"), None)
    return host is None or is_valid_host(host)


class LookupFastPath:
    """An ASGI app answering held lookups itself and passing every other request on."""

    def __init__(self, inner: ASGIApp, app: Litestar, access: AccessMiddleware) -> None:
        self.inner = inner
        self.app = app
        self.access = access
        self.handler = _lookup_handler(app)
        self.served = 0  # answered here, not routed (tests and bench/lookup read it)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Answer a held lookup, or hand the request (and any admission) to the router."""
        if (
            scope["type"] != ScopeType.HTTP
            or scope["method"] != "GET"
            or scope["path"] != PATH
            or scope.get("root_path")
            or not _host_is_valid(scope)
        ):
            await self.inner(scope, receive, send)
            return
        url = _the_url(scope["query_string"])
        if url is None:
            await self.inner(scope, receive, send)
            return
        scope["route_handler"] = self.handler
        scope["path_template"] = PATH
        try:
            scope[ADMITTED] = await self.access.admit_read(scope)  # type: ignore[literal-required] # our own scope key
        except ProblemError as refused:
            scope[ADMITTED] = refused  # type: ignore[literal-required] # our own scope key
            await self.inner(scope, receive, send)
            return
        app = services(self.app.state)
        try:
            latest = app.lookup.cached(canonical_url(url))
        except Exception:  # noqa: BLE001 - a refused URL: the router answers its problem
            latest = None
        if latest is None:
            await self.inner(scope, receive, send)
            return
        del scope[ADMITTED]  # type: ignore[misc] # our own scope key
        result, extra = lookup_answer(app, latest)
        body = encode_json(result)
        headers = [
            _JSON,
            (b"content-length", str(len(body)).encode()),
            *((name.lower().encode(), value.encode()) for name, value in extra.items()),
        ]
        self.served += 1
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": body, "more_body": False})
