"""Named queries over the probe schedule: claim with a lease, renew, finish fenced, request.

Claiming is one UPDATE over a sub-select of due, unleased rows. On PostgreSQL the sub-select
takes `FOR UPDATE SKIP LOCKED`, so concurrent workers skip each other's rows instead of
waiting or double-claiming. SQLite has no row locks but serialises writers, and one UPDATE
statement is atomic, which gives the same guarantee for the embedded single-node default.

Finishing is fenced: the schedule row moves on only `WHERE lease_owner = me`, in the scan's
own transaction. A worker that overran its lease (and whose endpoint another worker claimed)
finds zero rows updated and rolls its scan back, so a round never stores the same endpoint
twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from trustsvc.schedule.models import ScheduleRow
from trustsvc.store.db import insert_missing
from trustsvc.store.models import EndpointRow


@dataclass(frozen=True, slots=True)
class Claimed:
    """An endpoint a worker now holds the lease for."""

    endpoint_id: str
    url: str
    due_reason: str
    consecutive_failures: int


class ScheduleRepository:
    """The probe schedule; callers own the session and its transaction."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.dialect = session.get_bind().dialect.name

    async def ensure(self, endpoint_ids: Sequence[str], *, due_at: datetime, reason: str) -> None:
        """Schedule endpoints not yet scheduled; leave existing rows alone."""
        rows: list[dict[str, Any]] = [
            {
                "endpoint_id": endpoint_id,
                "next_due_at": due_at,
                "due_reason": reason,
                "consecutive_failures": 0,
            }
            for endpoint_id in endpoint_ids
        ]
        await insert_missing(self.session, ScheduleRow, rows, "endpoint_id")

    async def make_due(self, endpoint_ids: Sequence[str], *, now: datetime, reason: str) -> None:
        """Bring endpoints forward to now (a registry change, a rescan request)."""
        await self.ensure(endpoint_ids, due_at=now, reason=reason)
        await self.session.execute(
            update(ScheduleRow)
            .where(ScheduleRow.endpoint_id.in_(endpoint_ids), ScheduleRow.next_due_at > now)
            .values(next_due_at=now, due_reason=reason)
        )

    async def claim(
        self, *, owner: str, now: datetime, lease_s: float, limit: int
    ) -> list[Claimed]:
        """Lease up to `limit` due endpoints, oldest due first."""
        due = (
            select(ScheduleRow.endpoint_id)
            .where(
                ScheduleRow.next_due_at <= now,
                or_(ScheduleRow.lease_expires_at.is_(None), ScheduleRow.lease_expires_at <= now),
            )
            .order_by(ScheduleRow.next_due_at, ScheduleRow.endpoint_id)
            .limit(limit)
        )
        if self.dialect == "postgresql":
            due = due.with_for_update(skip_locked=True)
        claimed = await self.session.execute(
            update(ScheduleRow)
            .where(ScheduleRow.endpoint_id.in_(due.scalar_subquery()))
            .values(lease_owner=owner, lease_expires_at=now + timedelta(seconds=lease_s))
            .returning(
                ScheduleRow.endpoint_id, ScheduleRow.due_reason, ScheduleRow.consecutive_failures
            )
        )
        held = {row[0]: (row[1], row[2]) for row in claimed}
        if not held:
            return []
        urls = await self.session.execute(
            select(EndpointRow.id, EndpointRow.url).where(EndpointRow.id.in_(held))
        )
        return sorted(
            (Claimed(eid, url, held[eid][0], held[eid][1]) for eid, url in urls),
            key=lambda c: c.url,
        )

    async def renew(
        self, endpoint_ids: Sequence[str], *, owner: str, now: datetime, lease_s: float
    ) -> int:
        """Extend the lease of endpoints still held; returns how many were."""
        if not endpoint_ids:
            return 0
        result = await self.session.execute(
            update(ScheduleRow)
            .where(ScheduleRow.endpoint_id.in_(endpoint_ids), ScheduleRow.lease_owner == owner)
            .values(lease_expires_at=now + timedelta(seconds=lease_s))
        )
        return int(result.rowcount)  # type: ignore[attr-defined]

    async def finish(
        self,
        endpoint_id: str,
        *,
        owner: str | None,
        scan_id: str,
        now: datetime,
        next_due_at: datetime,
        reason: str,
        failed: bool,
    ) -> bool:
        """Move the endpoint on after a stored scan; False when `owner` lost the lease.

        `owner` None is a scan outside the scheduler (API, CLI): it reschedules without
        touching a lease a worker may hold. The row must exist (`ensure`).
        """
        values: dict[str, object] = {
            "next_due_at": next_due_at,
            "due_reason": reason,
            "last_scan_id": scan_id,
            "last_finished_at": now,
            "consecutive_failures": (ScheduleRow.consecutive_failures + 1) if failed else 0,
        }
        query = update(ScheduleRow).where(ScheduleRow.endpoint_id == endpoint_id)
        if owner is not None:
            query = query.where(ScheduleRow.lease_owner == owner)
            values |= {"lease_owner": None, "lease_expires_at": None}
        result = await self.session.execute(query.values(values))
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def release(self, endpoint_ids: Sequence[str], *, owner: str) -> None:
        """Give leases back unscanned (a worker shutting down), due as before."""
        if endpoint_ids:
            await self.session.execute(
                update(ScheduleRow)
                .where(ScheduleRow.endpoint_id.in_(endpoint_ids), ScheduleRow.lease_owner == owner)
                .values(lease_owner=None, lease_expires_at=None)
            )

    async def request(
        self, endpoint_id: str, *, now: datetime, cooldown_s: float
    ) -> datetime | None:
        """Make an endpoint due now unless it was asked for within the cooldown.

        Returns None when accepted, or when it may be asked for again when refused.
        """
        await self.ensure([endpoint_id], due_at=now, reason="requested")
        row = await self.session.get(ScheduleRow, endpoint_id, with_for_update=True)
        if row is None:
            raise LookupError(f"endpoint {endpoint_id} has no schedule row")
        last = row.last_requested_at
        if last is not None and now - last < timedelta(seconds=cooldown_s):
            return last + timedelta(seconds=cooldown_s)
        row.last_requested_at = now
        row.next_due_at = min(row.next_due_at, now)
        row.due_reason = "requested"
        await self.session.flush()
        return None

    async def get(self, endpoint_id: str) -> ScheduleRow | None:
        """The schedule row of one endpoint."""
        return await self.session.get(ScheduleRow, endpoint_id)

    async def depth(self, now: datetime) -> int:
        """How many endpoints are due and unleased now (the queue depth)."""
        query = select(func.count()).where(
            ScheduleRow.next_due_at <= now,
            or_(ScheduleRow.lease_expires_at.is_(None), ScheduleRow.lease_expires_at <= now),
        )
        return int(await self.session.scalar(query) or 0)


