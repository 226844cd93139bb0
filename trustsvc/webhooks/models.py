"""Webhook subscriptions and their delivery log (an outbox written with the drift events).

Deliveries are queued in the transaction that stores the drift events, so a crash between
"event recorded" and "webhook sent" loses nothing: the deliverer finds the pending row.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from trustsvc.store.db import Base, JsonColumn
from trustsvc.store.sealed import SealedString


class WebhookRow(Base):
    """Where to post drift events at or above a severity, and how to sign them."""

    __tablename__ = "webhooks"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    url: Mapped[str] = mapped_column(String(2048))
    min_severity: Mapped[str] = mapped_column(String(16))
    payload_format: Mapped[str] = mapped_column(String(16))
    # Sealed with TRUSTSVC_SECRET_KEY when set (store/sealed.py); the same VARCHAR(128).
    secret: Mapped[str] = mapped_column(SealedString(128))
    description: Mapped[str | None] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime]


class DeliveryRow(Base):
    """One drift event to one webhook: pending until delivered or out of attempts."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (Index("ix_webhook_deliveries_pending", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    webhook_id: Mapped[str] = mapped_column(
        ForeignKey("webhooks.id", ondelete="CASCADE"), index=True
    )
    event_id: Mapped[int] = mapped_column(ForeignKey("drift_events.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(16))
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime]
    created_at: Mapped[datetime]
    delivered_at: Mapped[datetime | None]
    last_status_code: Mapped[int | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    payload: Mapped[dict[str, Any]] = mapped_column(JsonColumn)
