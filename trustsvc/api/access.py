"""The access middleware: rate limits, API keys and scopes, and the audit record of writes.

Every route handler declares the scope it needs in its `opt` (`{"scope": Scope.READ}` on
the controller; handlers that write override it), and scan requests add `"scan_cost": True`.
A route without a declared scope needs `admin`, so a forgotten declaration fails closed.
Problems raised here become RFC 9457 documents through the app's exception handlers.
"""

from __future__ import annotations

import logging
import math
from typing import cast

from litestar.enums import ScopeType
from litestar.handlers import BaseRouteHandler
from litestar.middleware import ASGIMiddleware
from litestar.status_codes import (
    HTTP_303_SEE_OTHER,
    HTTP_400_BAD_REQUEST,
    HTTP_401_UNAUTHORIZED,
    HTTP_403_FORBIDDEN,
    HTTP_429_TOO_MANY_REQUESTS,
)
from litestar.types import ASGIApp, HTTPScope, Message, Receive, Scope, Send

from trustsvc.api.body import check_json, read_body, replay, request_header
from trustsvc.api.errors import ProblemError
from trustsvc.api.headers import DOCS_PREFIX
from trustsvc.api.ratelimit import TokenBuckets
from trustsvc.api.state import services
from trustsvc.audit.repository import AuditEntry, append, outcome_of
from trustsvc.auth.principal import ANONYMOUS, OPEN, Principal
from trustsvc.auth.principal import Scope as KeyScope
from trustsvc.config.access import OPENAPI_ROUTES, AccessSettings, AuthMode, RateLimit
from trustsvc.dashboard.session import CSRF_HEADER, LOGIN_PATH, clear_cookie_header, cookie_token

log = logging.getLogger(__name__)

REALM = 'Bearer realm="trustsvc"'
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
ADMITTED = "trustsvc.admitted"
"""Scope key: a read's admission (its principal or its refusal), made once by the lookup
fast path before it hands the request to the router, so no token is spent twice."""


def route_action(scope: Scope) -> str:
    """The operation id of the matched route (stable, as the OpenAPI document names it)."""
    handler = scope["route_handler"]
    operation_id = getattr(handler, "operation_id", None)
    if isinstance(operation_id, str):
        return operation_id
    template = str(scope.get("path_template", ""))
    return OPENAPI_ROUTES if template.startswith(DOCS_PREFIX) else template


def declared_scope(handler: BaseRouteHandler) -> KeyScope:
    """The scope a route declares; admin when it declares none (fail closed)."""
    declared = handler.opt.get("scope")
    return declared if isinstance(declared, KeyScope) else KeyScope.ADMIN


def client_address(scope: Scope) -> str:
    """The peer's address (uvicorn applies trusted X-Forwarded-For before we see it)."""
    client = scope.get("client")
    return str(client[0]) if client else "unknown"


def bearer_token(scope: Scope) -> str | None:
    """The token of an `Authorization: Bearer` header; "" for another or empty scheme."""
    value = request_header(scope, b"authorization")
    if value is None:
        return None
    scheme, _, token = value.strip().partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def dashboard_token(scope: Scope) -> str | None:
    """The key of the dashboard's session cookie (trustsvc.dashboard.session).

    A write carries it only with the dashboard's custom header, which no other site's page
    can add: the cookie alone never authorises a change.
    """
    token = cookie_token(request_header(scope, b"cookie"))
    if token is None:
        return None
    method = cast("HTTPScope", scope)["method"]
    if method not in SAFE_METHODS and request_header(scope, CSRF_HEADER.encode()) != "1":
        return None
    return token


def _sign_in_first(scope: Scope) -> None:
    """A dashboard page asked for without a valid session goes to the login form."""
    if not scope["route_handler"].opt.get("ui_page"):
        return
    raise ProblemError(
        HTTP_303_SEE_OTHER,
        "sign-in",
        "Sign in",
        "the dashboard needs an API key",
        headers={"Location": LOGIN_PATH, "Set-Cookie": clear_cookie_header(secure=False)},
    )


def require_one_authorization(scope: Scope) -> None:
    """Refuse a request with several `Authorization` headers, whatever the auth mode.

    A proxy, this service and the audit log could each act on a different one (the first
    won here), which is why duplicate JSON keys are refused too. Bearer and Basic
    credentials never contain a comma (RFC 9110 token68), so one is two headers folded.

    Raises:
        ProblemError: 400, before the request reaches anything else.
    """
    values = [value for key, value in scope["headers"] if key == b"authorization"]
    # A comma is how a proxy folds two into one; no credential of ours contains one.
    if len(values) > 1 or any(b"," in value for value in values):
        raise ProblemError(
            HTTP_400_BAD_REQUEST,
            "invalid-request",
            "Invalid request",
            "more than one Authorization header: send exactly one",
        )


def _unauthorized(detail: str, challenge: str) -> ProblemError:
    return ProblemError(
        HTTP_401_UNAUTHORIZED,
        "unauthorized",
        "Authentication required",
        detail,
        headers={"WWW-Authenticate": challenge},
    )


class _Buckets:
    """One kind of request's limits: per client address, and per key."""

    def __init__(self, by_address: RateLimit, by_key: RateLimit, kind: str) -> None:
        self.by_address = TokenBuckets(by_address)
        self.by_key = TokenBuckets(by_key)
        self.kind = kind


def _rate_limited(retry_s: float, what: str) -> ProblemError:
    seconds = max(1, math.ceil(retry_s))
    return ProblemError(
        HTTP_429_TOO_MANY_REQUESTS,
        "rate-limited",
        "Too many requests",
        f"the {what} rate limit is exhausted; retry in {seconds} s",
        headers={"Retry-After": str(seconds)},
    )


