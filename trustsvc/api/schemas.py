"""Wire structs of the API, apart from the ORM models (the scan report is in reports.schema)."""

from __future__ import annotations

from datetime import datetime

import msgspec

from trustsvc.reports.schema import ReferenceDoc


class ScanRequest(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Ask for an assessment of one endpoint URL."""

    url: str


class ScanStatus(msgspec.Struct, kw_only=True):
    """A scan that has no report yet: where to poll and since when."""

    scan_id: str
    status: str
    url: str
    requested_at: datetime
    location: str


class LookupResult(msgspec.Struct, kw_only=True):
    """The latest stored judgement of an endpoint; `age_s` tells how stale it is."""

    url: str
    endpoint_id: str
    scan_id: str
    score: int
    grade: str
    verdict: str
    confidence: float
    policy_version: str
    assessed_at: datetime
    age_s: int
    display_score: int
    """The score to show people: `score` with display hysteresis. It moves when the score
    moves TRUSTSVC_SCORE_DROP_POINTS, crosses a grade floor by TRUSTSVC_SCORE_DROP_MARGIN
    points, or a gate changes the grade, so a score hovering at a floor does not flap.
    Gate on `verdict`, which is never damped."""
    display_grade: str
    """The grade to show people, with the same hysteresis as `display_score`; equal to
    `grade` whenever the verdict is block or the scan was not graded."""
    # "could not assess: <why>" when nothing about the endpoint was measured (the
    # evidence.none gate): the grade is "?" and no threshold should pass it.
    could_not_assess: str | None = None
    stale: bool = False
    """True while the database is unreachable: this is the last result the service held,
    and a newer scan may exist (the `Age` header says for how many seconds it could not
    check)."""


class LatestSummary(msgspec.Struct, kw_only=True):
    """The headline figures of a scan."""

    scan_id: str
    assessed_at: datetime
    score: int
    grade: str
    verdict: str
    confidence: float


class EndpointDoc(msgspec.Struct, kw_only=True, omit_defaults=True):
    """An endpoint the service has seen; `latest` is left out until it has been assessed."""

    id: str
    url: str
    host: str
    port: int
    created_at: datetime
    latest: LatestSummary | None = None


class EndpointPage(msgspec.Struct, kw_only=True):
    """A page of endpoints; pass `next_cursor` as `cursor` for the next page."""

    items: list[EndpointDoc]
    next_cursor: str | None


class ScanSummary(msgspec.Struct, kw_only=True):
    """One entry of an endpoint's scan history."""

    scan_id: str
    status: str
    reason: str
    requested_at: datetime
    assessed_at: datetime | None
    score: int | None
    grade: str | None
    verdict: str | None
    confidence: float | None
    policy_version: str | None


class ScanHistoryPage(msgspec.Struct, kw_only=True):
    """A page of scans, newest first."""

    items: list[ScanSummary]
    next_cursor: str | None


class ProbeDoc(msgspec.Struct, kw_only=True):
    """A probe in the catalogue, generated from its spec and the framework mapping table.

    `references` name each framework id with its edition (OWASP MCP, LLM and Agentic Top
    10, MITRE ATLAS, CoSAI MCP, CWE), then the standards the probe cites (edition null).
    `provenance` is the default evidence class of its findings.
    """

    id: str
    family: str
    question: str
    rationale: str
    bad_outcome: str
    severity: str
    remediation: str
    references: list[ReferenceDoc]
    provenance: str | None
    lifecycle: str


class Liveness(msgspec.Struct, kw_only=True):
    """The process answers (Kubernetes' `livez` convention)."""

    status: str


class Readiness(msgspec.Struct, kw_only=True):
    """Ready for traffic (Kubernetes' `readyz`): what was checked, each answer `ok` or why.

    `scheduler` is `running` when this process runs the job table, `elsewhere` when
    `trustsvc worker` processes do (TRUSTSVC_SCHEDULER=off).
    """

    status: str
    database: str
    schema: str
    scheduler: str


class Health(msgspec.Struct, kw_only=True):
    """Liveness and the versions a client may want to log."""

    status: str
    version: str
    policy_version: str
    database: str
