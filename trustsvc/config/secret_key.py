"""TRUSTSVC_SECRET_KEY: the key that seals secrets at rest (store/sealed.py)."""

from __future__ import annotations

import base64
import binascii

KEY_BYTES = 32


def parse_secret_key(raw: str) -> bytes:
    """The 32-byte key from its base64url text.

    Raises:
        ValueError: not base64url of exactly 32 bytes (the message says how to make one).
    """
    try:
        key = base64.urlsafe_b64decode(raw.strip() + "=" * (-len(raw.strip()) % 4))
    except (binascii.Error, ValueError):
        key = b""
    if len(key) != KEY_BYTES:
        raise ValueError(
            "TRUSTSVC_SECRET_KEY must be 32 random bytes in base64url; make one with "
            "python -c 'import base64,os; print(base64.urlsafe_b64encode(os.urandom(32)).decode())'"
        )
    return key
