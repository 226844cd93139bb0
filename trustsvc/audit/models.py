"""Audit records as stored: append-only, one row per write or scan request."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from trustsvc.store.db import Base


class AuditRow(Base):
    """Who did what to which target, and the outcome.

    `actor` is the key's name (or "open", "anonymous", "cli"), copied rather than joined so
    the record survives the key's revocation. `action` is the API operation id (stable, and
    what the OpenAPI document calls it) or a CLI action such as `keys.create`.
    """

    __tablename__ = "audit_log"
    __table_args__ = (
        Index("ix_audit_log_at", "at"),
        Index("ix_audit_log_actor_at", "actor", "at"),
        Index("ix_audit_log_action_at", "action", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    at: Mapped[datetime]
    actor: Mapped[str] = mapped_column(String(128))
    key_id: Mapped[str | None] = mapped_column(String(32))
    action: Mapped[str] = mapped_column(String(64))
    target: Mapped[str] = mapped_column(String(2048))
    outcome: Mapped[str] = mapped_column(String(16))
    status: Mapped[int | None]
    client: Mapped[str | None] = mapped_column(String(64))
