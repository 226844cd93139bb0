"""Periodic work that needs the database: registry queue draining and job leases.

A job marked exclusive runs in one process per period however many workers fire it: the
first to take its row in `job_leases` holds it until the period is nearly over, and the
others skip. Work that is already shared row by row (re-probing, webhook deliveries) needs
no job lease.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from probes.errors import TargetRejected
from probes.target import parse_endpoint_url
from trustsvc.registry.models import ScanQueueRow
from trustsvc.schedule.models import JobLeaseRow
from trustsvc.schedule.repository import ScheduleRepository
from trustsvc.store.db import insert_missing
from trustsvc.store.repositories import EndpointRepository

log = logging.getLogger(__name__)


async def take_job_lease(
    session: AsyncSession, name: str, *, owner: str, now: datetime, hold_s: float
) -> bool:
    """Take the job for this period unless another process holds it; True if taken."""
    await insert_missing(session, JobLeaseRow, [{"name": name}], "name")
    result = await session.execute(
        update(JobLeaseRow)
        .where(
            JobLeaseRow.name == name,
            or_(JobLeaseRow.lease_expires_at.is_(None), JobLeaseRow.lease_expires_at <= now),
        )
        .values(owner=owner, lease_expires_at=now + timedelta(seconds=hold_s), last_started_at=now)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def finish_job(
    session: AsyncSession, name: str, *, owner: str, now: datetime, outcome: str
) -> None:
    """Record how the job ended; the lease stays until its period is over."""
    await session.execute(
        update(JobLeaseRow)
        .where(JobLeaseRow.name == name, JobLeaseRow.owner == owner)
        .values(last_finished_at=now, last_outcome=outcome[:2000])
    )


async def drain_registry_queue(session: AsyncSession, *, now: datetime, limit: int = 1000) -> int:
    """Make endpoints the registry sync queued due now; returns how many were scheduled.

    A queued URL that no longer parses (the upstream changed it) is dropped with a log line:
    the sync job already flagged it on the remote.
    """
    queued = (
        (await session.execute(select(ScanQueueRow).order_by(ScanQueueRow.queued_at).limit(limit)))
        .scalars()
        .all()
    )
    endpoints = EndpointRepository(session)
    due: list[str] = []
    for row in queued:
        try:
            endpoint = parse_endpoint_url(row.url)
        except TargetRejected as exc:
            log.info("dropping queued %s: %s", row.url, exc.detail)
            continue
        due.append((await endpoints.get_or_create(endpoint, now)).id)
    if due:
        await ScheduleRepository(session).make_due(due, now=now, reason="registry")
    if queued:
        await session.execute(
            delete(ScanQueueRow).where(ScanQueueRow.url.in_([row.url for row in queued]))
        )
    return len(due)
