"""The default evaluator: severity deductions over conclusive findings."""

from __future__ import annotations

from trustsvc.scoring.dimensions.common import (
    DimensionInput,
    check_expected,
    coverage,
    deduction_score,
)
from trustsvc.scoring.types import DimensionResult


def evaluate_by_deduction(data: DimensionInput) -> DimensionResult:
    """Score a dimension by deducting for bad findings; inconclusive when nothing answered."""
    check_expected(data)
    if not data.specs:
        return DimensionResult(
            name=data.dimension,
            score=None,
            weight=data.weight,
            coverage=0.0,
            reason=f"Not measured: no {data.dimension} probes exist in this release.",
        )
    covered = coverage(data)
    if covered == 0.0:
        return DimensionResult(
            name=data.dimension,
            score=None,
            weight=data.weight,
            coverage=0.0,
            reason=f"Not measured: none of the {data.dimension} probes gave an answer.",
        )
    score, cited = deduction_score(data)
    reason = (
        f"{len(cited)} {data.dimension} problem(s): {', '.join(cited)}."
        if cited
        else f"No {data.dimension} problems among the probes that answered."
    )
    return DimensionResult(
        name=data.dimension,
        score=score,
        weight=data.weight,
        coverage=covered,
        reason=reason,
        cited=cited,
    )
