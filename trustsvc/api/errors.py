"""RFC 9457 problem details for every error, with stable `type` URIs and no internals.

Clients branch on `type`; `detail` is for people. Unexpected exceptions are logged with their
traceback and answered with a generic 500 that names nothing inside the service.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

import msgspec
from litestar import MediaType, Request, Response
from litestar.exceptions import HTTPException, NotFoundException, ValidationException
from litestar.openapi.datastructures import ResponseSpec
from litestar.status_codes import (
    HTTP_404_NOT_FOUND,
    HTTP_409_CONFLICT,
    HTTP_422_UNPROCESSABLE_ENTITY,
    HTTP_500_INTERNAL_SERVER_ERROR,
    HTTP_503_SERVICE_UNAVAILABLE,
)
from litestar.types import ExceptionHandlersMap

from probes.errors import TargetRejected
from trustsvc.store.outage import database_unavailable

log = logging.getLogger(__name__)

PROBLEM_MEDIA_TYPE = "application/problem+json"
TYPE_BASE = "https://trustsvc.dev/problems/"


class ProblemDetails(msgspec.Struct, kw_only=True):
    """An RFC 9457 problem document."""

    type: str
    title: str
    status: int
    detail: str
    instance: str | None = None


def problem_response(description: str) -> ResponseSpec:
    """Document a problem answer as sent: `application/problem+json`, no invented example.

    Litestar's generated examples are random strings, and differ with each rendering of the
    document in one process, so tests/test_openapi.py failed when another test rendered first.
    """
    return ResponseSpec(
        ProblemDetails,
        description=description,
        media_type=PROBLEM_MEDIA_TYPE,
        generate_examples=False,
    )


PROBLEM_RESPONSE = problem_response("Problem details (RFC 9457)")


class ProblemError(Exception):
    """Raise from a handler to answer with a specific problem type."""

    def __init__(
        self,
        status: int,
        slug: str,
        title: str,
        detail: str,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.slug = slug
        self.title = title
        self.detail = detail
        self.headers = dict(headers or {})


def not_found(what: str) -> ProblemError:
    """A 404 for a named resource."""
    return ProblemError(HTTP_404_NOT_FOUND, "not-found", "Not found", f"there is no {what}")


def scan_failed(scan_id: str, error: str | None) -> ProblemError:
    """A 409 for a scan that ended without a result (interrupted or internal error)."""
    detail = f"scan {scan_id} did not complete ({error or 'unknown'}); request a new scan"
    return ProblemError(HTTP_409_CONFLICT, "scan-failed", "Scan did not complete", detail)


def _respond(
    request: Request[Any, Any, Any],
    status: int,
    slug: str,
    title: str,
    detail: str,
    *,
    headers: Mapping[str, str] | None = None,
) -> Response[ProblemDetails]:
    body = ProblemDetails(
        type=TYPE_BASE + slug, title=title, status=status, detail=detail, instance=request.url.path
    )
    return Response(body, status_code=status, media_type=PROBLEM_MEDIA_TYPE, headers=headers)


def _problem(request: Request[Any, Any, Any], exc: ProblemError) -> Response[ProblemDetails]:
    return _respond(request, exc.status, exc.slug, exc.title, exc.detail, headers=exc.headers)


def _target_rejected(
    request: Request[Any, Any, Any], exc: TargetRejected
) -> Response[ProblemDetails]:
    return _respond(
        request, HTTP_422_UNPROCESSABLE_ENTITY, "target-rejected", "Target rejected", exc.detail
    )


def _validation(
    request: Request[Any, Any, Any], exc: ValidationException
) -> Response[ProblemDetails]:
    details = exc.extra if isinstance(exc.extra, list) else []
    messages = [_field_message(d) for d in details if isinstance(d, dict)]
    detail = "; ".join(messages) or str(exc.detail)
    return _respond(request, exc.status_code, "invalid-request", "Invalid request", detail)


def _field_message(item: dict[str, Any]) -> str:
    """`key: message`; Litestar reports a missing value as its quoted name, said plainly here."""
    key, message = str(item.get("key", "")), str(item.get("message", ""))
    if key and message == repr(key):
        message = "required" + (" (a JSON body)" if key == "data" else "")
    return f"{key}: {message}".strip(": ")


# Stable `type`s for the statuses Litestar itself raises (routing, body limits, media types).
_HTTP_SLUGS = {
    400: "bad-request",
    401: "unauthorized",
    403: "forbidden",
    404: "not-found",
    405: "method-not-allowed",
    413: "payload-too-large",
    415: "unsupported-media-type",
    429: "rate-limited",
}


def _http(request: Request[Any, Any, Any], exc: HTTPException) -> Response[ProblemDetails]:
    slug = "not-found" if isinstance(exc, NotFoundException) else None
    slug = slug or _HTTP_SLUGS.get(exc.status_code, f"http-{exc.status_code}")
    return _respond(
        request, exc.status_code, slug, str(exc.detail), str(exc.detail), headers=exc.headers
    )


# Long enough for a failover or a restart, short enough that a client retries soon after.
OUTAGE_RETRY_AFTER_S = 5


def _unexpected(request: Request[Any, Any, Any], exc: Exception) -> Response[ProblemDetails]:
    if database_unavailable(exc):
        log.warning("database unavailable on %s %s: %s", request.method, request.url.path, exc)
        return _respond(
            request,
            HTTP_503_SERVICE_UNAVAILABLE,
            "database-unavailable",
            "Database unavailable",
            "the service cannot reach its database; retry after the delay given",
            headers={"Retry-After": str(OUTAGE_RETRY_AFTER_S)},
        )
    log.error("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return _respond(
        request,
        HTTP_500_INTERNAL_SERVER_ERROR,
        "internal-error",
        "Internal error",
        "the service failed to handle this request; it has been logged",
    )


EXCEPTION_HANDLERS: ExceptionHandlersMap = {
    ProblemError: _problem,
    TargetRejected: _target_rejected,
    ValidationException: _validation,
    HTTPException: _http,
    Exception: _unexpected,
}

__all__ = [
    "EXCEPTION_HANDLERS",
    "PROBLEM_MEDIA_TYPE",
    "MediaType",
    "ProblemDetails",
    "ProblemError",
]
