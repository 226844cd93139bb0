"""What the scan and drift services tell the rest of the process: one observer protocol.

The services know nothing of Prometheus, the lookup cache or webhooks. Each observer
subclasses `ScanObserver` and overrides what it needs:
- `drift_recorded`: a scan recorded drift; called inside the scan's own transaction, so a
  notification (the webhook outbox) is stored exactly when its event is;
- `result_stored`: a new result is committed, by a scan or by re-scoring after an
  acknowledgement or a baseline (the lookup cache);
- `scan_ended`: how a scan ended, however it ended (metrics and the `scan` log event).
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from probes.model import Attempt, AttemptStatus
from trustsvc.reports.schema import ScanReport

log = logging.getLogger(__name__)


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


class ScanObserver:
    """Told about scans; every method does nothing unless overridden.

    `result_stored` and `scan_ended` run after the commit and must not raise (the services
    log an observer's error and go on). `drift_recorded` runs in the transaction: raising
    there rolls the scan back, as a failed write would.
    """

    async def drift_recorded(self, session: AsyncSession, report: ScanReport) -> None:
        """`report.drift` holds the events this scan recorded (never empty here)."""

    def result_stored(self, report: ScanReport) -> None:
        """A result for `report.url` was committed."""

    def scan_ended(self, event: ScanEvent) -> None:
        """A scan ended: stored, failed or lease lost."""


def stored_outcome(attempts: tuple[Attempt, ...]) -> ScanOutcome:
    """The outcome of a stored scan, from how its families ended."""
    completed = sum(a.status is AttemptStatus.COMPLETED for a in attempts)
    if completed == len(attempts):
        return ScanOutcome.COMPLETED
    return ScanOutcome.PARTIAL if completed else ScanOutcome.UNMEASURED


def announce_result(observers: Sequence[ScanObserver], report: ScanReport) -> None:
    """Tell every observer a result was stored; an observer's bug is logged, not raised."""
    for observer in observers:
        try:
            observer.result_stored(report)
        except Exception:
            log.exception("observer %r failed on a stored result", observer)
