"""Put what the access middleware enforces into the OpenAPI document.

Litestar declares responses per handler only, so the answers the middleware may give (400
for duplicate `Authorization` headers, 401, 403 and 429 on any route; 413 and 415 on
writes), the 503 of a database outage (any route, api/errors.py), and the bearer
requirement of the non-public routes, are added to each handler once the app is built,
before its schema is first rendered.
"""

from __future__ import annotations

from litestar import Litestar
from litestar.handlers import HTTPRouteHandler
from litestar.openapi.spec import Components, SecurityScheme

from trustsvc.api.access import declared_scope
from trustsvc.api.errors import problem_response
from trustsvc.config.access import AccessSettings

BEARER = "apiKey"
SECURITY_COMPONENTS = Components(
    security_schemes={
        BEARER: SecurityScheme(
            type="http",
            scheme="bearer",
            description=(
                "An API key from `trustsvc keys create`, sent as `Authorization: Bearer "
                "tsk_...`. Scopes: read < scan < admin; each includes the ones before it."
            ),
        )
    }
)

_UNAUTHORIZED = problem_response("No valid API key (with a `WWW-Authenticate` challenge)")
_FORBIDDEN = problem_response("The key lacks the scope this route needs")
_TOO_LARGE = problem_response("The request body exceeds the size limit")
_MEDIA_TYPE = problem_response("A request body that is not JSON")
_RATE_LIMITED = problem_response("Rate limit exhausted; `Retry-After` says when to retry")
_BAD_REQUEST = problem_response("Invalid request (e.g. more than one `Authorization` header)")
_UNAVAILABLE = problem_response("The database is unavailable; `Retry-After` says when to retry")


def document_access(app: Litestar, settings: AccessSettings) -> None:
    """Add security requirements and access responses to every operation of `app`."""
    for route in app.routes:
        for handler in getattr(route, "route_handlers", ()):
            if not isinstance(handler, HTTPRouteHandler) or not isinstance(
                handler.operation_id, str
            ):
                continue
            extra = {400: _BAD_REQUEST, 429: _RATE_LIMITED, 503: _UNAVAILABLE}
            if handler.http_methods - {"GET", "HEAD", "OPTIONS"}:
                extra |= {413: _TOO_LARGE, 415: _MEDIA_TYPE}
            if handler.operation_id not in settings.public_routes:
                handler.security = [{BEARER: [declared_scope(handler).value]}]
                extra |= {401: _UNAUTHORIZED, 403: _FORBIDDEN}
            handler.responses = {**extra, **(handler.responses or {})}
