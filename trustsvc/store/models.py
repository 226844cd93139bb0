"""Database tables; results are append-only.

A scan's attempts, findings and scores are written once, in the transaction that
completes the scan, and never updated.

Scores live in their own table keyed by (scan, policy version) so stored findings can be
re-scored under a new policy without probing again.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from trustsvc.store.db import Base, JsonColumn, SafeString, SafeText


class EndpointRow(Base):
    """A remote MCP endpoint, identified by its canonical URL."""

    __tablename__ = "endpoints"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    url: Mapped[str] = mapped_column(String(2048), unique=True)
    scheme: Mapped[str] = mapped_column(String(8))
    host: Mapped[str] = mapped_column(String(255))
    port: Mapped[int]
    created_at: Mapped[datetime]


class ScanRow(Base):
    """One assessment of one endpoint; `status` moves running -> completed or failed once."""

    __tablename__ = "scans"
    __table_args__ = (
        Index("ix_scans_endpoint_latest", "endpoint_id", "status", "assessed_at"),
        Index("ix_scans_status_lease", "status", "lease_expires_at"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    endpoint_id: Mapped[str] = mapped_column(ForeignKey("endpoints.id", ondelete="CASCADE"))
    reason: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16))
    requested_at: Mapped[datetime]
    assessed_at: Mapped[datetime | None]
    error: Mapped[str | None] = mapped_column(SafeText)
    # While running: the process probing it renews this; past it, nobody will finish the
    # scan (its process died) and the sweep marks it failed, `interrupted`. NULL otherwise.
    lease_expires_at: Mapped[datetime | None]

    # Loaded only where asked for (ScanRepository.get): lookups must not pay for a join.
    endpoint: Mapped[EndpointRow] = relationship(lazy="raise")


class AttemptRow(Base):
    """How one family's collection ended during a scan."""

    __tablename__ = "attempts"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    scan_id: Mapped[str] = mapped_column(ForeignKey("scans.id", ondelete="CASCADE"), index=True)
    family: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(String(32))
    detail: Mapped[str] = mapped_column(SafeText)
    elapsed_ms: Mapped[int]


class FindingRow(Base):
    """One probe answer recorded during a scan."""

    __tablename__ = "findings"
    # One probe's finding of a scan, read back by registry hygiene (issue 18) without
    # scanning a hostile listing's thousands of tool findings.
    __table_args__ = (Index("ix_findings_scan_probe", "scan_id", "probe_id"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    scan_id: Mapped[str] = mapped_column(ForeignKey("scans.id", ondelete="CASCADE"), index=True)
    probe_id: Mapped[str] = mapped_column(String(128))
    family: Mapped[str] = mapped_column(String(32))
    outcome: Mapped[str] = mapped_column(String(16))
    severity: Mapped[str] = mapped_column(String(16))
    message: Mapped[str] = mapped_column(SafeText)
    subject: Mapped[str | None] = mapped_column(SafeString(512))
    evidence: Mapped[dict[str, Any]] = mapped_column(JsonColumn)
    remediation: Mapped[str | None] = mapped_column(SafeText)
    # Stored tokens: `OWASP-LLM@2026:LLM03` for an edition-pinned id, plain text for a
    # citation; rows from before editions were recorded hold plain strings only.
    references: Mapped[list[str]] = mapped_column(JsonColumn)
    # observed / declared / inferred; NULL on rows stored before it was recorded.
    provenance: Mapped[str | None] = mapped_column(String(16))


class ScoreRow(Base):
    """A scan's findings scored under one policy version.

    `revision` counts re-scores of the same findings under the same policy: acknowledging a
    drift event or pinning a baseline changes the stability standing, so the latest scan is
    scored again and the lookup (which tails this table) sees the new verdict at once.
    """

    __tablename__ = "scores"
    __table_args__ = (UniqueConstraint("scan_id", "policy_version", "revision"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    scan_id: Mapped[str] = mapped_column(ForeignKey("scans.id", ondelete="CASCADE"), index=True)
    policy_version: Mapped[str] = mapped_column(String(32))
    revision: Mapped[int] = mapped_column(default=0, server_default="0")
    scored_at: Mapped[datetime]
    score: Mapped[int]
    score_measured: Mapped[int | None]
    grade: Mapped[str] = mapped_column(String(4))
    verdict: Mapped[str] = mapped_column(String(8))
    confidence: Mapped[float]
    gates: Mapped[list[dict[str, Any]]] = mapped_column(JsonColumn)
    dimensions: Mapped[list[dict[str, Any]]] = mapped_column(JsonColumn)
