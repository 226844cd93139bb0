"""Turn domain objects (attempts, findings, a score) into the report document."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import msgspec

from probes.model import Attempt, Finding
from trustsvc.reports.schema import AttemptDoc, DimensionDoc, FindingDoc, GateDoc, ScanReport
from trustsvc.scoring.types import TrustScore


def attempt_doc(attempt: Attempt) -> AttemptDoc:
    """The wire form of an attempt."""
    return AttemptDoc(
        family=attempt.family.value,
        status=attempt.status.value,
        reason=None if attempt.reason is None else attempt.reason.value,
        detail=attempt.detail,
        elapsed_ms=attempt.elapsed_ms,
    )


def finding_doc(finding: Finding) -> FindingDoc:
    """The wire form of a finding."""
    return FindingDoc(
        probe_id=finding.probe_id,
        family=finding.family.value,
        outcome=finding.outcome.value,
        severity=finding.severity.value,
        message=finding.message,
        subject=finding.subject,
        evidence=dict(finding.evidence),
        remediation=finding.remediation,
        references=list(finding.references),
    )


def score_docs(score: TrustScore) -> tuple[list[GateDoc], list[DimensionDoc]]:
    """The wire form of a score's gates and dimensions (also how they are stored)."""
    gates = [
        GateDoc(
            id=g.id,
            cap=g.cap,
            verdict=None if g.verdict is None else g.verdict.value,
            reason=g.reason,
            probe_ids=list(g.probe_ids),
        )
        for g in score.gates
    ]
    dimensions = [
        DimensionDoc(
            name=d.name.value,
            score=None if d.score is None else round(d.score, 1),
            weight=d.weight,
            coverage=round(d.coverage, 3),
            reason=d.reason,
            cited=list(d.cited),
            evidence=dict(d.evidence),
        )
        for d in score.dimensions
    ]
    return gates, dimensions


def build_report(
    *,
    url: str,
    assessed_at: datetime,
    attempts: Iterable[Attempt],
    findings: Iterable[Finding],
    score: TrustScore,
    scan_id: str | None = None,
    endpoint_id: str | None = None,
) -> ScanReport:
    """Assemble the full report for one scan."""
    gates, dimensions = score_docs(score)
    return ScanReport(
        url=url,
        assessed_at=assessed_at,
        policy_version=score.policy_version,
        score=score.score,
        score_measured=score.score_measured,
        grade=score.grade,
        verdict=score.verdict.value,
        confidence=score.confidence,
        gates=gates,
        dimensions=dimensions,
        attempts=[attempt_doc(a) for a in attempts],
        findings=[finding_doc(f) for f in findings],
        scan_id=scan_id,
        endpoint_id=endpoint_id,
    )


def to_json(report: ScanReport) -> bytes:
    """Encode a report as JSON (the CLI and API bytes are the same)."""
    return msgspec.json.encode(report)
