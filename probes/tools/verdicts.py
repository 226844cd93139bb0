"""Per-definition summaries of the tool findings: poisoned, capability tier, risk r_t.

The offline checker prints these, and the capabilities dimension uses the same arithmetic,
so the table a developer sees and the score a registry shows cannot disagree: r_t is the sum
of the `risk` evidence of a definition's bad findings, capped at 100, and 100 outright when
the definition is poisoned (scoring.md 8.2.5).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from probes.model import Finding, Outcome
from probes.tools.judging import CAPABILITY_TIER, POISONING_PROBES, RISK

MAX_RISK = 100


@dataclass(slots=True, kw_only=True)
class ToolVerdict:
    """What the findings say about one subject (`tool:x`, `prompt:y`, `server:instructions`)."""

    subject: str
    kind: str
    name: str
    poisoned: bool = False
    capability_tier: str | None = None
    risk: int = 0
    findings: list[Finding] = field(default_factory=list)


def risk_of(finding: Finding) -> float:
    """The `risk` points of a finding's evidence (0 when absent or not a number)."""
    value = finding.evidence.get(RISK)
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else 0.0


def is_bad_tools_finding(finding: Finding) -> bool:
    """Tool probes all have TRUE as their bad outcome; remediation marks it on stored findings."""
    return finding.outcome is Outcome.TRUE and finding.remediation is not None


def tool_verdicts(findings: Iterable[Finding]) -> list[ToolVerdict]:
    """One verdict per definition subject, in first-seen order; set-level findings are skipped."""
    verdicts: dict[str, ToolVerdict] = {}
    totals: dict[str, float] = {}
    for finding in findings:
        subject = finding.subject
        if subject is None or subject == "server:tools":
            continue
        kind, _, name = subject.partition(":")
        verdict = verdicts.setdefault(subject, ToolVerdict(subject=subject, kind=kind, name=name))
        tier = finding.evidence.get(CAPABILITY_TIER)
        if isinstance(tier, str):
            verdict.capability_tier = tier
        if not is_bad_tools_finding(finding):
            continue
        verdict.findings.append(finding)
        verdict.poisoned = verdict.poisoned or finding.probe_id in POISONING_PROBES
        totals[subject] = totals.get(subject, 0.0) + risk_of(finding)
    for subject, verdict in verdicts.items():
        total = MAX_RISK if verdict.poisoned else totals.get(subject, 0.0)
        verdict.risk = round(min(MAX_RISK, total))
    return list(verdicts.values())
