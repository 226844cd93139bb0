"""One evaluator per dimension; a dimension without its own uses severity deductions."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType

from trustsvc.scoring.dimensions.access import evaluate_access
from trustsvc.scoring.dimensions.capabilities import evaluate_capabilities
from trustsvc.scoring.dimensions.common import DimensionInput, ScoringBugError
from trustsvc.scoring.dimensions.generic import evaluate_by_deduction
from trustsvc.scoring.dimensions.identity import evaluate_identity
from trustsvc.scoring.dimensions.stability import evaluate_stability
from trustsvc.scoring.dimensions.transport import evaluate_transport
from trustsvc.scoring.types import Dimension, DimensionResult

Evaluator = Callable[[DimensionInput], DimensionResult]

EVALUATORS: Mapping[Dimension, Evaluator] = MappingProxyType(
    {
        Dimension.TRANSPORT: evaluate_transport,
        Dimension.IDENTITY: evaluate_identity,
        Dimension.ACCESS: evaluate_access,
        Dimension.CAPABILITIES: evaluate_capabilities,
        Dimension.PROVENANCE: evaluate_by_deduction,
        Dimension.STABILITY: evaluate_stability,
    }
)

__all__ = ["EVALUATORS", "DimensionInput", "Evaluator", "ScoringBugError"]
