"""Verify a receipt offline against a key set; every refusal says why in one sentence.

Checks, in order: the document is a signed trustsvc receipt; its JWS is Ed25519 and names
a key; the key is in the given set and had not expired at the verification time; the
signature matches the canonical receipt (any change after signing breaks it); the receipt
was issued while the key was in service; and the receipt is still fresh.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from trustsvc.clock import parse_rfc3339
from trustsvc.receipts import jws
from trustsvc.receipts.keys import PublicKey, public_key_of
from trustsvc.receipts.sign import ATTESTATION, signed_payload


@dataclass(frozen=True, slots=True)
class Verdict:
    """The outcome: `ok`, and the sentence that explains it."""

    ok: bool
    reason: str
    kid: str | None = None


def key_set(jwks: object) -> dict[str, PublicKey]:
    """Keys by id from a JWKS document; ValueError when it is not one."""
    if not isinstance(jwks, dict) or not isinstance(jwks.get("keys"), list):
        raise ValueError('a key set is a JSON object with a "keys" array (RFC 7517)')  # noqa: TRY004
    found: dict[str, PublicKey] = {}
    for jwk in jwks["keys"]:
        if isinstance(jwk, dict) and jwk.get("kty") == "OKP" and jwk.get("crv") == "Ed25519":
            key = public_key_of(jwk)
            found[key.kid] = key
    return found


def verify_receipt(receipt: object, keys: Mapping[str, PublicKey], at: datetime) -> Verdict:
    """Whether the receipt is authentic and current at `at`."""
    signed = _signature(receipt)
    if isinstance(signed, Verdict):
        return signed
    document, parsed, kid = signed
    return _check_key(document, parsed, keys.get(kid), kid, at)


def _signature(  # noqa: PLR0911 - one return per refusal reads as the checklist it is
    receipt: object,
) -> tuple[dict[str, Any], jws.Detached, str] | Verdict:
    """The receipt, its parsed JWS and key id; or why it is not a signed receipt."""
    if not isinstance(receipt, dict) or not isinstance(receipt.get(ATTESTATION), dict):
        return Verdict(ok=False, reason="not a signed receipt: it has no attestation object")
    attestation: dict[str, Any] = receipt[ATTESTATION]
    signature = attestation.get("signature")
    if not isinstance(signature, str):
        return Verdict(ok=False, reason="the attestation carries no signature")
    try:
        parsed = jws.parse(signature)
    except ValueError as exc:
        return Verdict(ok=False, reason=str(exc))
    kid, alg = parsed.header.get("kid"), parsed.header.get("alg")
    if alg not in jws.ACCEPTED_ALGS:
        return Verdict(ok=False, reason=f"unsupported signature algorithm {alg!r} (need Ed25519)")
    if not isinstance(kid, str):
        return Verdict(ok=False, reason="the signature names no key (no kid in its header)")
    if attestation.get("kid") not in (None, kid):
        return Verdict(
            ok=False, reason="the attestation's kid differs from the signed one", kid=kid
        )
    return receipt, parsed, kid


def _check_key(
    receipt: dict[str, Any],
    parsed: jws.Detached,
    key: PublicKey | None,
    kid: str,
    at: datetime,
) -> Verdict:
    if key is None:
        return Verdict(
            ok=False,
            reason=f"signed by key {kid}, which is not in the given key set (wrong key set, "
            "or not signed by this service)",
            kid=kid,
        )
    if key.expires_at is not None and at >= key.expires_at:
        return Verdict(
            ok=False,
            reason=f"key {kid} expired at {key.expires_at.isoformat()}; receipts it signed "
            "are no longer accepted",
            kid=kid,
        )
    if not jws.verify(parsed, signed_payload(receipt), key):
        return Verdict(
            ok=False,
            reason=f"the signature does not match: the receipt was changed after signing, or "
            f"key {kid} did not sign it",
            kid=kid,
        )
    return _check_dates(receipt, key, at)


def _check_dates(receipt: dict[str, Any], key: PublicKey, at: datetime) -> Verdict:
    ours = receipt.get("trustsvc")
    issued = parse_rfc3339(ours.get("issued_at")) if isinstance(ours, dict) else None
    fresh = parse_rfc3339(receipt.get("freshness_expires_at"))
    if issued is None or fresh is None:
        return Verdict(ok=False, reason="the receipt lacks issued_at or freshness_expires_at")
    if (key.created_at and issued < key.created_at) or (key.retired_at and issued > key.retired_at):
        return Verdict(
            ok=False, reason=f"issued at {issued.isoformat()}, outside key {key.kid}'s service"
        )
    if at >= fresh:
        return Verdict(
            ok=False,
            reason=f"stale: the scan's freshness ended at {fresh.isoformat()} (rescan it)",
            kid=key.kid,
        )
    scanned = receipt.get("scanned_artifact_ref")
    return Verdict(
        ok=True,
        reason=f"valid: {receipt.get('verdict')} for {scanned}, scanned at "
        f"{receipt.get('scanned_at')}, signed by key {key.kid}",
        kid=key.kid,
    )
