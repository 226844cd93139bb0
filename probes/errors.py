"""Classified failures a collector may raise; the runner maps each onto an Attempt reason."""

from __future__ import annotations

from probes.model import ErrorReason


class ProbeError(Exception):
    """A collection failure whose cause is known (anything else is a bug)."""

    reason: ErrorReason = ErrorReason.BUG

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class TargetRejected(ProbeError):
    """The URL is invalid or the network policy refuses its addresses (SSRF guard)."""

    reason = ErrorReason.REFUSED_BY_POLICY


class Unreachable(ProbeError):
    """Nothing answered: refused, unroutable, or the name does not resolve."""

    reason = ErrorReason.UNREACHABLE


class ProbeTimeout(ProbeError):
    """The peer accepted but did not finish within the budget."""

    reason = ErrorReason.TIMEOUT


class TlsHandshakeFailed(ProbeError):
    """A TCP connection was made but no TLS session could be negotiated."""

    reason = ErrorReason.TLS_HANDSHAKE_FAILED


class ProtocolViolation(ProbeError):
    """The peer answered with something malformed (wrong content type, bad JSON-RPC)."""

    reason = ErrorReason.PROTOCOL_ERROR


class ResponseTooLarge(ProbeError):
    """The peer sent more bytes than the limit allows."""

    reason = ErrorReason.RESPONSE_TOO_LARGE


class SourceUnavailable(ProbeError):
    """A third-party source (RDAP, registry, blocklist) could not be consulted."""

    reason = ErrorReason.SOURCE_UNAVAILABLE
