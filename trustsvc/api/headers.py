"""Security headers on every response, errors and unmatched routes included.

A JSON API needs few: no MIME sniffing, no framing, no referrer, no caching of answers that
may name the endpoints a company checks, and a CSP that forbids everything (the browsable
docs under /schema are exempt: they load their viewer's scripts). No CORS headers are ever
sent, so browsers keep other origins out; a deployment that wants a browser client puts a
proxy with its own CORS policy in front.
"""

from __future__ import annotations

from litestar.datastructures import MutableScopeHeaders
from litestar.types import Message, Scope

_ALWAYS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Cache-Control": "no-store",
}
_API_CSP = "default-src 'none'; frame-ancestors 'none'"
DOCS_PREFIX = "/schema"


def security_headers(message: Message, scope: Scope) -> None:
    """Add the headers to the response start (a Litestar `before_send` hook)."""
    if message["type"] != "http.response.start":
        return
    headers = MutableScopeHeaders.from_message(message)
    for name, value in _ALWAYS.items():
        headers[name] = value
    if not str(scope.get("path", "")).startswith(DOCS_PREFIX):
        headers["Content-Security-Policy"] = _API_CSP
