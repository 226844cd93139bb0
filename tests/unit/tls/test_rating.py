"""The SSL Labs-style rating (guide 2009r): arithmetic, caps and warnings from literal inputs.

Expected numbers are worked out by hand in integer steps, as in testssl.sh:
category = (best + worst) // 2 for protocol and cipher, weakest key for key exchange, and
final = p * 30 // 100 + k * 30 // 100 + c * 40 // 100.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from probes.tls.observation import AcceptedSuite, Command, Protocol
from probes.tls.rating import (
    CAP_RULE_IDS,
    cipher_bits_score,
    key_strength_score,
    letter_for,
    missing_rating_inputs,
    rate_tls,
)
from tests.unit.tls.observations import (
    GOOD,
    GOOD_CERTIFICATE,
    NOW,
    failed,
    good_observation,
    suite,
    support,
    with_certificate,
    with_protocols,
    with_suites,
)

CBC_SHA = suite("TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", 128)


def test_modern_server_is_a_plus() -> None:
    # protocol (100+100)//2 = 100; key exchange min(RSA-2048: 90, X25519: 100) = 90;
    # cipher (256 bits: 100 + 128 bits: 80)//2 = 90; final 30 + 27 + 36 = 93.
    rating = rate_tls(GOOD)
    assert rating.grade == "A+"
    assert (rating.protocol_score, rating.key_exchange_score, rating.cipher_strength_score) == (
        100,
        90,
        90,
    )
    assert rating.final_score == 93
    assert rating.caps == ()
    assert rating.warnings == ()


def test_without_tls_1_3_is_a_minus() -> None:
    rating = rate_tls(with_protocols(support(Protocol.TLS_1_3)))
    assert rating.grade == "A-"
    assert rating.final_score == 93
    assert rating.warnings == ("no_tls1_3",)
    assert rating.caps == ()


def test_tls_1_0_caps_at_b() -> None:
    # protocol (100+90)//2 = 95 → 95*30//100 = 28; 28 + 27 + 36 = 91, an A before the cap.
    rating = rate_tls(with_suites(Protocol.TLS_1_0, CBC_SHA))
    assert rating.protocol_score == 95
    assert rating.final_score == 91
    assert rating.caps == ("B:tls1_0_offered",)
    assert rating.grade == "B"


def test_expired_certificate_is_t_with_zero_score() -> None:
    rating = rate_tls(with_certificate(not_after=NOW - dt.timedelta(days=1), trusted_by=()))
    assert rating.grade == "T"
    assert rating.final_score == 0
    assert rating.caps == ("T:untrusted", "T:expired")
    assert (rating.protocol_score, rating.key_exchange_score, rating.cipher_strength_score) == (
        100,
        90,
        90,
    )


def test_name_mismatch_is_m() -> None:
    rating = rate_tls(with_certificate(hostname_matches=False))
    assert rating.grade == "M"
    assert rating.final_score == 0
    assert rating.caps == ("M:hostname_mismatch",)


def test_trust_problem_takes_precedence_over_mismatch() -> None:
    rating = rate_tls(with_certificate(hostname_matches=False, self_signed=True, trusted_by=()))
    assert rating.grade == "T"
    assert rating.caps == ("T:untrusted", "T:self_signed", "M:hostname_mismatch")


def test_null_cipher_is_f() -> None:
    # cipher (100 + 0)//2 = 50 is not a zero category: 30 + 27 + 20 = 77 (a B) before the F cap.
    rating = rate_tls(
        with_suites(Protocol.TLS_1_2, suite("TLS_RSA_WITH_NULL_SHA256", 0, ephemeral=None))
    )
    assert rating.cipher_strength_score == 50
    assert rating.final_score == 77
    assert rating.caps == ("F:cipher_under_112_bits",)
    assert rating.grade == "F"


def test_without_tls_1_2_is_c() -> None:
    # TLS 1.1 only: protocol 95 → 28; key exchange 90 → 27; cipher 80 → 32; final 87.
    observation = with_protocols(
        support(Protocol.TLS_1_1, CBC_SHA), support(Protocol.TLS_1_2), support(Protocol.TLS_1_3)
    )
    rating = rate_tls(observation)
    assert rating.final_score == 87
    assert rating.caps == ("C:no_tls1_2", "B:tls1_1_offered", "B:no_aead")
    assert rating.warnings == ("no_tls1_3",)
    assert rating.grade == "C"


def test_tls_1_3_only_is_capped_at_c_by_the_guide() -> None:
    rating = rate_tls(with_protocols(support(Protocol.TLS_1_2)))
    assert rating.final_score == 93
    assert rating.caps == ("C:no_tls1_2",)
    assert rating.grade == "C"


def test_anonymous_key_exchange_zeroes_the_score() -> None:
    anon = suite("TLS_ECDH_anon_WITH_AES_256_CBC_SHA", 256, anonymous=True)
    rating = rate_tls(with_suites(Protocol.TLS_1_2, anon))
    assert rating.key_exchange_score == 0
    assert rating.final_score == 0
    assert rating.caps == ("F:insecure_key",)
    assert rating.grade == "F"


@pytest.mark.parametrize(
    ("key_type", "bits", "score"),
    [
        ("RSA", 511, 20),
        ("RSA", 512, 40),
        ("RSA", 1023, 40),
        ("RSA", 1024, 80),
        ("DH", 2047, 80),
        ("RSA", 2048, 90),
        ("RSA", 4095, 90),
        ("RSA", 4096, 100),
        ("EC", 109, 20),
        ("EC", 122, 40),
        ("EC", 160, 80),
        ("EC", 224, 90),
        ("ECDH", 253, 100),
        ("EC", 384, 100),
        ("Ed25519", 256, 100),
    ],
)
def test_key_strength_steps(key_type: str, bits: int, score: int) -> None:
    assert key_strength_score(key_type, bits) == score


@pytest.mark.parametrize(
    ("bits", "score"), [(0, 0), (40, 20), (127, 20), (128, 80), (168, 80), (256, 100)]
)
def test_cipher_strength_steps(bits: int, score: int) -> None:
    assert cipher_bits_score(bits) == score


@pytest.mark.parametrize(
    ("score", "letter"),
    [
        (100, "A"),
        (80, "A"),
        (79, "B"),
        (65, "B"),
        (64, "C"),
        (50, "C"),
        (35, "D"),
        (20, "E"),
        (19, "F"),
    ],
)
def test_letter_bands(score: int, letter: str) -> None:
    assert letter_for(score) == letter


@pytest.mark.parametrize(
    ("dh_bits", "key_exchange", "final", "cap"),
    [
        # DHE-1024 sits in the "< 2048" row: 80 → 24 points, 30 + 24 + 36 = 90, capped at B.
        (1024, 80, 90, "B:key_under_2048"),
        # DHE-768 sits in the "< 1024" row: 40 → 12 points, 30 + 12 + 36 = 78, capped at F.
        (768, 40, 78, "F:insecure_key"),
    ],
)
def test_dh_group_size_counts_in_key_exchange(
    dh_bits: int, key_exchange: int, final: int, cap: str
) -> None:
    dhe = suite("TLS_DHE_RSA_WITH_AES_128_GCM_SHA256", 128, ephemeral=("DH", dh_bits))
    rating = rate_tls(with_suites(Protocol.TLS_1_2, dhe))
    assert rating.key_exchange_score == key_exchange
    assert rating.final_score == final
    assert rating.caps == (cap,)


def test_rsa_1024_certificate_caps_at_b() -> None:
    rating = rate_tls(with_certificate(key_bits=1024))
    assert rating.key_exchange_score == 80
    assert rating.caps == ("B:key_under_2048",)
    assert rating.grade == "B"


@pytest.mark.parametrize(
    ("observation_changes", "cap", "grade"),
    [
        ({"heartbleed_vulnerable": True}, "F:heartbleed", "F"),
        ({"ccs_injection_vulnerable": True}, "F:ccs_injection", "F"),
        ({"robot_result": "VULNERABLE_WEAK_ORACLE"}, "F:robot", "F"),
        (
            {"secure_renegotiation_supported": False, "client_renegotiation_accepted": True},
            "F:insecure_renegotiation",
            "F",
        ),
        ({"compression_supported": True}, "C:compression", "C"),
    ],
)
def test_vulnerability_caps(observation_changes: dict[str, object], cap: str, grade: str) -> None:
    rating = rate_tls(good_observation(**observation_changes))
    assert cap in rating.caps
    assert rating.grade == grade


@pytest.mark.parametrize(
    ("protocol", "added", "cap", "grade"),
    [
        (
            Protocol.SSL_2_0,
            suite("SSL_CK_RC4_128_WITH_MD5", 128, ephemeral=None),
            "F:sslv2_offered",
            "F",
        ),
        (Protocol.SSL_3_0, CBC_SHA, "B:sslv3_offered", "B"),
        (
            Protocol.TLS_1_0,
            suite("TLS_RSA_EXPORT_WITH_RC4_40_MD5", 40, ephemeral=None),
            "F:export_cipher",
            "F",
        ),
        (
            Protocol.TLS_1_2,
            suite("TLS_RSA_WITH_3DES_EDE_CBC_SHA", 168, ephemeral=None),
            "C:64bit_block_cipher",
            "C",
        ),
        (Protocol.TLS_1_2, suite("TLS_RSA_WITH_RC4_128_SHA", 128, ephemeral=None), "B:rc4", "B"),
    ],
)
def test_suite_caps(protocol: Protocol, added: AcceptedSuite, cap: str, grade: str) -> None:
    rating = rate_tls(with_suites(protocol, added))
    assert cap in rating.caps
    assert rating.grade == grade


def test_sslv3_as_best_protocol_is_f() -> None:
    observation = with_protocols(
        support(Protocol.SSL_3_0, CBC_SHA), support(Protocol.TLS_1_2), support(Protocol.TLS_1_3)
    )
    assert "F:sslv3_best_protocol" in rate_tls(observation).caps


def test_no_forward_secrecy_and_no_aead_cap_at_b() -> None:
    static_cbc = support(
        Protocol.TLS_1_2, suite("TLS_RSA_WITH_AES_128_CBC_SHA", 128, ephemeral=None)
    )
    rating = rate_tls(with_protocols(static_cbc, support(Protocol.TLS_1_3)))
    assert rating.caps == ("B:no_forward_secrecy", "B:no_aead")
    assert rating.grade == "B"


def test_incomplete_chain_caps_at_b() -> None:
    rating = rate_tls(with_certificate(chain_incomplete=True))
    assert rating.caps == ("B:chain_incomplete",)
    assert rating.grade == "B"


@pytest.mark.parametrize(
    ("changes", "warning"),
    [
        ({"hsts_max_age_s": None}, "hsts_missing"),
        ({"hsts_max_age_s": 86400}, "hsts_too_short"),
        ({"secure_renegotiation_supported": False}, "no_secure_renegotiation"),
    ],
)
def test_warnings_give_a_minus(changes: dict[str, object], warning: str) -> None:
    rating = rate_tls(good_observation(**changes))
    assert rating.warnings == (warning,)
    assert rating.grade == "A-"


def test_warnings_do_not_lift_a_lower_grade() -> None:
    rating = rate_tls(good_observation(hsts_max_age_s=None, compression_supported=True))
    assert rating.grade == "C"
    assert rating.warnings == ("hsts_missing",)


def test_sha1_signature_is_a_trust_problem() -> None:
    leaf = replace(GOOD_CERTIFICATE.chain[0], signature_hash="sha1")
    rating = rate_tls(with_certificate(chain=(leaf,)))
    assert rating.caps == ("T:weak_signature_hash",)
    assert rating.grade == "T"


def test_missing_inputs_are_reported() -> None:
    assert missing_rating_inputs(GOOD) == ()
    assert missing_rating_inputs(failed(Command.ROBOT)) == (Command.ROBOT,)
    assert missing_rating_inputs(failed(Command.FALLBACK_SCSV)) == ()


def test_cap_rule_ids_are_stable_and_prefixed_by_their_grade() -> None:
    assert len(set(CAP_RULE_IDS)) == len(CAP_RULE_IDS)
    assert all(rule.split(":", 1)[0] in {"T", "M", "F", "C", "B"} for rule in CAP_RULE_IDS)
