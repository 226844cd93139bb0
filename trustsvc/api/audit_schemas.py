"""Wire structs of the audit route."""

from __future__ import annotations

from datetime import datetime

import msgspec


class AuditRecord(msgspec.Struct, kw_only=True):
    """One write or scan request: who, what, on which target, and how it ended."""

    id: int
    at: datetime
    actor: str
    key_id: str | None
    action: str
    target: str
    outcome: str
    status: int | None
    client: str | None


class AuditPage(msgspec.Struct, kw_only=True):
    """Audit records, newest first; pass `next_cursor` back for older ones."""

    items: list[AuditRecord]
    next_cursor: str | None
