"""Receipts: sign, verify, tamper, wrong key, rotation, expiry, and an independent verifier."""

from __future__ import annotations

import copy
import json
import stat
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from joserfc import jws as jose_jws
from joserfc.errors import BadSignatureError
from joserfc.jwk import KeySet as JoseKeySet

from tests.unit.receipts.conftest import ISSUED_AT, SCANNED_AT, body_of, clean_report
from trustsvc.receipts import jws
from trustsvc.receipts.canonical import b64url, canonical_bytes, digest
from trustsvc.receipts.keys import KeyFileError, KeyStore, new_key
from trustsvc.receipts.meta import META_KEY, receipts_in, server_json_meta
from trustsvc.receipts.sign import sign_receipt, signed_payload
from trustsvc.receipts.verify import key_set, verify_receipt

NOW = ISSUED_AT + timedelta(hours=1)


def signed(store: KeyStore, **changes: Any) -> dict[str, Any]:  # noqa: ANN401
    body = body_of(clean_report()) | changes
    return sign_receipt(body, store.active(ISSUED_AT), public_url="https://trust.example.com")


def keys_of(store: KeyStore) -> dict[str, Any]:
    return key_set({"keys": [k.jwk() for k in store.public_keys(NOW)]})


def test_a_signed_receipt_verifies(store: KeyStore) -> None:
    receipt = signed(store)
    verdict = verify_receipt(receipt, keys_of(store), NOW)
    assert verdict.ok, verdict.reason
    assert verdict.reason.startswith("valid: clean for https://mcp.example.com/mcp")


def test_the_receipt_has_the_proposal_fields_and_ours(store: KeyStore) -> None:
    receipt = signed(store)
    for field in (
        "scanner",
        "scanner_version",
        "rule_set_ref",
        "policy_profile",
        "scanned_artifact_ref",
        "scanned_artifact_digest",
        "scan_scope",
        "verdict",
        "scanned_at",
        "freshness_expires_at",
        "evidence_ref",
        "evidence_digest",
        "attestation",
    ):
        assert field in receipt, field
    ours = receipt["trustsvc"]
    assert ours["digests"]["auth_metadata"].startswith("sha256:")
    assert ours["digests"]["tool_set"] is None  # the synthetic findings carry no fingerprint
    assert receipt["scanned_at"] == "2026-11-20T09:30:00Z"
    assert receipt["freshness_expires_at"] == "2026-11-21T09:30:00Z"  # tools: one day
    assert receipt["evidence_ref"] == "https://trust.example.com/v1/scans/scan-1"
    assert receipt["attestation"]["jwks_uri"] == (
        "https://trust.example.com/.well-known/trustsvc-keys.json"
    )
    assert {"probe_id", "outcome", "count"} == set(ours["findings"][0])
    assert receipt["scanned_artifact_digest"] == digest(ours["digests"])


def test_re_serialising_the_json_changes_nothing_signed(store: KeyStore) -> None:
    """Registries reindent and reorder: the canonical bytes, and so the signature, hold."""
    receipt = signed(store)
    shuffled = json.loads(json.dumps(dict(reversed(list(receipt.items()))), indent=4))
    assert verify_receipt(shuffled, keys_of(store), NOW).ok


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("trustsvc", "score"), 100),
        (("verdict",), "block"),
        (("trustsvc", "findings", 0, "outcome"), "true"),
        (("freshness_expires_at",), "2030-01-01T00:00:00Z"),
    ],
)
def test_a_tampered_receipt_is_refused(store: KeyStore, path: tuple[Any, ...], value: Any) -> None:  # noqa: ANN401
    receipt = copy.deepcopy(signed(store))
    target = receipt
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    verdict = verify_receipt(receipt, keys_of(store), NOW)
    assert not verdict.ok
    assert "does not match: the receipt was changed after signing" in verdict.reason


def test_a_receipt_checked_against_another_key_set_is_refused(
    store: KeyStore, tmp_path: Path
) -> None:
    other = KeyStore(tmp_path / "other.json", create=True)
    verdict = verify_receipt(signed(store), keys_of(other), NOW)
    assert not verdict.ok
    assert "is not in the given key set" in verdict.reason


