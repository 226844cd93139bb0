"""ScanTelemetry: each finished scan as metrics and one `scan` log event.

It is a `ScanObserver` given to ScanService, so probing and storing never import metrics.
"""

from __future__ import annotations

import logging

from probes.model import AttemptStatus
from trustsvc.observability.metrics import Metrics, family_outcome
from trustsvc.observers import ScanEvent, ScanObserver

log = logging.getLogger("trustsvc.events.scan")


class ScanTelemetry(ScanObserver):
    """Records scans in `metrics` and logs one event per scan."""

    def __init__(self, metrics: Metrics) -> None:
        self.metrics = metrics

    def scan_ended(self, event: ScanEvent) -> None:
        """Count the scan and its families, then log who/what/outcome/duration."""
        self.metrics.scan(
            reason=event.reason,
            outcome=event.outcome.value,
            attempts=event.attempts,
            probed=event.probed,
        )
        failed = {
            attempt.family.value: family_outcome(attempt)
            for attempt in event.attempts
            if attempt.status is not AttemptStatus.COMPLETED
        }
        fields: dict[str, object] = {
            "event": "scan",
            "url": event.url,
            "reason": event.reason,
            "outcome": event.outcome.value,
            "duration_ms": round(event.duration_s * 1000, 1),
            "failed_families": failed,
        }
        report = event.report
        if report is not None:
            fields |= {
                "scan_id": report.scan_id,
                "endpoint_id": report.endpoint_id,
                "score": report.score,
                "grade": report.grade,
                "verdict": report.verdict,
                "confidence": report.confidence,
            }
        if event.error is not None:
            fields["error"] = event.error
        level = logging.INFO if report is not None else logging.WARNING
        log.log(
            level,
            "scan %s %s (%s) in %.0f ms%s",
            event.url,
            event.outcome.value,
            event.reason,
            event.duration_s * 1000,
            f": {report.grade} {report.verdict} {report.score}" if report else "",
            extra=fields,
        )
