"""Job leases: an exclusive job runs in one process per period, however many fire it.

A job marked exclusive runs in one process per period however many workers fire it: the
first to take its row in `job_leases` holds it until the period is nearly over, and the
others skip. Work that is already shared row by row (re-probing, webhook deliveries) needs
no job lease.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import or_, update
from sqlalchemy.ext.asyncio import AsyncSession

from trustsvc.schedule.models import JobLeaseRow
from trustsvc.store.db import insert_missing


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


async def release_job(session: AsyncSession, name: str, *, owner: str, now: datetime) -> None:
    """Give up an interrupted run's lease, so the next process to fire the job runs it.

    A run stopped by shutdown did not do its period's work; holding the lease to the end
    of the period would make a restarted `serve` wait up to an hour for its registry sync.
    """
    await session.execute(
        update(JobLeaseRow)
        .where(JobLeaseRow.name == name, JobLeaseRow.owner == owner)
        .values(lease_expires_at=now, last_finished_at=now, last_outcome="interrupted")
    )
