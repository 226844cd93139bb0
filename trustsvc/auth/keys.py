"""The key format: `tsk_<key id>_<secret>`, random, checked against a stored SHA-256.

The secret is 256 random bits, so a fast hash is enough (as GitHub and Stripe tokens do): a
slow password hash protects guessable secrets, and this one cannot be guessed. The public key
id finds the row without comparing hashes across the table; the `tsk_` prefix lets secret
scanners and our own log redaction recognise a leaked key.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

PREFIX = "tsk"
_KEY_ID_BYTES = 6
_SECRET_BYTES = 32
KEY_PATTERN = re.compile(r"\Atsk_([0-9a-f]{12})_([A-Za-z0-9_-]{43})\Z")
"""A whole key; `trustsvc.observability` redacts anything that looks like one."""


@dataclass(frozen=True, slots=True)
class NewKey:
    """A freshly minted key: `token` is shown once, only `secret_sha256` is stored."""

    key_id: str
    token: str
    secret_sha256: str


def mint_key() -> NewKey:
    """A new random key."""
    key_id = secrets.token_hex(_KEY_ID_BYTES)
    secret = secrets.token_urlsafe(_SECRET_BYTES)
    return NewKey(key_id=key_id, token=f"{PREFIX}_{key_id}_{secret}", secret_sha256=digest(secret))


def parse_key(token: str) -> tuple[str, str] | None:
    """The (key id, secret) of a well-formed key, or None."""
    match = KEY_PATTERN.match(token)
    return None if match is None else (match.group(1), match.group(2))


def digest(secret: str) -> str:
    """The stored form of a secret."""
    return hashlib.sha256(secret.encode()).hexdigest()


def secret_matches(secret: str, stored_sha256: str) -> bool:
    """Constant-time comparison, so response timing says nothing about the stored hash."""
    return hmac.compare_digest(digest(secret), stored_sha256)
