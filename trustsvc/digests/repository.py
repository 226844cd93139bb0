"""Subscriptions and runs: named queries; callers own the transaction.

A run is inserted with its unique delivery key in a savepoint: a second worker (or a retry)
that built the same period's digest finds the key taken and stores nothing.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from trustsvc.digests.models import SubscriptionRow, SubscriptionRunRow
from trustsvc.digests.schedule import next_fire
from trustsvc.digests.spec import SubscriptionSpec
from trustsvc.webhooks.signing import new_secret

PENDING, DELIVERED, FAILED, SKIPPED = "pending", "delivered", "failed", "skipped"


async def create_subscription(
    session: AsyncSession, spec: SubscriptionSpec, *, now: datetime
) -> SubscriptionRow | None:
    """Store a new subscription; None when the name is taken. Its first period starts now."""
    row = SubscriptionRow(
        id=str(uuid.uuid4()),
        name=spec.name,
        schedule=spec.schedule,
        timezone=spec.timezone,
        scope=spec.scope.value,
        scope_value=spec.scope_value,
        min_severity=spec.min_severity.value,
        format=spec.format.value,
        webhook_url=spec.webhook_url,
        email_to=list(spec.email_to),
        secret=new_secret(),
        send_empty=spec.send_empty,
        active=True,
        created_at=now,
        next_run_at=next_fire(spec.schedule, spec.timezone, now),
        last_period_end=None,
    )
    try:
        async with session.begin_nested():
            session.add(row)
    except IntegrityError:
        return None
    return row


async def list_subscriptions(session: AsyncSession) -> Sequence[SubscriptionRow]:
    """Every subscription, by name."""
    return (await session.scalars(select(SubscriptionRow).order_by(SubscriptionRow.name))).all()


async def find_subscription(session: AsyncSession, key: str) -> SubscriptionRow | None:
    """A subscription by id or by name."""
    row = await session.get(SubscriptionRow, key)
    if row is None:
        row = await session.scalar(select(SubscriptionRow).where(SubscriptionRow.name == key))
    return row


async def remove_subscription(session: AsyncSession, key: str) -> bool:
    """Delete a subscription and its runs; False when there is none.

    The runs are deleted explicitly: SQLite enforces the cascade only with foreign keys on.
    """
    row = await find_subscription(session, key)
    if row is None:
        return False
    await session.execute(
        delete(SubscriptionRunRow).where(SubscriptionRunRow.subscription_id == row.id)
    )
    await session.execute(delete(SubscriptionRow).where(SubscriptionRow.id == row.id))
    return True


async def due_subscriptions(session: AsyncSession, now: datetime) -> Sequence[SubscriptionRow]:
    """Active subscriptions whose next run time has come, most overdue first."""
    query = (
        select(SubscriptionRow)
        .where(SubscriptionRow.active, SubscriptionRow.next_run_at <= now)
        .order_by(SubscriptionRow.next_run_at, SubscriptionRow.id)
    )
    return (await session.scalars(query)).all()


def period_start(row: SubscriptionRow) -> datetime:
    """Where the next digest's period begins: the last period's end, else the creation."""
    return row.last_period_end or row.created_at


async def add_run(
    session: AsyncSession,
    row: SubscriptionRow,
    *,
    key: str,
    trigger: str,
    start: datetime,
    end: datetime,
    counts: dict[str, Any],
    digest: dict[str, Any],
    status: str,
    now: datetime,
) -> SubscriptionRunRow | None:
    """Store a run under its delivery key; None when that key was stored already."""
    run = SubscriptionRunRow(
        subscription_id=row.id,
        delivery_key=key,
        trigger=trigger,
        period_start=start,
        period_end=end,
        created_at=now,
        counts=counts,
        digest=digest,
        status=status,
        attempts=0,
        next_attempt_at=now,
        delivered_at=None,
        last_error=None,
    )
    try:
        async with session.begin_nested():
            session.add(run)
    except IntegrityError:
        return None
    return run


async def advance(
    session: AsyncSession, row: SubscriptionRow, *, end: datetime, now: datetime
) -> bool:
    """Move the subscription past a period, only if no one else did (compare-and-set)."""
    result = await session.execute(
        update(SubscriptionRow)
        .where(
            SubscriptionRow.id == row.id,
            or_(
                SubscriptionRow.last_period_end.is_(None),
                SubscriptionRow.last_period_end < end,
            ),
        )
        .values(last_period_end=end, next_run_at=next_fire(row.schedule, row.timezone, now))
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def runs_page(
    session: AsyncSession,
    *,
    subscription_id: str | None = None,
    before_id: int | None = None,
    limit: int = 50,
) -> Sequence[SubscriptionRunRow]:
    """Runs newest first, keyset-paginated on the id."""
    query = select(SubscriptionRunRow).order_by(SubscriptionRunRow.id.desc()).limit(limit)
    if subscription_id is not None:
        query = query.where(SubscriptionRunRow.subscription_id == subscription_id)
    if before_id is not None:
        query = query.where(SubscriptionRunRow.id < before_id)
    return (await session.scalars(query)).all()


async def last_manual_run(session: AsyncSession, subscription_id: str) -> datetime | None:
    """When the subscription was last sent by hand (for the send-now cooldown)."""
    return await session.scalar(
        select(SubscriptionRunRow.created_at)
        .where(
            SubscriptionRunRow.subscription_id == subscription_id,
            SubscriptionRunRow.trigger == "manual",
        )
        .order_by(SubscriptionRunRow.id.desc())
        .limit(1)
    )


async def claim_pending(
    session: AsyncSession, *, now: datetime, lease_s: float, limit: int
) -> list[tuple[SubscriptionRunRow, SubscriptionRow]]:
    """Take due pending runs for `lease_s` (SKIP LOCKED on PostgreSQL), with their subscription."""
    dialect = (await session.connection()).dialect.name
    due = (
        select(SubscriptionRunRow.id)
        .where(SubscriptionRunRow.status == PENDING, SubscriptionRunRow.next_attempt_at <= now)
        .order_by(SubscriptionRunRow.next_attempt_at, SubscriptionRunRow.id)
        .limit(limit)
    )
    if dialect == "postgresql":
        due = due.with_for_update(skip_locked=True)
    ids = list((await session.scalars(due)).all())
    if not ids:
        return []
    await session.execute(
        update(SubscriptionRunRow)
        .where(SubscriptionRunRow.id.in_(ids))
        .values(next_attempt_at=now + timedelta(seconds=lease_s))
        .execution_options(synchronize_session=False)
    )
    rows = await session.execute(
        select(SubscriptionRunRow, SubscriptionRow)
        .join(SubscriptionRow, SubscriptionRow.id == SubscriptionRunRow.subscription_id)
        .where(SubscriptionRunRow.id.in_(ids))
        .order_by(SubscriptionRunRow.id)
        .execution_options(populate_existing=True)
    )
    return [(run, sub) for run, sub in rows.all()]
