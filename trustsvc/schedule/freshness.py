"""When an endpoint is next due: per-family freshness (scoring.md 8.6), tightened by risk.

Tools and auth change without notice (rug pulls), so they go stale in a day; TLS and
registration facts move slowly and keep a week, unless the certificate expires within 30
days or the domain is new, which are exactly the times they change. A family that could not
be measured is retried sooner, backing off with each consecutive failure. The whole endpoint
is re-probed when its stalest family is due: a scan is one consistent picture.

A deterministic jitter per endpoint spreads a fleet registered at once over the window,
instead of re-probing all of it in the same minute forever.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from types import MappingProxyType

from probes.model import Attempt, AttemptStatus, Family, Finding, Outcome

HOUR_S = 3600.0
DAY_S = 24 * HOUR_S

# A TRUE answer to one of these probes tightens its family's TTL to the given seconds.
TIGHTENERS: Mapping[str, tuple[Family, float]] = MappingProxyType(
    {
        "tls_certificate_expires_within_30_days": (Family.TLS, DAY_S),
        "domain_registered_within_30_days": (Family.DOMAIN, DAY_S),
        # DNSBL zero-reputation data has hour granularity for the first days (scoring.md 8.6).
        "domain_registered_within_7_days": (Family.DOMAIN, HOUR_S),
    }
)


@dataclass(frozen=True, slots=True, kw_only=True)
class FreshnessPolicy:
    """TTLs per family and the retry rule for families that failed.

    Attributes:
        family_ttl_s: how long a family's measurement stays fresh.
        retry_s: first retry delay after a family failed; doubles per consecutive failure,
            never beyond that family's TTL.
        jitter_fraction: share of the TTL an endpoint's due time may move later.
    """

    family_ttl_s: Mapping[Family, float] = field(
        default_factory=lambda: MappingProxyType(
            {
                Family.TOOLS: DAY_S,
                Family.AUTH: DAY_S,
                Family.PUBLISHER: DAY_S,
                Family.TLS: 7 * DAY_S,
                Family.DOMAIN: 7 * DAY_S,
            }
        )
    )
    retry_s: float = HOUR_S
    jitter_fraction: float = 0.1


@dataclass(frozen=True, slots=True, kw_only=True)
class NextDue:
    """When to probe again and the family that decided it (`ttl:tools`, `retry:tls`)."""

    at: datetime
    reason: str


def next_due(
    *,
    endpoint_id: str,
    assessed_at: datetime,
    attempts: Sequence[Attempt],
    findings: Sequence[Finding],
    consecutive_failures: int = 0,
    policy: FreshnessPolicy | None = None,
) -> NextDue:
    """The earliest time any family of this scan goes stale."""
    policy = policy or FreshnessPolicy()
    ttl = dict(policy.family_ttl_s)
    for finding in findings:
        tightened = TIGHTENERS.get(finding.probe_id)
        if tightened and finding.outcome is Outcome.TRUE:
            family, seconds = tightened
            ttl[family] = min(ttl.get(family, seconds), seconds)
    due: dict[str, float] = {f"ttl:{family}": seconds for family, seconds in ttl.items()}
    for attempt in attempts:
        if attempt.status is not AttemptStatus.COMPLETED:
            backoff = policy.retry_s * 2 ** min(consecutive_failures, 16)
            due[f"retry:{attempt.family}"] = min(backoff, ttl.get(attempt.family, backoff))
    reason, seconds = min(due.items(), key=lambda item: (item[1], item[0]))
    seconds += seconds * policy.jitter_fraction * _unit_jitter(endpoint_id)
    return NextDue(at=assessed_at + timedelta(seconds=seconds), reason=reason)


def _unit_jitter(endpoint_id: str) -> float:
    """A stable number in [0, 1) per endpoint."""
    digest = hashlib.sha256(endpoint_id.encode()).digest()
    return int.from_bytes(digest[:4], "big") / 2**32
