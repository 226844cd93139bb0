"""Append audit records and read them back, newest first, with a keyset cursor."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from trustsvc.audit.models import AuditRow


class AuditOutcome(enum.StrEnum):
    """How a request ended: ok (< 400), denied (401/403), limited (429), rejected, error (5xx)."""

    OK = "ok"
    REJECTED = "rejected"
    DENIED = "denied"
    LIMITED = "limited"
    ERROR = "error"


def outcome_of(status: int) -> AuditOutcome:
    """How a request ended, from its HTTP status."""
    if status < 400:  # noqa: PLR2004 - HTTP status classes
        return AuditOutcome.OK
    if status in {401, 403}:
        return AuditOutcome.DENIED
    if status == 429:  # noqa: PLR2004
        return AuditOutcome.LIMITED
    if status < 500:  # noqa: PLR2004
        return AuditOutcome.REJECTED
    return AuditOutcome.ERROR


@dataclass(frozen=True, slots=True, kw_only=True)
class AuditEntry:
    """One record to append."""

    at: datetime
    actor: str
    key_id: str | None
    action: str
    target: str
    outcome: AuditOutcome
    status: int | None = None
    client: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class AuditFilter:
    """What `GET /v1/audit` narrows by; None means any."""

    actor: str | None = None
    action: str | None = None
    outcome: AuditOutcome | None = None
    since: datetime | None = None
    until: datetime | None = None


def _text(value: str, limit: int) -> str:
    """The value, NUL escaped and cut to the column's length.

    PostgreSQL refuses NUL in text: the record of a request whose path holds one would be
    dropped, letting the caller stay out of the log.
    """
    return value.replace("\x00", "\\x00")[:limit]


def append(session: AsyncSession, entry: AuditEntry) -> None:
    """Add a record to the session; the caller's commit makes it durable."""
    session.add(
        AuditRow(
            at=entry.at,
            actor=_text(entry.actor, 128),
            key_id=entry.key_id,
            action=_text(entry.action, 64),
            target=_text(entry.target, 2048),
            outcome=entry.outcome,
            status=entry.status,
            client=None if entry.client is None else _text(entry.client, 64),
        )
    )


async def page(
    session: AsyncSession, where: AuditFilter, *, before_id: int | None, limit: int
) -> Sequence[AuditRow]:
    """Records newest first (by id, which follows insertion order)."""
    query = select(AuditRow).order_by(AuditRow.id.desc()).limit(limit)
    if before_id is not None:
        query = query.where(AuditRow.id < before_id)
    if where.actor is not None:
        query = query.where(AuditRow.actor == where.actor)
    if where.action is not None:
        query = query.where(AuditRow.action == where.action)
    if where.outcome is not None:
        query = query.where(AuditRow.outcome == where.outcome)
    if where.since is not None:
        query = query.where(AuditRow.at >= where.since)
    if where.until is not None:
        query = query.where(AuditRow.at < where.until)
    return (await session.scalars(query)).all()
