"""Capabilities (tool schemas): per-definition risk, aggregated so one bad tool dominates.

Each definition's risk r_t is the sum of the `risk` evidence of its bad findings, capped at
100, and 100 outright when it is poisoned; its score is 100 - r_t. The dimension is
0.6 * mean + 0.4 * min over definitions (Glama TDQS aggregation, scoring.md 8.2.5), so a
single poisoned tool among fifty clean ones still drags the dimension down by 40 points, and
the `tools.poisoning` gate then forces block. Set-level findings (colliding names, more than
50 tools) subtract their `risk` from the result.

A server that lists nothing exposes no capability risk: it scores 100, with the coverage of
the set-level probes that answered. Fewer than 80 % of listed items parsed, or no conclusive
answer at all, is inconclusive: the score would describe tools we did not see.
"""

from __future__ import annotations

from collections.abc import Sequence

from probes.model import Finding
from probes.tools.judging import LISTED_COUNT, PARSE_FAILURES, POISONING_PROBES
from probes.tools.verdicts import MAX_RISK, risk_of
from trustsvc.scoring.dimensions.common import DimensionInput, check_expected, coverage, is_bad
from trustsvc.scoring.types import DimensionResult

LISTING_PROBE = "tool_listing_is_incomplete"
SET_SUBJECT = "server:tools"
MEAN_WEIGHT = 0.6
MIN_WEIGHT = 0.4
MIN_PARSED_SHARE = 0.8


def _result(
    data: DimensionInput,
    score: float | None,
    reason: str,
    *,
    covered: float | None = None,
    cited: Sequence[str] = (),
    evidence: dict[str, str | int | float | bool | None] | None = None,
) -> DimensionResult:
    return DimensionResult(
        name=data.dimension,
        score=score,
        weight=data.weight,
        coverage=coverage(data) if covered is None else covered,
        reason=reason,
        cited=tuple(dict.fromkeys(cited)),
        evidence=evidence or {},
    )


def _parsed_share(data: DimensionInput) -> float | None:
    """Share of listed items that parsed, from the listing finding; None if it did not answer."""
    listing = next((f for f in data.findings if f.probe_id == LISTING_PROBE), None)
    if listing is None or not listing.outcome.conclusive:
        return None
    listed = listing.evidence.get(LISTED_COUNT)
    failed = listing.evidence.get(PARSE_FAILURES)
    if not isinstance(listed, int) or not isinstance(failed, int) or listed == 0:
        return 1.0
    return (listed - failed) / listed


def _tool_scores(data: DimensionInput) -> dict[str, tuple[float, bool]]:
    """Score (0-100) and poisoned flag of every subject a per-definition probe answered."""
    totals: dict[str, float] = {}
    poisoned: set[str] = set()
    for finding in data.findings:
        subject = finding.subject
        if subject is None or subject == SET_SUBJECT or not finding.outcome.conclusive:
            continue
        totals.setdefault(subject, 0.0)
        if is_bad(finding, data.specs):
            totals[subject] += risk_of(finding)
            if finding.probe_id in POISONING_PROBES:
                poisoned.add(subject)
    return {
        subject: (0.0 if subject in poisoned else 100.0 - min(MAX_RISK, total), subject in poisoned)
        for subject, total in totals.items()
    }


def _set_deduction(findings: Sequence[Finding], data: DimensionInput) -> float:
    return sum(risk_of(f) for f in findings if f.subject == SET_SUBJECT and is_bad(f, data.specs))


def evaluate_capabilities(data: DimensionInput) -> DimensionResult:
    """Score the tool surface: 0.6 * mean + 0.4 * min of per-definition scores."""
    check_expected(data)
    share = _parsed_share(data)
    if share is None:
        return _result(data, None, "Not measured: the tool listing was not read.", covered=0.0)
    if share < MIN_PARSED_SHARE:
        reason = f"Not measured: only {share:.0%} of the listed definitions could be parsed."
        return _result(data, None, reason, covered=0.0)
    scores = _tool_scores(data)
    bad = [f for f in data.findings if f.probe_id in data.specs and is_bad(f, data.specs)]
    cited = [f.probe_id for f in bad]
    deduction = _set_deduction(data.findings, data)
    if not scores:
        score = max(0.0, 100.0 - deduction)
        reason = "The server lists no tools, prompts or resource templates: no capability risk."
        return _result(data, score, reason, cited=cited)
    values = [s for s, _ in scores.values()]
    mean, low = sum(values) / len(values), min(values)
    score = max(0.0, MEAN_WEIGHT * mean + MIN_WEIGHT * low - deduction)
    worst = min(scores, key=lambda s: scores[s][0])
    poisoned = sorted(s for s, (_, p) in scores.items() if p)
    if poisoned:
        reason = f"{len(poisoned)} poisoned definition(s), first {poisoned[0]}"
    else:
        reason = f"{len(values)} definition(s); riskiest {worst} scores {low:.0f}"
    reason += f"; mean {mean:.0f}, min {low:.0f}" + (f", set -{deduction:.0f}" if deduction else "")
    evidence: dict[str, str | int | float | bool | None] = {
        "definitions": len(values),
        "poisoned": len(poisoned),
        "mean": round(mean, 1),
        "min": round(low, 1),
        "riskiest": worst,
        "set_deduction": deduction,
    }
    return _result(data, score, reason + ".", cited=cited, evidence=evidence)
