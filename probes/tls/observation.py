"""What one TLS scan saw, reduced to plain typed values the TLS probes judge.

The collector fills this from sslyze; probes and the rating read only this, so they are pure
and can be tested from literal values. A command that did not complete is missing from
`completed_commands`, listed in `command_errors`, and the fields it feeds are None: an unmeasured
property must make its probes NOT_AVAILABLE, never look like a pass.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum


class Command(StrEnum):
    """The sslyze scan commands the TLS family runs, by sslyze's own value."""

    CERTIFICATE_INFO = "certificate_info"
    SSL_2_0 = "ssl_2_0_cipher_suites"
    SSL_3_0 = "ssl_3_0_cipher_suites"
    TLS_1_0 = "tls_1_0_cipher_suites"
    TLS_1_1 = "tls_1_1_cipher_suites"
    TLS_1_2 = "tls_1_2_cipher_suites"
    TLS_1_3 = "tls_1_3_cipher_suites"
    HEARTBLEED = "heartbleed"
    ROBOT = "robot"
    CCS_INJECTION = "openssl_ccs_injection"
    RENEGOTIATION = "session_renegotiation"
    COMPRESSION = "tls_compression"
    HTTP_HEADERS = "http_headers"
    FALLBACK_SCSV = "tls_fallback_scsv"
    EXTENDED_MASTER_SECRET = "tls_extended_master_secret"  # noqa: S105 - not a secret


class Protocol(StrEnum):
    """SSL/TLS protocol versions, oldest first."""

    SSL_2_0 = "ssl2.0"
    SSL_3_0 = "ssl3.0"
    TLS_1_0 = "tls1.0"
    TLS_1_1 = "tls1.1"
    TLS_1_2 = "tls1.2"
    TLS_1_3 = "tls1.3"


PROTOCOL_COMMANDS: dict[Protocol, Command] = {
    Protocol.SSL_2_0: Command.SSL_2_0,
    Protocol.SSL_3_0: Command.SSL_3_0,
    Protocol.TLS_1_0: Command.TLS_1_0,
    Protocol.TLS_1_1: Command.TLS_1_1,
    Protocol.TLS_1_2: Command.TLS_1_2,
    Protocol.TLS_1_3: Command.TLS_1_3,
}


@dataclass(frozen=True, slots=True, kw_only=True)
class AcceptedSuite:
    """A cipher suite the server accepted, with its IANA name and symmetric key size."""

    name: str
    key_size: int
    is_anonymous: bool
    ephemeral_key_type: str | None = None
    ephemeral_key_size: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ProtocolSupport:
    """The result of one protocol's cipher-suite scan."""

    protocol: Protocol
    supported: bool
    accepted_suites: tuple[AcceptedSuite, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class ChainCertificate:
    """One certificate of the chain the server sent, in the order it was sent."""

    subject: str
    issuer: str
    signature_hash: str | None
    self_signed: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class CertificateInfo:
    """The server's leaf certificate and what validating its chain showed.

    Attributes:
        trusted_by: trust stores (of "Mozilla" and "Supplied CA file") that validated the
            received chain, checked at `observed_at` and without regard to the host name,
            so a name mismatch is reported by `hostname_matches` alone.
        validation_error: why validation failed, per store; None when some store validated.
        chain_incomplete: the leaf is not self-signed and the certificates the server sent
            do not lead to a certificate issued by an anchor of a consulted store (or to a
            self-signed certificate): an intermediate is missing, or the issuer is unknown.
    """

    subject: str
    issuer: str
    not_before: dt.datetime
    not_after: dt.datetime
    key_type: str
    key_bits: int
    subject_alt_names: tuple[str, ...]
    chain: tuple[ChainCertificate, ...]
    self_signed: bool
    trusted_by: tuple[str, ...]
    validation_error: str | None
    hostname_matches: bool
    chain_incomplete: bool
    sha256_fingerprint: str

    @property
    def trusted(self) -> bool:
        """Whether any consulted trust store validated the chain."""
        return bool(self.trusted_by)

    @property
    def issued_signature_hashes(self) -> tuple[str | None, ...]:
        """Signature hashes of the leaf and intermediates (a root's self-signature is moot)."""
        return tuple(
            c.signature_hash for i, c in enumerate(self.chain) if i == 0 or not c.self_signed
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class CommandError:
    """An sslyze command that did not complete, and why."""

    command: Command
    reason: str
    detail: str


@dataclass(frozen=True, slots=True, kw_only=True)
class TlsObservation:
    """Everything the TLS probes need about one endpoint at one moment.

    Attributes:
        observed_at: when the scan ran (UTC); probes take "now" from here, never the clock.
        protocols: one entry per protocol whose scan completed.
        certificate: None when certificate_info failed, or when it completed but the server
            presented no certificate (anonymous suites only).
        hsts_max_age_s: None when the header is absent or has no valid max-age.
        robot_result: sslyze's RobotScanResultEnum name.
        client_renegotiation_accepted: whether client-initiated renegotiation succeeded.
    """

    observed_at: dt.datetime
    scheme: str
    hostname: str
    port: int
    ip_address: str | None
    completed_commands: tuple[Command, ...] = ()
    command_errors: tuple[CommandError, ...] = ()
    protocols: tuple[ProtocolSupport, ...] = ()
    certificate: CertificateInfo | None = None
    heartbleed_vulnerable: bool | None = None
    ccs_injection_vulnerable: bool | None = None
    robot_result: str | None = None
    secure_renegotiation_supported: bool | None = None
    client_renegotiation_accepted: bool | None = None
    compression_supported: bool | None = None
    hsts_max_age_s: int | None = None
    fallback_scsv_supported: bool | None = None
    extended_master_secret_supported: bool | None = None

    @property
    def is_tls(self) -> bool:
        """Whether the endpoint was reached over https (an http:// observation has no TLS)."""
        return self.scheme == "https"

    def completed(self, command: Command) -> bool:
        """Whether an sslyze command completed."""
        return command in self.completed_commands

    def protocol(self, protocol: Protocol) -> ProtocolSupport | None:
        """The scan result for one protocol, None if that scan did not complete."""
        return next((p for p in self.protocols if p.protocol is protocol), None)

    def error_for(self, command: Command) -> CommandError | None:
        """Why a command did not complete, if it was attempted."""
        return next((e for e in self.command_errors if e.command is command), None)
