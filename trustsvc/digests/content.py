"""The digest: what changed across a subscription's endpoints in one period, as plain data.

A pure function of facts the collector read from the store (`DigestFacts`), so it is tested
without a database and a stored run can be rendered again in any format. The document is
JSON; every text in it that came from an endpoint (tool names in summaries, URLs, registry
names) is left as is here and escaped by each renderer for its own format.

Grade changes compare the endpoint's *settled* level (drift/score_drop.py) at the start and
the end of the period, so a score hovering at a boundary does not show as a change in every
digest. New blocks and warns are endpoints whose latest verdict in the period is worse than
their verdict before it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from probes.model import Severity

DIGEST_TYPE = "drift.digest"
MAX_EVENTS_PER_ENDPOINT = 25
MAX_ENDPOINTS = 200
MAX_LISTED = 200
_VERDICT_RANK = {"allow": 0, "warn": 1, "block": 2}


@dataclass(frozen=True, slots=True, kw_only=True)
class EventFact:
    """One drift event of the period, in scope."""

    id: int
    endpoint_id: str
    severity: str
    kind: str
    subject: str
    summary: str
    acknowledged: bool
    observed_at: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class Standing:
    """An endpoint's settled grade and latest verdict at a moment (None when never scored)."""

    grade: str
    score: int
    verdict: str


@dataclass(frozen=True, slots=True, kw_only=True)
class RegistryFact:
    """A registry change of the period: `added`, `deleted` or `deprecated`."""

    change: str
    name: str
    version: str


@dataclass(frozen=True, slots=True, kw_only=True)
class DigestFacts:
    """Everything the digest says, read from the store for one subscription and period."""

    subscription: str
    start: datetime
    end: datetime
    base_url: str
    urls: Mapping[str, str]
    events: Sequence[EventFact] = ()
    before: Mapping[str, Standing] = field(default_factory=dict)
    after: Mapping[str, Standing] = field(default_factory=dict)
    unassessed: Mapping[str, str] = field(default_factory=dict)
    registry: Sequence[RegistryFact] = ()


def iso(when: datetime) -> str:
    """RFC 3339 in UTC with a `Z`."""
    return when.astimezone(UTC).isoformat().replace("+00:00", "Z")


def endpoint_link(base_url: str, endpoint_id: str) -> str:
    """Where a reader finds the endpoint: the API's endpoint resource."""
    return f"{base_url}/v1/endpoints/{endpoint_id}"


def build_digest(facts: DigestFacts) -> dict[str, Any]:
    """The digest document for one period."""
    endpoints = _drift_by_endpoint(facts)
    grade_changes = _grade_changes(facts)
    blocks, warns = _new_verdicts(facts, "block"), _new_verdicts(facts, "warn")
    unassessed = [
        {**_endpoint(facts, endpoint_id), "reason": reason}
        for endpoint_id, reason in sorted(facts.unassessed.items(), key=lambda i: _url(facts, i[0]))
    ]
    registry = {
        change: [
            {"name": r.name, "version": r.version} for r in facts.registry if r.change == change
        ][:MAX_LISTED]
        for change in ("added", "deleted", "deprecated")
    }
    by_severity = {s.value: 0 for s in Severity}
    for event in facts.events:
        by_severity[event.severity] = by_severity.get(event.severity, 0) + 1
    acknowledged = sum(1 for e in facts.events if e.acknowledged)
    counts = {
        "events": len(facts.events),
        "by_severity": by_severity,
        "acknowledged": acknowledged,
        "open": len(facts.events) - acknowledged,
        "endpoints_with_drift": len({e.endpoint_id for e in facts.events}),
        "grade_changes": len(grade_changes),
        "new_blocks": len(blocks),
        "new_warns": len(warns),
        "unassessed": len(unassessed),
        "registry_changes": len(facts.registry),
    }
    empty = not any(v for k, v in counts.items() if k not in ("by_severity", "acknowledged"))
    return {
        "type": DIGEST_TYPE,
        "subscription": facts.subscription,
        "period": {"start": iso(facts.start), "end": iso(facts.end)},
        "empty": empty,
        "counts": counts,
        "endpoints": endpoints[:MAX_ENDPOINTS],
        "grade_changes": grade_changes[:MAX_LISTED],
        "new_blocks": blocks[:MAX_LISTED],
        "new_warns": warns[:MAX_LISTED],
        "unassessed": unassessed[:MAX_LISTED],
        "registry": registry,
    }


def _url(facts: DigestFacts, endpoint_id: str) -> str:
    return facts.urls.get(endpoint_id, endpoint_id)


def _endpoint(facts: DigestFacts, endpoint_id: str) -> dict[str, Any]:
    return {
        "endpoint_id": endpoint_id,
        "url": _url(facts, endpoint_id),
        "link": endpoint_link(facts.base_url, endpoint_id),
    }


def _rank(severity: str) -> int:
    try:
        return Severity(severity).rank
    except ValueError:
        return -1  # an unknown (newer) severity sorts first rather than being hidden


def _drift_by_endpoint(facts: DigestFacts) -> list[dict[str, Any]]:
    """Endpoints with drift, worst first; their events worst first, then newest."""
    grouped: dict[str, list[EventFact]] = {}
    for event in facts.events:
        grouped.setdefault(event.endpoint_id, []).append(event)
    out = []
    for endpoint_id, events in grouped.items():
        events.sort(key=lambda e: (_rank(e.severity), -e.observed_at.timestamp(), e.id))
        out.append(
            {
                **_endpoint(facts, endpoint_id),
                "worst": events[0].severity,
                "total": len(events),
                "events": [
                    {
                        "id": e.id,
                        "severity": e.severity,
                        "kind": e.kind,
                        "subject": e.subject,
                        "reason": " ".join(e.summary.split())[:500],
                        "acknowledged": e.acknowledged,
                        "observed_at": iso(e.observed_at),
                    }
                    for e in events[:MAX_EVENTS_PER_ENDPOINT]
                ],
            }
        )
    out.sort(key=lambda d: (_rank(d["worst"]), d["url"]))
    return out


def _grade_changes(facts: DigestFacts) -> list[dict[str, Any]]:
    out = []
    for endpoint_id in sorted(facts.after, key=lambda i: _url(facts, i)):
        old, new = facts.before.get(endpoint_id), facts.after[endpoint_id]
        if old is not None and old.grade != new.grade:
            out.append(
                {
                    **_endpoint(facts, endpoint_id),
                    "before": {"grade": old.grade, "score": old.score},
                    "after": {"grade": new.grade, "score": new.score},
                }
            )
    return out


def _new_verdicts(facts: DigestFacts, verdict: str) -> list[dict[str, Any]]:
    """Endpoints whose verdict became `verdict` (worse than before, or first seen so)."""
    out = []
    for endpoint_id in sorted(facts.after, key=lambda i: _url(facts, i)):
        new = facts.after[endpoint_id]
        old = facts.before.get(endpoint_id)
        was = _VERDICT_RANK.get(old.verdict, 0) if old else -1
        if new.verdict == verdict and _VERDICT_RANK.get(verdict, 0) > was:
            previous = old.verdict if old else None
            out.append({**_endpoint(facts, endpoint_id), "previous": previous})
    return out
