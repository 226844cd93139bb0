"""Drift routes: changes, the cross-endpoint report, baselines, acknowledgements, rescans."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.datastructures import State
from litestar.openapi.datastructures import ResponseSpec
from litestar.openapi.spec import OpenAPIMediaType, OpenAPIResponse, OpenAPIType, Operation, Schema
from litestar.params import JSONBody, PathParameter, QueryParameter
from litestar.status_codes import HTTP_409_CONFLICT, HTTP_429_TOO_MANY_REQUESTS

from probes.model import Severity
from trustsvc.api.drift_schemas import (
    AckRequest,
    AckResult,
    BaselineDoc,
    BaselineRequest,
    DriftPage,
    DriftReport,
    ReportedDrift,
    RescanAccepted,
)
from trustsvc.api.errors import (
    PROBLEM_MEDIA_TYPE,
    PROBLEM_RESPONSE,
    TYPE_BASE,
    ProblemDetails,
    ProblemError,
    not_found,
)
from trustsvc.api.params import MAX_ROW_ID, TIME_WITH_OFFSET, PathKey, with_offset
from trustsvc.api.state import services
from trustsvc.auth.principal import Scope, actor_name
from trustsvc.drift.repository import event_doc
from trustsvc.reports.drift import drift_csv
from trustsvc.schedule.repository import ScheduleRepository
from trustsvc.services import AppServices
from trustsvc.store.repositories import EndpointRepository

# Litestar appends `; charset=utf-8` to text types itself; naming it here sent it twice.
CSV_MEDIA_TYPE = "text/csv"


@dataclass
class _JsonOrCsv(Operation):
    """An operation whose 200 is JSON or, with `format=csv`, CSV.

    Litestar documents one media type per response; without the second, clients (and
    schema checks) are told the CSV answer does not exist.
    """

    def __post_init__(self) -> None:
        ok = (self.responses or {}).get("200")
        if isinstance(ok, OpenAPIResponse) and ok.content is not None:
            ok.content[CSV_MEDIA_TYPE] = OpenAPIMediaType(
                schema=Schema(type=OpenAPIType.STRING, description="RFC 4180 CSV, one event a row")
            )


class ReportFormat(StrEnum):
    """How a report is rendered."""

    JSON = "json"
    CSV = "csv"


MinSeverity = Annotated[
    Severity, QueryParameter(description="Only events at or above this severity.")
]
Since = Annotated[
    datetime | None,
    QueryParameter(description=f"Only events observed at or after; {TIME_WITH_OFFSET}."),
]
Limit = Annotated[int, QueryParameter(ge=1, le=500, description="Page size.")]
EventCursor = Annotated[
    int | None,
    QueryParameter(ge=1, le=MAX_ROW_ID, description="`next_cursor` of the previous page."),
]


class DriftController(Controller):
    """Read and answer drift."""

    tags = ["drift"]  # noqa: RUF012 - Litestar reads a plain class attribute
    opt = {"scope": Scope.READ}  # noqa: RUF012 - Litestar reads a plain class attribute

    @get(
        "/v1/endpoints/{endpoint_id:str}/drift",
        operation_id="ListEndpointDrift",
        summary="An endpoint's drift events, newest first",
        responses={400: PROBLEM_RESPONSE, 404: PROBLEM_RESPONSE},
    )
    async def endpoint_drift(  # noqa: PLR0917 - Litestar passes query parameters by name
        self,
        state: State,
        endpoint_id: PathKey,
        severity: MinSeverity = Severity.INFO,
        since: Since = None,
        cursor: EventCursor = None,
        limit: Limit = 100,
    ) -> DriftPage:
        """Changes against the previous scan and against the pinned baseline."""
        app = services(state)
        since = with_offset("since", since)
        await _require_endpoint(app, endpoint_id)
        rows = await app.drift.events(
            endpoint_id=endpoint_id,
            since=since,
            min_severity=severity.value,
            before_id=cursor,
            limit=limit + 1,
        )
        more = len(rows) > limit
        return DriftPage(
            items=[event_doc(row) for row in rows[:limit]],
            next_cursor=str(rows[limit - 1].id) if more else None,
        )

    @get(
        "/v1/reports/drift",
        operation_id="GetDriftReport",
        summary="Drift of every endpoint since a time (JSON, or CSV for spreadsheets)",
        responses={
            200: ResponseSpec(DriftReport, description="The report (JSON or CSV)"),
            400: PROBLEM_RESPONSE,
        },
        operation_class=_JsonOrCsv,
    )
    async def drift_report(
        self,
        state: State,
        since: Since = None,
        severity: MinSeverity = Severity.INFO,
        report_format: Annotated[
            ReportFormat, QueryParameter(name="format", description="`json` or `csv`.")
        ] = ReportFormat.JSON,
        limit: Annotated[int, QueryParameter(ge=1, le=10_000)] = 1000,
    ) -> Response[DriftReport | str]:
        """Newest first; `since` defaults to the last 24 hours."""
        app = services(state)
        now = app.clock()
        start = with_offset("since", since) or now - timedelta(days=1)
        events = await app.drift.report(since=start, min_severity=severity.value, limit=limit)
        if report_format is ReportFormat.CSV:
            return Response(drift_csv(events), media_type=CSV_MEDIA_TYPE)
        docs = [
            ReportedDrift(**msgspec.structs.asdict(doc), endpoint_url=url) for doc, url in events
        ]
        return Response(
            DriftReport(since=start, min_severity=severity.value, generated_at=now, events=docs)
        )

    @post(
        "/v1/endpoints/{endpoint_id:str}/baseline",
        operation_id="PinEndpointBaseline",
        opt={"scope": Scope.ADMIN},
        summary="Pin a scan as the endpoint's known-good state",
        description=(
            "Later scans are also compared with this one. Every open drift event of the "
            "endpoint is acknowledged and its latest scan re-scored."
        ),
        responses={400: PROBLEM_RESPONSE, 404: PROBLEM_RESPONSE, 409: PROBLEM_RESPONSE},
    )
    async def pin_baseline(
        self,
        request: Request[Any, Any, Any],
        state: State,
        endpoint_id: PathKey,
        data: JSONBody[BaselineRequest],
    ) -> BaselineDoc:
        """201 with the baseline; 409 when there is no completed scan to pin."""
        app = services(state)
        await _require_endpoint(app, endpoint_id)
        pinned = await app.drift.pin(
            endpoint_id, scan_id=data.scan_id, by=actor_name(request.scope), note=data.note
        )
        if pinned is None:
            which = f"scan {data.scan_id}" if data.scan_id else "any completed scan"
            raise ProblemError(
                HTTP_409_CONFLICT,
                "nothing-to-pin",
                "Nothing to pin",
                f"endpoint {endpoint_id} has no {which} to pin",
            )
        baseline, verdict = pinned
        return BaselineDoc(
            endpoint_id=baseline.endpoint_id,
            scan_id=baseline.scan_id,
            pinned_at=baseline.pinned_at,
            pinned_by=baseline.pinned_by,
            note=baseline.note,
            verdict=verdict,
        )

    @post(
        "/v1/drift/{event_id:int}/ack",
        operation_id="AcknowledgeDrift",
        opt={"scope": Scope.ADMIN},
        summary="Acknowledge a drift event",
        description="The event stops counting against stability; its endpoint is re-scored.",
        responses={400: PROBLEM_RESPONSE, 404: PROBLEM_RESPONSE},
        status_code=200,
    )
    async def acknowledge(
        self,
        request: Request[Any, Any, Any],
        state: State,
        event_id: Annotated[int, PathParameter(ge=1, le=MAX_ROW_ID)],
        data: JSONBody[AckRequest],
    ) -> AckResult:
        """Idempotent: acknowledging twice keeps the first stamp."""
        done = await services(state).drift.acknowledge(
            event_id, by=actor_name(request.scope), note=data.note
        )
        if done is None:
            raise not_found(f"drift event {event_id}")
        return AckResult(event=event_doc(done.event), verdict=done.verdict)

    @post(
        "/v1/endpoints/{endpoint_id:str}/rescan",
        operation_id="RescanEndpoint",
        opt={"scope": Scope.SCAN, "scan_cost": True},
        summary="Probe an endpoint again soon",
        description=(
            "Makes the endpoint due now; a worker probes it. Asking again within the cooldown "
            "gets 429 with Retry-After."
        ),
        status_code=202,
        responses={
            202: ResponseSpec(RescanAccepted, description="Due now; a worker probes it"),
            400: PROBLEM_RESPONSE,
            404: PROBLEM_RESPONSE,
            429: PROBLEM_RESPONSE,
        },
    )
    async def rescan(
        self, state: State, endpoint_id: PathKey
    ) -> Response[RescanAccepted | ProblemDetails]:
        """202, or 429 within the per-endpoint cooldown."""
        app = services(state)
        await _require_endpoint(app, endpoint_id)
        now = app.clock()
        async with app.sessions.begin() as session:
            again_at = await ScheduleRepository(session).request(
                endpoint_id, now=now, cooldown_s=app.schedule.rescan_cooldown_s
            )
        if again_at is None:
            return Response(RescanAccepted(endpoint_id=endpoint_id, due_at=now), status_code=202)
        wait_s = max(1, int((again_at - now).total_seconds() + 0.999))
        problem = ProblemDetails(
            type=TYPE_BASE + "rescan-cooldown",
            title="Too soon",
            status=HTTP_429_TOO_MANY_REQUESTS,
            detail=f"endpoint {endpoint_id} was asked for moments ago; retry in {wait_s} s",
        )
        return Response(
            problem,
            status_code=HTTP_429_TOO_MANY_REQUESTS,
            media_type=PROBLEM_MEDIA_TYPE,
            headers={"Retry-After": str(wait_s)},
        )


async def _require_endpoint(app: AppServices, endpoint_id: str) -> None:
    async with app.sessions() as session:
        if await EndpointRepository(session).get(endpoint_id) is None:
            raise not_found(f"endpoint {endpoint_id}")
