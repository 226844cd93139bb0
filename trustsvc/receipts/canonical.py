"""Canonical bytes and digests of JSON values (RFC 8785 JSON Canonicalization Scheme).

A receipt travels as readable JSON (in a file, an API response, a server.json `_meta`) and
anyone may re-indent it or reorder its keys; the signature is over the JCS bytes, which
every verifier rebuilds the same. Strings an endpoint sent may hold lone surrogates, which
UTF-8 cannot carry: they become U+FFFD before hashing, so a hostile name never breaks it.
"""

from __future__ import annotations

import base64
import hashlib
import re
from typing import Any

import rfc8785

_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def scrub(value: Any) -> Any:  # noqa: ANN401 - any JSON value in, the same shape out
    """The value with lone surrogates replaced, so it has a UTF-8 (and a JCS) form."""
    if isinstance(value, str):
        return _LONE_SURROGATE.sub("\ufffd", value)
    if isinstance(value, dict):
        return {scrub(k): scrub(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [scrub(v) for v in value]
    return value


def canonical_bytes(value: Any) -> bytes:  # noqa: ANN401 - any JSON value
    """The RFC 8785 serialisation of a JSON value."""
    return rfc8785.dumps(scrub(value))


def digest(value: Any) -> str:  # noqa: ANN401 - any JSON value
    """`sha256:<hex>` of the value's canonical bytes."""
    return "sha256:" + hashlib.sha256(canonical_bytes(value)).hexdigest()


def b64url(data: bytes) -> str:
    """Base64url without padding (RFC 7515 section 2)."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    """The bytes of unpadded base64url text; ValueError when it is not that."""
    if not re.fullmatch(r"[A-Za-z0-9_-]*", text):
        raise ValueError("not base64url")
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
