"""TLS probes about transport and protocol versions: plaintext, SSLv2 through TLS 1.3."""

from __future__ import annotations

from probes.model import Finding, Outcome, Severity
from probes.tls.judging import SCHEME, finding, protocol_probe, tls_spec
from probes.tls.observation import Protocol, TlsObservation

_DISABLE_OLD = "Disable {} in the server's TLS configuration and offer TLS 1.2 and TLS 1.3 only."

PLAINTEXT_HTTP = tls_spec(
    "tls_endpoint_uses_plaintext_http",
    question="Is the endpoint served over plain http:// instead of https://?",
    rationale="Without TLS anyone on the path can read and rewrite every request, tokens included.",
    bad=Outcome.TRUE,
    severity=Severity.CRITICAL,
    remediation="Serve the endpoint over https:// only and redirect or refuse plain http.",
)
SSLV2_OFFERED = tls_spec(
    "tls_sslv2_offered",
    question="Does the server accept SSL 2.0 handshakes?",
    rationale="SSL 2.0 is broken by design (DROWN) and lets attackers decrypt other connections.",
    bad=Outcome.TRUE,
    severity=Severity.CRITICAL,
    remediation=_DISABLE_OLD.format("SSL 2.0"),
    references=("CVE-2016-0800",),
)
SSLV3_OFFERED = tls_spec(
    "tls_sslv3_offered",
    question="Does the server accept SSL 3.0 handshakes?",
    rationale="SSL 3.0 is vulnerable to POODLE and was deprecated by RFC 7568.",
    bad=Outcome.TRUE,
    severity=Severity.HIGH,
    remediation=_DISABLE_OLD.format("SSL 3.0"),
    references=("CVE-2014-3566", "RFC 7568"),
)
TLS_1_0_OFFERED = tls_spec(
    "tls_1_0_offered",
    question="Does the server accept TLS 1.0 handshakes?",
    rationale="TLS 1.0 relies on SHA-1 and CBC constructions and was deprecated by RFC 8996.",
    bad=Outcome.TRUE,
    severity=Severity.MEDIUM,
    remediation=_DISABLE_OLD.format("TLS 1.0"),
    references=("RFC 8996",),
)
TLS_1_1_OFFERED = tls_spec(
    "tls_1_1_offered",
    question="Does the server accept TLS 1.1 handshakes?",
    rationale="TLS 1.1 lacks modern cipher suites and was deprecated by RFC 8996.",
    bad=Outcome.TRUE,
    severity=Severity.MEDIUM,
    remediation=_DISABLE_OLD.format("TLS 1.1"),
    references=("RFC 8996",),
)
TLS_1_2_SUPPORTED = tls_spec(
    "tls_1_2_supported",
    question="Does the server accept TLS 1.2 handshakes?",
    rationale="TLS 1.2 is the oldest version still considered secure and many clients need it.",
    bad=Outcome.FALSE,
    severity=Severity.MEDIUM,
    remediation="Enable TLS 1.2 with AEAD, forward-secret cipher suites.",
    references=("RFC 9325",),
)
TLS_1_3_SUPPORTED = tls_spec(
    "tls_1_3_supported",
    question="Does the server accept TLS 1.3 handshakes?",
    rationale="TLS 1.3 removes legacy cryptography and is required for the top SSL Labs grade.",
    bad=Outcome.FALSE,
    severity=Severity.LOW,
    remediation="Enable TLS 1.3 in the server or its TLS terminator.",
    references=("RFC 8446", "RFC 9325"),
)


def endpoint_uses_plaintext_http(observation: TlsObservation) -> list[Finding]:
    """TRUE for http:// endpoints; the only TLS probe that is conclusive for them."""
    plaintext = not observation.is_tls
    message = (
        "The endpoint is served over plain http://, without any encryption."
        if plaintext
        else "The endpoint is served over https://."
    )
    outcome = Outcome.TRUE if plaintext else Outcome.FALSE
    return finding(PLAINTEXT_HTTP, observation, outcome, message, {SCHEME: observation.scheme})


def sslv2_offered(observation: TlsObservation) -> list[Finding]:
    """TRUE when an SSL 2.0 handshake succeeded."""
    return protocol_probe(
        SSLV2_OFFERED,
        observation,
        Protocol.SSL_2_0,
        yes="The server accepts SSL 2.0.",
        no="The server refuses SSL 2.0.",
    )


def sslv3_offered(observation: TlsObservation) -> list[Finding]:
    """TRUE when an SSL 3.0 handshake succeeded."""
    return protocol_probe(
        SSLV3_OFFERED,
        observation,
        Protocol.SSL_3_0,
        yes="The server accepts SSL 3.0.",
        no="The server refuses SSL 3.0.",
    )


def tls_1_0_offered(observation: TlsObservation) -> list[Finding]:
    """TRUE when a TLS 1.0 handshake succeeded."""
    return protocol_probe(
        TLS_1_0_OFFERED,
        observation,
        Protocol.TLS_1_0,
        yes="The server accepts the deprecated TLS 1.0.",
        no="The server refuses TLS 1.0.",
    )


def tls_1_1_offered(observation: TlsObservation) -> list[Finding]:
    """TRUE when a TLS 1.1 handshake succeeded."""
    return protocol_probe(
        TLS_1_1_OFFERED,
        observation,
        Protocol.TLS_1_1,
        yes="The server accepts the deprecated TLS 1.1.",
        no="The server refuses TLS 1.1.",
    )


def tls_1_2_supported(observation: TlsObservation) -> list[Finding]:
    """TRUE when a TLS 1.2 handshake succeeded."""
    return protocol_probe(
        TLS_1_2_SUPPORTED,
        observation,
        Protocol.TLS_1_2,
        yes="The server supports TLS 1.2.",
        no="The server does not support TLS 1.2.",
    )


def tls_1_3_supported(observation: TlsObservation) -> list[Finding]:
    """TRUE when a TLS 1.3 handshake succeeded."""
    return protocol_probe(
        TLS_1_3_SUPPORTED,
        observation,
        Protocol.TLS_1_3,
        yes="The server supports TLS 1.3.",
        no="The server does not support TLS 1.3.",
    )
