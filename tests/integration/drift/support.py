"""Drive the scheduler's jobs against real servers: schedule a URL, sweep, read what was stored."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select

from probes.target import parse_endpoint_url
from trustsvc.drift.models import DriftEventRow
from trustsvc.jobs.table import sweep
from trustsvc.schedule.repository import ScheduleRepository
from trustsvc.services import AppServices
from trustsvc.store.models import ScanRow, ScoreRow
from trustsvc.store.repositories import EndpointRepository


async def make_due(app: AppServices, url: str) -> str:
    """Register the URL (if new) and make it due now; returns its endpoint id."""
    async with app.sessions.begin() as session:
        endpoint = await EndpointRepository(session).get_or_create(
            parse_endpoint_url(url), app.clock()
        )
        await ScheduleRepository(session).make_due([endpoint.id], now=app.clock(), reason="test")
    return endpoint.id


async def sweep_once(app: AppServices, url: str) -> list[DriftEventRow]:
    """Make the URL due, run the scheduler's re-probe job, return the events it recorded."""
    endpoint_id = await make_due(app, url)
    outcome = await sweep(app)
    assert outcome.startswith("1 claimed, 1 stored"), outcome
    async with app.sessions() as session:
        scan_id = await session.scalar(
            select(ScanRow.id)
            .where(ScanRow.endpoint_id == endpoint_id)
            .order_by(ScanRow.assessed_at.desc())
            .limit(1)
        )
        rows = await session.scalars(
            select(DriftEventRow).where(DriftEventRow.scan_id == scan_id).order_by(DriftEventRow.id)
        )
        return list(rows)


def kinds(events: Sequence[DriftEventRow]) -> list[tuple[str, str, str]]:
    """(kind, subject, severity) of each event, sorted."""
    return sorted((e.kind, e.subject, e.severity) for e in events)


async def latest_score(app: AppServices, endpoint_id: str) -> ScoreRow:
    """The newest score row of the endpoint's newest completed scan."""
    async with app.sessions() as session:
        row = await session.scalar(
            select(ScoreRow)
            .join(ScanRow, ScanRow.id == ScoreRow.scan_id)
            .where(ScanRow.endpoint_id == endpoint_id)
            .order_by(ScanRow.assessed_at.desc(), ScoreRow.id.desc())
            .limit(1)
        )
    assert row is not None
    return row
