"""Row leases: a long-running row proves its process is alive by renewing a deadline.

A scan or a registry sync run is recorded `running` before its work starts, so the API has
something to answer. A process killed mid-way (SIGKILL, OOM, a lost machine) never moves the
row on, so the row carries `lease_expires_at`, which `renewed` pushes forward every third of
the lease while the work runs; a sweep marks a running row past its lease failed
(`trustsvc/scans/lease.py`, `trustsvc/registry/run_leases.py`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

log = logging.getLogger(__name__)

Renewal = Callable[[AsyncSession, datetime], Awaitable[bool]]
"""Extend one row's lease to the given deadline; False when the row is no longer running."""


def lease_until(now: datetime, lease_s: float) -> datetime:
    """When a lease taken or renewed at `now` runs out."""
    return now + timedelta(seconds=lease_s)


@contextlib.asynccontextmanager
async def renewed(
    sessions: async_sessionmaker[AsyncSession],
    renew: Renewal,
    *,
    lease_s: float,
    clock: Callable[[], datetime],
    name: str,
) -> AsyncIterator[None]:
    """Renew a row's lease every third of it until the block ends.

    A renewal that fails (the database is away) is logged and retried at the next tick: the
    lease has two more thirds to run. A row found no longer running was swept, so renewal
    stops. At the end the renewer is told to stop and awaited, not cancelled: a renewal
    cancelled inside its UPDATE (on SQLite, waiting for the work's own commit) would leave
    its connection mid-statement.
    """
    stop = asyncio.Event()

    async def renew_until_stopped() -> None:
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), lease_s / 3)
            if stop.is_set():
                return
            try:
                async with sessions.begin() as session:
                    held = await renew(session, lease_until(clock(), lease_s))
            except Exception as exc:  # noqa: BLE001 - retried next tick; the lease still runs
                log.warning("could not renew the lease of %s: %s", name, exc)
                continue
            if not held:
                return

    task = asyncio.create_task(renew_until_stopped(), name=f"lease-{name}")
    try:
        yield
    finally:
        stop.set()
        try:
            await asyncio.shield(task)
        except asyncio.CancelledError:  # the work itself was cancelled: end the renewer too
            task.cancel()
            raise
