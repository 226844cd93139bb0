"""Drift tables: one snapshot per completed scan, pinned baselines, and drift events.

Snapshots are written in the transaction that completes their scan, so a scan and its
fingerprints are stored together or not at all. Events are never deleted; acknowledging one
only stamps who and when, because "the tools changed on the 3rd" stays history.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from trustsvc.store.db import Base, JsonColumn, SafeString, SafeText


class SnapshotRow(Base):
    """The normalised surfaces of one completed scan (`Snapshot.to_doc()`)."""

    __tablename__ = "scan_snapshots"
    __table_args__ = (Index("ix_scan_snapshots_endpoint_taken", "endpoint_id", "taken_at"),)

    scan_id: Mapped[str] = mapped_column(
        ForeignKey("scans.id", ondelete="CASCADE"), primary_key=True
    )
    endpoint_id: Mapped[str] = mapped_column(ForeignKey("endpoints.id", ondelete="CASCADE"))
    taken_at: Mapped[datetime]
    surfaces: Mapped[dict[str, Any]] = mapped_column(JsonColumn)


class BaselineRow(Base):
    """The scan an operator pinned as an endpoint's known-good state."""

    __tablename__ = "drift_baselines"

    endpoint_id: Mapped[str] = mapped_column(
        ForeignKey("endpoints.id", ondelete="CASCADE"), primary_key=True
    )
    scan_id: Mapped[str] = mapped_column(ForeignKey("scans.id", ondelete="CASCADE"))
    pinned_at: Mapped[datetime]
    pinned_by: Mapped[str | None] = mapped_column(String(128))
    note: Mapped[str | None] = mapped_column(Text)


class DriftEventRow(Base):
    """One change of one surface item, found by diffing a scan against a previous state.

    `basis` says what it was compared with: `previous` (the endpoint's last snapshot) or
    `baseline` (the pinned one). Baseline events are recorded once per distinct change, not
    again at every scan that still differs from the baseline.
    """

    __tablename__ = "drift_events"
    __table_args__ = (
        Index("ix_drift_events_endpoint_observed", "endpoint_id", "observed_at"),
        Index("ix_drift_events_observed", "observed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    endpoint_id: Mapped[str] = mapped_column(ForeignKey("endpoints.id", ondelete="CASCADE"))
    scan_id: Mapped[str] = mapped_column(ForeignKey("scans.id", ondelete="CASCADE"), index=True)
    basis: Mapped[str] = mapped_column(String(16))
    surface: Mapped[str] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(48))
    subject: Mapped[str] = mapped_column(SafeString(512))
    severity: Mapped[str] = mapped_column(String(16))
    summary: Mapped[str] = mapped_column(SafeText)
    before: Mapped[Any] = mapped_column(JsonColumn, nullable=True)
    after: Mapped[Any] = mapped_column(JsonColumn, nullable=True)
    before_digest: Mapped[str | None] = mapped_column(String(64))
    after_digest: Mapped[str | None] = mapped_column(String(64))
    text_diff: Mapped[str | None] = mapped_column(SafeText)
    observed_at: Mapped[datetime]
    acknowledged_at: Mapped[datetime | None]
    acknowledged_by: Mapped[str | None] = mapped_column(String(128))
    ack_note: Mapped[str | None] = mapped_column(Text)


class ToolSetRow(Base):
    """An endpoint's latest complete, non-empty tool listing, by set digest.

    One row per endpoint, replaced by each scan that read a complete listing; indexed by
    digest, so "who else serves exactly these tools" is one lookup (duplicate catalogues).
    """

    __tablename__ = "endpoint_tool_sets"

    endpoint_id: Mapped[str] = mapped_column(
        ForeignKey("endpoints.id", ondelete="CASCADE"), primary_key=True
    )
    scan_id: Mapped[str] = mapped_column(ForeignKey("scans.id", ondelete="CASCADE"))
    set_digest: Mapped[str] = mapped_column(String(64), index=True)
    definitions: Mapped[int]
    taken_at: Mapped[datetime]