def test_a_receipt_signed_by_a_wrong_key_under_our_kid_is_refused(store: KeyStore) -> None:
    """A forger who copies our kid into the header still cannot make our key vouch."""
    real = store.active(ISSUED_AT)
    forger = new_key(ISSUED_AT)
    receipt = signed(store)
    payload = signed_payload(receipt)
    header = b64url(json.dumps({"alg": "Ed25519", "kid": real.kid}).encode())
    forged = forger.private.sign(f"{header}.{b64url(payload)}".encode())
    receipt["attestation"]["signature"] = f"{header}..{b64url(forged)}"
    verdict = verify_receipt(receipt, keys_of(store), NOW)
    assert not verdict.ok
    assert f"key {real.kid} did not sign it" in verdict.reason


def test_rotation_signs_with_the_new_key_and_old_receipts_still_verify(store: KeyStore) -> None:
    old_receipt = signed(store)
    old_kid = store.active(ISSUED_AT).kid
    rotated_at = ISSUED_AT + timedelta(minutes=10)
    fresh = store.rotate(rotated_at, retain_days=30)
    assert fresh.kid != old_kid
    assert store.active(NOW).kid == fresh.kid
    new_receipt = sign_receipt(
        body_of(clean_report(), issued_at=NOW), store.active(NOW), public_url=None
    )
    keys = keys_of(store)
    assert verify_receipt(old_receipt, keys, NOW).ok
    assert verify_receipt(new_receipt, keys, NOW).kid == fresh.kid
    old_public = next(k for k in store.public_keys(NOW) if k.kid == old_kid)
    assert old_public.retired_at == rotated_at
    assert old_public.expires_at == rotated_at + timedelta(days=30)


def test_a_receipt_under_an_expired_key_is_refused(store: KeyStore) -> None:
    receipt = signed(store)
    rotated_at = ISSUED_AT + timedelta(minutes=10)
    store.rotate(rotated_at, retain_days=1)
    later = rotated_at + timedelta(days=1, seconds=1)
    verdict = verify_receipt(receipt, keys_of(store), later)
    assert not verdict.ok
    assert "expired at" in verdict.reason
    assert "receipts it signed are no longer accepted" in verdict.reason


def test_a_receipt_issued_after_its_key_was_retired_is_refused(store: KeyStore) -> None:
    """A retired key that leaked cannot mint new receipts that verify."""
    old = store.active(ISSUED_AT)
    store.rotate(ISSUED_AT + timedelta(minutes=1), retain_days=30)
    late = sign_receipt(body_of(clean_report(), issued_at=ISSUED_AT + timedelta(minutes=2)), old)
    verdict = verify_receipt(late, keys_of(store), NOW)
    assert not verdict.ok
    assert "outside key" in verdict.reason


def test_a_stale_receipt_is_refused(store: KeyStore) -> None:
    verdict = verify_receipt(signed(store), keys_of(store), SCANNED_AT + timedelta(days=2))
    assert not verdict.ok
    assert verdict.reason.startswith("stale: the scan's freshness ended at")


@pytest.mark.parametrize(
    ("mutate", "reason"),
    [
        (lambda r: r.pop("attestation"), "not a signed receipt"),
        (lambda r: r["attestation"].update(signature="a.b.c"), "not a detached compact JWS"),
        (lambda r: r["attestation"].update(signature="!!..!!"), "not valid base64url"),
        (lambda r: r["attestation"].update(kid="someone-else"), "kid differs"),
    ],
)
def test_malformed_attestations_are_refused_with_a_reason(
    store: KeyStore,
    mutate: Callable[[dict[str, Any]], object],
    reason: str,
) -> None:
    receipt = signed(store)
    mutate(receipt)
    verdict = verify_receipt(receipt, keys_of(store), NOW)
    assert not verdict.ok
    assert reason in verdict.reason


