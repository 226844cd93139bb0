"""The TLS collector: one sslyze scan of the pinned address, classified when it cannot connect.

sslyze is blocking and thread-based, so the scan runs in the context's bounded pool. It connects
only to the address the network policy approved (`ip_address=`), never resolving the name
itself, while SNI and certificate checks use the URL's host name.
"""

from __future__ import annotations

import datetime as dt
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

from probes.context import ProbeContext, ProbeLimits
from probes.errors import ProbeError, ProbeTimeout, TlsHandshakeFailed, Unreachable
from probes.target import Target
from probes.tls.convert import observation_from_scan
from probes.tls.observation import Command, TlsObservation


def _available_commands() -> frozenset[ScanCommand]:
    """The commands we want that this sslyze offers, matched by value (names drift)."""
    offered = {command.value: command for command in ScanCommand}
    return frozenset(offered[c.value] for c in Command if c.value in offered)


SCAN_COMMANDS = _available_commands()


def build_request(target: Target, ctx: ProbeContext) -> ServerScanRequest:
    """The scan request for a target: pinned address, SNI from the URL, the CA file if set."""
    host = target.endpoint.host
    extra = ScanCommandsExtraArguments()
    if ctx.ca_file is not None and ScanCommand.CERTIFICATE_INFO in SCAN_COMMANDS:
        # sslyze rejects extra arguments for commands that are not scheduled.
        extra = ScanCommandsExtraArguments(
            certificate_info=CertificateInfoExtraArgument(custom_ca_file=ctx.ca_file)
        )
    return ServerScanRequest(
        server_location=ServerNetworkLocation(
            hostname=host, port=target.endpoint.port, ip_address=target.pinned_address
        ),
        network_configuration=ServerNetworkConfiguration(
            tls_server_name_indication=host,
            # Annotated int, but handed to socket timeouts, which take fractions of a second.
            network_timeout=ctx.limits.network_timeout_s,  # type: ignore[arg-type]
            network_max_retries=ctx.limits.network_retries,
        ),
        scan_commands=set(SCAN_COMMANDS),
        scan_commands_extra_arguments=extra,
    )


def run_scan(request: ServerScanRequest, limits: ProbeLimits) -> ServerScanResult:
    """Run one scan to completion (blocking)."""
    scanner = Scanner(
        per_server_concurrent_connections_limit=limits.per_host_connections,
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


def scan_target(
    request: ServerScanRequest, limits: ProbeLimits, observed_at: dt.datetime, ca_file: Path | None
) -> TlsObservation:
    """Scan and convert in one blocking call, so chain analysis stays off the event loop."""
    result = run_scan(request, limits)
    if result.scan_status is not ServerScanStatusEnum.COMPLETED or result.scan_result is None:
        raise connectivity_error(result)
    hostname = request.network_configuration.tls_server_name_indication
    return observation_from_scan(
        result, hostname=hostname, observed_at=observed_at, ca_file=ca_file
    )


async def collect_tls(target: Target, ctx: ProbeContext) -> TlsObservation:
    """Scan the target's TLS configuration; http:// targets are observed without any I/O."""
    observed_at = dt.datetime.now(dt.UTC)
    endpoint = target.endpoint
    if not endpoint.is_tls:
        return TlsObservation(
            observed_at=observed_at,
            scheme=endpoint.scheme,
            hostname=endpoint.host,
            port=endpoint.port,
            ip_address=target.pinned_address if target.addresses else None,
        )
    request = build_request(target, ctx)
    return await ctx.run_blocking(scan_target, request, ctx.limits, observed_at, ctx.ca_file)
