"""Which reported findings are bad, worst first: shared by SARIF and the text table."""

from __future__ import annotations

from collections.abc import Mapping

from probes.model import ProbeSpec, Severity
from trustsvc.reports.schema import FindingDoc, ScanReport
from trustsvc.scoring.evidence import NO_EVIDENCE_GATE


def is_bad(finding: FindingDoc, catalogue: Mapping[str, ProbeSpec]) -> bool:
    """Whether a reported finding is its probe's bad outcome.

    A probe that left the catalogue is judged by its stored remediation, which is set only
    on bad outcomes.
    """
    spec = catalogue.get(finding.probe_id)
    if spec is None:
        return finding.remediation is not None
    return finding.outcome == spec.bad_outcome.value


def bad_findings(report: ScanReport, catalogue: Mapping[str, ProbeSpec]) -> list[FindingDoc]:
    """The report's bad findings, most severe first (stable within a severity)."""
    bad = [f for f in report.findings if is_bad(f, catalogue)]
    return sorted(bad, key=lambda f: Severity(f.severity).rank)


def could_not_assess(report: ScanReport) -> str | None:
    """The headline "could not assess: <why>" when nothing about the endpoint was measured."""
    return next((g.reason for g in report.gates if g.id == NO_EVIDENCE_GATE), None)
