"""Security headers on every response, errors and unmatched routes included.

A JSON API needs few: no MIME sniffing, no framing, no referrer, no caching of answers that
may name the endpoints a company checks, and a CSP that forbids everything (the browsable
docs under /schema are exempt: they load their viewer's scripts; the dashboard under /ui
may load its own stylesheet and script, from this origin only, and nothing inline). No CORS
headers are ever sent, so browsers keep other origins out; a deployment that wants a browser
client puts a proxy with its own CORS policy in front.
"""

from __future__ import annotations

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
UI_PREFIX = "/ui"
_UI_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)
# Appended as raw pairs: no handler sets these names, and a header-by-header merge cost
# more than the trivial route itself (bench/lookup).
_DOCS_HEADERS = [(name.lower().encode(), value.encode()) for name, value in _ALWAYS.items()]
_API_HEADERS = [*_DOCS_HEADERS, (b"content-security-policy", _API_CSP.encode())]
_UI_HEADERS = [*_DOCS_HEADERS, (b"content-security-policy", _UI_CSP.encode())]


async def security_headers(message: Message, scope: Scope) -> None:
    """Add the headers to the response start (a Litestar `before_send` hook).

    A coroutine on purpose: Litestar runs a plain function hook in a worker thread, two
    thread hops per response, which cut the trivial route's throughput eightfold.
    """
    if message["type"] != "http.response.start":
        return
    path = str(scope.get("path", ""))
    if path.startswith(DOCS_PREFIX):
        extra = _DOCS_HEADERS
    elif path == UI_PREFIX or path.startswith(UI_PREFIX + "/"):
        extra = _UI_HEADERS
    else:
        extra = _API_HEADERS
    message["headers"] = [*message.get("headers", ()), *extra]