async def defer(
    session: AsyncSession,
    endpoint_id: str,
    *,
    owner: str,
    now: datetime,
    retry_s: float,
    error: str,
) -> None:
    """Hand a leased endpoint back after a scan that stored nothing, retrying with backoff."""
    row = await session.get(ScheduleRow, endpoint_id, with_for_update=True)
    if row is None or row.lease_owner != owner:
        return
    delay = retry_s * 2 ** min(row.consecutive_failures, 10)
    row.next_due_at = now + timedelta(seconds=delay)
    row.due_reason = "retry:error"
    row.consecutive_failures += 1
    row.last_error = error[:2000]
    row.lease_owner = None
    row.lease_expires_at = None
    await session.flush()


async def postpone(
    session: AsyncSession,
    endpoint_id: str,
    *,
    owner: str,
    until: datetime,
    reason: str,
    note: str | None = None,
) -> None:
    """Hand a leased endpoint back unscanned, due at `until`, without counting a failure.

    For scans courtesy holds back (a host busy or in its gap, an opt-out, robots.txt): they
    did not fail, so the backoff of `defer` must not grow.
    """
    values: dict[str, object] = {
        "next_due_at": until,
        "due_reason": reason[:32],
        "lease_owner": None,
        "lease_expires_at": None,
    }
    if note is not None:
        values["last_error"] = note[:2000]
    await session.execute(
        update(ScheduleRow)
        .where(ScheduleRow.endpoint_id == endpoint_id, ScheduleRow.lease_owner == owner)
        .values(values)
    )
