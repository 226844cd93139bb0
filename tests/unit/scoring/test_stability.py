"""Stability from a drift standing: inconclusive without history, costed per open event."""

from __future__ import annotations

import dataclasses
from types import MappingProxyType

import pytest

from tests.unit.scoring.test_aggregate import CATALOGUE, tls_findings
from trustsvc.scoring.aggregate import score_findings
from trustsvc.scoring.policy import POLICY
from trustsvc.scoring.types import Dimension, DriftStanding, OpenDrift, Verdict

TWO = dataclasses.replace(
    POLICY, weights=MappingProxyType({Dimension.TRANSPORT: 20.0, Dimension.STABILITY: 5.0})
)


def event(severity: str, event_id: int = 1) -> OpenDrift:
    return OpenDrift(
        event_id=event_id,
        severity=severity,
        kind="tool_description_changed",
        subject="tool:search",
        summary="Tool `search` description changed without a version change.",
    )


def stability(standing: DriftStanding | None) -> tuple[float | None, float, str]:
    score = score_findings(tls_findings(), CATALOGUE, TWO, drift=standing)
    result = next(d for d in score.dimensions if d.name is Dimension.STABILITY)
    return result.score, result.coverage, result.reason


def test_no_comparison_is_inconclusive_not_perfect() -> None:
    for standing in (None, DriftStanding(compared=False)):
        score, covered, reason = stability(standing)
        assert (score, covered) == (None, 0.0)
        assert reason.startswith("Not measured")


@pytest.mark.parametrize(
    ("severities", "expected"),
    [
        ((), 100.0),
        (("info",), 100.0),
        (("low", "medium"), 80.0),
        (("high",), 60.0),
        (("high", "high", "high"), 0.0),
        (("critical",), 0.0),
    ],
)
def test_each_open_event_costs_by_severity(severities: tuple[str, ...], expected: float) -> None:
    standing = DriftStanding(
        compared=True, open_events=tuple(event(s, i) for i, s in enumerate(severities))
    )
    score, covered, _ = stability(standing)
    assert (score, covered) == (expected, 1.0)


def test_open_critical_drift_warns_and_caps_at_c_until_acknowledged() -> None:
    open_critical = DriftStanding(compared=True, open_events=(event("critical"),))
    warned = score_findings(tls_findings(), CATALOGUE, TWO, drift=open_critical)
    assert [g.id for g in warned.gates] == ["drift.critical_unacknowledged"]
    assert warned.verdict is Verdict.WARN
    assert warned.grade == "C"
    assert "description changed" in warned.gates[0].reason
    acknowledged = score_findings(
        tls_findings(), CATALOGUE, TWO, drift=DriftStanding(compared=True)
    )
    assert acknowledged.gates == ()
    assert acknowledged.verdict is Verdict.ALLOW


def test_open_high_drift_caps_at_b_with_warn() -> None:
    standing = DriftStanding(compared=True, open_events=(event("high"),))
    score = score_findings(tls_findings(), CATALOGUE, TWO, drift=standing)
    assert [(g.id, g.cap, g.verdict) for g in score.gates] == [
        ("drift.high_unacknowledged", "B", Verdict.WARN)
    ]
    assert score.grade == "B"
