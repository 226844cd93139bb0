"""Scans: request an assessment, read its report, export it as SARIF."""

from __future__ import annotations

import asyncio
import logging
from typing import Annotated, Any

from litestar import Controller, Response, get, post
from litestar.datastructures import State
from litestar.openapi.datastructures import ResponseSpec
from litestar.openapi.spec import Example
from litestar.params import Body, QueryParameter

from trustsvc.api.errors import PROBLEM_RESPONSE, not_found, scan_failed
from trustsvc.api.params import PathKey
from trustsvc.api.schemas import ScanRequest, ScanStatus
from trustsvc.api.state import services
from trustsvc.auth.principal import Scope
from trustsvc.reports.sarif import to_sarif
from trustsvc.reports.schema import ScanReport
from trustsvc.reports.stored import report_from_stored
from trustsvc.scans.service import PreparedTarget
from trustsvc.services import AppServices
from trustsvc.store.repositories import (
    SCAN_COMPLETED,
    SCAN_INTERRUPTED,
    SCAN_RUNNING,
    ScanRepository,
    StoredScan,
    lease_lapsed,
)

log = logging.getLogger(__name__)

SARIF_MEDIA_TYPE = "application/sarif+json"


class ScansController(Controller):
    """The only API route that probes is POST /v1/scans; everything else reads."""

    path = "/v1/scans"
    tags = ["scans"]  # noqa: RUF012 - Litestar reads a plain class attribute
    opt = {"scope": Scope.READ}  # noqa: RUF012 - Litestar reads a plain class attribute

    @post(
        "/",
        operation_id="CreateScan",
        opt={"scope": Scope.SCAN, "scan_cost": True},
        summary="Assess an endpoint now",
        description=(
            "Probes the URL and stores the result. With `wait=true` (default) answers 201 with "
            "the report; with `wait=false` answers 202 at once with a Location to poll. A URL "
            "that is malformed or refused by the network policy gets 422 and nothing is stored."
        ),
        responses={
            # One schema a status: the return type's union would let either body match both.
            201: ResponseSpec(ScanReport, description="Assessed; the report"),
            202: ResponseSpec(ScanStatus, description="Accepted; poll the Location"),
            400: PROBLEM_RESPONSE,
            422: PROBLEM_RESPONSE,
        },
    )
    async def create_scan(
        self,
        state: State,
        # On the body: Litestar has no `request_body_examples` and dropped them silently.
        data: Annotated[
            ScanRequest, Body(examples=[Example(value={"url": "https://mcp.example.com/mcp"})])
        ],
        wait: Annotated[  # noqa: FBT002 - a query flag
            bool, QueryParameter(description="Wait for the report instead of answering 202.")
        ] = True,
    ) -> Response[ScanReport | ScanStatus]:
        """Validate, then probe inline or in the background."""
        app = services(state)
        prepared = await app.scans.prepare(data.url)
        scan_id = await app.scans.start(prepared, reason="api")
        location = f"/v1/scans/{scan_id}"
        if wait:
            report = await app.scans.finish(scan_id, prepared)
            return Response(report, status_code=201, headers={"Location": location})
        _run_in_background(app, scan_id, prepared)
        stored = await _stored(app, scan_id)
        body = ScanStatus(
            scan_id=scan_id,
            status=stored.scan.status,
            url=prepared.endpoint.url,
            requested_at=stored.scan.requested_at,
            location=location,
        )
        return Response(body, status_code=202, headers={"Location": location})

    @get(
        "/{scan_id:str}",
        operation_id="GetScan",
        summary="A scan's report",
        description=(
            "200 with the report when complete; 202 with the status while running; 409 when "
            "the scan failed, including `interrupted` (the process running it stopped)."
        ),
        responses={
            200: ResponseSpec(ScanReport, description="The report, as it was scored"),
            202: ResponseSpec(ScanStatus, description="Still running"),
            400: PROBLEM_RESPONSE,
            404: PROBLEM_RESPONSE,
            409: PROBLEM_RESPONSE,
        },
    )
    async def get_scan(self, state: State, scan_id: PathKey) -> Response[ScanReport | ScanStatus]:
        """Serve the stored report, exactly as it was scored.

        A running scan whose lease lapsed will never finish (its process died): it is
        answered as the failed scan the next sweep will record, never with another 202.
        """
        app = services(state)
        stored = await _stored(app, scan_id)
        if lease_lapsed(stored.scan, app.clock()):
            raise scan_failed(scan_id, SCAN_INTERRUPTED)
        if stored.scan.status == SCAN_RUNNING:
            body = ScanStatus(
                scan_id=scan_id,
                status=SCAN_RUNNING,
                url=stored.scan.endpoint.url,
                requested_at=stored.scan.requested_at,
                location=f"/v1/scans/{scan_id}",
            )
            return Response(body, status_code=202, headers={"Retry-After": "2"})
        return Response(await _completed_report(stored), status_code=200)

    @get(
        "/{scan_id:str}/sarif",
        operation_id="GetScanSarif",
        summary="A scan's bad findings as SARIF 2.1.0",
        media_type=SARIF_MEDIA_TYPE,
        responses={400: PROBLEM_RESPONSE, 404: PROBLEM_RESPONSE, 409: PROBLEM_RESPONSE},
    )
    async def get_scan_sarif(self, state: State, scan_id: PathKey) -> dict[str, Any]:
        """One SARIF result per finding whose outcome is the bad one."""
        app = services(state)
        report = await _completed_report(await _stored(app, scan_id))
        return await asyncio.to_thread(to_sarif, report, app.scans.catalogue)


async def _stored(app: AppServices, scan_id: str) -> StoredScan:
    async with app.sessions() as session:
        stored = await ScanRepository(session).get(scan_id)
    if stored is None:
        raise not_found(f"scan {scan_id}")
    return stored


async def _completed_report(stored: StoredScan) -> ScanReport:
    """The stored report, rebuilt in a thread.

    Thousands of findings take ~0.8 s of CPU, which on the loop would hold every lookup in
    flight as long.
    """
    if stored.scan.status != SCAN_COMPLETED:
        raise scan_failed(stored.scan.id, stored.scan.error)
    return await asyncio.to_thread(report_from_stored, stored, stored.scan.endpoint.url)


def _run_in_background(app: AppServices, scan_id: str, prepared: PreparedTarget) -> None:
    async def run() -> object:
        try:
            return await app.scans.finish(scan_id, prepared)
        except Exception:
            log.exception("background scan %s failed", scan_id)
            return None

    task: asyncio.Task[object] = asyncio.create_task(run(), name=f"scan-{scan_id}")
    app.background.add(task)
    task.add_done_callback(app.background.discard)
