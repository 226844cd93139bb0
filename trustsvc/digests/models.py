"""Digest subscriptions and their runs; a run row is also the digest's delivery outbox.

A run is created once per (subscription, period): `delivery_key` is unique, so two workers
(or a retried job) that both decide a period is due store one run, and the receiver sees
the same key (`X-Trustsvc-Delivery`) on every retry of it. The run keeps the digest it
built, its counts and how its delivery went, as history an operator can read back.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from trustsvc.store.db import Base, JsonColumn
from trustsvc.store.sealed import SealedString


class SubscriptionRow(Base):
    """Who gets which digest, when, in what form, where.

    `scope` is `all`, `namespace` (a registry namespace in `scope_value`) or `endpoints`
    (canonical URLs in `scope_value`); `min_severity` filters the drift of any scope.
    `schedule` is a five-field cron expression, or `daily` / `weekly`, read in `timezone`.
    """

    __tablename__ = "report_subscriptions"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str] = mapped_column(String(128), unique=True)
    schedule: Mapped[str] = mapped_column(String(128))
    timezone: Mapped[str] = mapped_column(String(64))
    scope: Mapped[str] = mapped_column(String(16))
    scope_value: Mapped[Any] = mapped_column(JsonColumn, nullable=True)
    min_severity: Mapped[str] = mapped_column(String(16))
    format: Mapped[str] = mapped_column(String(16))
    webhook_url: Mapped[str | None] = mapped_column(String(2048))
    email_to: Mapped[list[str]] = mapped_column(JsonColumn)
    # Sealed at rest like webhook secrets (issue 16): the digest deliverer signs with it.
    secret: Mapped[str] = mapped_column(SealedString(128))
    send_empty: Mapped[bool]
    active: Mapped[bool]
    created_at: Mapped[datetime]
    next_run_at: Mapped[datetime]
    last_period_end: Mapped[datetime | None]


class SubscriptionRunRow(Base):
    """One digest built for one period, and its delivery (pending until sent or given up)."""

    __tablename__ = "report_runs"
    __table_args__ = (
        Index("ix_report_runs_pending", "status", "next_attempt_at"),
        Index("ix_report_runs_subscription", "subscription_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    subscription_id: Mapped[str] = mapped_column(
        ForeignKey("report_subscriptions.id", ondelete="CASCADE")
    )
    delivery_key: Mapped[str] = mapped_column(String(128), unique=True)
    trigger: Mapped[str] = mapped_column(String(16))
    period_start: Mapped[datetime]
    period_end: Mapped[datetime]
    created_at: Mapped[datetime]
    counts: Mapped[dict[str, Any]] = mapped_column(JsonColumn)
    digest: Mapped[dict[str, Any]] = mapped_column(JsonColumn)
    status: Mapped[str] = mapped_column(String(16))
    attempts: Mapped[int]
    next_attempt_at: Mapped[datetime]
    delivered_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
