"""Turn domain objects (attempts, findings, a score) into the report document.

The documents carry exactly the stored columns (`store.rows`), so a report rebuilt from rows
(`reports.stored`) is the report that was served when the scan ran.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

import msgspec

from probes.frameworks import Reference, reference_from_token, title_of
from probes.hostile_text import visible_json
from probes.model import Attempt, Finding
from trustsvc.assurance.evaluate import assurance_of
from trustsvc.reports.schema import (
    AttemptDoc,
    DimensionDoc,
    FindingDoc,
    GateDoc,
    ReferenceDoc,
    ScanReport,
)
from trustsvc.scoring.types import TrustScore
from trustsvc.store.rows import attempt_values, dimension_values, finding_values, gate_values


def attempt_doc(attempt: Attempt) -> AttemptDoc:
    """The wire form of an attempt: the stored columns, so a stored scan reads back the same."""
    return AttemptDoc(**attempt_values(attempt))


def finding_doc(finding: Finding) -> FindingDoc:
    """The wire form of a finding: its stored columns, references expanded."""
    return finding_doc_of(finding_values(finding))


def finding_doc_of(values: Mapping[str, Any]) -> FindingDoc:
    """A finding document from its stored columns (a fresh finding's or a stored row's).

    References are stored as compact tokens and read back here, so a row from before
    editions were recorded (plain strings) reads as references without an edition.
    """
    fields = dict(values)
    fields["references"] = [reference_doc(token) for token in fields["references"]]
    return FindingDoc(**fields)


def catalogue_reference_docs(references: Iterable[Reference]) -> list[ReferenceDoc]:
    """A spec's references for the probe catalogue, with titles where they may be shipped."""
    return [
        ReferenceDoc(framework=r.framework, edition=r.edition, id=r.id, title=title_of(r))
        for r in references
    ]


def reference_doc(token: str) -> ReferenceDoc:
    """The wire form of one stored reference token."""
    ref = reference_from_token(token)
    return ReferenceDoc(framework=ref.framework, edition=ref.edition, id=ref.id)


def score_docs(score: TrustScore) -> tuple[list[GateDoc], list[DimensionDoc]]:
    """The wire form of a score's gates and dimensions (their stored JSON)."""
    gates = msgspec.convert(gate_values(score), list[GateDoc])
    return gates, msgspec.convert(dimension_values(score), list[DimensionDoc])


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
    finding_docs = [finding_doc(f) for f in findings]
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
        findings=finding_docs,
        scan_id=scan_id,
        endpoint_id=endpoint_id,
        assurance=assurance_of(finding_docs),
    )


def to_json(report: ScanReport) -> bytes:
    """Encode a report as JSON (the CLI and API bytes are the same).

    A lone surrogate that reached a report some other way than the collectors (which escape
    them) is escaped here rather than failing the encoder.
    """
    try:
        return msgspec.json.encode(report)
    except UnicodeEncodeError:
        return msgspec.json.encode(visible_json(msgspec.to_builtins(report)))
