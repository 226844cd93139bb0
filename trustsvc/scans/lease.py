"""Scan leases: a running scan proves its process is alive, and the sweep ends the rest.

The API records a scan as `running` before probing it, in its own transaction, so a 202's
Location has something to answer. A process killed mid-scan (SIGKILL, OOM, a lost database)
never moves that row on, and `GET /v1/scans/{id}` used to promise it forever. Now the row
carries `lease_expires_at`, which `renewed` pushes forward every third of the lease while
the scan runs; `sweep_interrupted` marks a running scan past its lease `failed`
(`interrupted`) and makes its endpoint due again, at start-up and periodically, as worker
claims on the schedule already work (trustsvc/schedule/job_leases.py, the schedule's leases).
The renewer itself is shared with the registry's sync runs (trustsvc/store/leases.py).
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator, Callable
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from trustsvc.schedule.repository import ScheduleRepository
from trustsvc.store.leases import lease_until
from trustsvc.store.leases import renewed as row_lease
from trustsvc.store.repositories import SCAN_INTERRUPTED, ScanRepository

log = logging.getLogger(__name__)

DEFAULT_SCAN_LEASE_S = 60.0
__all__ = ["DEFAULT_SCAN_LEASE_S", "lease_until", "renewed", "sweep_interrupted"]


@contextlib.asynccontextmanager
async def renewed(
    sessions: async_sessionmaker[AsyncSession],
    scan_id: str,
    *,
    lease_s: float,
    clock: Callable[[], datetime],
) -> AsyncIterator[None]:
    """Renew the scan's lease every third of it until the block ends.

    A scan found no longer running was swept, so renewal stops; the scan's own commit then
    refuses to complete it (ScanService.finish).
    """

    async def renew(session: AsyncSession, until: datetime) -> bool:
        return await ScanRepository(session).renew_lease(scan_id, until=until)

    async with row_lease(sessions, renew, lease_s=lease_s, clock=clock, name=f"scan {scan_id}"):
        yield


async def sweep_interrupted(sessions: async_sessionmaker[AsyncSession], *, now: datetime) -> int:
    """Fail every running scan past its lease and make its endpoint due; how many ended."""
    async with sessions.begin() as session:
        endpoint_ids = await ScanRepository(session).fail_interrupted(now=now)
        if endpoint_ids:
            await ScheduleRepository(session).make_due(
                endpoint_ids, now=now, reason=SCAN_INTERRUPTED
            )
    if endpoint_ids:
        log.warning("%d interrupted scan(s) marked failed; endpoints due again", len(endpoint_ids))
    return len(endpoint_ids)
