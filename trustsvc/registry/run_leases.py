"""Sync run leases: a run killed mid-walk is failed, not shown `running` forever.

A stopping process records its run as interrupted itself (SyncJob), but a SIGKILL, an OOM
kill or a lost machine leaves the row as it was. The row's lease (renewed through
trustsvc/store/leases.py while the run walks) tells the two apart: a running row past its
lease has no process behind it. The next run, a process starting up and the periodic
interrupted-work sweep each fail such rows.
"""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from trustsvc.registry.models import SyncRunRow

log = logging.getLogger(__name__)

DEFAULT_SYNC_LEASE_S = 120.0  # renewed every 40 s; a page's retries stay well inside it
RUN_RUNNING = "running"
KILLED = "interrupted: its process ended during the run without recording it (lease lapsed)"


async def renew_run_lease(session: AsyncSession, run_id: str, until: datetime) -> bool:
    """Extend a running run's lease; False once it is no longer running (swept or ended)."""
    result = await session.execute(
        update(SyncRunRow)
        .where(SyncRunRow.id == run_id, SyncRunRow.status == RUN_RUNNING)
        .values(lease_expires_at=until)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def fail_lapsed_runs(sessions: async_sessionmaker[AsyncSession], *, now: datetime) -> int:
    """Fail every running run past its lease (or without one, from before leases); how many.

    The pages such a run stored stay; its watermark never moved, so the next run walks them
    again and the idempotent upserts make the overlap harmless.
    """
    lapsed = (SyncRunRow.status == RUN_RUNNING) & (
        SyncRunRow.lease_expires_at.is_(None) | (SyncRunRow.lease_expires_at <= now)
    )
    async with sessions.begin() as session:
        result = await session.execute(
            update(SyncRunRow)
            .where(lapsed)
            .values(status="failed", error=KILLED, finished_at=now, lease_expires_at=None)
        )
    count = int(result.rowcount)  # type: ignore[attr-defined]
    if count:
        log.warning("%d registry sync run(s) whose process died marked failed", count)
    return count
