"""Rebuild the report document from stored rows, without re-scoring."""

from __future__ import annotations

import msgspec

from trustsvc.reports.schema import AttemptDoc, DimensionDoc, FindingDoc, GateDoc, ScanReport
from trustsvc.store.repositories import StoredScan


def report_from_stored(stored: StoredScan, url: str) -> ScanReport:
    """The report of a completed scan exactly as it was scored and stored."""
    scan, score = stored.scan, stored.score
    if score is None or scan.assessed_at is None:
        raise ValueError(f"scan {scan.id} has no stored result")
    return ScanReport(
        url=url,
        assessed_at=scan.assessed_at,
        policy_version=score.policy_version,
        score=score.score,
        score_measured=score.score_measured,
        grade=score.grade,
        verdict=score.verdict,
        confidence=score.confidence,
        gates=msgspec.convert(score.gates, list[GateDoc]),
        dimensions=msgspec.convert(score.dimensions, list[DimensionDoc]),
        attempts=msgspec.convert(stored.attempts, list[AttemptDoc], from_attributes=True),
        findings=msgspec.convert(stored.findings, list[FindingDoc], from_attributes=True),
        scan_id=scan.id,
        endpoint_id=scan.endpoint_id,
    )
