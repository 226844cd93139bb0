"""Both outcomes for every TLS probe: (probe id, observation, expected outcome).

A guard test elsewhere checks that each spec id of TLS_FAMILY appears here with its bad and its
good outcome; test_tls_probes.py runs every case.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from probes.model import Outcome
from probes.tls.observation import Protocol, TlsObservation
from tests.unit.tls.observations import (
    GOOD,
    GOOD_CERTIFICATE,
    NOW,
    good_observation,
    http_observation,
    suite,
    support,
    with_certificate,
    with_protocols,
    with_suites,
)

T, F = Outcome.TRUE, Outcome.FALSE
_NO_FS_TLS_1_2 = support(
    Protocol.TLS_1_2, suite("TLS_RSA_WITH_AES_128_GCM_SHA256", 128, ephemeral=None)
)
_CBC_ONLY_TLS_1_2 = support(Protocol.TLS_1_2, suite("TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256", 128))
_NO_TLS_1_3 = support(Protocol.TLS_1_3)
_LEGACY = suite("TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", 128)
_SHA1_LEAF = (replace(GOOD_CERTIFICATE.chain[0], signature_hash="sha1"), GOOD_CERTIFICATE.chain[1])

POLARITY_CASES: list[tuple[str, TlsObservation, Outcome]] = [
    ("tls_endpoint_uses_plaintext_http", http_observation(), T),
    ("tls_endpoint_uses_plaintext_http", GOOD, F),
    (
        "tls_certificate_untrusted",
        with_certificate(trusted_by=(), validation_error="unknown CA"),
        T,
    ),
    ("tls_certificate_untrusted", GOOD, F),
    ("tls_certificate_expired", with_certificate(not_after=NOW - dt.timedelta(days=1)), T),
    ("tls_certificate_expired", GOOD, F),
    ("tls_certificate_not_yet_valid", with_certificate(not_before=NOW + dt.timedelta(days=1)), T),
    ("tls_certificate_not_yet_valid", GOOD, F),
    ("tls_certificate_self_signed", with_certificate(self_signed=True), T),
    ("tls_certificate_self_signed", GOOD, F),
    ("tls_certificate_hostname_mismatch", with_certificate(hostname_matches=False), T),
    ("tls_certificate_hostname_mismatch", GOOD, F),
    ("tls_certificate_key_too_weak", with_certificate(key_bits=1024), T),
    ("tls_certificate_key_too_weak", GOOD, F),
    ("tls_certificate_signature_weak_hash", with_certificate(chain=_SHA1_LEAF), T),
    ("tls_certificate_signature_weak_hash", GOOD, F),
    ("tls_certificate_chain_incomplete", with_certificate(chain_incomplete=True), T),
    ("tls_certificate_chain_incomplete", GOOD, F),
    (
        "tls_certificate_expires_within_30_days",
        with_certificate(not_after=NOW + dt.timedelta(days=10)),
        T,
    ),
    ("tls_certificate_expires_within_30_days", GOOD, F),
    ("tls_sslv2_offered", with_suites(Protocol.SSL_2_0, suite("SSL_CK_RC4_128_WITH_MD5", 128)), T),
    ("tls_sslv2_offered", GOOD, F),
    ("tls_sslv3_offered", with_suites(Protocol.SSL_3_0, _LEGACY), T),
    ("tls_sslv3_offered", GOOD, F),
    ("tls_1_0_offered", with_suites(Protocol.TLS_1_0, _LEGACY), T),
    ("tls_1_0_offered", GOOD, F),
    ("tls_1_1_offered", with_suites(Protocol.TLS_1_1, _LEGACY), T),
    ("tls_1_1_offered", GOOD, F),
    ("tls_1_2_supported", GOOD, T),
    ("tls_1_2_supported", with_protocols(support(Protocol.TLS_1_2)), F),
    ("tls_1_3_supported", GOOD, T),
    ("tls_1_3_supported", with_protocols(_NO_TLS_1_3), F),
    (
        "tls_null_cipher_accepted",
        with_suites(Protocol.TLS_1_2, suite("TLS_RSA_WITH_NULL_SHA256", 0)),
        T,
    ),
    ("tls_null_cipher_accepted", GOOD, F),
    (
        "tls_anonymous_cipher_accepted",
        with_suites(
            Protocol.TLS_1_2, suite("TLS_ECDH_anon_WITH_AES_128_CBC_SHA", 128, anonymous=True)
        ),
        T,
    ),
    ("tls_anonymous_cipher_accepted", GOOD, F),
    (
        "tls_export_cipher_accepted",
        with_suites(Protocol.TLS_1_0, suite("TLS_RSA_EXPORT_WITH_RC4_40_MD5", 40, ephemeral=None)),
        T,
    ),
    ("tls_export_cipher_accepted", GOOD, F),
    (
        "tls_rc4_cipher_accepted",
        with_suites(Protocol.TLS_1_2, suite("TLS_RSA_WITH_RC4_128_SHA", 128)),
        T,
    ),
    ("tls_rc4_cipher_accepted", GOOD, F),
    (
        "tls_64bit_block_cipher_accepted",
        with_suites(Protocol.TLS_1_2, suite("TLS_RSA_WITH_3DES_EDE_CBC_SHA", 168, ephemeral=None)),
        T,
    ),
    ("tls_64bit_block_cipher_accepted", GOOD, F),
    (
        "tls_cipher_under_112_bits_accepted",
        with_suites(Protocol.TLS_1_0, suite("TLS_RSA_WITH_DES_CBC_SHA", 56, ephemeral=None)),
        T,
    ),
    ("tls_cipher_under_112_bits_accepted", GOOD, F),
    ("tls_forward_secrecy_supported", GOOD, T),
    ("tls_forward_secrecy_supported", with_protocols(_NO_FS_TLS_1_2, _NO_TLS_1_3), F),
    ("tls_aead_supported", GOOD, T),
    ("tls_aead_supported", with_protocols(_CBC_ONLY_TLS_1_2, _NO_TLS_1_3), F),
    ("tls_vulnerable_to_heartbleed", good_observation(heartbleed_vulnerable=True), T),
    ("tls_vulnerable_to_heartbleed", GOOD, F),
    ("tls_vulnerable_to_robot", good_observation(robot_result="VULNERABLE_STRONG_ORACLE"), T),
    ("tls_vulnerable_to_robot", GOOD, F),
    ("tls_vulnerable_to_ccs_injection", good_observation(ccs_injection_vulnerable=True), T),
    ("tls_vulnerable_to_ccs_injection", GOOD, F),
    ("tls_secure_renegotiation_supported", GOOD, T),
    (
        "tls_secure_renegotiation_supported",
        good_observation(secure_renegotiation_supported=False),
        F,
    ),
    ("tls_compression_enabled", good_observation(compression_supported=True), T),
    ("tls_compression_enabled", GOOD, F),
    ("tls_hsts_enforced", GOOD, T),
    ("tls_hsts_enforced", good_observation(hsts_max_age_s=None), F),
    ("tls_rating_below_a", with_suites(Protocol.TLS_1_0, _LEGACY), T),
    ("tls_rating_below_a", GOOD, F),
]