class AccessMiddleware(ASGIMiddleware):
    """Limits, authenticates and authorises each request, and audits every write."""

    scopes = (ScopeType.HTTP,)

    def __init__(self, settings: AccessSettings) -> None:
        self._settings = settings
        # Reads and writes draw on separate buckets: lookups must not spend the writes'.
        self._reads = _Buckets(settings.read_rate, settings.read_rate, "read")
        self._writes = _Buckets(settings.address_rate, settings.key_rate, "write")
        self._scans = TokenBuckets(settings.scan_rate)

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        """Check, then call the route; a write is audited however it ends (but 429s)."""
        if cast("HTTPScope", scope)["method"] in SAFE_METHODS:
            admitted = scope.pop(ADMITTED, None)  # type: ignore[misc] # our own scope key
            if isinstance(admitted, ProblemError):
                raise admitted
            if isinstance(admitted, Principal):
                scope["user"] = admitted
            else:
                await self._admit(scope, self._reads)
            await next_app(scope, receive, send)
            return
        status: list[int] = []
        document: object = None

        async def capture_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                status.append(message["status"])
            await send(message)

        try:
            await self._admit(scope, self._writes)
            body = await read_body(scope, receive, self._settings.max_body_bytes)
            document = check_json(scope, body)
        except ProblemError as problem:
            if problem.status != HTTP_429_TOO_MANY_REQUESTS:
                await self._audit(scope, problem.status, document)
            raise
        try:
            await next_app(scope, replay(body), capture_send)
        finally:
            await self._audit(scope, status[0] if status else 500, document)

    async def admit_read(self, scope: Scope) -> Principal:
        """Admit a read as `handle` would (limits, key, scope); its principal.

        For the lookup fast path, which sets `route_handler` first. Raises ProblemError.
        """
        await self._admit(scope, self._reads)
        principal: Principal = scope["user"]
        return principal

    async def _admit(self, scope: Scope, buckets: _Buckets) -> None:
        """Rate limits, then who is calling (stored as scope["user"]), then their scope."""
        require_one_authorization(scope)
        address = client_address(scope)
        retry_s = buckets.by_address.take(address)
        if retry_s:
            raise _rate_limited(retry_s, f"per-address {buckets.kind}")
        principal = await self._authenticate(scope)
        scope["user"] = principal
        if principal.key_id is not None:
            retry_s = buckets.by_key.take(principal.key_id)
            if retry_s:
                raise _rate_limited(retry_s, f"per-key {buckets.kind}")
        needed = declared_scope(scope["route_handler"])
        if principal is not ANONYMOUS and not principal.allows(needed):  # public: no scope
            raise ProblemError(
                HTTP_403_FORBIDDEN,
                "forbidden",
                "Insufficient scope",
                f"the key {principal.name!r} lacks the {needed.value!r} scope this route needs",
                headers={
                    "WWW-Authenticate": f'{REALM}, error="insufficient_scope", scope="{needed}"'
                },
            )
        if scope["route_handler"].opt.get("scan_cost"):
            retry_s = self._scans.take(principal.key_id or address)
            if retry_s:
                raise _rate_limited(retry_s, "scan")

    async def _authenticate(self, scope: Scope) -> Principal:
        settings = self._settings
        if settings.mode is AuthMode.OPEN:
            return OPEN
        handler = scope["route_handler"]
        if route_action(scope) in settings.public_routes or handler.opt.get("ui_public"):
            return ANONYMOUS
        keys = services(scope["app"].state).keys
        if settings.mode is AuthMode.AUTO and not await keys.any_created():
            return OPEN
        token = bearer_token(scope) or dashboard_token(scope)
        if not token:
            _sign_in_first(scope)
            raise _unauthorized("this route needs an API key: Authorization: Bearer <key>", REALM)
        principal = await keys.verify(token)
        if principal is None:
            _sign_in_first(scope)
            raise _unauthorized(
                "the API key is not valid (malformed, unknown, revoked or expired)",
                f'{REALM}, error="invalid_token"',
            )
        return principal

    async def _audit(self, scope: Scope, status: int, document: object) -> None:
        """Append the record in its own transaction; a failure is logged, never raised."""
        principal = scope.get("user")
        who = principal if isinstance(principal, Principal) else None
        app = services(scope["app"].state)
        entry = AuditEntry(
            at=app.clock(),
            actor=who.name if who else "unauthenticated",
            key_id=who.key_id if who else None,
            action=route_action(scope),
            target=_target(scope, document),
            outcome=outcome_of(status),
            status=status,
            client=client_address(scope),
        )
        try:
            async with app.sessions.begin() as session:
                append(session, entry)
        except Exception:
            log.exception("could not write the audit record for %s", entry.action)


def _target(scope: Scope, document: object) -> str:
    """The URL a write names in its body (a scan, a server, a receiver), else the path.

    Escaped, because the body of a refused write is hostile by definition: a lone surrogate
    cannot be encoded to UTF-8 and PostgreSQL text cannot hold NUL, and either made the
    audit record of that very write fail to store.
    """
    if isinstance(document, dict) and isinstance(document.get("url"), str):
        return escaped_text(str(document["url"]), TARGET_LENGTH)
    return escaped_text(str(scope["path"]), TARGET_LENGTH)


TARGET_LENGTH = 2048  # AuditRow.target


def escaped_text(text: str, limit: int) -> str:
    """`text` storable anywhere: lone surrogates and NUL as visible escapes, cut to `limit`."""
    safe = text.encode("utf-8", "backslashreplace").decode("utf-8").replace("\x00", "\\x00")
    return safe[:limit]
