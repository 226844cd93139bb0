"""Wire structs of the drift, baseline and rescan routes."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import msgspec

from trustsvc.api.params import NO_NUL
from trustsvc.reports.schema import DriftEventDoc

Note = Annotated[str, msgspec.Meta(max_length=2000, pattern=NO_NUL)]


class DriftPage(msgspec.Struct, kw_only=True):
    """Drift events, newest first; pass `next_cursor` back for older ones."""

    items: list[DriftEventDoc]
    next_cursor: str | None


class ReportedDrift(DriftEventDoc, kw_only=True):
    """A drift event with its endpoint's URL (reports span endpoints)."""

    endpoint_url: str


class DriftReport(msgspec.Struct, kw_only=True):
    """Every endpoint's drift since a time, at or above a severity."""

    since: datetime
    min_severity: str
    generated_at: datetime
    events: list[ReportedDrift]


class BaselineRequest(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Pin a completed scan (default: the latest) as the endpoint's known-good state."""

    scan_id: Annotated[str, msgspec.Meta(pattern=NO_NUL)] | None = None
    note: Note | None = None


class BaselineDoc(msgspec.Struct, kw_only=True):
    """The pinned baseline and the verdict the endpoint has now that drift is re-judged."""

    endpoint_id: str
    scan_id: str
    pinned_at: datetime
    pinned_by: str | None
    note: str | None
    verdict: str | None


class AckRequest(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Why the change is acceptable (kept with the event)."""

    note: Note | None = None


class AckResult(msgspec.Struct, kw_only=True):
    """The acknowledged event and its endpoint's verdict after re-scoring."""

    event: DriftEventDoc
    verdict: str | None


class RescanAccepted(msgspec.Struct, kw_only=True):
    """The endpoint is due now; a worker (or the in-process scheduler) will probe it."""

    endpoint_id: str
    due_at: datetime