def test_an_unsupported_algorithm_is_refused(store: KeyStore) -> None:
    receipt = signed(store)
    header = b64url(json.dumps({"alg": "HS256", "kid": store.active(NOW).kid}).encode())
    receipt["attestation"]["signature"] = f"{header}..{b64url(b'x')}"
    assert (
        "unsupported signature algorithm 'HS256'"
        in verify_receipt(receipt, keys_of(store), NOW).reason
    )


def test_an_independent_jose_library_accepts_the_signature(store: KeyStore) -> None:
    """joserfc, given our JWKS and the canonical payload, verifies the detached JWS."""
    receipt = signed(store)
    jwks = {"keys": [k.jwk() for k in store.public_keys(NOW)]}
    keys = JoseKeySet.import_key_set(json.loads(json.dumps(jwks)))
    checked = jose_jws.deserialize_compact(
        receipt["attestation"]["signature"],
        keys,
        payload=signed_payload(receipt),
        algorithms=["Ed25519"],
    )
    assert checked.headers()["kid"] == store.active(NOW).kid
    with pytest.raises(BadSignatureError):
        jose_jws.deserialize_compact(
            receipt["attestation"]["signature"],
            keys,
            payload=signed_payload(receipt | {"verdict": "block"}),
            algorithms=["Ed25519"],
        )


def test_the_payload_is_rfc_8785_canonical_json() -> None:
    assert canonical_bytes({"b": [1, 2.5, "é"], "a": None, "c": {"y": 1e21, "x": True}}) == (
        b'{"a":null,"b":[1,2.5,"\xc3\xa9"],"c":{"x":true,"y":1e+21}}'
    )


def test_hostile_subjects_with_lone_surrogates_still_digest(store: KeyStore) -> None:
    report = clean_report(subjects=("tool:\ud800evil",))
    receipt = sign_receipt(body_of(report), store.active(ISSUED_AT))
    assert verify_receipt(receipt, keys_of(store), NOW).ok


def test_the_first_key_is_generated_once_with_private_permissions(tmp_path: Path) -> None:
    path = tmp_path / "data" / "signing.json"
    first, second = KeyStore(path, create=True), KeyStore(path, create=True)
    assert first.active(NOW).kid == second.active(NOW).kid
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_a_named_key_file_that_is_missing_is_not_created(tmp_path: Path) -> None:
    store = KeyStore(tmp_path / "typo.json", create=False)
    with pytest.raises(KeyFileError, match="does not exist"):
        store.active(NOW)
    assert not (tmp_path / "typo.json").exists()


def test_a_corrupt_key_file_says_so_without_its_content(tmp_path: Path) -> None:
    path = tmp_path / "keys.json"
    path.write_text(
        '{"keys": [{"kty": "OKP", "crv": "Ed25519", "kid": "k", "x": "AAAA", "d": "SECRETSECRET"}]}'
    )
    with pytest.raises(KeyFileError) as raised:
        KeyStore(path, create=False).active(NOW)
    assert "is not a signing key set" in str(raised.value)
    assert "SECRETSECRET" not in str(raised.value)


def test_private_material_stays_out_of_reprs_and_the_key_set(store: KeyStore) -> None:
    key = store.active(NOW)
    d = key.private_jwk()["d"]
    assert d not in repr(key)
    assert all("d" not in jwk for jwk in (k.jwk() for k in store.public_keys(NOW)))


def test_the_receipt_sits_in_a_server_json_meta_and_is_found_there(store: KeyStore) -> None:
    receipt = signed(store)
    server_json = {"name": "io.example/weather", "version": "1.0.0"} | server_json_meta(receipt)
    server_json["_meta"][META_KEY].insert(0, {"scanner": "someone-else"})
    [found] = receipts_in(json.loads(json.dumps(server_json)))
    assert verify_receipt(found, keys_of(store), NOW).ok


def test_too_little_measured_is_inconclusive(store: KeyStore) -> None:
    report = clean_report()
    report.grade = "?"
    body = body_of(report)
    assert body["verdict"] == "inconclusive"
    assert body["inconclusive_reason"] == "evidence_unavailable"


def test_the_jws_parser_refuses_a_payload_part() -> None:
    with pytest.raises(ValueError, match="detached"):
        jws.parse("a.b.c")
