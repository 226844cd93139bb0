"""TLS probes about the cipher suites the server accepts, over every protocol version.

A weak suite found in any completed scan is conclusive; "none found" is only conclusive when
every protocol's scan completed (see judging.suite_probe).
"""

from __future__ import annotations

from probes.model import Finding, Outcome, Severity
from probes.tls.judging import suite_probe, tls_spec
from probes.tls.observation import AcceptedSuite, Protocol, TlsObservation
from probes.tls.rating import is_64bit_block, is_aead, is_export, is_forward_secret, is_null, is_rc4

MIN_CIPHER_BITS = 112
_REMOVE = "Remove {} suites from the server's cipher list (use Mozilla's intermediate profile)."

NULL_CIPHER_ACCEPTED = tls_spec(
    "tls_null_cipher_accepted",
    question="Does the server accept a cipher suite without encryption (NULL)?",
    rationale="A NULL suite sends the traffic in clear text while looking like TLS.",
    bad=Outcome.TRUE,
    severity=Severity.CRITICAL,
    remediation=_REMOVE.format("NULL (eNULL)"),
)
ANONYMOUS_CIPHER_ACCEPTED = tls_spec(
    "tls_anonymous_cipher_accepted",
    question="Does the server accept an anonymous cipher suite (no server authentication)?",
    rationale="Anonymous key exchange lets any attacker in the middle pose as the server.",
    bad=Outcome.TRUE,
    severity=Severity.CRITICAL,
    remediation=_REMOVE.format("anonymous (aNULL: ADH, AECDH)"),
)
EXPORT_CIPHER_ACCEPTED = tls_spec(
    "tls_export_cipher_accepted",
    question="Does the server accept a 1990s export-grade cipher suite?",
    rationale="Export suites use 40/56-bit keys and enable FREAK and Logjam downgrades.",
    bad=Outcome.TRUE,
    severity=Severity.CRITICAL,
    remediation=_REMOVE.format("EXPORT"),
    references=("CVE-2015-0204", "CVE-2015-4000"),
)
RC4_CIPHER_ACCEPTED = tls_spec(
    "tls_rc4_cipher_accepted",
    question="Does the server accept an RC4 cipher suite?",
    rationale="RC4 keystream biases allow plaintext recovery; RFC 7465 prohibits it in TLS.",
    bad=Outcome.TRUE,
    severity=Severity.HIGH,
    remediation=_REMOVE.format("RC4"),
    references=("RFC 7465",),
)
BLOCK_64BIT_CIPHER_ACCEPTED = tls_spec(
    "tls_64bit_block_cipher_accepted",
    question="Does the server accept a 64-bit block cipher suite (3DES, DES, IDEA, RC2)?",
    rationale="64-bit blocks collide after a few hundred GB, enabling the Sweet32 attack.",
    bad=Outcome.TRUE,
    severity=Severity.MEDIUM,
    remediation=_REMOVE.format("3DES, DES, IDEA and RC2"),
    references=("CVE-2016-2183",),
)
CIPHER_UNDER_112_BITS_ACCEPTED = tls_spec(
    "tls_cipher_under_112_bits_accepted",
    question="Does the server accept a suite with less than 112 bits of symmetric key?",
    rationale="Keys under 112 bits (NULL included) can be brute-forced or give no secrecy at all.",
    bad=Outcome.TRUE,
    severity=Severity.CRITICAL,
    remediation=_REMOVE.format("NULL, export, DES and other sub-112-bit"),
)
FORWARD_SECRECY_SUPPORTED = tls_spec(
    "tls_forward_secrecy_supported",
    question="Does the server accept an authenticated ephemeral (ECDHE/DHE or TLS 1.3) suite?",
    rationale="Without forward secrecy a leaked server key decrypts all recorded past traffic.",
    bad=Outcome.FALSE,
    severity=Severity.MEDIUM,
    remediation="Enable ECDHE suites (and TLS 1.3) and prefer them over static RSA.",
    references=("RFC 9325",),
)
AEAD_SUPPORTED = tls_spec(
    "tls_aead_supported",
    question="Does the server accept an AEAD suite (AES-GCM, AES-CCM or ChaCha20-Poly1305)?",
    rationale="CBC suites without AEAD have a long record of padding-oracle attacks.",
    bad=Outcome.FALSE,
    severity=Severity.MEDIUM,
    remediation="Enable AES-GCM or ChaCha20-Poly1305 suites (TLS 1.2) and TLS 1.3.",
    references=("RFC 9325",),
)


