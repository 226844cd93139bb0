"""The stored form of a scan's results, written from the pipeline's own types.

Rows are columns of plain JSON values, built from `probes` and `scoring` types directly, so
the store never depends on the report documents (the wire form). Both forms carry the same
keys, which is what lets `reports.stored` rebuild a report from rows without re-scoring;
tests/integration/test_persistence.py checks the round trip.
"""

from __future__ import annotations

from typing import Any

from probes.model import Attempt, Finding
from trustsvc.scoring.types import TrustScore


def attempt_values(attempt: Attempt) -> dict[str, Any]:
    """An attempt's columns."""
    return {
        "family": attempt.family.value,
        "status": attempt.status.value,
        "reason": None if attempt.reason is None else attempt.reason.value,
        "detail": attempt.detail,
        "elapsed_ms": attempt.elapsed_ms,
    }


def finding_values(finding: Finding) -> dict[str, Any]:
    """A finding's columns."""
    return {
        "probe_id": finding.probe_id,
        "family": finding.family.value,
        "outcome": finding.outcome.value,
        "severity": finding.severity.value,
        "message": finding.message,
        "subject": finding.subject,
        "evidence": dict(finding.evidence),
        "remediation": finding.remediation,
        "references": [reference.token() for reference in finding.references],
        "provenance": None if finding.provenance is None else finding.provenance.value,
    }


def gate_values(score: TrustScore) -> list[dict[str, Any]]:
    """The gates that fired, as stored in the score's JSON column."""
    return [
        {
            "id": gate.id,
            "cap": gate.cap,
            "verdict": None if gate.verdict is None else gate.verdict.value,
            "reason": gate.reason,
            "probe_ids": list(gate.probe_ids),
        }
        for gate in score.gates
    ]


def dimension_values(score: TrustScore) -> list[dict[str, Any]]:
    """The per-dimension breakdown, as stored in the score's JSON column."""
    return [
        {
            "name": dim.name.value,
            "score": None if dim.score is None else round(dim.score, 1),
            "weight": dim.weight,
            "coverage": round(dim.coverage, 3),
            "reason": dim.reason,
            "cited": list(dim.cited),
            "evidence": dict(dim.evidence),
        }
        for dim in score.dimensions
    ]
