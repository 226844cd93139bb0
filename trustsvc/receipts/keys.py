"""The service's Ed25519 signing keys: a private JWKS file, generated on first use.

The file is `{"keys": [JWK, ...]}` (RFC 7517) with the private `d` of each key and three
dates: `created_at`, `retired_at` (set when a newer key took over signing) and `expires_at`
(after which receipts it signed are refused). Rotation keeps old keys, so receipts signed
before it still verify until their key expires. Key ids are RFC 7638 thumbprints.

The file is created exclusively (two processes starting at once agree on one key) with
mode 0600 and rewritten atomically; private material never reaches a log or a repr.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from trustsvc.clock import parse_rfc3339
from trustsvc.receipts.canonical import b64url, b64url_decode, canonical_bytes

ALG = "Ed25519"  # RFC 9864's fully-specified name; "EdDSA" with crv Ed25519 is accepted too
DEFAULT_RETAIN_DAYS = 90.0


class KeyFileError(Exception):
    """The key file is missing, unreadable or not a signing-key set; one line says why."""


@dataclass(frozen=True, slots=True, kw_only=True)
class PublicKey:
    """A verification key and the period it may vouch for."""

    kid: str
    key: Ed25519PublicKey = field(repr=False)
    created_at: datetime | None = None
    retired_at: datetime | None = None
    expires_at: datetime | None = None

    def jwk(self) -> dict[str, Any]:
        """The public JWK, with its dates, as served in the JWKS."""
        raw = self.key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        doc: dict[str, Any] = {
            "kty": "OKP",
            "crv": "Ed25519",
            "x": b64url(raw),
            "kid": self.kid,
            "alg": ALG,
            "use": "sig",
        }
        for name in ("created_at", "retired_at", "expires_at"):
            value = getattr(self, name)
            if value is not None:
                doc[name] = value.isoformat()
        return doc


@dataclass(frozen=True, slots=True, kw_only=True)
class SigningKey:
    """A private key with its public half; only `private` is secret."""

    public: PublicKey
    private: Ed25519PrivateKey = field(repr=False)

    @property
    def kid(self) -> str:
        """The key id (RFC 7638 thumbprint of the public key)."""
        return self.public.kid

    def private_jwk(self) -> dict[str, Any]:
        """The stored form: the public JWK and `d`."""
        raw = self.private.private_bytes(
            serialization.Encoding.Raw,
            serialization.PrivateFormat.Raw,
            serialization.NoEncryption(),
        )
        return self.public.jwk() | {"d": b64url(raw)}


def thumbprint(public: Ed25519PublicKey) -> str:
    """RFC 7638 JWK thumbprint (SHA-256) of an Ed25519 key: its canonical kid."""
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    members = {"crv": "Ed25519", "kty": "OKP", "x": b64url(raw)}
    return b64url(hashlib.sha256(canonical_bytes(members)).digest())


def new_key(now: datetime) -> SigningKey:
    """A fresh key, created now."""
    private = Ed25519PrivateKey.generate()
    public = private.public_key()
    return SigningKey(
        public=PublicKey(kid=thumbprint(public), key=public, created_at=now), private=private
    )


def public_key_of(jwk: dict[str, Any]) -> PublicKey:
    """A verification key from a JWK (ours or anyone's); ValueError when it is not one."""
    if jwk.get("kty") != "OKP" or jwk.get("crv") != "Ed25519":
        raise ValueError("not an Ed25519 OKP key")
    kid, x = jwk.get("kid"), jwk.get("x")
    if not isinstance(kid, str) or not kid or not isinstance(x, str):
        raise ValueError("a key needs a kid and x")
    raw = b64url_decode(x)
    if len(raw) != 32:  # noqa: PLR2004 - an Ed25519 public key is 32 bytes (RFC 8032)
        raise ValueError("x is not a 32-byte Ed25519 key")
    return PublicKey(
        kid=kid,
        key=Ed25519PublicKey.from_public_bytes(raw),
        created_at=_date(jwk.get("created_at")),
        retired_at=_date(jwk.get("retired_at")),
        expires_at=_date(jwk.get("expires_at")),
    )


def _date(value: object) -> datetime | None:
    if value is None:
        return None
    when = parse_rfc3339(value)
    if when is None:
        raise ValueError(f"key date {value!r} is not an RFC 3339 time")
    return when


def _signing_key_of(jwk: dict[str, Any]) -> SigningKey:
    public = public_key_of(jwk)
    d = jwk.get("d")
    if not isinstance(d, str):
        raise ValueError(f"key {public.kid} has no private part")  # noqa: TRY004 - bad document
    private = Ed25519PrivateKey.from_private_bytes(b64url_decode(d))
    if thumbprint(private.public_key()) != thumbprint(public.key):
        raise ValueError(f"key {public.kid}: d does not belong to x")
    return SigningKey(public=public, private=private)


class KeyStore:
    """The signing keys in one file; re-read when the file changes (rotation by the CLI).

    `create` says whether a missing file may be generated: yes for the data directory's
    default, no for a file the operator named (a typo must not mint a new identity).
    """

    def __init__(self, path: Path, *, create: bool) -> None:
        self.path = path
        self.create = create
        self._cache: tuple[float, tuple[SigningKey, ...]] | None = None

    def keys(self, now: datetime) -> tuple[SigningKey, ...]:
        """Every key, newest first; the first key is generated here when allowed."""
        with contextlib.suppress(FileNotFoundError):
            return self._read()
        if not self.create:
            raise KeyFileError(
                f"signing key file {self.path} does not exist "
                "(create it with `trustsvc signing-keys rotate`, or unset "
                "TRUSTSVC_SIGNING_KEY_FILE to use the data directory)"
            )
        self._write_new((new_key(now),))
        return self._read()

    def active(self, now: datetime) -> SigningKey:
        """The key that signs now: the newest one not retired."""
        for key in self.keys(now):
            if key.public.retired_at is None:
                return key
        raise KeyFileError(f"{self.path} has no active key (run `trustsvc signing-keys rotate`)")

    def public_keys(self, now: datetime) -> tuple[PublicKey, ...]:
        """What the JWKS serves: every key's public half, retired and expired ones too.

        A verifier then says "expired" rather than "unknown key".
        """
        return tuple(key.public for key in self.keys(now))

    def rotate(self, now: datetime, retain_days: float = DEFAULT_RETAIN_DAYS) -> SigningKey:
        """Retire the signing key (it verifies for `retain_days` more) and add a new one."""
        try:
            current = self._read()
        except FileNotFoundError:
            current = ()
        retired = tuple(
            replace(
                key,
                public=replace(
                    key.public, retired_at=now, expires_at=now + timedelta(days=retain_days)
                ),
            )
            if key.public.retired_at is None
            else key
            for key in current
        )
        fresh = new_key(now)
        keys = (fresh, *retired)
        if current:
            self._replace(keys)
        else:
            self._write_new(keys)
        return fresh

    def _read(self) -> tuple[SigningKey, ...]:
        mtime = self.path.stat().st_mtime_ns
        if self._cache is not None and self._cache[0] == mtime:
            return self._cache[1]
        try:
            doc = json.loads(self.path.read_text(encoding="utf-8"))
            keys = tuple(_signing_key_of(jwk) for jwk in doc["keys"])
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise KeyFileError(f"{self.path} is not a signing key set: {exc}") from None
        if not keys:
            raise KeyFileError(f"{self.path} holds no keys")
        self._cache = (mtime, keys)
        return keys

    def _text(self, keys: tuple[SigningKey, ...]) -> str:
        return json.dumps({"keys": [key.private_jwk() for key in keys]}, indent=2) + "\n"

    def _write_new(self, keys: tuple[SigningKey, ...]) -> None:
        """Create the file only if no other process did first (then theirs is kept)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            return
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(self._text(keys))

    def _replace(self, keys: tuple[SigningKey, ...]) -> None:
        temporary = self.path.with_name(self.path.name + ".tmp")
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(self._text(keys))
        temporary.replace(self.path)
        self._cache = None
