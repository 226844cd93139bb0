"""When an endpoint is next due: family TTLs, risk tightening, retry backoff, jitter bounds."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from probes.model import Attempt, AttemptStatus, ErrorReason, Family, Finding, Outcome, Severity
from trustsvc.schedule.freshness import DAY_S, HOUR_S, FreshnessPolicy, next_due

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
NO_JITTER = FreshnessPolicy(jitter_fraction=0.0)


def completed(family: Family) -> Attempt:
    return Attempt(
        family=family, status=AttemptStatus.COMPLETED, reason=None, detail="", elapsed_ms=1
    )


def failed(family: Family) -> Attempt:
    return Attempt(
        family=family,
        status=AttemptStatus.ERROR,
        reason=ErrorReason.TIMEOUT,
        detail="slow",
        elapsed_ms=1,
    )


def finding(probe_id: str, outcome: Outcome) -> Finding:
    family = Family.TLS if probe_id.startswith("tls") else Family.DOMAIN
    return Finding(
        probe_id=probe_id, family=family, outcome=outcome, severity=Severity.LOW, message="m"
    )


ALL_DONE = [completed(f) for f in Family]


def test_tools_and_auth_make_an_endpoint_due_daily() -> None:
    due = next_due(
        endpoint_id="e", assessed_at=NOW, attempts=ALL_DONE, findings=[], policy=NO_JITTER
    )
    assert due.at == NOW + timedelta(seconds=DAY_S)
    assert due.reason == "ttl:auth"  # ties break by name: auth, publisher, tools


def test_only_slow_families_left_keep_a_week() -> None:
    policy = FreshnessPolicy(
        family_ttl_s={Family.TLS: 7 * DAY_S, Family.DOMAIN: 7 * DAY_S}, jitter_fraction=0.0
    )
    due = next_due(endpoint_id="e", assessed_at=NOW, attempts=[], findings=[], policy=policy)
    assert due.at == NOW + timedelta(days=7)


@pytest.mark.parametrize(
    ("probe_id", "seconds", "reason"),
    [
        ("tls_certificate_expires_within_30_days", DAY_S, "ttl:tls"),
        ("domain_registered_within_30_days", DAY_S, "ttl:domain"),
        ("domain_registered_within_7_days", HOUR_S, "ttl:domain"),
    ],
)
def test_risk_tightens_a_family(probe_id: str, seconds: float, reason: str) -> None:
    policy = FreshnessPolicy(
        family_ttl_s={Family.TLS: 7 * DAY_S, Family.DOMAIN: 7 * DAY_S}, jitter_fraction=0.0
    )
    tightened = next_due(
        endpoint_id="e",
        assessed_at=NOW,
        attempts=[],
        findings=[finding(probe_id, Outcome.TRUE)],
        policy=policy,
    )
    assert (tightened.at, tightened.reason) == (NOW + timedelta(seconds=seconds), reason)
    relaxed = next_due(
        endpoint_id="e",
        assessed_at=NOW,
        attempts=[],
        findings=[finding(probe_id, Outcome.FALSE)],
        policy=policy,
    )
    assert relaxed.at == NOW + timedelta(days=7)


@pytest.mark.parametrize(("failures", "hours"), [(0, 1), (1, 2), (3, 8), (10, 24)])
def test_a_failed_family_is_retried_with_backoff_capped_at_its_ttl(
    failures: int, hours: int
) -> None:
    attempts = [*ALL_DONE[1:], failed(Family.TOOLS)]
    due = next_due(
        endpoint_id="e",
        assessed_at=NOW,
        attempts=attempts,
        findings=[],
        consecutive_failures=failures,
        policy=NO_JITTER,
    )
    assert due.at == NOW + timedelta(hours=hours)
    assert due.reason == "retry:tools"


def test_jitter_is_stable_per_endpoint_and_bounded() -> None:
    dues = {
        eid: next_due(endpoint_id=eid, assessed_at=NOW, attempts=ALL_DONE, findings=[]).at
        for eid in (f"endpoint-{i}" for i in range(200))
    }
    assert all(NOW + timedelta(days=1) <= at < NOW + timedelta(days=1.1) for at in dues.values())
    assert len(set(dues.values())) > 150  # spread, not one instant
    again = next_due(endpoint_id="endpoint-7", assessed_at=NOW, attempts=ALL_DONE, findings=[])
    assert again.at == dues["endpoint-7"]
