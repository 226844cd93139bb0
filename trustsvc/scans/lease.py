"""Scan leases: a running scan proves its process is alive, and the sweep ends the rest.

The API records a scan as `running` before probing it, in its own transaction, so a 202's
Location has something to answer. A process killed mid-scan (SIGKILL, OOM, a lost database)
never moves that row on, and `GET /v1/scans/{id}` used to promise it forever. Now the row
carries `lease_expires_at`, which `renewed` pushes forward every third of the lease while
the scan runs; `sweep_interrupted` marks a running scan past its lease `failed`
(`interrupted`) and makes its endpoint due again, at start-up and periodically, as worker
claims on the schedule already work (trustsvc/schedule/job_leases.py, the schedule's leases).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from trustsvc.schedule.repository import ScheduleRepository
from trustsvc.store.repositories import SCAN_INTERRUPTED, ScanRepository

log = logging.getLogger(__name__)

DEFAULT_SCAN_LEASE_S = 60.0


def lease_until(now: datetime, lease_s: float) -> datetime:
    """When a lease taken or renewed at `now` runs out."""
    return now + timedelta(seconds=lease_s)


@contextlib.asynccontextmanager
async def renewed(
    sessions: async_sessionmaker[AsyncSession],
    scan_id: str,
    *,
    lease_s: float,
    clock: Callable[[], datetime],
) -> AsyncIterator[None]:
    """Renew the scan's lease every third of it until the block ends.

    A renewal that fails (the database is away) is logged and retried at the next tick: the
    lease has two more thirds to run. A scan found no longer running was swept, so renewal
    stops; the scan's own commit then refuses to complete it (ScanService.finish). At the
    end the renewer is told to stop and awaited, not cancelled: a renewal cancelled inside
    its UPDATE (on SQLite, waiting for the scan's own commit) would leave its connection
    mid-statement.
    """
    stop = asyncio.Event()

    async def renew() -> None:
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), lease_s / 3)
            if stop.is_set():
                return
            try:
                async with sessions.begin() as session:
                    held = await ScanRepository(session).renew_lease(
                        scan_id, until=lease_until(clock(), lease_s)
                    )
            except Exception as exc:  # noqa: BLE001 - retried next tick; the lease still runs
                log.warning("could not renew the lease of scan %s: %s", scan_id, exc)
                continue
            if not held:
                return

    task = asyncio.create_task(renew(), name=f"scan-lease-{scan_id}")
    try:
        yield
    finally:
        stop.set()
        try:
            await asyncio.shield(task)
        except asyncio.CancelledError:  # this scan itself was cancelled: end the renewer too
            task.cancel()
            raise


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
