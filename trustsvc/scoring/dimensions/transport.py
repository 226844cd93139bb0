"""Transport (TLS): the SSL Labs-style sub-grade, so operators can compare with SSL Labs.

The TLS family already computes the guide-2009r arithmetic; this evaluator reads that
rating from its finding's evidence, bounds it by the letter's ceiling (a capped grade never
keeps a high number), and falls back to severity deductions when the rating is unavailable.
"""

from __future__ import annotations

from probes.model import Outcome
from trustsvc.scoring.dimensions.common import (
    DimensionInput,
    check_expected,
    coverage,
    deduction_score,
)
from trustsvc.scoring.dimensions.generic import evaluate_by_deduction
from trustsvc.scoring.types import DimensionResult

RATING_PROBE = "tls_rating_below_a"
PLAINTEXT_PROBE = "tls_endpoint_uses_plaintext_http"


def evaluate_transport(data: DimensionInput) -> DimensionResult:
    """Score TLS posture from the rating finding, or by deduction when it is missing."""
    check_expected(data)
    plaintext = [f for f in data.findings if f.probe_id == PLAINTEXT_PROBE]
    if any(f.outcome is Outcome.TRUE for f in plaintext):
        return DimensionResult(
            name=data.dimension,
            score=0.0,
            weight=data.weight,
            coverage=coverage(data),
            reason="The endpoint uses plaintext HTTP: nothing it sends is protected.",
            cited=(PLAINTEXT_PROBE,),
        )
    rating = next((f for f in data.findings if f.probe_id == RATING_PROBE), None)
    if rating is None or not rating.outcome.conclusive:
        return evaluate_by_deduction(data)
    grade = str(rating.evidence.get("rating_grade"))
    final_score = rating.evidence.get("final_score")
    if grade not in data.policy.tls_grade_ceilings or not isinstance(final_score, int | float):
        return evaluate_by_deduction(data)
    score = min(float(final_score), data.policy.tls_grade_ceilings[grade])
    _, cited = deduction_score(data)
    caps = str(rating.evidence.get("caps") or "")
    warnings = str(rating.evidence.get("warnings") or "")
    reason = f"SSL Labs-style TLS grade {grade} (score {final_score}, guide 2009r)"
    if caps:
        reason += f"; capped by {caps}"
    if warnings:
        reason += f"; warnings: {warnings}"
    return DimensionResult(
        name=data.dimension,
        score=score,
        weight=data.weight,
        coverage=coverage(data),
        reason=reason + ".",
        cited=(RATING_PROBE, *cited),
        evidence=dict(rating.evidence),
    )
