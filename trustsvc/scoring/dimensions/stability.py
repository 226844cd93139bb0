"""Stability: how much an endpoint's surfaces drifted recently, and whether anyone looked.

Fed by the drift standing (the unacknowledged drift events of a recent window), not by probe
findings: an acknowledgement changes the standing without changing what was observed, so a
stored scan can be re-scored when an operator acknowledges or re-pins.

A first scan has nothing to compare with, so stability is inconclusive rather than perfect.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

from trustsvc.scoring.dimensions.common import DimensionInput, check_expected
from trustsvc.scoring.types import DimensionResult, DriftStanding, Gate, Verdict

# Points an unacknowledged event costs: one critical change zeroes the dimension.
DEDUCTIONS: Final[Mapping[str, float]] = MappingProxyType(
    {"critical": 100.0, "high": 40.0, "medium": 15.0, "low": 5.0, "info": 0.0}
)
CRITICAL_GATE = "drift.critical_unacknowledged"
HIGH_GATE = "drift.high_unacknowledged"


def evaluate_stability(data: DimensionInput) -> DimensionResult:
    """100 minus the cost of each open event; inconclusive without a previous state."""
    check_expected(data)
    standing = data.drift
    if standing is None or not standing.compared:
        return DimensionResult(
            name=data.dimension,
            score=None,
            weight=data.weight,
            coverage=0.0,
            reason="Not measured: there is no earlier scan or baseline to compare with.",
        )
    lost = sum(DEDUCTIONS.get(event.severity, 0.0) for event in standing.open_events)
    counted = [e for e in standing.open_events if DEDUCTIONS.get(e.severity, 0.0) > 0]
    reason = (
        f"{len(counted)} unacknowledged drift event(s): "
        + "; ".join(f"{e.severity} {e.kind} ({e.subject})" for e in counted[:5])
        + "."
        if counted
        else "No unacknowledged drift since the last comparison."
    )
    return DimensionResult(
        name=data.dimension,
        score=max(0.0, 100.0 - lost),
        weight=data.weight,
        coverage=1.0,
        reason=reason,
        evidence={"open_events": len(counted)},
    )


def drift_gates(standing: DriftStanding | None) -> list[Gate]:
    """Open critical drift forces at least warn (cap C); open high drift warns (cap B)."""
    if standing is None:
        return []
    gates = []
    for gate_id, severity, cap in ((CRITICAL_GATE, "critical", "C"), (HIGH_GATE, "high", "B")):
        hits = [e for e in standing.open_events if e.severity == severity]
        if hits:
            more = f" (and {len(hits) - 1} more)" if len(hits) > 1 else ""
            gates.append(
                Gate(
                    id=gate_id,
                    cap=cap,
                    verdict=Verdict.WARN,
                    reason=(
                        f"Capped at {cap}: unacknowledged {severity} drift. "
                        f"{hits[0].summary}{more} Acknowledge it or pin a new baseline."
                    ),
                )
            )
    return gates
