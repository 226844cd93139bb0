"""Secrets at rest: a column type that encrypts with AES-GCM under TRUSTSVC_SECRET_KEY.

Webhook signing secrets must be readable again (the deliverer signs with them), so they
cannot be hashed like API keys; they are encrypted instead, with AES-256-GCM from
`cryptography` (the field's standard), under a key from the environment, so a database dump
or backup alone does not hold them. A stored value is `enc:v1:` + base64url(nonce ||
ciphertext+tag).

Without a key (`TRUSTSVC_SECRET_KEY` unset) values are stored in clear, as before, and the
service says so at start; a value stored encrypted then cannot be read, and using it fails
with a message that names the variable. Rows written in clear before a key was set stay in
clear until rewritten. The key is set once per process by `configure_secret_key`
(services.py), since column types are built before any settings exist.
"""

from __future__ import annotations

import base64
import os
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import String, TypeDecorator

PREFIX = "enc:v1:"
_NONCE_BYTES = 12
_CONTEXT = b"trustsvc sealed column v1"  # authenticated, not secret: binds the format

_aead: AESGCM | None = None


class SecretKeyError(RuntimeError):
    """An encrypted value cannot be read: no key, or not the key it was sealed with."""


def configure_secret_key(key: bytes | None) -> None:
    """Seal with `key` from now on in this process (None: store in clear)."""
    global _aead  # noqa: PLW0603 - one key per process, read by every column of this type
    _aead = None if key is None else AESGCM(key)


def seal(value: str) -> str:
    """`value` encrypted (or as is, without a key or when already sealed)."""
    if _aead is None or value.startswith(PREFIX):
        return value
    nonce = os.urandom(_NONCE_BYTES)
    sealed = _aead.encrypt(nonce, value.encode(), _CONTEXT)
    return PREFIX + base64.urlsafe_b64encode(nonce + sealed).decode().rstrip("=")


def unseal(stored: str) -> str:
    """The clear value of a stored one.

    Raises:
        SecretKeyError: it is sealed and this process has no key, or another key.
    """
    if not stored.startswith(PREFIX):
        return stored
    if _aead is None:
        raise SecretKeyError("a webhook secret is encrypted but TRUSTSVC_SECRET_KEY is not set")
    raw = stored.removeprefix(PREFIX)
    blob = base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4))
    try:
        return _aead.decrypt(blob[:_NONCE_BYTES], blob[_NONCE_BYTES:], _CONTEXT).decode()
    except InvalidTag as exc:
        detail = "a webhook secret was sealed with another TRUSTSVC_SECRET_KEY"
        raise SecretKeyError(detail) from exc


class SealedString(TypeDecorator[str]):
    """A string column stored sealed (see the module docstring)."""

    impl = String
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Any) -> str | None:  # noqa: ANN401
        """Seal on the way in."""
        del dialect
        return None if value is None else seal(value)

    def process_result_value(self, value: str | None, dialect: Any) -> str | None:  # noqa: ANN401
        """Unseal on the way out."""
        del dialect
        return None if value is None else unseal(value)
