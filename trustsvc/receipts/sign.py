"""Sign a receipt: a detached JWS over the JCS bytes of the receipt without `attestation`.

Why detached: the receipt stays plain JSON that registries and people read (and that sits
in a server.json `_meta` as is), while the signature is standard JWS that any JOSE library
checks. Why JCS: whoever re-serialises the JSON (key order, spacing) changes nothing signed.
"""

from __future__ import annotations

from typing import Any

from trustsvc.receipts import jws
from trustsvc.receipts.canonical import canonical_bytes
from trustsvc.receipts.keys import ALG, SigningKey

ATTESTATION = "attestation"
JWKS_PATH = "/.well-known/trustsvc-keys.json"


def signed_payload(receipt: dict[str, Any]) -> bytes:
    """The bytes the signature covers: the receipt minus its attestation, canonical."""
    return canonical_bytes({k: v for k, v in receipt.items() if k != ATTESTATION})


def sign_receipt(
    body: dict[str, Any], key: SigningKey, *, public_url: str | None = None
) -> dict[str, Any]:
    """The receipt with its attestation.

    `kind` says who vouches: a third-party scanner, not the publisher (the proposal keeps
    that distinction so a receipt does not degrade into a self-badge). `jwks_uri` is a hint
    for finding the key; a verifier pins the issuer's key set rather than trusting it.
    """
    attestation = {
        "kind": "third-party-scanner",
        "format": "jws-detached",
        "alg": ALG,
        "kid": key.kid,
        "jwks_uri": f"{public_url.rstrip('/')}{JWKS_PATH}" if public_url else None,
        "signature": jws.sign(signed_payload(body), key),
    }
    return {**body, ATTESTATION: attestation}
