"""Host leases: at most one unattended scan of a host at a time, and a gap after each.

They reuse the job lease table, one row per host (`host:` and a digest of the name, which
fits the name column whatever the host's length), so every worker of a deployment sees
them. Taking one holds it for the scan (until the claim's lease would expire, if a worker
dies mid-scan); releasing it keeps it held for the gap, which is what paces the host.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from trustsvc.schedule.job_leases import take_job_lease
from trustsvc.schedule.models import JobLeaseRow


def host_lease_name(host: str) -> str:
    """The job lease row of one host."""
    return "host:" + hashlib.sha256(host.lower().encode("utf-8", "surrogatepass")).hexdigest()[:40]


async def take_host(
    session: AsyncSession, host: str, *, owner: str, now: datetime, hold_s: float
) -> datetime | None:
    """Hold `host` for one scan: None when taken, else when it may be asked for again."""
    name = host_lease_name(host)
    if await take_job_lease(session, name, owner=owner, now=now, hold_s=hold_s):
        return None
    row = await session.get(JobLeaseRow, name)
    if row is None or row.lease_expires_at is None:
        return now
    return row.lease_expires_at


async def release_host(
    session: AsyncSession, host: str, *, owner: str, now: datetime, gap_s: float
) -> None:
    """The scan of `host` ended: keep it held for the gap, then anyone may take it."""
    await session.execute(
        update(JobLeaseRow)
        .where(JobLeaseRow.name == host_lease_name(host), JobLeaseRow.owner == owner)
        .values(lease_expires_at=now + timedelta(seconds=gap_s), last_finished_at=now)
    )
