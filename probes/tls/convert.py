"""Turn one sslyze ServerScanResult into a TlsObservation.

Every command is read through `_result`, which records why a command did not complete; the
matching observation field then stays None, so no probe can mistake "not measured" for "fine".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import TypeVar

from sslyze.plugins.openssl_cipher_suites.implementation import CipherSuitesScanResult
from sslyze.scanner.models import AllScanCommandsAttempts, ServerScanResult
from sslyze.scanner.scan_command_attempt import ScanCommandAttempt, ScanCommandAttemptStatusEnum

from probes.tls.certificates import analyse_chain
from probes.tls.observation import (
    PROTOCOL_COMMANDS,
    AcceptedSuite,
    CertificateInfo,
    Command,
    CommandError,
    ProtocolSupport,
    TlsObservation,
)

R = TypeVar("R")
# The stores whose verdict counts: the browsers' (Mozilla) and the operator's own CA file.
TRUST_STORE_NAMES = ("Mozilla", "Supplied CA file")


class _Reader:
    """Collects completed and failed commands while results are read."""

    def __init__(self, scan: AllScanCommandsAttempts) -> None:
        self.scan = scan
        self.completed: list[Command] = []
        self.errors: list[CommandError] = []

    def result(self, command: Command, attempt: ScanCommandAttempt[R] | None) -> R | None:
        if attempt is None:
            self._fail(command, "NOT_SUPPORTED", "this sslyze version has no such command")
            return None
        if attempt.status is ScanCommandAttemptStatusEnum.COMPLETED and attempt.result is not None:
            self.completed.append(command)
            return attempt.result
        if attempt.status is ScanCommandAttemptStatusEnum.NOT_SCHEDULED:
            self._fail(command, "NOT_SCHEDULED", "the command was not scheduled")
            return None
        reason = attempt.error_reason.value if attempt.error_reason else "ERROR"
        trace = attempt.error_trace
        detail = "".join(trace.format_exception_only()).strip() if trace else "no detail"
        self._fail(command, reason, detail)
        return None

    def _fail(self, command: Command, reason: str, detail: str) -> None:
        self.errors.append(CommandError(command=command, reason=reason, detail=detail[:300]))

    def drop(self, command: Command, reason: str, detail: str) -> None:
        """Reclassify a completed command whose result turned out unusable."""
        self.completed.remove(command)
        self._fail(command, reason, detail)


def _protocol(scan: CipherSuitesScanResult | None, command: Command) -> ProtocolSupport | None:
    if scan is None:
        return None
    protocol = next(p for p, c in PROTOCOL_COMMANDS.items() if c is command)
    suites = tuple(
        AcceptedSuite(
            name=accepted.cipher_suite.name,
            key_size=accepted.cipher_suite.key_size,
            is_anonymous=accepted.cipher_suite.is_anonymous,
            ephemeral_key_type=accepted.ephemeral_key.type_name if accepted.ephemeral_key else None,
            ephemeral_key_size=accepted.ephemeral_key.size if accepted.ephemeral_key else None,
        )
        for accepted in scan.accepted_cipher_suites
    )
    return ProtocolSupport(protocol=protocol, supported=bool(suites), accepted_suites=suites)


def _certificate(
    reader: _Reader, hostname: str, at: dt.datetime, ca_file: Path | None
) -> CertificateInfo | None:
    info = reader.result(Command.CERTIFICATE_INFO, reader.scan.certificate_info)
    if info is None or not info.certificate_deployments:
        return None
    # Servers with several leaves (RSA and ECDSA) are judged on the first one sslyze got,
    # which is the one a TLS 1.3 (or default) client receives.
    deployment = info.certificate_deployments[0]
    stores = [
        (result.trust_store.name, result.trust_store.path)
        for result in deployment.path_validation_results
        if result.trust_store.name in TRUST_STORE_NAMES
    ]
    if ca_file is not None and not any(name == "Supplied CA file" for name, _ in stores):
        stores.append(("Supplied CA file", ca_file))
    return analyse_chain(
        deployment.received_certificate_chain, hostname=hostname, stores=stores, at=at
    )


def observation_from_scan(
    result: ServerScanResult,
    *,
    hostname: str,
    observed_at: dt.datetime,
    ca_file: Path | None,
) -> TlsObservation:
    """Read every command's outcome from a completed scan."""
    if result.scan_result is None:
        raise ValueError("observation_from_scan needs a scan that reached the server")
    scan = result.scan_result
    reader = _Reader(scan)
    certificate = _certificate(reader, hostname, observed_at, ca_file)
    attempts: Sequence[tuple[Command, ScanCommandAttempt[CipherSuitesScanResult]]] = (
        (Command.SSL_2_0, scan.ssl_2_0_cipher_suites),
        (Command.SSL_3_0, scan.ssl_3_0_cipher_suites),
        (Command.TLS_1_0, scan.tls_1_0_cipher_suites),
        (Command.TLS_1_1, scan.tls_1_1_cipher_suites),
        (Command.TLS_1_2, scan.tls_1_2_cipher_suites),
        (Command.TLS_1_3, scan.tls_1_3_cipher_suites),
    )
    protocols = tuple(
        support
        for command, attempt in attempts
        if (support := _protocol(reader.result(command, attempt), command)) is not None
    )
    heartbleed = reader.result(Command.HEARTBLEED, scan.heartbleed)
    ccs = reader.result(Command.CCS_INJECTION, scan.openssl_ccs_injection)
    robot = reader.result(Command.ROBOT, scan.robot)
    renegotiation = reader.result(Command.RENEGOTIATION, scan.session_renegotiation)
    compression = reader.result(Command.COMPRESSION, scan.tls_compression)
    fallback = reader.result(Command.FALLBACK_SCSV, scan.tls_fallback_scsv)
    ems = reader.result(Command.EXTENDED_MASTER_SECRET, scan.tls_extended_master_secret)
    headers = reader.result(Command.HTTP_HEADERS, scan.http_headers)
    hsts_max_age: int | None = None
    if headers is not None and headers.http_error_trace is not None:
        detail = "".join(headers.http_error_trace.format_exception_only()).strip()
        reader.drop(Command.HTTP_HEADERS, "HTTP_ERROR", detail)
    elif headers is not None and headers.strict_transport_security_header is not None:
        hsts_max_age = headers.strict_transport_security_header.max_age
    location = result.server_location
    return TlsObservation(
        observed_at=observed_at,
        scheme="https",
        hostname=hostname,
        port=location.port,
        ip_address=location.ip_address,
        completed_commands=tuple(reader.completed),
        command_errors=tuple(reader.errors),
        protocols=protocols,
        certificate=certificate,
        heartbleed_vulnerable=heartbleed.is_vulnerable_to_heartbleed if heartbleed else None,
        ccs_injection_vulnerable=ccs.is_vulnerable_to_ccs_injection if ccs else None,
        robot_result=robot.robot_result.value if robot else None,
        secure_renegotiation_supported=renegotiation.supports_secure_renegotiation
        if renegotiation
        else None,
        client_renegotiation_accepted=renegotiation.is_vulnerable_to_client_renegotiation_dos
        if renegotiation
        else None,
        compression_supported=compression.supports_compression if compression else None,
        hsts_max_age_s=hsts_max_age,
        fallback_scsv_supported=fallback.supports_fallback_scsv if fallback else None,
        extended_master_secret_supported=ems.supports_ems_extension if ems else None,
    )
