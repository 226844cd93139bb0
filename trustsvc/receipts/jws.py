"""JWS with a detached payload (RFC 7515 section 7.2 and appendix F), Ed25519 only.

The receipt is the payload: it stays readable JSON beside the signature, and the signing
input is BASE64URL(protected header) "." BASE64URL(JCS(receipt without its attestation)).
Any JOSE library verifies it by putting the canonical payload back between the dots.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature

from trustsvc.receipts.canonical import b64url, b64url_decode
from trustsvc.receipts.keys import ALG, PublicKey, SigningKey

TYP = "trustsvc-receipt+jcs"
ACCEPTED_ALGS = frozenset({ALG, "EdDSA"})  # RFC 9864 name, and RFC 8037's older one


@dataclass(frozen=True, slots=True)
class Detached:
    """A parsed detached JWS: its protected header and signature bytes."""

    header: dict[str, Any]
    protected: str
    signature: bytes


def sign(payload: bytes, key: SigningKey) -> str:
    """`<protected>..<signature>`: the compact JWS with its payload part left empty."""
    header = {"alg": ALG, "kid": key.kid, "typ": TYP}
    protected = b64url(json.dumps(header, separators=(",", ":")).encode("ascii"))
    signing_input = f"{protected}.{b64url(payload)}".encode("ascii")
    return f"{protected}..{b64url(key.private.sign(signing_input))}"


def parse(compact: str) -> Detached:
    """The header and signature of a detached compact JWS; ValueError with why not."""
    parts = compact.split(".")
    if len(parts) != 3 or parts[1] != "":  # noqa: PLR2004 - header.payload.signature
        raise ValueError("the signature is not a detached compact JWS (header..signature)")
    try:
        header = json.loads(b64url_decode(parts[0]))
        signature = b64url_decode(parts[2])
    except ValueError as exc:
        raise ValueError(f"the JWS is not valid base64url JSON: {exc}") from None
    if not isinstance(header, dict):
        raise ValueError("the JWS header is not a JSON object")  # noqa: TRY004 - bad document
    return Detached(header=header, protected=parts[0], signature=signature)


def verify(jws: Detached, payload: bytes, key: PublicKey) -> bool:
    """Whether the signature is the key's over this payload."""
    signing_input = f"{jws.protected}.{b64url(payload)}".encode("ascii")
    try:
        key.key.verify(jws.signature, signing_input)
    except InvalidSignature:
        return False
    return True
