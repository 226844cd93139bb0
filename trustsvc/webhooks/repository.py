"""Webhook subscriptions and the delivery outbox: named queries; callers own the transaction."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from enum import StrEnum

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import defer

from trustsvc.observers import ScanObserver
from trustsvc.reports.schema import DriftEventDoc, ScanReport
from trustsvc.webhooks.models import DeliveryRow, WebhookRow
from trustsvc.webhooks.payload import build_payload, meets
from trustsvc.webhooks.signing import new_secret


class DeliveryStatus(StrEnum):
    """Where a delivery stands: pending until delivered, out of attempts, or its hook deleted."""

    PENDING = "pending"
    DELIVERED = "delivered"
    FAILED = "failed"
    CANCELLED = "cancelled"


async def queue_deliveries(
    session: AsyncSession, events: Sequence[DriftEventDoc], endpoint_url: str, now: datetime
) -> int:
    """Queue a pending delivery per (active webhook, event at or above its threshold).

    Called in the transaction that stores the events (the caller flushed them, so ids are
    set, and commits): the outbox row exists exactly when the event does. Returns how many
    deliveries were queued.
    """
    if not events:
        return 0
    hooks = (await session.scalars(select(WebhookRow).where(WebhookRow.active))).all()
    rows = [
        DeliveryRow(
            webhook_id=hook.id,
            event_id=event.id,
            status=DeliveryStatus.PENDING.value,
            attempts=0,
            next_attempt_at=now,
            created_at=now,
            delivered_at=None,
            last_status_code=None,
            last_error=None,
            payload=build_payload(event, endpoint_url, hook.payload_format),
        )
        for hook in hooks
        for event in events
        if meets(event.severity, hook.min_severity)
    ]
    session.add_all(rows)
    return len(rows)


class WebhookOutbox(ScanObserver):
    """Queues deliveries for a scan's new drift, in the scan's transaction."""

    async def drift_recorded(self, session: AsyncSession, report: ScanReport) -> None:
        """One pending delivery per (active webhook, event at or above its threshold)."""
        await queue_deliveries(session, report.drift, report.url, report.assessed_at)


async def create_webhook(
    session: AsyncSession,
    *,
    url: str,
    min_severity: str,
    payload_format: str,
    description: str | None,
    now: datetime,
) -> WebhookRow:
    """A new active webhook with a fresh secret (the only time the caller sees it)."""
    row = WebhookRow(
        id=str(uuid.uuid4()),
        url=url,
        min_severity=min_severity,
        payload_format=payload_format,
        secret=new_secret(),
        description=description,
        active=True,
        created_at=now,
    )
    session.add(row)
    await session.flush()
    return row


async def list_webhooks(session: AsyncSession) -> Sequence[WebhookRow]:
    """Active webhooks, oldest first."""
    query = select(WebhookRow).where(WebhookRow.active).order_by(WebhookRow.created_at)
    return (await session.scalars(query)).all()


async def get_webhook(session: AsyncSession, webhook_id: str) -> WebhookRow | None:
    """An active webhook; a deleted one is gone as far as callers are concerned."""
    row = await session.get(WebhookRow, webhook_id)
    return row if row is not None and row.active else None


async def deactivate_webhook(session: AsyncSession, webhook_id: str) -> bool:
    """Stop a webhook and cancel its pending deliveries; False when there is no such webhook.

    The rows stay (the delivery log is history), but nothing is queued for or sent to it.
    """
    row = await get_webhook(session, webhook_id)
    if row is None:
        return False
    row.active = False
    await session.execute(
        update(DeliveryRow)
        .where(
            DeliveryRow.webhook_id == webhook_id,
            DeliveryRow.status == DeliveryStatus.PENDING.value,
        )
        .values(status=DeliveryStatus.CANCELLED.value, last_error="webhook deleted")
    )
    await session.flush()
    return True


async def deliveries_page(
    session: AsyncSession,
    webhook_id: str,
    *,
    status: str | None = None,
    before_id: int | None = None,
    limit: int = 50,
) -> Sequence[DeliveryRow]:
    """A webhook's deliveries, newest first, keyset-paginated on the id."""
    query = (
        select(DeliveryRow)
        .options(defer(DeliveryRow.payload))
        .where(DeliveryRow.webhook_id == webhook_id)
        .order_by(DeliveryRow.id.desc())
        .limit(limit)
    )
    if status is not None:
        query = query.where(DeliveryRow.status == status)
    if before_id is not None:
        query = query.where(DeliveryRow.id < before_id)
    return (await session.scalars(query)).all()
