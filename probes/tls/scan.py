"""One sslyze scan, run to completion in a child process of the TLS collector's pool.

Everything here blocks and is run by `probes.children` in a spawned child, never in the
service's process: what comes in (`ScanSpec`) and what goes out (a `TlsObservation`, or a
classified `ProbeError`) pickles. The scan connects only to the address the network policy
approved (`ip_address=`), never resolving the name itself, while SNI and certificate checks
use the URL's host name. Conversion (chain analysis included) runs here too, so its CPU and
memory stay in the child.
"""

from __future__ import annotations

import datetime as dt
import warnings
from dataclasses import dataclass
from pathlib import Path

# sslyze's top-level package re-exports without __all__, so names come from their modules.
from sslyze.errors import (
    ConnectionToServerFailed,
    ConnectionToServerTimedOut,
    ServerRejectedConnection,
    TlsHandshakeTimedOut,
)
from sslyze.errors import TlsHandshakeFailed as SslyzeHandshakeFailed
from sslyze.plugins.certificate_info.implementation import CertificateInfoExtraArgument
from sslyze.plugins.scan_commands import ScanCommand
from sslyze.scanner.models import (
    ScanCommandsExtraArguments,
    ServerScanRequest,
    ServerScanResult,
    ServerScanStatusEnum,
)
from sslyze.scanner.scanner import Scanner
from sslyze.server_setting import ServerNetworkConfiguration, ServerNetworkLocation

from probes.errors import ProbeError, ProbeTimeout, TlsHandshakeFailed, Unreachable
from probes.tls.convert import observation_from_scan
from probes.tls.observation import Command, TlsObservation


def _available_commands() -> frozenset[ScanCommand]:
    """The commands we want that this sslyze offers, matched by value (names drift)."""
    offered = {command.value: command for command in ScanCommand}
    return frozenset(offered[c.value] for c in Command if c.value in offered)


SCAN_COMMANDS = _available_commands()


@dataclass(frozen=True, slots=True, kw_only=True)
class ScanSpec:
    """What the child needs for one scan: plain values, so it crosses the pipe as a pickle.

    Attributes:
        hostname: the URL's host: SNI, and the name the certificate must match.
        ip_address: the pinned address the network policy approved; the only one connected to.
        network_timeout_s / network_retries / per_host_connections: ProbeLimits' values.
        ca_file: an extra trust anchor (the operator's), or None.
        observed_at: when the collector started, the observation's "now".
    """

    hostname: str
    port: int
    ip_address: str
    network_timeout_s: float
    network_retries: int
    per_host_connections: int
    ca_file: Path | None
    observed_at: dt.datetime


def build_request(spec: ScanSpec) -> ServerScanRequest:
    """The sslyze request: pinned address, SNI from the URL, the CA file if set."""
    extra = ScanCommandsExtraArguments()
    if spec.ca_file is not None and ScanCommand.CERTIFICATE_INFO in SCAN_COMMANDS:
        # sslyze rejects extra arguments for commands that are not scheduled.
        extra = ScanCommandsExtraArguments(
            certificate_info=CertificateInfoExtraArgument(custom_ca_file=spec.ca_file)
        )
    return ServerScanRequest(
        server_location=ServerNetworkLocation(
            hostname=spec.hostname, port=spec.port, ip_address=spec.ip_address
        ),
        network_configuration=ServerNetworkConfiguration(
            tls_server_name_indication=spec.hostname,
            # Annotated int, but handed to socket timeouts, which take fractions of a second.
            network_timeout=spec.network_timeout_s,  # type: ignore[arg-type]
            network_max_retries=spec.network_retries,
        ),
        scan_commands=set(SCAN_COMMANDS),
        scan_commands_extra_arguments=extra,
    )


def run_scan(request: ServerScanRequest, per_host_connections: int) -> ServerScanResult:
    """Run one scan to completion (blocking)."""
    scanner = Scanner(
        per_server_concurrent_connections_limit=per_host_connections,
        concurrent_server_scans_limit=1,
    )
    scanner.queue_scans([request])
    results = list(scanner.get_results())
    if len(results) != 1:
        raise ProbeError(f"sslyze returned {len(results)} results for one request")
    return results[0]


def connectivity_error(result: ServerScanResult) -> ProbeError:
    """Classify why sslyze could not reach the server at all."""
    trace = result.connectivity_error_trace
    if trace is None:
        return TlsHandshakeFailed("sslyze could not connect and gave no reason")
    detail = "".join(trace.format_exception_only()).strip()
    exc_type = trace.exc_type
    if not issubclass(exc_type, ConnectionToServerFailed):
        return ProbeError(f"sslyze connectivity check failed: {detail}")
    if issubclass(exc_type, ConnectionToServerTimedOut | TlsHandshakeTimedOut):
        return ProbeTimeout(f"TLS server timed out: {detail}")
    if issubclass(exc_type, SslyzeHandshakeFailed):
        return TlsHandshakeFailed(f"no TLS session could be negotiated: {detail}")
    if issubclass(exc_type, ServerRejectedConnection):
        return Unreachable(f"connection refused: {detail}")
    # The remaining connection failures are socket errors (unreachable network or host).
    return Unreachable(f"could not connect: {detail}")


def scan_target(spec: ScanSpec) -> TlsObservation:
    """Scan and convert in one blocking call (the child's whole job for one scan)."""
    with warnings.catch_warnings():
        # sslyze's bundled Mozilla store holds a root with a non-positive serial; cryptography
        # warns on every load. It is not about the endpoint (the CLI drops it the same way).
        warnings.filterwarnings("ignore", message=".*serial number which wasn't positive.*")
        result = run_scan(build_request(spec), spec.per_host_connections)
        if result.scan_status is not ServerScanStatusEnum.COMPLETED or result.scan_result is None:
            raise connectivity_error(result)
        return observation_from_scan(
            result, hostname=spec.hostname, observed_at=spec.observed_at, ca_file=spec.ca_file
        )
