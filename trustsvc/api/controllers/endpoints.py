"""Endpoints the service has seen, and each one's scan history."""

from __future__ import annotations

import base64
import binascii
from datetime import datetime
from typing import Annotated

from litestar import Controller, get
from litestar.datastructures import State
from litestar.params import QueryParameter

from trustsvc.api.errors import PROBLEM_RESPONSE, ProblemError, not_found
from trustsvc.api.params import PathKey
from trustsvc.api.schemas import (
    EndpointDoc,
    EndpointPage,
    LatestSummary,
    ScanHistoryPage,
    ScanSummary,
)
from trustsvc.api.state import services
from trustsvc.auth.principal import Scope
from trustsvc.lookup.cache import LookupRecord
from trustsvc.store.models import EndpointRow
from trustsvc.store.repositories import EndpointRepository, ScanRepository

Limit = Annotated[int, QueryParameter(ge=1, le=500, description="Page size.")]
Cursor = Annotated[
    str | None, QueryParameter(max_length=4096, description="`next_cursor` of the last page.")
]


class EndpointsController(Controller):
    """Browse endpoints and their history."""

    path = "/v1/endpoints"
    tags = ["endpoints"]  # noqa: RUF012 - Litestar reads a plain class attribute
    opt = {"scope": Scope.READ}  # noqa: RUF012 - Litestar reads a plain class attribute

    @get(
        "/",
        operation_id="ListEndpoints",
        summary="Endpoints, in URL order",
        responses={400: PROBLEM_RESPONSE},
    )
    async def list_endpoints(
        self, state: State, limit: Limit = 50, cursor: Cursor = None
    ) -> EndpointPage:
        """Keyset-paginated, so pages stay stable while scans add endpoints."""
        after = decode_cursor(cursor)
        app = services(state)
        async with app.sessions() as session:
            rows = await EndpointRepository(session).page(after_url=after, limit=limit + 1)
        # Latest results come from the lookup cache: one query per endpoint only when cold.
        items = [_endpoint_doc(row, await app.lookup.latest(row.url)) for row in rows[:limit]]
        more = len(rows) > limit
        return EndpointPage(
            items=items, next_cursor=encode_cursor(rows[limit - 1].url) if more else None
        )

    @get(
        "/{endpoint_id:str}",
        operation_id="GetEndpoint",
        summary="An endpoint and its latest result",
        responses={400: PROBLEM_RESPONSE, 404: PROBLEM_RESPONSE},
    )
    async def get_endpoint(self, state: State, endpoint_id: PathKey) -> EndpointDoc:
        """The endpoint with its newest completed scan, if any."""
        app = services(state)
        async with app.sessions() as session:
            row = await EndpointRepository(session).get(endpoint_id)
        if row is None:
            raise not_found(f"endpoint {endpoint_id}")
        return _endpoint_doc(row, await app.lookup.latest(row.url))

    @get(
        "/{endpoint_id:str}/scans",
        operation_id="ListEndpointScans",
        summary="An endpoint's scan history, newest first",
        responses={400: PROBLEM_RESPONSE, 404: PROBLEM_RESPONSE},
    )
    async def list_scans(
        self, state: State, endpoint_id: PathKey, limit: Limit = 50, cursor: Cursor = None
    ) -> ScanHistoryPage:
        """Every scan, including running and failed ones, with their scores."""
        before = _decode_time_cursor(cursor)
        async with services(state).sessions() as session:
            if await EndpointRepository(session).get(endpoint_id) is None:
                raise not_found(f"endpoint {endpoint_id}")
            rows = await ScanRepository(session).history(
                endpoint_id, before=before, limit=limit + 1
            )
        items = [
            ScanSummary(
                scan_id=scan.id,
                status=scan.status,
                reason=scan.reason,
                requested_at=scan.requested_at,
                assessed_at=scan.assessed_at,
                score=None if score is None else score.score,
                grade=None if score is None else score.grade,
                verdict=None if score is None else score.verdict,
                confidence=None if score is None else score.confidence,
                policy_version=None if score is None else score.policy_version,
            )
            for scan, score in rows[:limit]
        ]
        more = len(rows) > limit
        next_cursor = encode_cursor(rows[limit - 1][0].requested_at.isoformat()) if more else None
        return ScanHistoryPage(items=items, next_cursor=next_cursor)


def summary_of(latest: LookupRecord | None) -> LatestSummary | None:
    """The headline figures of a cached latest result (None: never assessed)."""
    if latest is None:
        return None
    return LatestSummary(
        scan_id=latest.scan_id,
        assessed_at=latest.assessed_at,
        score=latest.score,
        grade=latest.grade,
        verdict=latest.verdict,
        confidence=latest.confidence,
    )


def _endpoint_doc(row: EndpointRow, latest: LookupRecord | None = None) -> EndpointDoc:
    return EndpointDoc(
        id=row.id,
        url=row.url,
        host=row.host,
        port=row.port,
        created_at=row.created_at,
        latest=summary_of(latest),
    )


def encode_cursor(value: str) -> str:
    """An opaque keyset cursor (URL-safe base64 of the last key of a page)."""
    return base64.urlsafe_b64encode(value.encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> str | None:
    """The key inside a cursor; a 400 problem for anything we did not issue."""
    if cursor is None:
        return None
    try:
        raw = base64.b64decode(cursor + "=" * (-len(cursor) % 4), altchars=b"-_", validate=True)
        value = raw.decode()
    except (binascii.Error, UnicodeDecodeError, ValueError) as exc:
        raise _bad_cursor() from exc
    if not value or "\x00" in value:  # NUL: see trustsvc.api.params.NO_NUL
        raise _bad_cursor()
    return value


def _decode_time_cursor(cursor: str | None) -> datetime | None:
    raw = decode_cursor(cursor)
    if raw is None:
        return None
    try:
        value = datetime.fromisoformat(raw)
    except ValueError as exc:
        raise _bad_cursor() from exc
    if value.tzinfo is None:
        raise _bad_cursor()
    return value


def _bad_cursor() -> ProblemError:
    return ProblemError(400, "invalid-cursor", "Invalid cursor", "the cursor is not one we issued")
