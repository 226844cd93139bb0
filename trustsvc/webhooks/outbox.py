"""Claiming due deliveries and recording how each attempt went.

A claim is one UPDATE that pushes the rows' `next_attempt_at` forward by a lease and returns
them. On PostgreSQL the rows are chosen with `FOR UPDATE SKIP LOCKED`, so concurrent
deliverers take disjoint batches without waiting on each other; SQLite serialises writers, so
the same UPDATE without the locking clause is already exclusive. A deliverer that dies holding
a claim loses it when the lease runs out: the rows are due again and another one sends them.
Delivery is therefore at least once; receivers deduplicate on `X-Trustsvc-Delivery`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from trustsvc.webhooks.models import DeliveryRow, WebhookRow
from trustsvc.webhooks.repository import DeliveryStatus

PENDING = DeliveryStatus.PENDING.value


@dataclass(frozen=True, slots=True, kw_only=True)
class Claimed:
    """A delivery this deliverer holds until `lease_until`, with what posting it needs."""

    id: int
    webhook_id: str
    attempts: int
    payload: dict[str, Any]
    url: str
    secret: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Settled:
    """What one attempt (or a decision not to attempt) leaves on a delivery row."""

    status: DeliveryStatus
    attempts: int
    next_attempt_at: datetime
    delivered_at: datetime | None = None
    last_status_code: int | None = None
    last_error: str | None = None


async def claim_due(
    sessions: async_sessionmaker[AsyncSession], *, now: datetime, lease_s: float, limit: int
) -> list[Claimed]:
    """Take up to `limit` due deliveries of active webhooks, oldest due first."""
    async with sessions.begin() as session:
        dialect = (await session.connection()).dialect.name
        due = (
            select(DeliveryRow.id)
            .where(DeliveryRow.status == PENDING, DeliveryRow.next_attempt_at <= now)
            .order_by(DeliveryRow.next_attempt_at, DeliveryRow.id)
            .limit(limit)
        )
        if dialect == "postgresql":
            due = due.with_for_update(skip_locked=True)
        claimed = await session.execute(
            update(DeliveryRow)
            .where(DeliveryRow.id.in_(due))
            .values(next_attempt_at=now + timedelta(seconds=lease_s))
            .returning(
                DeliveryRow.id, DeliveryRow.webhook_id, DeliveryRow.attempts, DeliveryRow.payload
            )
            .execution_options(synchronize_session=False)
        )
        rows = claimed.all()
        hooks = await _active_hooks(session, {row.webhook_id for row in rows})
        orphans = [row.id for row in rows if row.webhook_id not in hooks]
        if orphans:  # queued while its webhook was being deleted
            await _cancel(session, orphans)
    return [
        Claimed(
            id=row.id,
            webhook_id=row.webhook_id,
            attempts=row.attempts,
            payload=row.payload,
            url=hooks[row.webhook_id].url,
            secret=hooks[row.webhook_id].secret,
        )
        for row in sorted(rows, key=lambda r: r.id)
        if row.webhook_id in hooks
    ]


async def record(
    sessions: async_sessionmaker[AsyncSession], delivery_id: int, settled: Settled
) -> None:
    """Write an attempt's result, unless the delivery was cancelled meanwhile.

    A success is written whatever the row says: the receiver has the event, and the log
    should say so.
    """
    query = update(DeliveryRow).where(DeliveryRow.id == delivery_id)
    if settled.status != DeliveryStatus.DELIVERED:
        query = query.where(DeliveryRow.status == PENDING)
    async with sessions.begin() as session:
        await session.execute(
            query.values(
                status=settled.status.value,
                attempts=settled.attempts,
                next_attempt_at=settled.next_attempt_at,
                delivered_at=settled.delivered_at,
                last_status_code=settled.last_status_code,
                last_error=settled.last_error,
            ).execution_options(synchronize_session=False)
        )


async def _active_hooks(session: AsyncSession, ids: set[str]) -> dict[str, WebhookRow]:
    if not ids:
        return {}
    hooks = await session.scalars(
        select(WebhookRow).where(WebhookRow.id.in_(ids), WebhookRow.active)
    )
    return {hook.id: hook for hook in hooks}


async def _cancel(session: AsyncSession, ids: Sequence[int]) -> None:
    await session.execute(
        update(DeliveryRow)
        .where(DeliveryRow.id.in_(ids))
        .values(status=DeliveryStatus.CANCELLED.value, last_error="webhook deleted")
        .execution_options(synchronize_session=False)
    )
