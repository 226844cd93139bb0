"""The TLS probes, judged from hand-built observations: polarity, gates and evidence."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from probes.model import Family, Finding, Outcome, Probe, ProbeSpec, Severity
from probes.tls.family import TLS_FAMILY
from probes.tls.observation import Command, Protocol, TlsObservation
from tests.unit.tls.observations import (
    GOOD,
    GOOD_CERTIFICATE,
    NOW,
    failed,
    good_observation,
    http_observation,
    suite,
    support,
    with_certificate,
    with_protocols,
    with_suites,
)
from tests.unit.tls.polarity_cases import POLARITY_CASES

C, H, M, L = Severity.CRITICAL, Severity.HIGH, Severity.MEDIUM, Severity.LOW
T, F = Outcome.TRUE, Outcome.FALSE
# The catalogue as scoring depends on it: id, bad outcome, severity, in family order.
EXPECTED_SPECS = [
    ("tls_endpoint_uses_plaintext_http", T, C),
    ("tls_certificate_untrusted", T, C),
    ("tls_certificate_expired", T, C),
    ("tls_certificate_not_yet_valid", T, C),
    ("tls_certificate_self_signed", T, C),
    ("tls_certificate_hostname_mismatch", T, C),
    ("tls_certificate_key_too_weak", T, H),
    ("tls_certificate_signature_weak_hash", T, H),
    ("tls_certificate_chain_incomplete", T, M),
    ("tls_certificate_expires_within_30_days", T, L),
    ("tls_sslv2_offered", T, C),
    ("tls_sslv3_offered", T, H),
    ("tls_1_0_offered", T, M),
    ("tls_1_1_offered", T, M),
    ("tls_1_2_supported", F, M),
    ("tls_1_3_supported", F, L),
    ("tls_null_cipher_accepted", T, C),
    ("tls_anonymous_cipher_accepted", T, C),
    ("tls_export_cipher_accepted", T, C),
    ("tls_rc4_cipher_accepted", T, H),
    ("tls_64bit_block_cipher_accepted", T, M),
    ("tls_cipher_under_112_bits_accepted", T, C),
    ("tls_forward_secrecy_supported", F, M),
    ("tls_aead_supported", F, M),
    ("tls_vulnerable_to_heartbleed", T, C),
    ("tls_vulnerable_to_robot", T, C),
    ("tls_vulnerable_to_ccs_injection", T, C),
    ("tls_secure_renegotiation_supported", F, H),
    ("tls_compression_enabled", T, M),
    ("tls_hsts_enforced", F, L),
    ("tls_rating_below_a", T, M),
]
PROBES: dict[str, Probe[TlsObservation]] = {p.spec.id: p for p in TLS_FAMILY.probes}
# For each probe, an observation in which the command it depends on failed.
_NO_FS = support(Protocol.TLS_1_2, suite("TLS_RSA_WITH_AES_128_CBC_SHA", 128, ephemeral=None))
_SUITE_INPUT_FAILED = failed(Command.TLS_1_3, with_protocols(_NO_FS))
UNAVAILABLE_CASES = {
    **{
        spec_id: failed(Command.CERTIFICATE_INFO)
        for spec_id, _, _ in EXPECTED_SPECS
        if spec_id.startswith("tls_certificate_")
    },
    "tls_sslv2_offered": failed(Command.SSL_2_0),
    "tls_sslv3_offered": failed(Command.SSL_3_0),
    "tls_1_0_offered": failed(Command.TLS_1_0),
    "tls_1_1_offered": failed(Command.TLS_1_1),
    "tls_1_2_supported": failed(Command.TLS_1_2),
    "tls_1_3_supported": failed(Command.TLS_1_3),
    "tls_null_cipher_accepted": _SUITE_INPUT_FAILED,
    "tls_anonymous_cipher_accepted": _SUITE_INPUT_FAILED,
    "tls_export_cipher_accepted": _SUITE_INPUT_FAILED,
    "tls_rc4_cipher_accepted": _SUITE_INPUT_FAILED,
    "tls_64bit_block_cipher_accepted": _SUITE_INPUT_FAILED,
    "tls_cipher_under_112_bits_accepted": _SUITE_INPUT_FAILED,
    "tls_forward_secrecy_supported": _SUITE_INPUT_FAILED,
    "tls_aead_supported": failed(Command.TLS_1_3, with_protocols(_NO_FS)),
    "tls_vulnerable_to_heartbleed": failed(Command.HEARTBLEED),
    "tls_vulnerable_to_robot": failed(Command.ROBOT),
    "tls_vulnerable_to_ccs_injection": failed(Command.CCS_INJECTION),
    "tls_secure_renegotiation_supported": failed(Command.RENEGOTIATION),
    "tls_compression_enabled": failed(Command.COMPRESSION),
    "tls_hsts_enforced": failed(Command.HTTP_HEADERS),
    "tls_rating_below_a": failed(Command.CERTIFICATE_INFO),
}


def judge(probe_id: str, observation: TlsObservation) -> Finding:
    findings = list(PROBES[probe_id].judge(observation))
    assert len(findings) == 1
    assert findings[0].probe_id == probe_id
    return findings[0]


def test_family_lists_the_catalogue_in_order() -> None:
    assert TLS_FAMILY.family is Family.TLS
    assert [(s.id, s.bad_outcome, s.severity) for s in TLS_FAMILY.specs] == EXPECTED_SPECS


@pytest.mark.parametrize("spec", TLS_FAMILY.specs, ids=lambda s: s.id)
def test_spec_is_documented(spec: ProbeSpec) -> None:
    assert spec.family is Family.TLS
    assert spec.question.endswith("?")
    assert spec.rationale.endswith(".")
    assert spec.remediation.endswith(".")
    assert spec.references


def test_polarity_cases_cover_both_outcomes_of_every_spec() -> None:
    covered = {(probe_id, outcome) for probe_id, _, outcome in POLARITY_CASES}
    for spec in TLS_FAMILY.specs:
        assert (spec.id, spec.bad_outcome) in covered
        assert (spec.id, spec.good_outcome) in covered


@pytest.mark.parametrize(
    ("probe_id", "observation", "expected"),
    POLARITY_CASES,
    ids=[f"{probe_id}-{outcome}" for probe_id, _, outcome in POLARITY_CASES],
)
def test_polarity(probe_id: str, observation: TlsObservation, expected: Outcome) -> None:
    found = judge(probe_id, observation)
    assert found.outcome is expected
    assert found.family is Family.TLS
    is_bad = expected is PROBES[probe_id].spec.bad_outcome
    assert (found.remediation is not None) is is_bad
    assert found.message.endswith(".")
    assert "\n" not in found.message
    assert all(
        isinstance(v, str | int | float | bool | type(None)) for v in found.evidence.values()
    )


def test_good_observation_has_no_bad_outcome() -> None:
    for probe_id, probe in PROBES.items():
        assert judge(probe_id, GOOD).outcome is probe.spec.good_outcome, probe_id


@pytest.mark.parametrize("probe_id", list(PROBES))
def test_http_endpoint_is_not_applicable_except_plaintext(probe_id: str) -> None:
    found = judge(probe_id, http_observation())
    expected = T if probe_id == "tls_endpoint_uses_plaintext_http" else Outcome.NOT_APPLICABLE
    assert found.outcome is expected


@pytest.mark.parametrize("probe_id", sorted(UNAVAILABLE_CASES))
def test_failed_command_makes_probe_not_available(probe_id: str) -> None:
    found = judge(probe_id, UNAVAILABLE_CASES[probe_id])
    assert found.outcome is Outcome.NOT_AVAILABLE
    assert found.evidence["failed_commands"]
    assert found.remediation is None


def test_every_probe_but_plaintext_has_an_unavailable_case() -> None:
    assert set(UNAVAILABLE_CASES) == set(PROBES) - {"tls_endpoint_uses_plaintext_http"}


def test_weak_suite_in_a_completed_scan_is_conclusive_despite_other_failures() -> None:
    observation = failed(
        Command.SSL_2_0, with_suites(Protocol.TLS_1_2, suite("TLS_RSA_WITH_NULL_SHA", 0))
    )
    assert judge("tls_null_cipher_accepted", observation).outcome is T
    assert judge("tls_forward_secrecy_supported", failed(Command.TLS_1_2)).outcome is T


def test_rating_is_not_available_when_http_headers_failed() -> None:
    found = judge("tls_rating_below_a", failed(Command.HTTP_HEADERS))
    assert found.outcome is Outcome.NOT_AVAILABLE
    assert found.evidence["failed_commands"] == "http_headers"


def test_no_certificate_presented() -> None:
    observation = good_observation(certificate=None)
    assert judge("tls_certificate_untrusted", observation).outcome is T
    for probe_id in PROBES:
        if probe_id.startswith("tls_certificate_") and probe_id != "tls_certificate_untrusted":
            assert judge(probe_id, observation).outcome is Outcome.NOT_APPLICABLE


def test_expiry_warning_is_not_applicable_once_expired() -> None:
    expired = with_certificate(not_after=NOW - dt.timedelta(seconds=1))
    assert (
        judge("tls_certificate_expires_within_30_days", expired).outcome is Outcome.NOT_APPLICABLE
    )
    boundary = with_certificate(not_after=NOW + dt.timedelta(days=30))
    assert judge("tls_certificate_expires_within_30_days", boundary).outcome is T
    later = with_certificate(not_after=NOW + dt.timedelta(days=31))
    found = judge("tls_certificate_expires_within_30_days", later)
    assert found.outcome is F
    assert found.evidence["days_remaining"] == 31


@pytest.mark.parametrize(
    ("key_type", "bits", "expected"),
    [
        ("RSA", 1024, T),
        ("RSA", 2047, T),
        ("RSA", 2048, F),
        ("DSA", 1024, T),
        ("EC", 192, T),
        ("EC", 224, F),
        ("EC", 256, F),
        ("Ed25519", 256, F),
    ],
)
def test_key_too_weak_thresholds(key_type: str, bits: int, expected: Outcome) -> None:
    found = judge(
        "tls_certificate_key_too_weak", with_certificate(key_type=key_type, key_bits=bits)
    )
    assert found.outcome is expected
    assert found.evidence == {"key_type": key_type, "key_bits": bits}


def test_weak_hash_ignores_root_self_signature_but_not_intermediates() -> None:
    leaf, intermediate = GOOD_CERTIFICATE.chain
    root = replace(
        intermediate, subject="CN=Root", issuer="CN=Root", signature_hash="sha1", self_signed=True
    )
    assert (
        judge(
            "tls_certificate_signature_weak_hash",
            with_certificate(chain=(leaf, intermediate, root)),
        ).outcome
        is F
    )
    sha1_intermediate = replace(intermediate, signature_hash="sha1")
    found = judge(
        "tls_certificate_signature_weak_hash", with_certificate(chain=(leaf, sha1_intermediate))
    )
    assert found.outcome is T
    assert found.evidence["weak_hashes"] == "sha1"
    md5_leaf = replace(leaf, signature_hash="md5")
    assert (
        judge("tls_certificate_signature_weak_hash", with_certificate(chain=(md5_leaf,))).outcome
        is T
    )


def test_robot_inconsistent_results_are_not_available() -> None:
    observation = good_observation(robot_result="UNKNOWN_INCONSISTENT_RESULTS")
    assert judge("tls_vulnerable_to_robot", observation).outcome is Outcome.NOT_AVAILABLE
    weak = good_observation(robot_result="VULNERABLE_WEAK_ORACLE")
    assert judge("tls_vulnerable_to_robot", weak).outcome is T


@pytest.mark.parametrize(
    ("max_age", "expected"), [(None, F), (0, F), (15551999, F), (15552000, T), (63072000, T)]
)
def test_hsts_threshold_is_180_days(max_age: int | None, expected: Outcome) -> None:
    found = judge("tls_hsts_enforced", good_observation(hsts_max_age_s=max_age))
    assert found.outcome is expected
    assert found.evidence["hsts_max_age_s"] == max_age


def test_rating_evidence_has_the_documented_keys_and_types() -> None:
    found = judge(
        "tls_rating_below_a",
        with_suites(Protocol.TLS_1_0, suite("TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", 128)),
    )
    assert found.outcome is T
    assert found.evidence == {
        "rating_grade": "B",
        "final_score": 91,
        "protocol_score": 95,
        "key_exchange_score": 90,
        "cipher_strength_score": 90,
        "caps": "B:tls1_0_offered",
        "warnings": "",
        "guide": "2009r",
    }


def test_rating_a_minus_is_within_the_a_band() -> None:
    found = judge("tls_rating_below_a", with_protocols(support(Protocol.TLS_1_3)))
    assert found.evidence["rating_grade"] == "A-"
    assert found.outcome is F


def test_untrusted_evidence_carries_the_validation_error() -> None:
    found = judge(
        "tls_certificate_untrusted",
        with_certificate(trusted_by=(), validation_error="unknown issuer"),
    )
    assert found.evidence["validation_error"] == "unknown issuer"
    assert found.evidence["trusted_by"] == ""
