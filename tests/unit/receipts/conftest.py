"""A stored-looking report and key stores in a temporary directory."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from probes.model import Attempt, AttemptStatus, Family
from probes.registry import catalogue
from trustsvc.drift.types import Snapshot, Surface, SurfaceItem
from trustsvc.receipts.build import ReceiptInput, receipt_body
from trustsvc.receipts.keys import KeyStore
from trustsvc.reports.build import build_report
from trustsvc.reports.schema import ScanReport
from trustsvc.scoring.aggregate import score_findings

SCANNED_AT = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)
ISSUED_AT = SCANNED_AT + timedelta(minutes=5)


def clean_report(*, subjects: tuple[str, ...] = ("tool:search",)) -> ScanReport:
    findings = [
        spec.judged(False, "fine", subject=subject)
        for spec in catalogue().values()
        for subject in subjects
    ]
    attempts = [
        Attempt(family=f, status=AttemptStatus.COMPLETED, reason=None, detail="ok", elapsed_ms=5)
        for f in Family
    ]
    return build_report(
        url="https://mcp.example.com/mcp",
        assessed_at=SCANNED_AT,
        attempts=attempts,
        findings=findings,
        score=score_findings(findings, catalogue()),
        scan_id="scan-1",
        endpoint_id="endpoint-1",
    )


def body_of(report: ScanReport, *, issued_at: datetime = ISSUED_AT) -> dict[str, object]:
    snapshot = Snapshot({Surface.AUTH: {"auth:metadata": SurfaceItem.of({"issuer": "x"})}})
    return receipt_body(
        ReceiptInput(
            report=report,
            snapshot=snapshot,
            catalogue=catalogue(),
            issued_at=issued_at,
            public_url="https://trust.example.com",
        )
    )


@pytest.fixture
def store(tmp_path: Path) -> KeyStore:
    return KeyStore(tmp_path / "keys" / "signing.json", create=True)
