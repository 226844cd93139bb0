"""Webhook signatures, Stripe-style, so a receiver can tell our posts from anyone else's.

Header: `X-Trustsvc-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256>`, where the HMAC key is
the whole secret as UTF-8 (`whsec_` prefix included) and the message is `<t>.` followed by the
raw request body. The timestamp is signed too, so a captured post cannot be replayed later
than the receiver's tolerance. To verify, a receiver recomputes the HMAC over the bytes it
received (before any JSON parsing), compares in constant time and checks `t` is recent;
`verify` below does exactly that.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime

SIGNATURE_HEADER = "X-Trustsvc-Signature"
SECRET_PREFIX = "whsec_"  # noqa: S105 - a prefix, not a secret
SCHEME = "v1"
DEFAULT_TOLERANCE_S = 300


def new_secret() -> str:
    """A fresh signing secret: 256 random bits, prefixed so leaks are easy to grep for."""
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def _digest(secret: str, timestamp: int, body: bytes) -> str:
    message = f"{timestamp}.".encode() + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def sign(secret: str, body: bytes, timestamp: int) -> str:
    """The signature header value for a body sent at `timestamp` (unix seconds)."""
    return f"t={timestamp},{SCHEME}={_digest(secret, timestamp, body)}"


def verify(
    secret: str,
    header: str,
    body: bytes,
    now: datetime | float,
    tolerance_s: float = DEFAULT_TOLERANCE_S,
) -> bool:
    """Whether `header` signs `body` with `secret` and was made within `tolerance_s` of `now`.

    `now` is a datetime or unix seconds. Several `v1=` entries are accepted (one matching is
    enough), so a sender may sign with an old and a new secret while rotating.
    """
    timestamp: int | None = None
    candidates: list[str] = []
    for part in header.split(","):
        key, _, value = part.strip().partition("=")
        if key == "t" and value.isdigit():
            timestamp = int(value)
        elif key == SCHEME and value:
            candidates.append(value)
    if timestamp is None or not candidates:
        return False
    current = now.timestamp() if isinstance(now, datetime) else float(now)
    if abs(current - timestamp) > tolerance_s:
        return False
    expected = _digest(secret, timestamp, body).encode()
    # Bytes, not str: compare_digest refuses non-ASCII str, and a header is untrusted input.
    return any(hmac.compare_digest(expected, c.encode()) for c in candidates)