def null_cipher_accepted(observation: TlsObservation) -> list[Finding]:
    """TRUE when some accepted suite has no encryption."""
    return suite_probe(
        NULL_CIPHER_ACCEPTED,
        observation,
        lambda _, suite: is_null(suite),
        found="The server accepts cipher suites that do not encrypt at all.",
        absent="The server accepts no NULL cipher suite.",
    )


def anonymous_cipher_accepted(observation: TlsObservation) -> list[Finding]:
    """TRUE when some accepted suite authenticates nobody."""
    return suite_probe(
        ANONYMOUS_CIPHER_ACCEPTED,
        observation,
        lambda _, suite: suite.is_anonymous,
        found="The server accepts anonymous cipher suites that skip server authentication.",
        absent="The server accepts no anonymous cipher suite.",
    )


def export_cipher_accepted(observation: TlsObservation) -> list[Finding]:
    """TRUE when some accepted suite is export-grade."""
    return suite_probe(
        EXPORT_CIPHER_ACCEPTED,
        observation,
        lambda _, suite: is_export(suite),
        found="The server accepts export-grade cipher suites.",
        absent="The server accepts no export-grade cipher suite.",
    )


def rc4_cipher_accepted(observation: TlsObservation) -> list[Finding]:
    """TRUE when some accepted suite uses RC4."""
    return suite_probe(
        RC4_CIPHER_ACCEPTED,
        observation,
        lambda _, suite: is_rc4(suite),
        found="The server accepts RC4 cipher suites.",
        absent="The server accepts no RC4 cipher suite.",
    )


def block_64bit_cipher_accepted(observation: TlsObservation) -> list[Finding]:
    """TRUE when some accepted suite uses a 64-bit block cipher."""
    return suite_probe(
        BLOCK_64BIT_CIPHER_ACCEPTED,
        observation,
        lambda _, suite: is_64bit_block(suite),
        found="The server accepts 64-bit block cipher suites (Sweet32).",
        absent="The server accepts no 64-bit block cipher suite.",
    )


def _under_112_bits(_: Protocol, suite: AcceptedSuite) -> bool:
    return suite.key_size < MIN_CIPHER_BITS


def cipher_under_112_bits_accepted(observation: TlsObservation) -> list[Finding]:
    """TRUE when some accepted suite has a symmetric key under 112 bits (NULL counts as 0)."""
    return suite_probe(
        CIPHER_UNDER_112_BITS_ACCEPTED,
        observation,
        _under_112_bits,
        found="The server accepts cipher suites with less than 112 bits of key.",
        absent="Every accepted cipher suite has at least 112 bits of key.",
    )


def forward_secrecy_supported(observation: TlsObservation) -> list[Finding]:
    """TRUE when some accepted suite is forward secret; FALSE (bad) when none is."""
    return suite_probe(
        FORWARD_SECRECY_SUPPORTED,
        observation,
        is_forward_secret,
        found="The server accepts forward-secret cipher suites.",
        absent="No accepted cipher suite provides forward secrecy.",
    )


def aead_supported(observation: TlsObservation) -> list[Finding]:
    """TRUE when some accepted suite is AEAD; FALSE (bad) when none is."""
    return suite_probe(
        AEAD_SUPPORTED,
        observation,
        is_aead,
        found="The server accepts AEAD cipher suites.",
        absent="No accepted cipher suite uses authenticated encryption (AEAD).",
    )
