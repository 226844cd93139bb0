"""Rebuild the report document from stored rows, without re-scoring."""

from __future__ import annotations

from typing import Any

import msgspec

from trustsvc.assurance.evaluate import assurance_of
from trustsvc.reports.build import finding_doc_of
from trustsvc.reports.schema import AttemptDoc, DimensionDoc, FindingDoc, GateDoc, ScanReport
from trustsvc.store.models import FindingRow
from trustsvc.store.repositories import StoredScan


def _columns(row: FindingRow) -> dict[str, Any]:
    """A stored finding's columns: the document's fields, which `store.rows` writes."""
    return {name: getattr(row, name) for name in FindingDoc.__struct_fields__}


def report_from_stored(stored: StoredScan, url: str) -> ScanReport:
    """The report of a completed scan exactly as it was scored and stored."""
    scan, score = stored.scan, stored.score
    if score is None or scan.assessed_at is None:
        raise ValueError(f"scan {scan.id} has no stored result")
    findings = [finding_doc_of(_columns(row)) for row in stored.findings]
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
        findings=findings,
        scan_id=scan.id,
        endpoint_id=scan.endpoint_id,
        assurance=assurance_of(findings),
    )
