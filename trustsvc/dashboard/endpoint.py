"""Everything the endpoint page shows, read from the stored scans, snapshots and drift.

The latest report is rebuilt from its stored rows exactly as the API serves it
(`reports.stored`); the tool list comes from the latest snapshot (names, descriptions, the
poisoned and destructive facts) joined with the tools findings (tier, bad outcomes).
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from trustsvc.dashboard.charts import LineChart, score_line
from trustsvc.drift.models import DriftEventRow
from trustsvc.drift.repository import DriftRepository
from trustsvc.drift.types import Snapshot, Surface
from trustsvc.registry.models import RemoteRow, ServerVersionRow
from trustsvc.reports.schema import FindingDoc, ScanReport
from trustsvc.reports.stored import report_from_stored
from trustsvc.store.models import EndpointRow
from trustsvc.store.repositories import SCAN_COMPLETED, ScanRepository

SEVERITIES = ("critical", "high", "medium", "low", "info")
HISTORY = 200
DRIFT_SHOWN = 100
TIER_KEY = "capability_tier"
GENERATION_KEY = "mcp_generation"
AUTH_MODEL_KEY = "auth_model"
DEFINITION_PREFIXES = ("tool:", "prompt:", "resource:")


@dataclass(frozen=True, slots=True)
class ToolLine:
    """One listed definition: what it says, its tier, and what was found wrong with it."""

    subject: str
    description: str | None
    tier: str | None
    flags: Sequence[str]
    poisoned: bool
    destructive: bool


@dataclass(frozen=True, slots=True)
class DriftLine:
    """A drift event with its before and after as text, for a side-by-side view."""

    event: DriftEventRow
    before: str | None
    after: str | None


@dataclass(frozen=True, slots=True)
class Listing:
    """A registry server version that lists this endpoint as a remote."""

    name: str
    version: str
    namespace: str
    status: str
    is_latest: bool


@dataclass(frozen=True, slots=True)
class EndpointView:
    """The endpoint page's data; `report` is None while never assessed."""

    endpoint: EndpointRow
    report: ScanReport | None
    bad: dict[str, list[FindingDoc]] = field(default_factory=dict)
    others: int = 0
    generation: str | None = None
    auth_model: str | None = None
    protocol_version: str | None = None
    tools: Sequence[ToolLine] = ()
    chart: LineChart = field(default_factory=lambda: score_line([]))
    drift: Sequence[DriftLine] = ()
    listings: Sequence[Listing] = ()


def as_text(value: object) -> str | None:
    """A stored JSON value as text: strings as they are, anything else as indented JSON."""
    if value is None:
        return None
    if isinstance(value, str):
        return value
    return json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False)


def _evidence(findings: Sequence[FindingDoc], key: str) -> str | None:
    for finding in findings:
        value = finding.evidence.get(key)
        if isinstance(value, str) and value:
            return value
    return None


def tool_lines(snapshot: Snapshot | None, findings: Sequence[FindingDoc]) -> list[ToolLine]:
    """One line per listed definition, in subject order."""
    tiers: dict[str, str] = {}
    flags: dict[str, list[str]] = defaultdict(list)
    for finding in findings:
        subject = finding.subject or ""
        if not subject.startswith(DEFINITION_PREFIXES):
            continue
        tier = finding.evidence.get(TIER_KEY)
        if isinstance(tier, str):
            tiers.setdefault(subject, tier)
        if finding.remediation is not None:
            flags[subject].append(finding.probe_id)
    items = (snapshot.items(Surface.TOOLS) if snapshot else None) or {}
    subjects = sorted({*tiers, *flags, *(s for s in items if s.startswith(DEFINITION_PREFIXES))})
    lines = []
    for subject in subjects:
        item = items.get(subject)
        value: Any = item.value if item is not None else None
        description = value.get("description") if isinstance(value, dict) else None
        facts = item.facts if item is not None else {}
        lines.append(
            ToolLine(
                subject=subject,
                description=as_text(description),
                tier=tiers.get(subject),
                flags=flags.get(subject, []),
                poisoned=bool(facts.get("poisoned")),
                destructive=bool(facts.get("destructive")),
            )
        )
    return lines


def _server_value(snapshot: Snapshot | None, key: str) -> str | None:
    items = (snapshot.items(Surface.TOOLS) if snapshot else None) or {}
    info = items.get("server:info")
    value = info.value if info is not None else None
    found = value.get(key) if isinstance(value, dict) else None
    return found if isinstance(found, str) else None


async def listings(session: AsyncSession, url: str) -> list[Listing]:
    """Registry server versions whose remotes name this canonical URL."""
    rows = await session.execute(
        select(
            ServerVersionRow.name,
            ServerVersionRow.version,
            ServerVersionRow.namespace,
            ServerVersionRow.status,
            ServerVersionRow.is_latest,
        )
        .join(RemoteRow, RemoteRow.server_id == ServerVersionRow.id)
        .where(RemoteRow.canonical_url == url)
        .distinct()
        .order_by(ServerVersionRow.name, ServerVersionRow.version)
        .limit(100)
    )
    return [Listing(*row) for row in rows.all()]


async def endpoint_view(
    session: AsyncSession, endpoint: EndpointRow, drift: Sequence[DriftEventRow]
) -> EndpointView:
    """The page's data for one endpoint (`drift`: its events, newest first)."""
    scans = ScanRepository(session)
    history = await scans.history(endpoint.id, before=None, limit=HISTORY)
    points = [
        (scan.assessed_at, score.score, score.grade)
        for scan, score in history
        if scan.status == SCAN_COMPLETED and score is not None and scan.assessed_at is not None
    ]
    drift_lines = [DriftLine(e, as_text(e.before), as_text(e.after)) for e in drift]
    base = EndpointView(
        endpoint=endpoint,
        report=None,
        chart=score_line(points),
        drift=drift_lines,
        listings=await listings(session, endpoint.url),
    )
    latest = next((scan for scan, score in history if scan.status == SCAN_COMPLETED), None)
    stored = None if latest is None else await scans.get(latest.id)
    if stored is None or stored.score is None:
        return base
    # In a thread: a report of thousands of findings is ~0.8 s of CPU (api/controllers/scans).
    report = await asyncio.to_thread(report_from_stored, stored, endpoint.url)
    snapshot = await DriftRepository(session).snapshot(stored.scan.id)
    bad: dict[str, list[FindingDoc]] = {s: [] for s in SEVERITIES}
    for finding in report.findings:
        if finding.remediation is not None:
            bad.setdefault(finding.severity, []).append(finding)
    return dataclasses.replace(
        base,
        report=report,
        bad={s: found for s, found in bad.items() if found},
        others=sum(1 for f in report.findings if f.remediation is None),
        generation=_evidence(report.findings, GENERATION_KEY),
        auth_model=_evidence(report.findings, AUTH_MODEL_KEY) or _auth_model(snapshot),
        protocol_version=_server_value(snapshot, "protocol_version"),
        tools=tool_lines(snapshot, report.findings),
    )


def _auth_model(snapshot: Snapshot | None) -> str | None:
    items = (snapshot.items(Surface.AUTH) if snapshot else None) or {}
    model = items.get("auth:model")
    value = model.value if model is not None else None
    found = value.get("model") if isinstance(value, dict) else None
    return found if isinstance(found, str) else None
