"""Read one subscription's period from the store into `DigestFacts` (the builder is pure).

Scope decides the endpoints: all, those a registry namespace's servers declare as remotes,
or a list of URLs. The grade and verdict standings are read only for endpoints scanned in
the period (nothing else can have changed), each from its recent score history.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from trustsvc.config.drift import ScoreDropSettings
from trustsvc.digests.content import DigestFacts, EventFact, RegistryFact, Standing
from trustsvc.digests.models import SubscriptionRow
from trustsvc.drift.models import DriftEventRow
from trustsvc.drift.recorder import score_history
from trustsvc.drift.score_drop import settle
from trustsvc.drift.service import severities_at_least
from trustsvc.registry.models import RemoteRow, ServerEventRow, ServerVersionRow
from trustsvc.scoring.policy import POLICY, ScoringPolicy
from trustsvc.store.models import EndpointRow, ScanRow, ScoreRow
from trustsvc.store.repositories import SCAN_COMPLETED, SCAN_FAILED

MAX_EVENTS = 10_000
UNGRADED = "too little could be measured to grade it"


async def collect_facts(
    session: AsyncSession,
    row: SubscriptionRow,
    *,
    start: datetime,
    end: datetime,
    base_url: str,
    rule: ScoreDropSettings,
    policy: ScoringPolicy = POLICY,
) -> DigestFacts:
    """Everything the digest of `row` for [start, end) says."""
    scoped = await scope_endpoints(session, row)
    events = await _events(session, row, scoped, start, end)
    scanned = await _scanned(session, scoped, start, end)
    before: dict[str, Standing] = {}
    after: dict[str, Standing] = {}
    for endpoint_id in scanned:
        for standings, until in ((before, start), (after, end)):
            standing = await _standing(session, endpoint_id, until, rule, policy)
            if standing is not None:
                standings[endpoint_id] = standing
    unassessed = await _unassessed(session, scoped, start, end)
    ids = {e.endpoint_id for e in events} | set(after) | set(unassessed)
    named = select(EndpointRow.id, EndpointRow.url).where(EndpointRow.id.in_(ids))
    urls: dict[str, str] = dict((await session.execute(named)).all())
    return DigestFacts(
        subscription=row.name,
        start=start,
        end=end,
        base_url=base_url,
        urls=urls,
        events=events,
        before=before,
        after=after,
        unassessed=unassessed,
        registry=await _registry(session, row, start, end),
    )


async def scope_endpoints(session: AsyncSession, row: SubscriptionRow) -> set[str] | None:
    """The endpoint ids a subscription covers; None for every endpoint."""
    if row.scope == "endpoints":
        urls = [u for u in row.scope_value or [] if isinstance(u, str)]
        query = select(EndpointRow.id).where(EndpointRow.url.in_(urls))
    elif row.scope == "namespace":
        query = (
            select(EndpointRow.id)
            .join(RemoteRow, RemoteRow.canonical_url == EndpointRow.url)
            .join(ServerVersionRow, ServerVersionRow.id == RemoteRow.server_id)
            .where(ServerVersionRow.namespace == row.scope_value)
        )
    else:
        return None
    return set((await session.scalars(query)).all())


async def _events(
    session: AsyncSession,
    row: SubscriptionRow,
    scoped: set[str] | None,
    start: datetime,
    end: datetime,
) -> list[EventFact]:
    query = (
        select(DriftEventRow)
        .where(
            DriftEventRow.observed_at >= start,
            DriftEventRow.observed_at < end,
            DriftEventRow.severity.in_(severities_at_least(row.min_severity)),
        )
        .order_by(DriftEventRow.id)
        .limit(MAX_EVENTS)
    )
    if scoped is not None:
        query = query.where(DriftEventRow.endpoint_id.in_(scoped))
    return [
        EventFact(
            id=e.id,
            endpoint_id=e.endpoint_id,
            severity=e.severity,
            kind=e.kind,
            subject=e.subject,
            summary=e.summary,
            acknowledged=e.acknowledged_at is not None,
            observed_at=e.observed_at,
        )
        for e in (await session.scalars(query)).all()
    ]


async def _scanned(
    session: AsyncSession, scoped: set[str] | None, start: datetime, end: datetime
) -> Sequence[str]:
    query = (
        select(ScanRow.endpoint_id)
        .where(
            ScanRow.status == SCAN_COMPLETED,
            ScanRow.assessed_at >= start,
            ScanRow.assessed_at < end,
        )
        .distinct()
    )
    if scoped is not None:
        query = query.where(ScanRow.endpoint_id.in_(scoped))
    return sorted((await session.scalars(query)).all())


async def _standing(
    session: AsyncSession,
    endpoint_id: str,
    until: datetime,
    rule: ScoreDropSettings,
    policy: ScoringPolicy,
) -> Standing | None:
    """The settled grade and score, with the latest verdict, of scans assessed before `until`."""
    history = await score_history(
        session, endpoint_id, policy_version=policy.version, limit=rule.history, before=until
    )
    settled = settle(history, rule, policy.grade_floors)
    if settled is None or not history:
        return None
    return Standing(
        grade=settled.level.grade, score=settled.level.score, verdict=history[-1].verdict
    )


async def _unassessed(
    session: AsyncSession, scoped: set[str] | None, start: datetime, end: datetime
) -> dict[str, str]:
    """Endpoints whose scans in the period failed or could not be graded, with why."""
    failed = select(ScanRow.endpoint_id, ScanRow.error).where(
        ScanRow.status == SCAN_FAILED,
        ScanRow.requested_at >= start,
        ScanRow.requested_at < end,
    )
    ungraded = (
        select(ScanRow.endpoint_id)
        .join(ScoreRow, ScoreRow.scan_id == ScanRow.id)
        .where(
            ScanRow.status == SCAN_COMPLETED,
            ScanRow.assessed_at >= start,
            ScanRow.assessed_at < end,
            ScoreRow.grade == "?",
        )
    )
    if scoped is not None:
        failed = failed.where(ScanRow.endpoint_id.in_(scoped))
        ungraded = ungraded.where(ScanRow.endpoint_id.in_(scoped))
    out = dict.fromkeys((await session.scalars(ungraded)).all(), UNGRADED)
    for endpoint_id, error in (await session.execute(failed)).all():
        out[endpoint_id] = f"the scan failed: {error or 'unknown error'}"
    return out


async def _registry(
    session: AsyncSession, row: SubscriptionRow, start: datetime, end: datetime
) -> list[RegistryFact]:
    query = (
        select(ServerEventRow)
        .where(ServerEventRow.observed_at >= start, ServerEventRow.observed_at < end)
        .order_by(ServerEventRow.id)
        .limit(MAX_EVENTS)
    )
    if row.scope == "namespace":
        query = query.where(ServerEventRow.namespace == row.scope_value)
    elif row.scope == "endpoints":
        urls = [u for u in row.scope_value or [] if isinstance(u, str)]
        names = (
            select(ServerVersionRow.name)
            .join(RemoteRow, RemoteRow.server_id == ServerVersionRow.id)
            .where(RemoteRow.canonical_url.in_(urls))
        )
        query = query.where(ServerEventRow.name.in_(names))
    facts = []
    for event in (await session.scalars(query)).all():
        if event.kind == "added":
            change = "added"
        elif event.kind == "status_changed" and event.after in ("deleted", "deprecated"):
            change = event.after
        else:
            continue
        facts.append(RegistryFact(change=change, name=event.name, version=event.version))
    return facts
