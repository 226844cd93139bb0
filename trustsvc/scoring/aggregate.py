"""Combine dimension results and gates into one score, grade, verdict and confidence.

Published score S = sum_c w_c (q_c s_c + (1 - q_c) prior) / sum_c w_c: unmeasured weight is
pulled toward a neutral prior, never toward 100. Confidence C = sum_c w_c q_c / sum_c w_c.
Gates cap the grade whatever C is: one confirmed fatal fact is enough (scoring.md 8.3-8.5).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from probes.model import Finding, Outcome, ProbeSpec
from trustsvc.scoring.dimensions import EVALUATORS, DimensionInput
from trustsvc.scoring.dimensions.common import is_bad
from trustsvc.scoring.dimensions.stability import drift_gates
from trustsvc.scoring.evidence import no_evidence_gate
from trustsvc.scoring.policy import POLICY, ScoringPolicy
from trustsvc.scoring.types import (
    GRADE_LADDER,
    UNKNOWN_GRADE,
    DimensionResult,
    DriftStanding,
    Gate,
    TrustScore,
    Verdict,
    worse_grade,
)

INSUFFICIENT_EVIDENCE_GATE = "evidence.insufficient"
TOP_GRADE_PROBE = "tls_hsts_enforced"


def score_findings(
    findings: Iterable[Finding],
    catalogue: Mapping[str, ProbeSpec],
    policy: ScoringPolicy = POLICY,
    drift: DriftStanding | None = None,
) -> TrustScore:
    """Score one scan's findings; `catalogue` maps every expected probe id to its spec.

    `drift` is the endpoint's drift standing at scoring time (None: not compared).
    """
    found = tuple(findings)
    dimensions = tuple(_evaluate(found, catalogue, policy, drift))
    total_weight = sum(d.weight for d in dimensions)
    confidence = sum(d.weight * d.coverage for d in dimensions) / total_weight
    published = sum(_pulled_to_prior(d, policy) * d.weight for d in dimensions) / total_weight
    measured_weight = sum(d.weight * d.coverage for d in dimensions if d.score is not None)
    measured = (
        sum(d.weight * d.coverage * d.score for d in dimensions if d.score is not None)
        / measured_weight
        if measured_weight
        else None
    )
    gates = [*_fired_gates(found, catalogue, policy), *drift_gates(drift)]
    if (unmeasured := no_evidence_gate(found, catalogue, policy)) is not None:
        gates.insert(0, unmeasured)  # first: it is the headline
    grade = _grade(published, gates, found, confidence, policy)
    if grade == UNKNOWN_GRADE and unmeasured is None:
        gates.append(
            Gate(
                id=INSUFFICIENT_EVIDENCE_GATE,
                cap=UNKNOWN_GRADE,
                verdict=Verdict.WARN,
                reason=(
                    f"Only {confidence:.0%} of the weighted evidence was measured "
                    f"(a grade needs {policy.min_confidence_for_grade:.0%})."
                ),
            )
        )
    caps = [g.cap for g in gates if g.cap in GRADE_LADDER]
    ceiling = min((policy.cap_ceilings[c] for c in caps), default=100.0)
    return TrustScore(
        policy_version=policy.version,
        score=round(min(published, ceiling)),
        score_measured=None if measured is None else round(measured),
        grade=grade,
        verdict=_verdict(grade, gates, confidence, policy),
        confidence=round(confidence, 3),
        gates=tuple(gates),
        dimensions=dimensions,
    )


def _evaluate(
    findings: tuple[Finding, ...],
    catalogue: Mapping[str, ProbeSpec],
    policy: ScoringPolicy,
    drift: DriftStanding | None,
) -> Iterable[DimensionResult]:
    for dimension, weight in policy.weights.items():
        families = policy.sources[dimension]
        specs = {pid: spec for pid, spec in catalogue.items() if spec.family in families}
        data = DimensionInput(
            dimension=dimension,
            weight=weight,
            findings=tuple(f for f in findings if f.probe_id in specs),
            specs=specs,
            policy=policy,
            drift=drift,
        )
        yield EVALUATORS[dimension](data)


def _pulled_to_prior(result: DimensionResult, policy: ScoringPolicy) -> float:
    if result.score is None:
        return policy.neutral_prior
    return result.coverage * result.score + (1 - result.coverage) * policy.neutral_prior


def _fired_gates(
    findings: tuple[Finding, ...], catalogue: Mapping[str, ProbeSpec], policy: ScoringPolicy
) -> Iterable[Gate]:
    for rule in policy.gates:
        bad = _bad_among(findings, rule.probe_ids, catalogue)
        required = _bad_among(findings, rule.also_requires, catalogue)
        if not bad or (rule.also_requires and not required):
            continue
        bad += required
        more = f" (and {len(bad) - 1} more)" if len(bad) > 1 else ""
        yield Gate(
            id=rule.id,
            cap=rule.cap,
            verdict=rule.verdict,
            reason=f"Capped at {rule.cap}: {rule.summary}. {bad[0].message}{more}",
            probe_ids=tuple(dict.fromkeys(f.probe_id for f in bad)),
        )


def _bad_among(
    findings: tuple[Finding, ...], probe_ids: frozenset[str], catalogue: Mapping[str, ProbeSpec]
) -> list[Finding]:
    return [
        f
        for f in findings
        if f.probe_id in probe_ids and f.probe_id in catalogue and is_bad(f, catalogue)
    ]


def _grade(
    score: float,
    gates: list[Gate],
    findings: tuple[Finding, ...],
    confidence: float,
    policy: ScoringPolicy,
) -> str:
    grade = next(letter for letter, floor in policy.grade_floors if score >= floor)
    for gate in gates:
        if gate.cap in GRADE_LADDER:
            grade = worse_grade(grade, gate.cap)
    unknown = any(gate.cap == UNKNOWN_GRADE for gate in gates)  # evidence.none
    if grade != "F" and (unknown or confidence < policy.min_confidence_for_grade):
        return UNKNOWN_GRADE
    if grade == "A" and not gates and _earns_top_grade(findings, confidence, policy):
        return "A+"
    return grade


def _earns_top_grade(
    findings: tuple[Finding, ...], confidence: float, policy: ScoringPolicy
) -> bool:
    hsts = [f for f in findings if f.probe_id == TOP_GRADE_PROBE]
    hsts_ok = bool(hsts) and all(f.outcome is Outcome.TRUE for f in hsts)
    return hsts_ok and confidence >= policy.min_confidence_for_top_grade


def _verdict(grade: str, gates: list[Gate], confidence: float, policy: ScoringPolicy) -> Verdict:
    if grade == "F" or any(g.verdict is Verdict.BLOCK for g in gates):
        return Verdict.BLOCK
    if (
        grade in ("C", "D", UNKNOWN_GRADE)
        or confidence < policy.min_confidence_for_allow
        or any(g.verdict is Verdict.WARN for g in gates)
    ):
        return Verdict.WARN
    return Verdict.ALLOW
