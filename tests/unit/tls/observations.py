"""Hand-built TlsObservations: a modern, healthy endpoint and helpers that break one thing.

`good_observation()` grades A+ (protocol 100, key exchange 90, cipher strength 90, final 93) and
every TLS probe gives its good outcome for it; each helper changes exactly one aspect.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

from probes.tls.observation import (
    PROTOCOL_COMMANDS,
    AcceptedSuite,
    CertificateInfo,
    ChainCertificate,
    Command,
    CommandError,
    Protocol,
    ProtocolSupport,
    TlsObservation,
)

NOW = dt.datetime(2026, 1, 15, 12, 0, tzinfo=dt.UTC)
HOST = "mcp.example.com"
LEAF = "CN=mcp.example.com"
INTERMEDIATE = "CN=Example Issuing CA,O=Example"
ROOT = "CN=Example Root CA,O=Example"


def suite(
    name: str,
    bits: int,
    *,
    anonymous: bool = False,
    ephemeral: tuple[str, int] | None = ("ECDH", 253),
) -> AcceptedSuite:
    """An accepted suite; ECDHE over X25519 (reported as 253 bits) unless told otherwise."""
    return AcceptedSuite(
        name=name,
        key_size=bits,
        is_anonymous=anonymous,
        ephemeral_key_type=ephemeral[0] if ephemeral else None,
        ephemeral_key_size=ephemeral[1] if ephemeral else None,
    )


def support(protocol: Protocol, *suites: AcceptedSuite) -> ProtocolSupport:
    """A protocol scan result; supported exactly when some suite was accepted."""
    return ProtocolSupport(protocol=protocol, supported=bool(suites), accepted_suites=suites)


MODERN_TLS_1_2 = support(
    Protocol.TLS_1_2,
    suite("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", 128),
    suite("TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", 256),
    suite("TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256", 256),
)
MODERN_TLS_1_3 = support(
    Protocol.TLS_1_3,
    suite("TLS_AES_128_GCM_SHA256", 128),
    suite("TLS_AES_256_GCM_SHA384", 256),
    suite("TLS_CHACHA20_POLY1305_SHA256", 256),
)
GOOD_PROTOCOLS = (
    support(Protocol.SSL_2_0),
    support(Protocol.SSL_3_0),
    support(Protocol.TLS_1_0),
    support(Protocol.TLS_1_1),
    MODERN_TLS_1_2,
    MODERN_TLS_1_3,
)
GOOD_CERTIFICATE = CertificateInfo(
    subject=LEAF,
    issuer=INTERMEDIATE,
    not_before=NOW - dt.timedelta(days=30),
    not_after=NOW + dt.timedelta(days=60),
    key_type="RSA",
    key_bits=2048,
    subject_alt_names=(HOST,),
    chain=(
        ChainCertificate(
            subject=LEAF, issuer=INTERMEDIATE, signature_hash="sha256", self_signed=False
        ),
        ChainCertificate(
            subject=INTERMEDIATE, issuer=ROOT, signature_hash="sha256", self_signed=False
        ),
    ),
    self_signed=False,
    trusted_by=("Mozilla",),
    validation_error=None,
    hostname_matches=True,
    chain_incomplete=False,
    sha256_fingerprint="ab" * 32,
)
GOOD = TlsObservation(
    observed_at=NOW,
    scheme="https",
    hostname=HOST,
    port=443,
    ip_address="93.184.215.14",
    completed_commands=tuple(Command),
    protocols=GOOD_PROTOCOLS,
    certificate=GOOD_CERTIFICATE,
    heartbleed_vulnerable=False,
    ccs_injection_vulnerable=False,
    robot_result="NOT_VULNERABLE_NO_ORACLE",
    secure_renegotiation_supported=True,
    client_renegotiation_accepted=False,
    compression_supported=False,
    hsts_max_age_s=31536000,
    fallback_scsv_supported=True,
    extended_master_secret_supported=True,
)
# The observation field each non-protocol command feeds (None when the command failed).
_COMMAND_FIELDS: dict[Command, tuple[str, ...]] = {
    Command.CERTIFICATE_INFO: ("certificate",),
    Command.HEARTBLEED: ("heartbleed_vulnerable",),
    Command.ROBOT: ("robot_result",),
    Command.CCS_INJECTION: ("ccs_injection_vulnerable",),
    Command.RENEGOTIATION: ("secure_renegotiation_supported", "client_renegotiation_accepted"),
    Command.COMPRESSION: ("compression_supported",),
    Command.HTTP_HEADERS: ("hsts_max_age_s",),
    Command.FALLBACK_SCSV: ("fallback_scsv_supported",),
    Command.EXTENDED_MASTER_SECRET: ("extended_master_secret_supported",),
}


def good_observation(**changes: Any) -> TlsObservation:  # noqa: ANN401 - dataclasses.replace fields
    """The healthy endpoint, with any top-level fields replaced."""
    return replace(GOOD, **changes)


def with_certificate(**changes: Any) -> TlsObservation:  # noqa: ANN401 - dataclasses.replace fields
    """The healthy endpoint with some certificate fields replaced."""
    return good_observation(certificate=replace(GOOD_CERTIFICATE, **changes))


def with_protocols(*supports: ProtocolSupport, base: TlsObservation = GOOD) -> TlsObservation:
    """The endpoint with the given protocol scan results replacing those of the same version."""
    by_version = {p.protocol: p for p in base.protocols} | {p.protocol: p for p in supports}
    return replace(base, protocols=tuple(by_version[p] for p in Protocol if p in by_version))


def with_suites(protocol: Protocol, *suites: AcceptedSuite) -> TlsObservation:
    """The endpoint with extra suites accepted under one protocol version."""
    current = GOOD.protocol(protocol)
    existing = current.accepted_suites if current else ()
    return with_protocols(support(protocol, *existing, *suites))


def failed(command: Command, base: TlsObservation = GOOD) -> TlsObservation:
    """The observation as if one sslyze command had errored."""
    error = CommandError(command=command, reason="CONNECTIVITY_ISSUE", detail="simulated failure")
    changes: dict[str, object] = {
        "completed_commands": tuple(c for c in base.completed_commands if c is not command),
        "command_errors": (*base.command_errors, error),
    }
    if command in PROTOCOL_COMMANDS.values():
        changes["protocols"] = tuple(
            p for p in base.protocols if PROTOCOL_COMMANDS[p.protocol] is not command
        )
    for field in _COMMAND_FIELDS.get(command, ()):
        changes[field] = None
    return replace(base, **changes)  # type: ignore[arg-type]


def http_observation() -> TlsObservation:
    """A plain http:// endpoint: no TLS data at all."""
    return TlsObservation(
        observed_at=NOW, scheme="http", hostname=HOST, port=80, ip_address="93.184.215.14"
    )
