"""What ScanService tells its observers (metrics, logs) when a scan ends, however it ends.

The service knows nothing of Prometheus or log formats: it hands each observer one
`ScanEvent`, and `trustsvc.observability` turns it into samples and a log line.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass

from probes.model import Attempt, AttemptStatus
from trustsvc.reports.schema import ScanReport


class ScanOutcome(enum.StrEnum):
    """How a scan ended; a closed set, so metrics can group on it."""

    COMPLETED = "completed"
    """Stored, every family measured."""
    PARTIAL = "partial"
    """Stored, some families not measured."""
    UNMEASURED = "unmeasured"
    """Stored, no family measured (the host did not resolve or answer)."""
    FAILED = "failed"
    """Raised before it was stored: a bug, the database, or a shutdown."""
    LEASE_LOST = "lease_lost"
    """A worker's scan rolled back because another worker holds the endpoint now."""


@dataclass(frozen=True, slots=True, kw_only=True)
class ScanEvent:
    """One scan's end.

    Attributes:
        url: the canonical endpoint URL.
        reason: why it ran (`api`, `cli`, a schedule due reason such as `ttl:tls`).
        outcome: how it ended.
        duration_s: probing plus storing, in seconds.
        attempts: one per family; empty when the scan failed before probing ended.
        probed: False when the host did not resolve, so no family ran (their durations are 0).
        report: the stored report, None unless stored.
        error: the exception's type name when it failed.
    """

    url: str
    reason: str
    outcome: ScanOutcome
    duration_s: float
    attempts: tuple[Attempt, ...] = ()
    probed: bool = True
    report: ScanReport | None = None
    error: str | None = None


ScanObserver = Callable[[ScanEvent], None]
"""Called once per scan, after its transaction; must not raise (errors are logged)."""


def stored_outcome(attempts: tuple[Attempt, ...]) -> ScanOutcome:
    """The outcome of a stored scan, from how its families ended."""
    completed = sum(a.status is AttemptStatus.COMPLETED for a in attempts)
    if completed == len(attempts):
        return ScanOutcome.COMPLETED
    return ScanOutcome.PARTIAL if completed else ScanOutcome.UNMEASURED
