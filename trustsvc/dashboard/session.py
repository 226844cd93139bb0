"""The dashboard's sign-in: an API key, entered once, kept in an HttpOnly cookie.

The cookie holds the key itself, so every request checks it exactly as a bearer key is
checked (scopes, expiry, revocation: a revoked key ends its sessions at once). It is
HttpOnly (no script reads it), SameSite=Strict (no other site's page sends it), Secure
behind https, and lives `SESSION_S`. A write authenticated by the cookie must also carry
the `X-Trustsvc-UI` header: a cross-origin page cannot add a custom header without a CORS
preflight, which this server never grants, so no other site can make the browser act.
"""

from __future__ import annotations

from http.cookies import SimpleCookie

COOKIE = "trustsvc_session"
CSRF_HEADER = "x-trustsvc-ui"
SESSION_S = 8 * 3600
UI_PREFIX = "/ui"
LOGIN_PATH = f"{UI_PREFIX}/login"


def cookie_token(raw_cookie_header: str | None) -> str | None:
    """The key in the session cookie of a Cookie header, if any."""
    if not raw_cookie_header:
        return None
    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(raw_cookie_header)
    except Exception:  # noqa: BLE001 - a malformed Cookie header is no session, never a 500
        return None
    morsel = jar.get(COOKIE)
    return morsel.value if morsel is not None and morsel.value else None


def set_cookie_header(token: str, *, secure: bool) -> str:
    """The Set-Cookie value that signs a browser in."""
    flags = f"; Max-Age={SESSION_S}; Path=/; HttpOnly; SameSite=Strict"
    return f"{COOKIE}={token}{flags}{'; Secure' if secure else ''}"


def clear_cookie_header(*, secure: bool) -> str:
    """The Set-Cookie value that signs a browser out."""
    flags = "; Max-Age=0; Path=/; HttpOnly; SameSite=Strict"
    return f"{COOKIE}={flags}{'; Secure' if secure else ''}"
