"""Helpers every dimension evaluator shares: the expected-set check, coverage, deductions."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from probes.model import Finding, Outcome, ProbeSpec
from trustsvc.scoring.policy import ScoringPolicy
from trustsvc.scoring.types import Dimension, DriftStanding


class ScoringBugError(Exception):
    """An evaluator received findings other than its expected set: a wiring bug, not data."""


@dataclass(frozen=True, slots=True, kw_only=True)
class DimensionInput:
    """The findings of one dimension and the specs it expects (probe id -> spec).

    `drift` is the stability standing; only the stability evaluator reads it.
    """

    dimension: Dimension
    weight: float
    findings: tuple[Finding, ...]
    specs: Mapping[str, ProbeSpec]
    policy: ScoringPolicy
    drift: DriftStanding | None = None


def check_expected(data: DimensionInput) -> None:
    """Raise unless the findings cover exactly the expected probe ids."""
    received = {finding.probe_id for finding in data.findings}
    expected = set(data.specs)
    if received != expected:
        missing = sorted(expected - received)
        extra = sorted(received - expected)
        raise ScoringBugError(f"{data.dimension}: missing {missing}, unexpected {extra}")


def coverage(data: DimensionInput) -> float:
    """Share of applicable probes answered conclusively (NOT_APPLICABLE leaves both sums)."""
    applicable = 0
    conclusive = 0
    for probe_id in data.specs:
        outcomes = [f.outcome for f in data.findings if f.probe_id == probe_id]
        if all(o is Outcome.NOT_APPLICABLE for o in outcomes):
            continue
        applicable += 1
        relevant = [o for o in outcomes if o is not Outcome.NOT_APPLICABLE]
        conclusive += all(o.conclusive for o in relevant)
    return conclusive / applicable if applicable else 0.0


def is_bad(finding: Finding, specs: Mapping[str, ProbeSpec]) -> bool:
    """Whether the finding is its probe's bad outcome."""
    return finding.outcome is specs[finding.probe_id].bad_outcome


def bad_findings(findings: Sequence[Finding], specs: Mapping[str, ProbeSpec]) -> list[Finding]:
    """The findings whose outcome is the bad one, worst severity first."""
    bad = [f for f in findings if f.probe_id in specs and is_bad(f, specs)]
    return sorted(bad, key=lambda f: f.severity.rank)


def deduction_score(data: DimensionInput) -> tuple[float, tuple[str, ...]]:
    """Start at 100 and subtract the policy's cost for each bad finding's severity."""
    bad = bad_findings(data.findings, data.specs)
    lost = sum(data.policy.severity_deductions[f.severity] for f in bad)
    return max(0.0, 100.0 - lost), tuple(dict.fromkeys(f.probe_id for f in bad))
