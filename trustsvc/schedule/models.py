"""The re-probe schedule: one row per endpoint with its next due time and its lease.

A worker claims a due row by setting `lease_owner` and `lease_expires_at`; it commits the
scan and the row's next due time in one transaction, only while it still owns the lease. A
worker that dies simply stops renewing: the lease expires and another worker claims it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from trustsvc.store.db import Base


class ScheduleRow(Base):
    """When an endpoint is next due, why, and who holds it now."""

    __tablename__ = "probe_schedule"
    __table_args__ = (Index("ix_probe_schedule_due", "next_due_at"),)

    endpoint_id: Mapped[str] = mapped_column(
        ForeignKey("endpoints.id", ondelete="CASCADE"), primary_key=True
    )
    next_due_at: Mapped[datetime]
    due_reason: Mapped[str] = mapped_column(String(32))
    lease_owner: Mapped[str | None] = mapped_column(String(128))
    lease_expires_at: Mapped[datetime | None]
    last_scan_id: Mapped[str | None] = mapped_column(String(36))
    last_finished_at: Mapped[datetime | None]
    last_requested_at: Mapped[datetime | None]
    consecutive_failures: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)


class JobLeaseRow(Base):
    """Which process runs a periodic job now, so N workers run each job once per period."""

    __tablename__ = "job_leases"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    owner: Mapped[str | None] = mapped_column(String(128))
    lease_expires_at: Mapped[datetime | None]
    last_started_at: Mapped[datetime | None]
    last_finished_at: Mapped[datetime | None]
    last_outcome: Mapped[str | None] = mapped_column(Text)
